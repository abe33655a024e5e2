from django.urls import path

from tuopin.web import job_views, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("regions/", views.regions, name="regions"),
    path("regions/<str:code>/", views.region_detail, name="region"),
    path("regions/<str:code>/edit/", views.region_edit, name="region_edit"),
    path("jobs/", job_views.job_list, name="jobs"),
    path("jobs/new/", job_views.job_create, name="job_create"),
    path("jobs/<int:job_id>/", job_views.job_detail, name="job"),
    path("jobs/<int:job_id>/progress/", job_views.job_progress, name="job_progress"),
    path("jobs/<int:job_id>/download/", job_views.job_download, name="job_download"),
]
