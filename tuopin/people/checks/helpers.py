"""Checks of helpers and visits (帮扶责任人与走访).

- household_no_helper (户): a household still poor (未脱贫, 返贫, 预脱贫), or exited
  within its consolidation period (exit year + consolidation_years > the year; an exited
  household whose exit year is unknown is kept in: unknown is not "out of the period"),
  has no open pairing.
- helper_over_limit (人): a helper with more open pairings than helper_households_max
  (the value of the helper's county). A helper pairs households in several villages:
  the finding's region is the first village (by code) of their open pairings in scope,
  so that a scorecard counts each helper once and its total is the sum of its columns.
- visit_overdue (户): a household of the first check's population with an open pairing
  whose last visit (never visited: its pairing's start; both unknown: no visit ever
  recorded) is more than visit_interval_days days before the day the check is run.
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, F, Min, OuterRef, Q, QuerySet, Subquery

from tuopin.people import access
from tuopin.people.checks.framework import Context, check
from tuopin.people.helpers_selectors import open_count_subquery
from tuopin.people.models import Pairing, Visit
from tuopin.registry.enums import EXITED, STILL_POOR
from tuopin.registry.models import Helper, Household


def _needs_helper(context: Context) -> Q:
    year = context.year

    def condition(values) -> Q:
        years = int(values["consolidation_years"])
        return (
            Q(status__in=STILL_POOR)
            | Q(status__in=EXITED, exit_year__isnull=True)
            | Q(status__in=EXITED, exit_year__gt=year - years)
        )

    return context.where(("consolidation_years",), "village__code", condition)


def _open_pairing():
    return Pairing.objects.filter(household_id=OuterRef("pk"), ended_on__isnull=True)


@check(
    "household_no_helper",
    "应结对的贫困户（含巩固期内脱贫户）没有帮扶责任人",
    "A household to be helped has no helper",
    topics=(access.HELPERS,),
    unit="household",
    params=("consolidation_years",),
)
def household_no_helper(context: Context) -> QuerySet:
    return (
        Household.objects.filter(context.scope(access.HELPERS, "village__code"))
        .filter(_needs_helper(context))
        .exclude(Exists(_open_pairing()))
        .annotate(region_code=F("village_id"))
        .select_related("village__parent")
        .order_by("village_id", "number")
    )


@check(
    "helper_over_limit",
    "帮扶责任人结对户数超过上限",
    "A helper has more households than allowed",
    topics=(access.HELPERS,),
    unit="person",
    params=("helper_households_max",),
)
def helper_over_limit(context: Context) -> QuerySet:
    in_scope = (
        Pairing.objects.filter(helper_id=OuterRef("pk"), ended_on__isnull=True)
        .filter(context.scope(access.HELPERS, "region_code"))
        .order_by()
        .values("helper_id")
        .annotate(first=Min("region_code"))
        .values("first")
    )
    limit = context.where(
        ("helper_households_max",),
        "region__code",
        lambda v: Q(households_now__gt=int(v["helper_households_max"])),
    )
    return (
        Helper.objects.annotate(
            region_code=Subquery(in_scope), households_now=open_count_subquery()
        )
        .filter(region_code__isnull=False)
        .filter(limit)
        .order_by("-households_now", "name", "pk")
    )


@check(
    "visit_overdue",
    "超过规定间隔未入户走访",
    "A household's visit is overdue",
    topics=(access.HELPERS, access.VISITS),
    unit="household",
    params=("consolidation_years", "visit_interval_days"),
)
def visit_overdue(context: Context) -> QuerySet:
    # due_from = the last visit, else the pairing's start; overdue: due_from unknown or
    # before the cutoff. Written as two EXISTS over the (household, visited_on) index
    # rather than comparing a MAX per household: a backward index probe per household.
    today = context.today
    opened = _open_pairing()
    visits = Visit.objects.filter(household_id=OuterRef("pk"))

    def condition(values) -> Q:
        cutoff = today - datetime.timedelta(days=int(values["visit_interval_days"]))
        recent_visit = Exists(visits.filter(visited_on__gte=cutoff))
        recent_start = Exists(opened.filter(started_on__gte=cutoff))
        return ~Q(recent_visit) & ~(~Q(Exists(visits)) & Q(recent_start))

    return (
        Household.objects.filter(context.scope(access.HELPERS, "village__code"))
        .filter(context.scope(access.VISITS, "village__code"))
        .filter(_needs_helper(context))
        .filter(Exists(opened))
        .filter(context.where(("visit_interval_days",), "village__code", condition))
        .annotate(
            region_code=F("village_id"),
            last_visit=Subquery(visits.order_by("-visited_on").values("visited_on")[:1]),
            helper_name=Subquery(opened.values("helper__name")[:1]),
            paired_helper_id=Subquery(opened.values("helper_id")[:1]),
        )
        .select_related("village__parent")
        .order_by("village_id", "number")
    )
