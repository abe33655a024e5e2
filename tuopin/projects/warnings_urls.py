"""Routes of the funds' early warnings, under /projects/warnings/."""

from django.urls import path

from tuopin.projects import warnings_views as views

urlpatterns = [
    path("warnings/", views.warnings_inbox, name="warnings"),
    path("warnings/download/", views.warnings_download, name="warnings_download"),
    path("warnings/scorecard/", views.warnings_scorecard, name="warnings_scorecard"),
    path("warnings/<int:pk>/", views.warning_page, name="warning"),
    path("warnings/<int:pk>/handle/", views.warning_handle, name="warning_handle"),
]
