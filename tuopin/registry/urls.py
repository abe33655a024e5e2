from django.urls import path

from tuopin.registry import views

app_name = "registry"
urlpatterns = [
    path("households/", views.household_list, name="households"),
    path("import/", views.registry_import, name="import"),
    path("households/<int:household_id>/", views.household_page, name="household"),
    path("households/<int:household_id>/edit/", views.household_edit, name="household_edit"),
    path("households/<int:household_id>/events/", views.member_event, name="member_event"),
    path("members/<int:member_id>/reveal/", views.member_reveal, name="member_reveal"),
]
