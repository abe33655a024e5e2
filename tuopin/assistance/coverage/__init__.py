"""Coverage checks of the sector ledgers (覆盖核查): running them, scorecards, lists.

The checks live in `checks` (one set-based query each) on the frame of `framework`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import CharField, Count, F, IntegerField, QuerySet, Value
from django.db.models.functions import Coalesce, Substr

from tuopin.assistance.coverage import checks as _checks  # noqa: F401  (registers the checks)
from tuopin.assistance.coverage.framework import (
    CHECKS,
    CHILD_PREFIX_LENGTH,
    DEFAULT_YEAR,
    UNITS,
    Check,
    Context,
    analytic_queries,
    context_for,
)
from tuopin.assistance.kinds import KINDS
from tuopin.assistance.selectors import ledger_kinds_for_user
from tuopin.core.errors import TuopinError
from tuopin.regions.models import Region
from tuopin.registry.selectors import head_name_subquery

__all__ = [
    "CHECKS",
    "DEFAULT_YEAR",
    "UNITS",
    "Check",
    "Context",
    "checks_read_by",
    "context_for",
    "coverage_by_region",
    "coverage_counts",
    "coverage_list",
    "get_check",
]


def unknown_check(code: str) -> TuopinError:
    return TuopinError(
        "coverage_check_unknown",
        f"没有代码为“{code}”的覆盖核查；可用的核查：{', '.join(CHECKS)}",
        f"there is no coverage check with code '{code}'; the checks: {', '.join(CHECKS)}",
        field="check",
    )


def get_check(code: str) -> Check:
    try:
        return CHECKS[code]
    except KeyError:
        raise unknown_check(code) from None


def checks_read_by(user) -> list[Check]:
    """The checks of the ledgers the user reads (the ledger scope's one rule,
    assistance.selectors): whoever reads every ledger (the offices, inspectors, auditors)
    every check, the office's own included; a sector user their department's; whoever
    reads no ledger (the hotline, a sector user without a department) none."""
    read = {kind.department for kind in ledger_kinds_for_user(user)}
    if read >= {kind.department for kind in KINDS.values()}:
        return list(CHECKS.values())
    return [check for check in CHECKS.values() if check.department in read]


def coverage_counts(
    user_or_none,
    *,
    region_prefix: str = "",
    year: int = DEFAULT_YEAR,
    as_of: date | None = None,
    codes: list[str] | None = None,
) -> dict[str, int]:
    """Offenders per check (in the check's unit): one COUNT query per check."""
    context = context_for(user_or_none, region_prefix=region_prefix, year=year, as_of=as_of)
    chosen = [get_check(code) for code in codes] if codes else list(CHECKS.values())
    counts = {}
    for check in chosen:
        with analytic_queries():
            counts[check.code] = check.offenders(context).count()
    return counts


# The drill-down columns every unit fills (see `coverage_list`).
LIST_FIELDS = (
    "row_id",
    "region_code",
    "region_name",
    "home_id",
    "home_number",
    "person_name",
    "person_id_number",
)


def _list_values(check: Check, found: QuerySet) -> QuerySet:
    unit = check.unit
    if unit == "household":
        columns = {
            "row_id": F("pk"),
            "region_code": F("village_id"),
            "region_name": F("village__name"),
            "home_id": F("pk"),
            "home_number": F("number"),
            "person_name": Coalesce(head_name_subquery(), Value(""), output_field=CharField()),
            "person_id_number": Value("", output_field=CharField()),
        }
        order = ("village_id", "number", "pk")
    elif unit == "member":
        columns = {
            "row_id": F("pk"),
            "region_code": F("household__village_id"),
            "region_name": F("household__village__name"),
            "home_id": F("household_id"),
            "home_number": F("household__number"),
            "person_name": F("name"),
            "person_id_number": F("id_number"),
        }
        order = ("household__village_id", "household__number", "pk")
    elif unit == "region":
        columns = {
            "row_id": F("pk"),
            "region_code": F("code"),
            "region_name": F("name"),
            "home_id": Value(None, output_field=IntegerField()),
            "home_number": Value("", output_field=CharField()),
            "person_name": Value("", output_field=CharField()),
            "person_id_number": Value("", output_field=CharField()),
        }
        order = ("code",)
    else:  # ledger rows, payments, loans: as received, with the registry match if any
        columns = {
            "row_id": F("pk"),
            "region_code": F("region_id"),
            "region_name": F("region__name"),
            "home_id": F("household_id"),
            "home_number": Coalesce(
                "household__number", "household_number", output_field=CharField()
            ),
            "person_name": F("name"),
            "person_id_number": F("id_number"),
        }
        order = ("region_id", "id_number", "pk")
    detail = [name for name, _label in check.detail]
    return found.order_by(*order).values(*detail, **columns)


def coverage_list(
    code: str,
    *,
    user,
    region_prefix: str = "",
    year: int = DEFAULT_YEAR,
    as_of: date | None = None,
) -> QuerySet:
    """The offenders of one check as dicts: LIST_FIELDS and the check's detail fields,
    ordered by region."""
    check = get_check(code)
    context = context_for(user, region_prefix=region_prefix, year=year, as_of=as_of)
    return _list_values(check, check.offenders(context))


@dataclass
class ScorecardRow:
    check: Check
    counts: list[int]  # aligned with Scorecard.columns
    total: int


@dataclass
class Scorecard:
    region: Region
    columns: list[Region]
    rows: list[ScorecardRow]
    year: int
    as_of: date


def coverage_by_region(
    user,
    *,
    region_code: str,
    year: int = DEFAULT_YEAR,
    as_of: date | None = None,
    checks: list[Check] | None = None,
) -> Scorecard:
    """Checks × the region's children: one grouped query per check (the database groups
    by the child's code prefix). The caller has checked the region is in scope."""
    region = Region.objects.get(code=region_code)
    length = CHILD_PREFIX_LENGTH.get(region.level)
    if length is None:
        columns, length = [region], 12
    else:
        columns = list(Region.objects.filter(parent=region).order_by("code"))
    context = context_for(user, region_prefix=region.prefix, year=year, as_of=as_of)
    rows = []
    for check in checks if checks is not None else CHECKS.values():
        with analytic_queries():
            grouped = dict(
                check.offenders(context)
                .annotate(region_key=Substr(check.unit_info.region_field, 1, length))
                .values("region_key")
                .annotate(n=Count("pk"))
                .values_list("region_key", "n")
            )
        counts = [grouped.get(column.code[:length], 0) for column in columns]
        rows.append(ScorecardRow(check=check, counts=counts, total=sum(grouped.values())))
    return Scorecard(region=region, columns=columns, rows=rows, year=year, as_of=context.as_of)
