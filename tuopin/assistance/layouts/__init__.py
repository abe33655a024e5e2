"""The layout of every ledger kind's spreadsheet (kinds.py codes -> Layout)."""

from tuopin.assistance.layouts import (
    education,
    employment,
    health,
    housing,
    income,
    loans,
    payments,
    social,
)
from tuopin.assistance.layouts.base import CHILD, HOUSEHOLD, MEMBER, VILLAGE, Column, Layout, Parent
from tuopin.core.errors import TuopinError

LAYOUTS: dict[str, Layout] = {
    layout.kind: layout
    for module in (employment, loans, education, health, housing, income, social)
    for layout in module.LAYOUTS
} | {layout.kind: layout for layout in payments.PAYMENT_LAYOUTS}


def layout_of(kind: str) -> Layout:
    layout = LAYOUTS.get(kind)
    if layout is None:
        known = "、".join(sorted(LAYOUTS))
        raise TuopinError(
            "ledger_kind_unknown",
            f"没有“{kind}”这种台账；可用：{known}",
            f"no ledger kind '{kind}'; known kinds: {known}",
        )
    return layout


__all__ = [
    "CHILD",
    "HOUSEHOLD",
    "LAYOUTS",
    "MEMBER",
    "VILLAGE",
    "Column",
    "Layout",
    "Parent",
    "layout_of",
]
