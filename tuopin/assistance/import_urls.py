"""Routes of the assistance app; see urls.py. Importing department spreadsheets."""

from django.urls import path

from tuopin.assistance import import_views

urlpatterns: list = [
    path("import/", import_views.import_index, name="import_index"),
    path("import/result/<int:job_id>/", import_views.import_result, name="import_result"),
    path("import/<slug:kind>/", import_views.ledger_import, name="import"),
]
