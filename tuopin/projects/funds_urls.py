"""Routes of the fund ledger (under /projects/funds/)."""

from django.urls import path

from tuopin.projects import funds_views as views

urlpatterns = [
    path("funds/", views.funds_ledger, name="funds_ledger"),
    path("funds/new/", views.fund_new, name="fund_new"),
    path("funds/<int:fund_id>/", views.fund_page, name="fund"),
    path("funds/<int:fund_id>/allocate/", views.allocation_new, name="allocation_new"),
    path("funds/<int:fund_id>/disburse/", views.disbursement_new, name="disbursement_new"),
    path("funds/disbursements/<int:disbursement_id>/pay/", views.payment_new, name="payment_new"),
    path("funds/payments/", views.payments_list, name="fund_payments"),
    path(
        "funds/payments/<int:payment_id>/reveal/<str:field>/",
        views.payment_reveal_view,
        name="fund_payment_reveal",
    ),
    path("funds/audit/", views.audit_view, name="funds_audit"),
    path("funds/integration/", views.integration_view, name="funds_integration"),
    path("funds/spending/", views.spending_view, name="funds_spending"),
    path("funds/download/<str:what>/", views.funds_download, name="funds_download"),
    path("funds/import/", views.funds_import_view, name="funds_import"),
]
