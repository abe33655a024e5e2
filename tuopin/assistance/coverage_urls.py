"""Routes of the coverage checks (覆盖核查) and the ledger parameters; see urls.py."""

from django.urls import path

from tuopin.assistance import coverage_views

urlpatterns = [
    path("coverage/", coverage_views.scorecard, name="coverage"),
    path("coverage/parameters/", coverage_views.parameters, name="coverage_parameters"),
    path("coverage/<str:check>/", coverage_views.check_list, name="coverage_list"),
    path(
        "coverage/<str:check>/download/",
        coverage_views.check_download,
        name="coverage_download",
    ),
]
