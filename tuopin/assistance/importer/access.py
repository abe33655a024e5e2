"""Who may import which ledger where: ASSISTANCE_EDIT in the region, and for a 行业部门
user only the kinds their department keeps (kinds.kinds_of_department)."""

from django.core.exceptions import PermissionDenied

from tuopin.accounts.roles import ROLE_PERMISSIONS, Permission, Role
from tuopin.accounts.selectors import has_permission, user_assignments
from tuopin.assistance.kinds import KINDS, kinds_of_department
from tuopin.assistance.layouts import LAYOUTS
from tuopin.core.regioncodes import significant_prefix


def importable_kinds(user, region_code: str | None = None) -> list[str]:
    """The ledger kinds `user` may import (in `region_code`, or anywhere in their scope),
    in the order of kinds.py."""
    if user.is_superuser:
        return [code for code in KINDS if code in LAYOUTS]
    allowed: set[str] = set()
    for assignment in user_assignments(user):
        if Permission.ASSISTANCE_EDIT not in ROLE_PERMISSIONS.get(assignment.role, ()):
            continue
        if region_code and not region_code.startswith(significant_prefix(assignment.region_id)):
            continue
        if assignment.role == Role.SECTOR:
            # kinds.py's rule: a department's own kinds (blank: every kind, as it reads).
            allowed.update(kind.code for kind in kinds_of_department(assignment.department))
        else:
            allowed.update(KINDS)
    return [code for code in KINDS if code in allowed and code in LAYOUTS]


def require_importable(user, kind: str, region_code: str) -> None:
    if not has_permission(user, Permission.ASSISTANCE_EDIT, region_code) or kind not in (
        importable_kinds(user, region_code)
    ):
        raise PermissionDenied(
            "没有权限导入这种台账（只能导入本部门、本区域的台账） "
            "(you may import only your department's ledgers in your region)"
        )
