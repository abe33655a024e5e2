"""The checks of 帮扶力量 (issue 14): one registry, counts, lists and the scorecard.

The checks live in small modules per topic (teams, helpers, orgs) on the frame of
`framework`; importing this package registers them all. Every function takes the user
(None: everything) and runs each check as ONE query over the scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import QuerySet

from tuopin.core.errors import TuopinError
from tuopin.people import access
from tuopin.people.checks import helpers as _helpers  # noqa: F401  (registers the checks)
from tuopin.people.checks import orgs as _orgs  # noqa: F401
from tuopin.people.checks import teams as _teams  # noqa: F401
from tuopin.people.checks.framework import (
    CHECKS,
    DEFAULT_YEAR,
    UNITS,
    Check,
    Context,
    analytic_queries,
    context_for,
)
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region

__all__ = [
    "CHECKS",
    "DEFAULT_YEAR",
    "UNITS",
    "Check",
    "Context",
    "check_counts",
    "checks_read_by",
    "context_for",
    "findings",
    "get_check",
    "offenders",
    "scorecard",
    "shortfalls_by_team",
]

# The order of the pages: teams and attendance, helpers and visits, workshops, branches.
ORDER = (
    "village_without_team",
    "team_too_small",
    "team_without_leader",
    "posting_ended_early",
    "member_days_short",
    "household_no_helper",
    "helper_over_limit",
    "visit_overdue",
    "workshop_not_recognised",
    "person_in_two_workshops",
    "branch_share_outside_range",
)
_registered = dict(CHECKS)
CHECKS.clear()
CHECKS.update({code: _registered[code] for code in ORDER})
CHECKS.update(_registered)  # a check added without a place here comes last

# Lengths of the prefix that tells a region's children apart (the group-by key).
CHILD_PREFIX_LENGTH = {RegionLevel.CITY: 6, RegionLevel.COUNTY: 9, RegionLevel.TOWNSHIP: 12}


def get_check(code: str) -> Check:
    try:
        return CHECKS[code]
    except KeyError:
        raise TuopinError(
            "people_check_unknown",
            f"没有代码为“{code}”的帮扶力量核查；可用的核查：{', '.join(CHECKS)}",
            f"there is no people check with code '{code}'; the checks: {', '.join(CHECKS)}",
            field="check",
        ) from None


def checks_read_by(user) -> list[Check]:
    """The checks whose every topic the user reads (None: all)."""
    if user is None:
        return list(CHECKS.values())
    return [c for c in CHECKS.values() if all(access.may_read(user, t) for t in c.topics)]


def offenders(
    code: str,
    user,
    *,
    region_prefix: str = "",
    year: int = DEFAULT_YEAR,
    today: date | None = None,
) -> QuerySet:
    """The findings of one check as its queryset (rows carry `region_code`)."""
    context = context_for(user, region_prefix=region_prefix, year=year, today=today)
    return get_check(code).offenders(context)


def counted(found: QuerySet) -> QuerySet:
    """The check's rows as (key, region_code) rows, unordered: what is counted."""
    if not found._fields:
        found = found.values("pk", "region_code")
    return found.order_by()


def grouping_sql(length: int) -> str:
    """Findings per region-code prefix of `length`, around a check's SQL (`{}`): one
    GROUP BY whatever the query's shape (a model queryset or a grouped values() one).
    The same text on the database and on the analytic copy."""
    return (
        f"SELECT SUBSTR(found.region_code, 1, {int(length)}), COUNT(*) FROM ({{}}) found GROUP BY 1"
    )


def grouped_counts(found: QuerySet, length: int) -> dict[str, int]:
    """region-code prefix of `length` -> findings, on the database."""
    sql, params = counted(found).query.sql_with_params()
    with analytic_queries(), connection.cursor() as cursor:
        cursor.execute(grouping_sql(length).format(sql), params)
        return dict(cursor.fetchall())


def grouped_counts_on_copy(prefix: str, chosen: list[Check], context: Context, length: int) -> dict:
    """check code -> {region-code prefix of `length`: findings}, counted on the analytic
    copy for the checks proven to count alike there (on_copy.ON_COPY). A check the copy
    could not run (a DuckDB error, logged) is missing: the caller counts it on the
    database. Without DuckDB at all, every check is."""
    try:
        from tuopin.people.checks.on_copy import ON_COPY
        from tuopin.registry.analytic.queries import rows_of_checks_on_copy
    except ImportError:  # pragma: no cover - DuckDB, sqlglot or pyarrow not installed
        return {}
    codes = [found.code for found in chosen if found.code in ON_COPY]
    if not codes:
        return {}
    rows = rows_of_checks_on_copy(
        prefix, codes, lambda code: counted(CHECKS[code].offenders(context)), grouping_sql(length)
    )
    return {code: dict(grouped) for code, grouped in rows.items()}


