"""Ledger parameters in force: resolution per year and region, and setting them.

A parameter's value for (year, region) is the row of the most specific region on the
region's path (county before city before province) whose start year is the latest not
after `year`; without such a row, the shipped default (`tuopin.assistance.parameters`).
Rows are set for a city or a county only: the coverage checks read one value per county,
so a township or village row would be a value nobody applies.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction

from tuopin.accounts.roles import ROLE_PERMISSIONS, Permission, Role
from tuopin.accounts.selectors import user_assignments
from tuopin.assistance.models import LedgerParameter
from tuopin.assistance.parameters import PARAMETERS, Parameter, parameter_department
from tuopin.core.errors import TuopinError
from tuopin.core.parameters import region_path, rows_in_force
from tuopin.core.regioncodes import significant_prefix
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region

SETTABLE_LEVELS = (RegionLevel.CITY, RegionLevel.COUNTY)


@dataclass(frozen=True)
class ResolvedParameter:
    parameter: Parameter
    value: Decimal
    row: LedgerParameter | None  # None: the shipped default applies

    @property
    def is_default(self) -> bool:
        return self.row is None

    @property
    def unconfirmed_default(self) -> bool:
        """A shipped default without a Henan 2018 source: shown as 「默认值，待核实」."""
        return self.row is None and not self.parameter.confirmed


def parameter_resolve(year: int, region_code: str) -> dict[str, ResolvedParameter]:
    """Every parameter in force for the year at the region (one query)."""
    path = region_path(region_code)
    rows = LedgerParameter.objects.filter(region_id__in=path, year__lte=year).select_related(
        "region"
    )
    chosen = rows_in_force(rows, path)
    resolved = {}
    for code, parameter in PARAMETERS.items():
        row = chosen.get(code)
        resolved[code] = ResolvedParameter(parameter, row.value if row else parameter.default, row)
    return resolved


def parameter_values(year: int, region_code: str) -> dict[str, Decimal]:
    """code -> value in force for the year at the region (county over city over default)."""
    return {code: item.value for code, item in parameter_resolve(year, region_code).items()}


def _invalid(code: str, zh: str, en: str, field: str) -> TuopinError:
    return TuopinError(code, zh, en, field=field)


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
    if code not in PARAMETERS:
        raise _invalid(
            "ledger_parameter_unknown",
            f"没有代码为“{code}”的台账参数",
            f"there is no ledger parameter '{code}'",
            "code",
        )
    if region.level not in SETTABLE_LEVELS:
        raise _invalid(
            "ledger_parameter_level",
            "台账参数只能按市或县（区）设置",
            "ledger parameters are set for a city or a county only",
            "region",
        )
    if acting_user is not None and not may_set_parameter(acting_user, code, region):
        raise PermissionDenied(
            "没有权限：只能设置本部门、本区域的台账参数 "
            "(you may set only your department's ledger parameters in your region)"
        )
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise _invalid(
            "ledger_parameter_year",
            f"起始年度“{year}”无效",
            f"invalid start year '{year}'",
            "year",
        )
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or not amount.is_finite() or amount < 0 or amount >= Decimal("1e10"):
        raise _invalid(
            "ledger_parameter_value",
            f"取值“{value}”无效：应为不小于 0 的数",
            f"invalid value '{value}': a number of at least 0",
            "value",
        )
    amount = amount.quantize(Decimal("0.0001"))
    with transaction.atomic():
        row, _created = LedgerParameter.objects.update_or_create(
            code=code,
            region=region,
            year=year,
            defaults={"value": amount, "note": note[:200], "set_by": acting_user},
        )
    return row
