"""The frame of the coverage checks (覆盖核查): context, check registry, units.

Like the registry's data-quality checks (`tuopin.registry.quality`), every check has a
stable code, a Chinese and an English label, the department whose work it judges, the
parameter codes it reads, a unit (what it counts: households, members, ledger rows,
payments, loans or regions) and ONE set-based query over the whole scope:
`offenders(context)` returns a queryset, never a Python loop over rows. Counting,
listing and grouping by child region are done by the database on that queryset.

Parameters per region. A value is resolved per county (county row over city row over
the shipped default, `tuopin.assistance.params`). Counties sharing the same values form
one group; a condition that depends on a parameter becomes, when the counties in scope
differ, `(region in group 1 AND condition(values 1)) OR (region in group 2 AND ...)`, and
an amount a CASE over the groups: still one query, whatever the number of counties.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import reduce
from operator import or_

from django.db import connection, transaction
from django.db.models import Case, FloatField, Q, QuerySet, Value, When
from django.utils.translation import get_language

from tuopin.accounts.roles import Permission
from tuopin.accounts.selectors import scope_q
from tuopin.assistance.params import parameter_values
from tuopin.core.years import DEFAULT_YEAR
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region
from tuopin.registry.enums import MemberStatus
from tuopin.registry.models import Household, Member

CURRENT = Q(status=MemberStatus.NORMAL)
# Lengths of the prefix that tells a region's children apart (group-by key).
CHILD_PREFIX_LENGTH = {RegionLevel.CITY: 6, RegionLevel.COUNTY: 9, RegionLevel.TOWNSHIP: 12}


@dataclass(frozen=True)
class Unit:
    code: str
    label_zh: str  # the counting word shown after a number: 户, 人, 条, 笔, 个
    label_en: str
    region_field: str  # the 12-digit region code of an offender (grouping, scope)
    household_field: str | None  # the offender's household id (drill-down)

    @property
    def label(self) -> str:
        language = get_language() or "zh-hans"
        return self.label_en if language.startswith("en") else self.label_zh


UNITS: dict[str, Unit] = {
    u.code: u
    for u in [
        Unit("household", "户", "households", "village_id", "pk"),
        Unit("member", "人", "members", "household__village__code", "household_id"),
        Unit("entry", "条", "ledger rows", "region_id", "household_id"),
        Unit("payment", "笔", "payments", "region_id", "household_id"),
        Unit("loan", "笔", "loans", "region_id", "household_id"),
        Unit("region", "个", "regions", "code", None),
    ]
}


def _number(value: Decimal) -> Value:
    """A parameter as an SQL literal that compares as a number on both databases (SQLite
    binds a Decimal as text, and text never compares equal to a number there)."""
    if value == value.to_integral_value():
        return Value(int(value))
    return Value(float(value), output_field=FloatField())


@dataclass(frozen=True)
class Context:
    """What a check's query runs over: the scope, the year, the parameters per county."""

    year: int
    as_of: date
    prefix: str  # region prefix of the scope ("" everything)
    user_q: Callable[[str], Q] = field(repr=False)  # the user's scope on a region field
    households: QuerySet = field(repr=False)  # Household rows in scope
    members: QuerySet = field(repr=False)  # current Member rows of those households
    groups: list[tuple[list[str], dict[str, Decimal]]] = field(repr=False)  # counties, values

    # -- scope ---------------------------------------------------------------------------
    def scope(self, region_field: str) -> Q:
        condition = self.user_q(region_field)
        if self.prefix:
            condition &= Q(**{f"{region_field}__startswith": self.prefix})
        return condition

    def rows(
        self, model, *, this_year: bool = True, region_field: str = "region__code"
    ) -> QuerySet:
        """Ledger rows in scope (of the context year unless `this_year` is False)."""
        found = model.objects.filter(self.scope(region_field))
        return found.filter(year=self.year) if this_year else found

    def regions(self, level: str) -> QuerySet:
        return Region.objects.filter(self.scope("code"), level=level)

    # -- parameters ----------------------------------------------------------------------
    def value(self, code: str) -> Decimal:
        """The value where it is the same in every county of the scope (else the first
        group's; use `where` or `amount` for anything judged per row)."""
        return self.groups[0][1][code]

    def _group_q(self, counties: list[str], key: str) -> Q:
        return reduce(or_, (Q(**{f"{key}__startswith": county}) for county in counties))

    def where(self, codes: tuple[str, ...], key: str, build: Callable[[dict], Q]) -> Q:
        """`build(values)` for each group of counties with the same values of `codes`,
        each restricted to its counties by the region code at `key`."""
        merged: dict[tuple, tuple[list[str], dict]] = {}
        for counties, values in self.groups:
            signature = tuple(values[code] for code in codes)
            target = merged.setdefault(signature, ([], values))
            target[0].extend(counties)
        if len(merged) == 1:
            return build(next(iter(merged.values()))[1])
        return reduce(
            or_,
            (self._group_q(counties, key) & build(values) for counties, values in merged.values()),
        )

    def amount(self, key: str, compute: Callable[[dict], Decimal | None]):
        """An SQL value computed from each group's parameters, chosen by the region code at
        `key` (a literal when all counties agree)."""
        results: dict = {}
        for counties, values in self.groups:
            result = compute(values)
            results.setdefault(result, []).extend(counties)
        if len(results) == 1:
            only = next(iter(results))
            return Value(None) if only is None else _number(only)
        whens = [
            When(self._group_q(counties, key), then=_number(result))
            for result, counties in results.items()
            if result is not None
        ]
        return Case(*whens, default=Value(None), output_field=FloatField())

    def param(self, code: str, key: str):
        return self.amount(key, lambda values: values[code])


