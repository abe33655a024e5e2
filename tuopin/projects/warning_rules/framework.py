"""The frame of the funds' early warnings (资金动态监控预警): one registry of rules, one
context, one way to run them.

Every rule has a stable code, a Chinese and an English label, a severity, the parameters
it reads (tuopin.projects.parameters) and ONE set-based SQL query over the scope that
returns its findings: (subject, region, amount, fund, project, payment, id number and the
figures its detail names). The queries are plain SQL that runs on SQLite and PostgreSQL
alike; the few things the two spell differently (days between dates, a date's year) come
from `Sql`.

Parameters per county: counties with equal values form one group, and a rule that reads
parameters runs once per group over the group's regions — one query whatever the number
of counties when they agree, which is the rule. Rules that read no parameter run once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import get_language

from tuopin.projects.params import funds_parameter_values
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region

# The analytic copy the rules read while `reading_copy` is open (None: the database).
# There they are written as for PostgreSQL and transpiled to DuckDB (ADR 0016).
_COPY: ContextVar = ContextVar("warning_rules_copy", default=None)


@contextmanager
def reading_copy(prefix: str) -> Iterator[object]:
    """The rules run inside read the analytic copy, its mirrors brought current first
    (one bringing-current and one lock for all of them); writes stay on the database."""
    from tuopin.registry.analytic.analytic_copy import analytic_connection

    with analytic_connection(prefix, mirrors=True) as copy:
        token = _COPY.set(copy)
        try:
            yield copy
        finally:
            _COPY.reset(token)


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    subject: str
    region: str
    amount: Decimal | None
    detail: str
    fund_id: int | None = None
    project_id: int | None = None
    payment_id: int | None = None
    payment_ids: tuple[int, ...] = ()
    id_number: str = ""


class Sql:
    """What SQLite and PostgreSQL spell differently."""

    @staticmethod
    def pg() -> bool:
        """PostgreSQL's spelling: on PostgreSQL, and on the copy (transpiled from it)."""
        return _COPY.get() is not None or connection.vendor == "postgresql"

    @classmethod
    def days(cls, start: str, end: str) -> str:
        """Whole days from `start` to `end` (dates)."""
        if cls.pg():
            return f"(({end}) - ({start}))"
        return f"CAST(julianday({end}) - julianday({start}) AS INTEGER)"

    @classmethod
    def year(cls, column: str) -> str:
        if cls.pg():
            return f"CAST(EXTRACT(YEAR FROM {column}) AS INTEGER)"
        return f"CAST(strftime('%%Y', {column}) AS INTEGER)"

    @classmethod
    def num(cls, expression: str) -> str:
        """A value computed exactly (numeric on PostgreSQL: integer division truncates)."""
        if cls.pg():
            return f"CAST({expression} AS NUMERIC)"
        return f"CAST({expression} AS REAL)"

    @classmethod
    def bucket(cls, text: str) -> str:
        """What rows are grouped by to find equal texts: on PostgreSQL a 64-bit hash of
        the text (grouping millions in memory), which the caller then checks exactly. On
        the copy the text itself: DuckDB groups millions of texts in memory, and has no
        hashtextextended."""
        if _COPY.get() is not None:
            return f"({text})"
        if cls.pg():
            return f"hashtextextended({text}, 0)"
        return f"({text})"

    @staticmethod
    def id_key(column: str) -> str:
        """The form two ID numbers of one person share: an 18-digit number of someone born
        in the 1900s is matched by its 15-digit original (the first six digits and the
        nine after the century), any number whatever the case of its X (as
        registry.idnumbers.stored_forms finds the same person)."""
        upper = f"UPPER({column})"
        return (
            f"(CASE WHEN LENGTH({column}) = 18 AND SUBSTR({column}, 7, 2) = '19' "
            f"THEN SUBSTR({upper}, 1, 6) || SUBSTR({upper}, 9, 9) ELSE {upper} END)"
        )


@dataclass(frozen=True)
class Group:
    """Regions with equal parameter values: `patterns` for LIKE (a county's prefix and %,
    or a city's full code)."""

    patterns: tuple[str, ...]
    values: dict[str, Decimal]

    def where(self, column: str) -> tuple[str, list]:
        if self.patterns == ("%",):
            return "1 = 1", []
        sql = " OR ".join(f"{column} LIKE %s" for _ in self.patterns)
        return f"({sql})", list(self.patterns)


@dataclass(frozen=True)
class Context:
    """What the rules run over: the regions below `prefix` ("" everything), on the day
    `as_of`, with the parameters of that year per group of counties."""

    prefix: str
    as_of: date
    groups: list[Group] = field(repr=False)

    def scope(self, column: str) -> tuple[str, list]:
        if not self.prefix:
            return "1 = 1", []
        return f"{column} LIKE %s", [self.prefix + "%"]


