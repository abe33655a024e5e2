"""Coverage checks of helpers and visits (帮扶责任人与走访核查), set-based.

Each check is one queryset over the region (a prefix of village codes), scoped to the
user. Parameters are per county (tuopin.people.params): a city-wide check applies each
county's value through one condition per county (a city has at most a handful).

- household_no_helper (户): a household still poor (未脱贫, 返贫, 预脱贫), or exited
  within its consolidation period (exit year + consolidation_years > the year; an exited
  household whose exit year is unknown is kept in: unknown is not "out of the period"),
  has no open pairing.
- helper_over_limit (人): a helper with more open pairings than helper_households_max.
- visit_overdue (户): a household of the first check's population with an open pairing
  whose last visit (or, never visited, its pairing's start; both unknown: no visit ever
  recorded) is more than visit_interval_days days before the day of the check.

Before each computation `pairings_sync(prefix)` makes the pairings follow the registry's
helper column (cheap when nothing changed)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuopin.people import access
from tuopin.people.helpers_selectors import helper_list_for_user, last_visit_subquery
from tuopin.people.models import Pairing
from tuopin.people.pairing_services import pairings_sync
from tuopin.people.params import people_parameter_values
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region
from tuopin.registry.enums import EXITED, STILL_POOR
from tuopin.registry.models import Household

DEFAULT_YEAR = 2018


def counties_of(prefix: str) -> list[str]:
    """The county codes (6 digits) under or above the prefix."""
    if len(prefix) >= 6:
        return [prefix[:6]]
    return [
        code[:6]
        for code in Region.objects.filter(
            level=RegionLevel.COUNTY, code__startswith=prefix
        ).values_list("code", flat=True)
    ]


def _by_county(prefix: str, year: int, condition) -> Q:
    """OR over the counties of `prefix` of condition(county6, parameter values)."""
    parts = [
        condition(county, people_parameter_values(year, county.ljust(12, "0")))
        for county in counties_of(prefix)
    ]
    return reduce(or_, parts) if parts else Q(pk__in=[])


def _needs_helper_q(prefix: str, year: int) -> Q:
    def condition(county, values):
        years = int(values["consolidation_years"])
        return Q(village__code__startswith=county) & (
            Q(status__in=STILL_POOR)
            | Q(status__in=EXITED, exit_year__isnull=True)
            | Q(status__in=EXITED, exit_year__gt=year - years)
        )

    return _by_county(prefix, year, condition)


def _households(user, prefix: str) -> QuerySet:
    return Household.objects.filter(village__code__startswith=prefix).filter(
        access.read_q(user, access.HELPERS, "village__code")
    )


def _open_pairing():
    return Pairing.objects.filter(household_id=OuterRef("pk"), ended_on__isnull=True)


def household_no_helper(user, prefix: str, year: int, today=None) -> QuerySet:
    return (
        _households(user, prefix)
        .filter(_needs_helper_q(prefix, year))
        .exclude(Exists(_open_pairing()))
        .select_related("village")
        .order_by("village_id", "number")
    )


def helper_over_limit(user, prefix: str, year: int, today=None) -> QuerySet:
    in_region = Pairing.objects.filter(
        helper_id=OuterRef("pk"), ended_on__isnull=True, region_code__startswith=prefix
    )

    def condition(county, values):
        return Q(
            region__code__startswith=county, households_now__gt=int(values["helper_households_max"])
        )

    limit = _by_county(prefix[:6] if len(prefix) > 6 else prefix, year, condition)
    return (
        helper_list_for_user(user)
        .filter(Exists(in_region))
        .filter(limit)
        .order_by("-households_now", "name", "pk")
    )


def visit_overdue(user, prefix: str, year: int, today: datetime.date | None = None) -> QuerySet:
    today = today or timezone.localdate()

    def condition(county, values):
        cutoff = today - datetime.timedelta(days=int(values["visit_interval_days"]))
        return Q(village__code__startswith=county) & (
            Q(due_from__isnull=True) | Q(due_from__lt=cutoff)
        )

    opened = _open_pairing()
    return (
        _households(user, prefix)
        .filter(access.read_q(user, access.VISITS, "village__code"))
        .filter(_needs_helper_q(prefix, year))
        .filter(Exists(opened))
        .annotate(
            last_visit=last_visit_subquery(),
            pairing_started=Subquery(opened.values("started_on")[:1]),
            helper_name=Subquery(opened.values("helper__name")[:1]),
            paired_helper_id=Subquery(opened.values("helper_id")[:1]),
        )
        .annotate(due_from=Coalesce(F("last_visit"), F("pairing_started")))
        .filter(_by_county(prefix, year, condition))
        .select_related("village", "village__parent")
        .order_by("village_id", "number")
    )


@dataclass(frozen=True)
class Check:
    code: str
    zh: str
    en: str
    unit: str
    function: object
    topic: str = access.HELPERS


CHECKS = [
    Check(
        "household_no_helper",
        _("应结对的贫困户（含巩固期内脱贫户）没有帮扶责任人"),
        "A household to be helped has no helper",
        _("户"),
        household_no_helper,
    ),
    Check(
        "helper_over_limit",
        _("帮扶责任人结对户数超过上限"),
        "A helper has more households than allowed",
        _("人"),
        helper_over_limit,
    ),
    Check(
        "visit_overdue",
        _("超过规定间隔未入户走访"),
        "A household's visit is overdue",
        _("户"),
        visit_overdue,
        access.VISITS,
    ),
]
BY_CODE = {check.code: check for check in CHECKS}


def checks_for_user(user) -> list[Check]:
    return [
        c
        for c in CHECKS
        if access.may_read(user, c.topic) and access.may_read(user, access.HELPERS)
    ]


def run_check(user, code: str, prefix: str, year: int, today=None) -> QuerySet:
    pairings_sync(prefix)
    return BY_CODE[code].function(user, prefix, year, today)


def scorecard(user, region: Region, year: int, today=None) -> list[dict]:
    """Per check: the count in the region and per child region."""
    from tuopin.core.regioncodes import significant_prefix

    prefix = significant_prefix(region.code)
    pairings_sync(prefix)
    children = list(Region.objects.filter(parent=region).order_by("code"))
    result = []
    for check in checks_for_user(user):
        rows = check.function(user, prefix, year, today)
        per_child = []
        for child in children:
            per_child.append(
                (child, check.function(user, significant_prefix(child.code), year, today).count())
            )
        result.append({"check": check, "total": rows.count(), "children": per_child})
    return result
