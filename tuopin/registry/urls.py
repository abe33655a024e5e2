from django.urls import path

from tuopin.registry import views

app_name = "registry"
urlpatterns = [
    path("households/", views.household_list, name="households"),
    path("import/", views.registry_import, name="import"),
    path("households/<int:household_id>/", views.household_page, name="household"),
    path("members/<int:member_id>/reveal/", views.member_reveal, name="member_reveal"),
]
