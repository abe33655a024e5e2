"""Routes of the ledger pages (see urls.py): a ledger's code is part of its URLs, and only
the codes of kinds.py match, so the other parts' routes under /ledgers/ stay theirs."""

import re

from django.urls import path, register_converter

from tuopin.assistance import household_views, views
from tuopin.assistance.kinds import KINDS


class LedgerKindConverter:
    # Longest first, so "loan_repayment" is not read as "loan".
    regex = "|".join(re.escape(code) for code in sorted(KINDS, key=len, reverse=True))

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(LedgerKindConverter, "ledger")

urlpatterns = [
    path("", views.ledger_index_page, name="ledgers"),
    path("households/<int:household_id>/", household_views.household_card_page, name="household"),
    path(
        "households/<int:household_id>/ledgers/",
        household_views.household_ledgers_panel,
        name="household_ledgers",
    ),
    path("<ledger:kind>/", views.ledger_list, name="ledger_list"),
    path("<ledger:kind>/download/", views.ledger_download, name="ledger_download"),
    path("<ledger:kind>/new/", views.ledger_entry_new, name="ledger_entry_new"),
    path("<ledger:kind>/<int:entry_id>/", views.ledger_entry, name="ledger_entry"),
    path("<ledger:kind>/<int:entry_id>/edit/", views.ledger_entry_edit, name="ledger_entry_edit"),
    path(
        "<ledger:kind>/<int:entry_id>/<slug:child>/new/",
        views.ledger_child_new,
        name="ledger_child_new",
    ),
    path(
        "<ledger:kind>/<int:entry_id>/reveal/",
        views.ledger_entry_reveal,
        name="ledger_entry_reveal",
    ),
    path(
        "<ledger:kind>/<int:entry_id>/review/",
        views.ledger_entry_review_view,
        name="ledger_entry_review",
    ),
]
