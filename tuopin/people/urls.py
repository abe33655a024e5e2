"""The people app's pages, under /people/: each part keeps its routes in its module and
adds them here."""

from django.urls import path

from tuopin.people import helpers_urls, views

app_name = "people"
urlpatterns = [
    path("", views.people_index, name="index"),
    *helpers_urls.urlpatterns,
]
