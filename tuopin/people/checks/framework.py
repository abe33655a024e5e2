"""The frame of the checks of 帮扶力量 (work teams, helpers and visits, workshops, weak
branches): one registry, one context, one way to count, list and group.

Like the sector ledgers' coverage checks (tuopin.assistance.coverage.framework, which
this app may not import: people sits below assistance), every check has a stable code,
a Chinese and an English label, the topic of `people/access.py` a user must read to see
it, the parameters it reads (`people/parameters.py`), a unit and ONE set-based query over
the scope: `offenders(context)` returns a queryset (a model queryset, or a grouped
`values()` one) whose rows carry `region_code`, the 12-digit code of the finding's
region, so that counting and grouping by child region are done by the database.

Parameters per county: counties with the same values form one group; a condition on a
parameter becomes `(county in group 1 AND condition(values 1)) OR …` — one query whatever
the number of counties, and no split at all when every county agrees.
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
from django.utils import timezone
from django.utils.translation import get_language

from tuopin.core.years import DEFAULT_YEAR
from tuopin.people import access
from tuopin.people.params import people_parameter_values
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region


@dataclass(frozen=True)
class Unit:
    code: str
    label_zh: str  # the counting word after a number
    label_en: str

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "").startswith("en") else self.label_zh


UNITS: dict[str, Unit] = {
    u.code: u
    for u in [
        Unit("village", "村", "villages"),
        Unit("team", "支", "teams"),
        Unit("person", "人", "people"),
        Unit("household", "户", "households"),
        Unit("person_month", "人月", "person-months"),
        Unit("item", "个", "items"),
    ]
}


@dataclass(frozen=True)
class Context:
    """What a check runs over: the user's scope below a region prefix, the year, the day
    the check is taken on, and the people parameters of the year per group of counties."""

    user: object  # None: everything (the command line, the benchmark)
    prefix: str  # significant region prefix of the scope ("" everything)
    year: int
    as_of: date  # the year's last day, or today in the running year
    today: date  # visits are judged on the day the check is run
    groups: list[tuple[list[str], dict[str, Decimal]]] = field(repr=False)

    def scope(self, topic: str, region_field: str) -> Q:
        """The rows of the topic the user reads, under the prefix, by the code at
        `region_field`."""
        condition = Q() if self.user is None else access.read_q(self.user, topic, region_field)
        if self.prefix:
            condition &= Q(**{f"{region_field}__startswith": self.prefix})
        return condition

    def value(self, code: str) -> Decimal:
        """A parameter where every county of the scope agrees (else use `where`)."""
        return self.groups[0][1][code]

    def where(self, codes: tuple[str, ...], key: str, build: Callable[[dict], Q]) -> Q:
        """`build(values)` per group of counties with equal values of `codes`, each
        restricted to its counties by the region code at `key`."""
        merged: dict[tuple, tuple[list[str], dict]] = {}
        for counties, values in self.groups:
            target = merged.setdefault(tuple(values[c] for c in codes), ([], values))
            target[0].extend(counties)
        if len(merged) == 1:
            return build(next(iter(merged.values()))[1])
        return reduce(
            or_,
            (
                reduce(or_, (Q(**{f"{key}__startswith": county}) for county in counties))
                & build(values)
                for counties, values in merged.values()
            ),
        )

    def amount(self, code: str, key: str, scale: int = 1):
        """The parameter `code` (times `scale`) as an SQL value chosen by the region code
        at `key`: a literal when every county agrees, else a CASE over the groups."""
        found: dict = {}
        for counties, values in self.groups:
            found.setdefault(values[code] * scale, []).extend(counties)
        if len(found) == 1:
            return number(next(iter(found)))
        whens = [
            When(reduce(or_, (Q(**{f"{key}__startswith": c}) for c in counties)), then=number(v))
            for v, counties in found.items()
        ]
        return Case(*whens, default=Value(None), output_field=FloatField())


def number(value: Decimal) -> Value:
    """A parameter as an SQL literal that compares as a number on both databases (SQLite
    binds a Decimal as text)."""
    if value == value.to_integral_value():
        return Value(int(value))
    return Value(float(value), output_field=FloatField())


def _counties(prefix: str) -> list[str]:
    counties = Region.objects.filter(level=RegionLevel.COUNTY)
    if prefix:
        counties = counties.filter(code__startswith=prefix[:6])
    return list(counties.order_by("code").values_list("code", flat=True))


def default_as_of(year: int, today: date) -> date:
    return min(date(year, 12, 31), today)


def context_for(
    user, *, region_prefix: str = "", year: int = DEFAULT_YEAR, today: date | None = None
) -> Context:
    """The scope of `user` (None: everything) below `region_prefix`, with the year's
    parameters resolved once per county and grouped by equal values."""
    today = today or timezone.localdate()
    groups: dict[tuple, tuple[list[str], dict]] = {}
    for county in _counties(region_prefix):
        values = people_parameter_values(year, county)
        groups.setdefault(tuple(sorted(values.items())), ([], values))[0].append(county[:6])
    if not groups:  # no county loaded: the values at the scope apply
        values = people_parameter_values(year, (region_prefix or "41").ljust(12, "0"))
        groups[()] = ([region_prefix[:6]], values)
    return Context(
        user=user,
        prefix=region_prefix,
        year=year,
        as_of=default_as_of(year, today),
        today=today,
        groups=list(groups.values()),
    )


@contextmanager
def analytic_queries() -> Iterator[None]:
    """Without PostgreSQL's JIT: the checks' cost estimates over millions of rows switch it
    on and compiling costs more than it saves (as for the ledgers' checks). SET LOCAL:
    this transaction only."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        yield


@dataclass(frozen=True)
class Check:
    code: str
    label_zh: str
    label_en: str
    topics: tuple[str, ...]  # every one must be read to see the check
    params: tuple[str, ...]
    unit: str
    offenders: Callable[[Context], QuerySet] = field(repr=False)
    # What identifies a finding in the JSON output (fields of a row).
    keys: tuple[str, ...] = ("pk",)

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "").startswith("en") else self.label_zh

    @property
    def unit_info(self) -> Unit:
        return UNITS[self.unit]

    @property
    def topic(self) -> str:
        return self.topics[0]


CHECKS: dict[str, Check] = {}


def check(
    code: str,
    label_zh: str,
    label_en: str,
    *,
    topics: tuple[str, ...],
    unit: str,
    params: tuple[str, ...] = (),
    keys: tuple[str, ...] = ("pk",),
):
    """Register `offenders(context) -> QuerySet` as the check `code`."""
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit}")

    def register(function: Callable[[Context], QuerySet]):
        if code in CHECKS:
            raise ValueError(f"duplicate check code {code}")
        CHECKS[code] = Check(code, label_zh, label_en, topics, params, unit, function, keys)
        return function

    return register
