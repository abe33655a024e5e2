"""Routes of the work teams, under /people/teams/."""

from django.urls import path

from tuopin.people import teams_views as views

urlpatterns = [
    path("teams/", views.team_list, name="teams"),
    path("teams/download/", views.team_list_download, name="teams_download"),
    path("teams/new/", views.team_new, name="team_new"),
    path("teams/import/", views.teams_import, name="teams_import"),
    path("teams/<int:team_id>/", views.team_page, name="team"),
    path("teams/<int:team_id>/sign/", views.team_sign, name="team_sign"),
    path("teams/<int:team_id>/attendance/", views.team_attendance, name="team_attendance"),
    path(
        "teams/<int:team_id>/attendance/download/",
        views.team_attendance_download,
        name="team_attendance_download",
    ),
    path("teams/<int:team_id>/postings/new/", views.posting_new, name="posting_new"),
    path("postings/<int:posting_id>/end/", views.posting_end_view, name="posting_end"),
]