def check_counts(
    user,
    *,
    region_prefix: str = "",
    year: int = DEFAULT_YEAR,
    today: date | None = None,
    codes: list[str] | None = None,
    on_copy: bool = False,
) -> dict[str, int]:
    """Findings per check: one COUNT query per check. With `on_copy` the checks of
    on_copy.ON_COPY are counted on the analytic copy (its mirrors brought current first),
    the others on the database."""
    context = context_for(user, region_prefix=region_prefix, year=year, today=today)
    chosen = [get_check(code) for code in codes] if codes else checks_read_by(user)
    copied = grouped_counts_on_copy(region_prefix, chosen, context, 0) if on_copy else {}
    counts = {}
    for found in chosen:
        if found.code in copied:
            counts[found.code] = sum(copied[found.code].values())
            continue
        with analytic_queries():
            counts[found.code] = found.offenders(context).count()
    return counts


def findings(found: Check, context: Context) -> list[dict]:
    """Every finding of a check as {region, id} (the JSON output of the command line)."""
    rows = found.offenders(context).order_by()
    rows = rows if rows._fields else rows.values("region_code", *found.keys)
    out = []
    with analytic_queries():
        for row in rows.iterator(chunk_size=5000):
            keys = [row[k] for k in found.keys]
            ident = keys[0] if len(keys) == 1 else "/".join(str(k) for k in keys)
            out.append({"region": row["region_code"], "id": ident})
    return out


@dataclass
class ScorecardRow:
    check: Check
    columns: list[Region]
    counts: list[int]  # aligned with columns
    own: int  # findings of the region itself, above its children (a county's list)
    total: int  # sum(counts) + own, by construction

    @property
    def cells(self):
        return list(zip(self.columns, self.counts, strict=True))


@dataclass
class Scorecard:
    region: Region
    columns: list[Region]
    rows: list[ScorecardRow]
    year: int
    as_of: date

    @property
    def has_own(self) -> bool:
        return any(row.own for row in self.rows)


def scorecard(
    user,
    *,
    region: Region,
    year: int = DEFAULT_YEAR,
    today: date | None = None,
    on_copy: bool = False,
) -> Scorecard:
    """The checks the user reads × the region's children: one grouped query per check.
    The caller has checked the region is in the user's scope. With `on_copy` the checks
    of on_copy.ON_COPY are counted on the analytic copy, the others on the database."""
    length = CHILD_PREFIX_LENGTH.get(region.level)
    if length is None:
        columns, length = [region], 12
    else:
        columns = list(Region.objects.filter(parent=region).order_by("code"))
    context = context_for(user, region_prefix=region.prefix, year=year, today=today)
    keys = [column.code[:length] for column in columns]
    chosen = checks_read_by(user)
    copied = grouped_counts_on_copy(region.prefix, chosen, context, length) if on_copy else {}
    rows = []
    for found in chosen:
        grouped = copied.get(found.code)
        if grouped is None:
            grouped = grouped_counts(found.offenders(context), length)
        counts = [grouped.get(key, 0) for key in keys]
        total = sum(grouped.values())
        rows.append(
            ScorecardRow(
                check=found, columns=columns, counts=counts, own=total - sum(counts), total=total
            )
        )
    return Scorecard(region=region, columns=columns, rows=rows, year=year, as_of=context.as_of)


TEAM_SHORTFALLS = ("team_too_small", "team_without_leader", "posting_ended_early")


def shortfalls_by_team(user, prefix: str, year: int) -> dict[int, list[str]]:
    """team id -> the codes of the checks it falls short of (the team ledger's column):
    one query per check, the ones the user reads."""
    context = context_for(user, region_prefix=prefix, year=year)
    readable = {c.code for c in checks_read_by(user)}
    found: dict[int, list[str]] = {}

    def add(team_ids, code):
        for team_id in team_ids:
            codes = found.setdefault(team_id, [])
            if code not in codes:
                codes.append(code)

    for code in ("team_too_small", "team_without_leader"):
        if code in readable:
            add(CHECKS[code].offenders(context).values_list("pk", flat=True), code)
    if "posting_ended_early" in readable:
        rows = CHECKS["posting_ended_early"].offenders(context)
        add(rows.values_list("team_id", flat=True), "posting_ended_early")
    if "member_days_short" in readable:
        rows = CHECKS["member_days_short"].offenders(context)
        add((row["team_id"] for row in rows), "member_days_short")
    return found
