from django.urls import path

from tuopin.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("tasks/", views.tasks, name="tasks"),
    path("new/", views.propose, name="propose"),
    path("<int:case_id>/", views.case_page, name="case"),
    path("<int:case_id>/act/", views.case_action, name="act"),
    path("batches/exit/", views.exit_batch, name="exit_batch"),
    path("batches/<int:batch_id>/", views.batch_page, name="batch"),
    path("batches/<int:batch_id>/act/", views.batch_action, name="batch_act"),
    path("notices/<int:notice_id>/print/", views.notice_print, name="notice_print"),
    path("monitoring/", views.monitoring, name="monitoring"),
    path("overrides/", views.overrides, name="overrides"),
    path("settings/<str:county_code>/", views.county_settings, name="county_settings"),
    path("households/<int:household_id>/", views.household_cases, name="household_cases"),
]

public_urlpatterns = [
    path("", views.public_notice_list, name="public_notices"),
    path("<int:notice_id>/", views.public_notice, name="public_notice"),
]
