"""The funds' parameters in force for a year at a region, and setting them (a city or a
county, by whoever sets policy there or handles the funds' warnings)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from tuopin.accounts.roles import Permission
from tuopin.accounts.selectors import has_permission
from tuopin.core.errors import TuopinError
from tuopin.core.parameters import ParameterStore
from tuopin.projects import access
from tuopin.projects.models import FundsParameter
from tuopin.projects.parameters import PARAMETERS
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region

SETTABLE_LEVELS = (RegionLevel.CITY, RegionLevel.COUNTY)
STORE = ParameterStore(FundsParameter, PARAMETERS, "funds_parameter")
funds_parameter_resolve = STORE.resolve
funds_parameter_values = STORE.values


def may_set_funds_parameter(user, region: Region) -> bool:
    """At a city or county: whoever sets policy there, or handles the funds' warnings."""
    if region.level not in SETTABLE_LEVELS:
        return False
    return has_permission(user, Permission.POLICY_EDIT, region.code) or access.may_keep(
        user, access.WARNINGS, region.code
    )


def funds_parameter_set(
    *, acting_user, code: str, region: Region, year: int, value, note: str = ""
) -> FundsParameter:
    if region.level not in SETTABLE_LEVELS:
        raise TuopinError(
            "funds_parameter_level",
            "参数只能按市或县（区）设置",
            "parameters are set for a city or a county only",
            field="region",
        )
    if acting_user is not None and not may_set_funds_parameter(acting_user, region):
        raise PermissionDenied("没有权限：设置本区域的参数 (you may not set parameters here)")
    return STORE.write(
        acting_user=acting_user, code=code, region=region, year=year, value=value, note=note
    )