@dataclass(frozen=True)
class Rule:
    code: str
    label_zh: str
    label_en: str
    severity: str
    parameters: tuple[str, ...]
    boundary_zh: str  # the rule's exact boundary, as docs/warnings.md says
    query: Callable[[Context, Group], list[Finding]]

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "").startswith("en") else self.label_zh

    def run(self, context: Context) -> list[Finding]:
        if _COPY.get() is not None:
            return self._run(context)
        with analytic_queries():
            return self._run(context)

    def _run(self, context: Context) -> list[Finding]:
        if not self.parameters:
            return self.query(context, Group(("%",), context.groups[0].values))
        found: list[Finding] = []
        merged: dict[tuple, list[str]] = {}
        values_of: dict[tuple, dict] = {}
        for group in context.groups:
            key = tuple(group.values[code] for code in self.parameters)
            merged.setdefault(key, []).extend(group.patterns)
            values_of[key] = group.values
        for key, patterns in merged.items():
            group = Group(("%",) if len(merged) == 1 else tuple(patterns), values_of[key])
            found.extend(self.query(context, group))
        return found


@contextmanager
def analytic_queries() -> Iterator[None]:
    """On PostgreSQL, for this transaction only: no JIT (compiling costs more than it saves
    on these queries, as for the people's and the ledgers' checks) and room to group
    millions of payments in memory rather than on disk."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '256MB'")
        yield


def rows(sql: str, params: list) -> list[tuple]:
    copy = _COPY.get()
    if copy is not None:
        from tuopin.registry.analytic.queries import sql_rows_on_copy

        return sql_rows_on_copy(copy, sql, params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def money(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.01"))


def data_as_of(prefix: str = "") -> date:
    """The day the fund data under `prefix` reach: their latest receipt, allocation,
    disbursement or payment, never after today (today when there is none). The rules
    judge on it by default: a ledger of a past year is judged on its own last day, not
    years later (every balance idle, every project behind); a ledger kept up to date,
    with payments every day, on about today."""
    from django.db.models import Max

    from tuopin.projects.models import Allocation, Disbursement, Fund, FundPayment

    latest = [
        model.objects.filter(**({f"{field}__startswith": prefix} if prefix else {})).aggregate(
            day=Max(day)
        )["day"]
        for model, field, day in (
            (Fund, "region__code", "received_on"),
            (Allocation, "to_region__code", "allocated_on"),
            (Disbursement, "region__code", "disbursed_on"),
            (FundPayment, "region__code", "paid_on"),
        )
    ]
    today = timezone.localdate()
    return min(max((day for day in latest if day is not None), default=today), today)


def context_for(*, prefix: str = "", as_of: date | None = None) -> Context:
    """The regions below `prefix`, on `as_of` (by default the day the data reach:
    data_as_of), with the parameters of as_of's year resolved per county (and per city
    for money held at the city)."""
    as_of = as_of or data_as_of(prefix)
    holders = Region.objects.filter(level__in=(RegionLevel.CITY, RegionLevel.COUNTY))
    if prefix:
        # the counties below the prefix, and the city above a county's prefix
        holders = holders.filter(code__startswith=prefix[:4])
    by_values: dict[tuple, tuple[list[str], dict]] = {}
    for region in holders.order_by("code"):
        values = funds_parameter_values(as_of.year, region.code)
        pattern = region.code[:6] + "%" if region.level == RegionLevel.COUNTY else region.code
        key = tuple(sorted(values.items()))
        by_values.setdefault(key, ([], values))[0].append(pattern)
    if len(by_values) <= 1:
        values = (
            next(iter(by_values.values()))[1]
            if by_values
            else funds_parameter_values(as_of.year, (prefix or "41").ljust(12, "0"))
        )
        groups = [Group(("%",), values)]
    else:
        groups = [Group(tuple(patterns), values) for patterns, values in by_values.values()]
    return Context(prefix=prefix, as_of=as_of, groups=groups)


def agg_ids(column: str) -> str:
    """The ids of a group as one comma-separated text."""
    if Sql.pg():
        return f"STRING_AGG(DISTINCT CAST({column} AS TEXT), ',')"
    return f"GROUP_CONCAT(DISTINCT {column})"


def ids_of(text) -> tuple[int, ...]:
    if not text:
        return ()
    return tuple(sorted(int(part) for part in str(text).split(",") if part))


def value(number: Decimal):
    """A parameter as a query parameter that compares as a number on both databases."""
    if number == number.to_integral_value():
        return int(number)
    return number if Sql.pg() else float(number)


# How far two sums of money may differ and still be equal (SQLite adds REALs).
CENT = 0.005


def tables() -> dict[str, str]:
    from tuopin.projects.models import Allocation, Disbursement, Fund, FundPayment, Project
    from tuopin.registry.models import Household, Member, MemberEvent

    return {
        "fund": Fund._meta.db_table,
        "alloc": Allocation._meta.db_table,
        "disb": Disbursement._meta.db_table,
        "pay": FundPayment._meta.db_table,
        "project": Project._meta.db_table,
        "member": Member._meta.db_table,
        "household": Household._meta.db_table,
        "event": MemberEvent._meta.db_table,
        "region": Region._meta.db_table,
    }
