"""Data-quality scorecard URLs, included by config/urls.py under `quality/`."""

from django.urls import path

from tuopin.registry import quality_views

app_name = "quality"
urlpatterns = [
    path("", quality_views.scorecard, name="scorecard"),
    path("<str:check>/", quality_views.check_list, name="list"),
    path("<str:check>/download/", quality_views.check_download, name="download"),
]
