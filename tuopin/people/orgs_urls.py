"""Routes of weak branches, enterprises, workshops and 四有 (under /people/)."""

from django.urls import path

from tuopin.people import orgs_views as views

urlpatterns = [
    path("branches/", views.branch_list, name="branches"),
    path("branches/new/", views.branch_new, name="branch_new"),
    path("branches/<int:branch_id>/", views.branch_page, name="branch"),
    path("branches/<int:branch_id>/plan/", views.branch_plan, name="branch_plan"),
    path("branches/<int:branch_id>/note/", views.branch_note, name="branch_note"),
    path("branches/<int:branch_id>/sign-off/", views.branch_sign_off, name="branch_sign_off"),
    path("enterprises/", views.enterprise_list, name="enterprises"),
    path("enterprises/<int:enterprise_id>/", views.enterprise_page, name="enterprise"),
    path("workshops/", views.workshop_list, name="workshops"),
    path("workshops/<int:workshop_id>/", views.workshop_page, name="workshop"),
    path("siyou/", views.siyou_page, name="siyou"),
    path("orgs/<str:what>/download/", views.orgs_download, name="orgs_download"),
    path("orgs/import/", views.orgs_import, name="orgs_import"),
]
