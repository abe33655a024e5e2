"""Who may import which ledger where: whoever keeps it there (selectors.may_edit_ledger:
ASSISTANCE_EDIT in the region, and for a 行业部门 user only their department's ledgers)."""

from django.core.exceptions import PermissionDenied

from tuopin.assistance.kinds import KINDS
from tuopin.assistance.layouts import LAYOUTS
from tuopin.assistance.selectors import may_edit_ledger


def importable_kinds(user, region_code: str | None = None) -> list[str]:
    """The ledger kinds `user` may import (in `region_code`, or anywhere in their scope),
    in the order of kinds.py."""
    return [
        code
        for code, kind in KINDS.items()
        if code in LAYOUTS and may_edit_ledger(user, kind, region_code)
    ]


def require_importable(user, kind: str, region_code: str) -> None:
    if kind not in importable_kinds(user, region_code):
        raise PermissionDenied(
            "没有权限导入这种台账（只能导入本部门、本区域的台账） "
            "(you may import only your department's ledgers in your region)"
        )
