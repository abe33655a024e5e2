"""Ledger parameters in force: resolution per year and region, and setting them.

A parameter's value for (year, region) is the row of the most specific region on the
region's path (county before city before province) whose start year is the latest not
after `year`; without such a row, the shipped default (`tuopin.assistance.parameters`).
Rows are set for a city or a county only: the coverage checks read one value per county,
so a township or village row would be a value nobody applies.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from tuopin.accounts.roles import ROLE_PERMISSIONS, Permission, Role
from tuopin.accounts.selectors import user_assignments
from tuopin.assistance.models import LedgerParameter
from tuopin.assistance.parameters import PARAMETERS, parameter_department
from tuopin.core.errors import TuopinError
from tuopin.core.parameters import ParameterStore, Resolved
from tuopin.core.regioncodes import significant_prefix
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region

SETTABLE_LEVELS = (RegionLevel.CITY, RegionLevel.COUNTY)


STORE = ParameterStore(
    LedgerParameter, PARAMETERS, "ledger_parameter", noun="台账参数", noun_en="ledger parameter"
)
ResolvedParameter = Resolved
parameter_resolve = STORE.resolve  # every parameter in force for the year at the region
parameter_values = STORE.values  # code -> value in force (county over city over default)


def may_set_parameter(user, code: str, region: Region) -> bool:
    """At a city or county: an office that maintains ledgers or policy there
    (ASSISTANCE_EDIT, POLICY_EDIT), or a 行业部门 user there for their own department's
    parameters (parameters.parameter_department)."""
    if region.level not in SETTABLE_LEVELS:
        return False
    if user.is_superuser:
        return True
    department = parameter_department(code)
    for assignment in user_assignments(user):
        if not region.code.startswith(significant_prefix(assignment.region_id)):
            continue
        granted = ROLE_PERMISSIONS[assignment.role]
        if assignment.role == Role.SECTOR:
            if assignment.department and assignment.department == department:
                return True
        elif Permission.ASSISTANCE_EDIT in granted or Permission.POLICY_EDIT in granted:
            return True
    return False


def parameter_set(
    *, acting_user, code: str, region: Region, year: int, value, note: str = ""
) -> LedgerParameter:
    """Set a parameter for a city or county from `year` on (history kept by the model).

    Allowed as `may_set_parameter` says."""
    STORE.require_known(code)
    if region.level not in SETTABLE_LEVELS:
        raise TuopinError(
            "ledger_parameter_level",
            "台账参数只能按市或县（区）设置",
            "ledger parameters are set for a city or a county only",
            field="region",
        )
    if acting_user is not None and not may_set_parameter(acting_user, code, region):
        raise PermissionDenied(
            "没有权限：只能设置本部门、本区域的台账参数 "
            "(you may set only your department's ledger parameters in your region)"
        )
    return STORE.write(
        acting_user=acting_user, code=code, region=region, year=year, value=value, note=note
    )
