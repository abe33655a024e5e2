"""People parameters in force for a year at a region, and setting them (a city or a
county, by whoever keeps people data or policy there)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from tuopin.accounts.roles import Permission
from tuopin.accounts.selectors import has_permission
from tuopin.core.errors import TuopinError
from tuopin.core.parameters import ParameterStore, Resolved
from tuopin.people import access
from tuopin.people.models import PeopleParameter
from tuopin.people.parameters import PARAMETERS
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region

SETTABLE_LEVELS = (RegionLevel.CITY, RegionLevel.COUNTY)


STORE = ParameterStore(PeopleParameter, PARAMETERS, "people_parameter")
ResolvedParameter = Resolved
people_parameter_resolve = STORE.resolve
people_parameter_values = STORE.values  # code -> value in force for the year at the region


# The topic whose keepers set a parameter (a department sets only its own: 组织部 the
# teams' and branches', 人社局 the workshops').
PARAMETER_TOPICS = {
    "team_members_min": access.TEAMS,
    "posting_years_min": access.TEAMS,
    "days_in_village_min": access.ATTENDANCE,
    "weak_branch_share_min": access.BRANCHES,
    "weak_branch_share_max": access.BRANCHES,
    "workshop_poor_employees_min": access.WORKSHOPS,
    "workshop_poor_share_min": access.WORKSHOPS,
    "workshop_months_min": access.WORKSHOPS,
    "workshop_wage_min": access.WORKSHOPS,
    "rating_award_per_star": access.RATINGS,
    "consolidation_years": access.HELPERS,
    "helper_households_max": access.HELPERS,
    "visit_interval_days": access.VISITS,
}


def may_set_people_parameter(user, region: Region, code: str) -> bool:
    """At a city or county: whoever sets policy there, or keeps the parameter's topic."""
    if region.level not in SETTABLE_LEVELS:
        return False
    if has_permission(user, Permission.POLICY_EDIT, region.code):
        return True
    return has_permission(user, Permission.PEOPLE_EDIT, region.code) and access.may_keep(
        user, PARAMETER_TOPICS[code], region.code
    )


def people_parameter_set(
    *, acting_user, code: str, region: Region, year: int, value, note: str = ""
) -> PeopleParameter:
    STORE.require_known(code)
    if region.level not in SETTABLE_LEVELS:
        raise TuopinError(
            "people_parameter_level",
            "参数只能按市或县（区）设置",
            "parameters are set for a city or a county only",
            field="region",
        )
    if acting_user is not None and not may_set_people_parameter(acting_user, region, code):
        raise PermissionDenied("没有权限：设置本区域的参数 (you may not set parameters here)")
    return STORE.write(
        acting_user=acting_user, code=code, region=region, year=year, value=value, note=note
    )
