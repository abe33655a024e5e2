"""Routes of 帮扶力量核查, under /people/checks/."""

from django.urls import path

from tuopin.people import checks_views as views

urlpatterns = [
    path("checks/", views.checks_scorecard, name="checks"),
    path("checks/<slug:code>/", views.check_list, name="check_list"),
    path("checks/<slug:code>/download/", views.check_download, name="check_download"),
]
