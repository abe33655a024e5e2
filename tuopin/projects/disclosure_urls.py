"""The routes of the notices (公告公示): the staff's under /projects/ and the public ones
under /disclosure/ (config/urls.py, namespace "disclosure")."""

from django.urls import path

from tuopin.projects import disclosure_views, params_views, public_views

urlpatterns = [
    path("disclosures/", disclosure_views.disclosure_list, name="disclosures"),
    path("disclosures/new/", disclosure_views.disclosure_new, name="disclosure_new"),
    path("disclosures/<int:disclosure_id>/", disclosure_views.disclosure_page, name="disclosure"),
    path(
        "disclosures/<int:disclosure_id>/print/",
        disclosure_views.disclosure_print,
        name="disclosure_print",
    ),
    path(
        "disclosures/<int:disclosure_id>/withdraw/",
        disclosure_views.disclosure_withdraw_view,
        name="disclosure_withdraw",
    ),
    path("parameters/", params_views.funds_parameters, name="parameters"),
]

public_urlpatterns = [
    path("", public_views.public_list, name="list"),
    path("<int:disclosure_id>/", public_views.public_page, name="notice"),
    path("<int:disclosure_id>/print/", public_views.public_print, name="print"),
]
