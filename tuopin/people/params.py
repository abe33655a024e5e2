"""People parameters in force for a year at a region, and setting them (a city or a
county, by whoever keeps people data or policy there)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction

from tuopin.accounts.roles import Permission
from tuopin.accounts.selectors import has_permission
from tuopin.core.errors import TuopinError
from tuopin.core.parameters import Parameter, region_path, rows_in_force
from tuopin.people import access
from tuopin.people.models import PeopleParameter
from tuopin.people.parameters import PARAMETERS
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region

SETTABLE_LEVELS = (RegionLevel.CITY, RegionLevel.COUNTY)


@dataclass(frozen=True)
class ResolvedParameter:
    parameter: Parameter
    value: Decimal
    row: PeopleParameter | None  # None: the shipped default applies

    @property
    def unconfirmed_default(self) -> bool:
        return self.row is None and not self.parameter.confirmed


def people_parameter_resolve(year: int, region_code: str) -> dict[str, ResolvedParameter]:
    path = region_path(region_code)
    rows = PeopleParameter.objects.filter(region_id__in=path, year__lte=year)
    chosen = rows_in_force(rows, path)
    return {
        code: ResolvedParameter(
            parameter, chosen[code].value if code in chosen else parameter.default, chosen.get(code)
        )
        for code, parameter in PARAMETERS.items()
    }


def people_parameter_values(year: int, region_code: str) -> dict[str, Decimal]:
    """code -> value in force for the year at the region."""
    return {code: item.value for code, item in people_parameter_resolve(year, region_code).items()}


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
    if code not in PARAMETERS:
        raise TuopinError(
            "people_parameter_unknown",
            f"没有代码为“{code}”的参数",
            f"there is no parameter '{code}'",
            field="code",
        )
    if region.level not in SETTABLE_LEVELS:
        raise TuopinError(
            "people_parameter_level",
            "参数只能按市或县（区）设置",
            "parameters are set for a city or a county only",
            field="region",
        )
    if acting_user is not None and not may_set_people_parameter(acting_user, region, code):
        raise PermissionDenied("没有权限：设置本区域的参数 (you may not set parameters here)")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise TuopinError(
            "people_parameter_year",
            f"起始年度“{year}”无效",
            f"invalid start year '{year}'",
            field="year",
        )
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or not amount.is_finite() or amount < 0 or amount >= Decimal("1e10"):
        raise TuopinError(
            "people_parameter_value",
            f"取值“{value}”无效：应为不小于 0 的数",
            f"invalid value '{value}': a number of at least 0",
            field="value",
        )
    with transaction.atomic():
        row, _created = PeopleParameter.objects.update_or_create(
            code=code,
            region=region,
            year=year,
            defaults={
                "value": amount.quantize(Decimal("0.0001")),
                "note": note[:200],
                "set_by": acting_user,
            },
        )
    return row