@contextmanager
def analytic_queries() -> Iterator[None]:
    """Run the checks' queries without PostgreSQL's JIT compilation: their cost estimates
    over millions of rows switch it on, and compiling took longer (1.3 s of a 5.8 s check)
    than it saved. SET LOCAL: for this transaction only. Nothing to do on SQLite."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        yield


def years_before(day: date, years: int) -> date:
    """The same calendar day `years` earlier (29 February becomes the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def aged(as_of: date, low: int | None, high: int | None, birth: str = "birth_date") -> Q:
    """People aged `low` to `high` full years (inclusive) at `as_of` (birth date known)."""
    condition = Q(**{f"{birth}__isnull": False, f"{birth}__lte": as_of})
    if low is not None:
        condition &= Q(**{f"{birth}__lte": years_before(as_of, int(low))})
    if high is not None:
        condition &= Q(**{f"{birth}__gt": years_before(as_of, int(high) + 1)})
    return condition


@dataclass(frozen=True)
class Check:
    code: str
    label_zh: str
    label_en: str
    department: str  # accounts.roles.Department value; "" for the office's own checks
    params: tuple[str, ...]
    unit: str
    offenders: Callable[[Context], QuerySet] = field(repr=False)
    # Extra columns of the drill-down list: (field of the offender row, Chinese label).
    detail: tuple[tuple[str, str], ...] = ()

    @property
    def label(self) -> str:
        language = get_language() or "zh-hans"
        return self.label_en if language.startswith("en") else self.label_zh

    @property
    def unit_info(self) -> Unit:
        return UNITS[self.unit]

    def household_ids(self, context: Context) -> QuerySet:
        """The ids of the offending households (not for region checks), as a subquery."""
        return self.offenders(context).values(self.unit_info.household_field)


CHECKS: dict[str, Check] = {}


def check(
    code: str,
    label_zh: str,
    label_en: str,
    *,
    department: str,
    unit: str,
    params: tuple[str, ...] = (),
    detail: tuple[tuple[str, str], ...] = (),
):
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit}")

    def register(function: Callable[[Context], QuerySet]) -> Callable[[Context], QuerySet]:
        if code in CHECKS:
            raise ValueError(f"duplicate coverage check code {code}")
        CHECKS[code] = Check(code, label_zh, label_en, department, params, unit, function, detail)
        return function

    return register


def _counties(prefix: str) -> list[str]:
    """The 12-digit codes of the counties the scope touches."""
    counties = Region.objects.filter(level=RegionLevel.COUNTY)
    if prefix:
        counties = counties.filter(code__startswith=prefix[:6])
    return list(counties.order_by("code").values_list("code", flat=True))


def default_as_of(year: int, today: date | None = None) -> date:
    """The end of the year, or today while the year is running."""
    today = today or date.today()
    end = date(year, 12, 31)
    return today if today < end and today.year == year else end


def context_for(
    user_or_none,
    *,
    region_prefix: str = "",
    year: int = DEFAULT_YEAR,
    as_of: date | None = None,
) -> Context:
    """The scope of a user (everything for None, e.g. the command line) below
    `region_prefix`, with the parameters of the year resolved per county."""

    def user_q(region_field: str) -> Q:
        if user_or_none is None:
            return Q()
        return scope_q(user_or_none, region_field, Permission.LEDGER_VIEW)

    households = Household.objects.filter(user_q("village__code"))
    members = Member.objects.filter(CURRENT, user_q("household__village__code"))
    if region_prefix:
        households = households.filter(village__code__startswith=region_prefix)
        members = members.filter(household__village__code__startswith=region_prefix)
    groups: dict[tuple, tuple[list[str], dict]] = {}
    for county in _counties(region_prefix):
        values = parameter_values(year, county)
        groups.setdefault(tuple(sorted(values.items())), ([], values))[0].append(county[:6])
    if not groups:  # no county loaded: the defaults at the scope apply
        values = parameter_values(year, (region_prefix or "41").ljust(12, "0"))
        groups[()] = ([region_prefix[:6] or ""], values)
    return Context(
        year=year,
        as_of=as_of or default_as_of(year),
        prefix=region_prefix,
        user_q=user_q,
        households=households,
        members=members,
        groups=list(groups.values()),
    )
