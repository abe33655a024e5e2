from django.urls import path

from tuopin.registry import views

app_name = "registry"
urlpatterns = [
    path("households/", views.household_list, name="households"),
    path("import/", views.registry_import, name="import"),
    path("households/<int:household_id>/", views.household_page, name="household"),
    path("households/<int:household_id>/edit/", views.household_edit, name="household_edit"),
    path("households/<int:household_id>/events/", views.member_event, name="member_event"),
    path("households/<int:household_id>/members/new/", views.member_new, name="member_new"),
    path("members/<int:member_id>/edit/", views.member_edit, name="member_edit"),
    path("members/<int:member_id>/reveal/", views.member_reveal, name="member_reveal"),
    path(
        "households/<int:household_id>/reveal/<str:field>/",
        views.household_contact_reveal_view,
        name="household_contact_reveal",
    ),
]
