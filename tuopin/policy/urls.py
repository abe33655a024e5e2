from django.urls import path

from tuopin.policy import views

app_name = "policy"
urlpatterns = [
    path("", views.policies, name="policies"),
    path("standards/<int:policy_id>/", views.policy_page, name="policy"),
    path("standards/<int:policy_id>/draft/", views.policy_draft, name="policy_draft"),
    path("standards/<int:policy_id>/edit/", views.policy_edit, name="policy_edit"),
    path("standards/<int:policy_id>/clauses/", views.clause_edit, name="clause_edit"),
    path("standards/<int:policy_id>/publish/", views.policy_publish_view, name="policy_publish"),
    path("runs/", views.runs, name="runs"),
    path("runs/<int:run_id>/", views.run_page, name="run"),
    path("runs/<int:run_id>/compare/<int:other_id>/", views.run_compare, name="run_compare"),
    path("runs/<int:run_id>/export/", views.ledger_export, name="ledger_export"),
    path("ledgers/<str:kind>/", views.ledger, name="ledger"),
    path("ledgers/<str:kind>/export/", views.ledger_parts_export, name="ledger_parts_export"),
    path("villages/", views.village_ledger, name="village_ledger"),
    path("counties/", views.county_ledger, name="county_ledger"),
    path("counties/download/", views.county_ledger_download, name="county_ledger_download"),
    path("households/<int:household_id>/", views.household_panel, name="household_panel"),
    path("indicators/villages/<str:code>/", views.village_indicators, name="village_indicators"),
    path("indicators/counties/<str:code>/", views.county_indicators, name="county_indicators"),
    path("indicators/import/", views.indicators_upload, name="indicators_upload"),
]
