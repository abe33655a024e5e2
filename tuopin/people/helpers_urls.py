"""Routes of helpers, pairings, visits and their checks (included by people/urls.py)."""

from django.urls import path

from tuopin.people import helpers_views as views
from tuopin.people import visits_views

urlpatterns = [
    path("helpers/", views.helper_list, name="helpers"),
    path("helpers/new/", views.helper_form, name="helper_new"),
    path("helpers/<int:helper_id>/", views.helper_page, name="helper"),
    path("helpers/<int:helper_id>/edit/", views.helper_form, name="helper_edit"),
    path("helpers/import/", views.helpers_import, name="helpers_import"),
    path("households/<int:household_id>/pair/", views.pairing_new, name="pairing_new"),
    path("households/<int:household_id>/helpers/", views.household_panel, name="household_helpers"),
    path("pairings/<int:pairing_id>/end/", views.pairing_end_view, name="pairing_end"),
    path("households/<int:household_id>/visits/new/", visits_views.visit_new, name="visit_new"),
    path("visits/<int:visit_id>/", visits_views.visit_page, name="visit"),
    path("visit-photos/<int:photo_id>/", visits_views.visit_photo, name="visit_photo"),
]
