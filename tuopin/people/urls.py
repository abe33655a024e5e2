"""The people app's pages, under /people/: each part keeps its routes in its module and
adds them here."""

from django.urls import path

from tuopin.people import checks_urls, helpers_urls, orgs_urls, ratings_urls, teams_urls, views

app_name = "people"
urlpatterns = [
    path("", views.people_index, name="index"),
    *teams_urls.urlpatterns,
    *orgs_urls.urlpatterns,
    *ratings_urls.urlpatterns,  # star ratings and incentives, cadre training
    *helpers_urls.urlpatterns,
    *checks_urls.urlpatterns,  # 帮扶力量核查: every check of the app
]
