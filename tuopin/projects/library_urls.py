"""Routes of the project library, under /projects/library/."""

from django.urls import path

from tuopin.projects import library_import_views
from tuopin.projects import library_views as views

urlpatterns = [
    path("library/", views.library, name="library"),
    path("library/download/", views.library_download, name="library_download"),
    path("library/report/", views.library_report, name="library_report"),
    path("library/new/", views.project_new, name="project_new"),
    path("library/import/", library_import_views.library_import_view, name="library_import"),
    path("library/versions/", views.library_versions, name="library_versions"),
    path(
        "library/versions/refresh/",
        views.library_versions_refresh,
        name="library_versions_refresh",
    ),
    path("library/<int:project_id>/", views.project_page, name="project"),
    path("library/<int:project_id>/step/<slug:action>/", views.project_step, name="project_step"),
    path("library/<int:project_id>/edit/", views.project_edit, name="project_edit"),
    path("library/<int:project_id>/route/", views.project_route_view, name="project_route"),
    path("library/<int:project_id>/progress/", views.project_progress, name="project_progress"),
    path(
        "library/<int:project_id>/beneficiaries/",
        views.project_beneficiary_add,
        name="project_beneficiary_add",
    ),
    path(
        "library/beneficiaries/<int:beneficiary_id>/remove/",
        views.project_beneficiary_remove,
        name="project_beneficiary_remove",
    ),
]
