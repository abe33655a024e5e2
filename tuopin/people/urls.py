"""The people app's pages, under /people/: each part keeps its routes in its module and
adds them here."""

from django.urls import path

from tuopin.people import (
    checks_urls,
    helpers_urls,
    my_views,
    orgs_urls,
    params_views,
    parks_views,
    ratings_urls,
    teams_urls,
    views,
)

app_name = "people"
urlpatterns = [
    path("", views.people_index, name="index"),
    path("parameters/", params_views.people_parameters, name="parameters"),
    path("parks/", parks_views.park_list, name="parks"),
    path("mine/", my_views.my_list, name="my_households"),
    path("mine/<int:household_id>/", my_views.my_household_page, name="my_household"),
    path("helpers/<int:helper_id>/account/", my_views.helper_account, name="helper_account"),
    path("parks/<int:park_id>/delete/", parks_views.park_delete, name="park_delete"),
    *teams_urls.urlpatterns,
    *orgs_urls.urlpatterns,
    *ratings_urls.urlpatterns,  # star ratings and incentives, cadre training
    *helpers_urls.urlpatterns,
    *checks_urls.urlpatterns,  # 帮扶力量核查: every check of the app
]
