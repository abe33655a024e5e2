"""The pages of 项目库与资金, under /projects/: each part keeps its routes in its module
and adds them here."""

from django.urls import path

from tuopin.projects import disclosure_urls, funds_urls, library_urls, views, warnings_urls

app_name = "projects"
urlpatterns = [
    path("", views.projects_index, name="index"),
    *library_urls.urlpatterns,
    *funds_urls.urlpatterns,
    *warnings_urls.urlpatterns,
    *disclosure_urls.urlpatterns,  # 公告公示 (staff) and 项目资金参数
]
