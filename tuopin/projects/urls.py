"""The pages of 项目库与资金, under /projects/: each part keeps its routes in its module
and adds them here."""

from django.urls import path

from tuopin.projects import funds_urls, library_urls, views, warnings_urls

app_name = "projects"
urlpatterns = [
    path("", views.projects_index, name="index"),
    *library_urls.urlpatterns,
    *funds_urls.urlpatterns,
    *warnings_urls.urlpatterns,
]
