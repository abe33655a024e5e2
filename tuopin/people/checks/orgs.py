"""Checks of the poverty workshops and the weak Party branches.

- workshop_not_recognised (个): a workshop (established by the year's end, or date
  unknown) that falls below its recognition thresholds for the year — the rule of
  `workshops_rules.recognitions`, in SQL: a qualifying employee is a registered poor
  person (the row matches a registry member) whose contracts cover at least
  workshop_months_min months of the year (per contract (days + 1) / 30.4, to the tenth,
  half to even) at a monthly wage of at least workshop_wage_min (an unknown wage never
  meets it); the workshop needs workshop_poor_employees_min of them, and they must be at
  least workshop_poor_share_min percent (to the tenth) of its staff (the total staff when
  known, else its people of the year).
- person_in_two_workshops (人): one ID number under contracts of two workshops that
  overlap in the year; one finding per person, in the region of their first workshop.
- branch_share_outside_range (个): a county whose weak-branch list for the year is
  outside weak_branch_share_min–max percent of its villages (a county without villages
  is unknown, not a finding). The finding's region is the county.
"""

from __future__ import annotations

from datetime import date

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Least, Mod
from django.db.models.lookups import Exact

from tuopin.people import access
from tuopin.people.checks.framework import Context, check, number
from tuopin.people.models import WeakBranch, Workshop, WorkshopEmployee
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region


class DaysBetween(Func):
    """Whole days from `start` to `end` (dates)."""

    arity = 2
    output_field = IntegerField()
    template = "(%(expressions)s)"
    arg_joiner = " - "

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )


class CountOf(Subquery):
    """The number of rows of a (grouped) subquery."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) counted)"
    output_field = IntegerField()


def half_even(numerator, denominator):
    """numerator / denominator (positive integers) rounded to an integer, half to even
    as Decimal.quantize does: integer arithmetic, the same on both databases."""
    shifted = numerator * 2 + denominator
    twice = denominator * 2
    rounded = shifted / twice  # integer division: half rounded up
    tie = Exact(Mod(shifted, twice), 0)
    odd = Exact(Mod(rounded, 2), 1)
    return Case(
        When(tie, then=Case(When(odd, then=rounded - 1), default=rounded)),
        default=rounded,
        output_field=IntegerField(),
    )


def in_year(year: int) -> Q:
    return Q(contract_start__lte=date(year, 12, 31)) & (
        Q(contract_end__isnull=True) | Q(contract_end__gte=date(year, 1, 1))
    )


def tenths_of_months(year: int):
    """Tenths of a 30.4-day month the contract covers in the year: (days + 1) / 3.04,
    that is (days + 1)·25 / 76, half to even."""
    first, last = Value(date(year, 1, 1)), Value(date(year, 12, 31))
    begin = Greatest("contract_start", first, output_field=DateField())
    finish = Least(Coalesce("contract_end", last), last, output_field=DateField())
    return half_even((DaysBetween(finish, begin) + 1) * 25, Value(76))


@check(
    "workshop_not_recognised",
    "扶贫车间未达到认定标准",
    "Poverty workshop below its recognition thresholds",
    topics=(access.WORKSHOPS,),
    unit="item",
    params=(
        "workshop_poor_employees_min",
        "workshop_poor_share_min",
        "workshop_months_min",
        "workshop_wage_min",
    ),
)
def workshop_not_recognised(context: Context) -> QuerySet:
    year = context.year
    rows = WorkshopEmployee.objects.filter(in_year(year), workshop_id=OuterRef("pk")).order_by()
    # Grouped by the workshop's village too (one per workshop): the thresholds of its
    # county then apply in HAVING.
    qualifying = (
        rows.values("id_number", "workshop__village_id")
        .annotate(
            poor=Max(Case(When(member__isnull=False, then=1), default=0)),
            tenths=Sum(tenths_of_months(year)),
            wage=Min("monthly_wage"),
        )
        .filter(poor=1, wage__isnull=False)
        .filter(
            context.where(
                ("workshop_months_min", "workshop_wage_min"),
                "workshop__village__code",
                lambda v: Q(
                    tenths__gte=number(v["workshop_months_min"] * 10),
                    wage__gte=number(v["workshop_wage_min"]),
                ),
            )
        )
        .values("id_number")
    )
    people = rows.values("workshop_id").annotate(n=Count("id_number", distinct=True)).values("n")
    share_short = Q(staff__gt=0) & Q(share_tenths__lt=F("need_share_tenths"))
    return (
        Workshop.objects.filter(context.scope(access.WORKSHOPS, "village__code"))
        .filter(Q(established_on__isnull=True) | Q(established_on__lte=date(year, 12, 31)))
        .annotate(
            region_code=F("village_id"),
            need_people=context.amount("workshop_poor_employees_min", "village__code"),
            need_share_tenths=context.amount("workshop_poor_share_min", "village__code", 10),
        )
        .annotate(
            qualifying=CountOf(qualifying),
            staff=Coalesce("total_staff", Subquery(people, output_field=IntegerField()), Value(0)),
        )
        .annotate(
            share_tenths=Case(
                When(staff__gt=0, then=half_even(F("qualifying") * 1000, F("staff"))),
                default=Value(None),
                output_field=IntegerField(),
            )
        )
        .filter(Q(qualifying__lt=F("need_people")) | share_short)
        .select_related("village__parent")
        .order_by("village_id", "name", "pk")
    )


@check(
    "person_in_two_workshops",
    "同一人同时在两个扶贫车间务工",
    "One person employed in two workshops at the same time",
    topics=(access.WORKSHOPS,),
    unit="person",
    keys=("row_id",),
)
def person_in_two_workshops(context: Context) -> QuerySet:
    year = context.year
    elsewhere = (
        WorkshopEmployee.objects.filter(
            in_year(year),
            id_number=OuterRef("id_number"),
            contract_start__lte=Coalesce(OuterRef("contract_end"), Value(date(9999, 12, 31))),
        )
        .filter(Q(contract_end__isnull=True) | Q(contract_end__gte=OuterRef("contract_start")))
        .exclude(workshop_id=OuterRef("workshop_id"))
    )
    return (
        WorkshopEmployee.objects.filter(context.scope(access.WORKSHOPS, "workshop__village__code"))
        .filter(in_year(year))
        .filter(Exists(elsewhere))
        .values("id_number")
        .annotate(
            row_id=Min("pk"),
            region_code=Min("workshop__village_id"),
            name=Max("name"),
            workshops=Count("workshop_id", distinct=True),
            first_start=Min("contract_start"),
        )
        .order_by("region_code", "id_number")
    )


def _branch_counties(context: Context) -> Q:
    """The counties the user reads branches in, in whole: a township's or a village's
    user reads their county's share (it is the county's list that is judged)."""
    if context.user is None:
        return Q()
    prefixes = access.read_prefixes(context.user, access.BRANCHES)
    if prefixes is None:
        return Q()
    return Q(code__in=[p[:6].ljust(12, "0") for p in prefixes])


def _too_few(v) -> Q:
    return Q(hundredfold__lt=F("villages") * number(v["weak_branch_share_min"]))


def _too_many(v) -> Q:
    return Q(hundredfold__gt=F("villages") * number(v["weak_branch_share_max"]))


def branch_share_counties(context: Context) -> QuerySet:
    """Each county of the scope with its villages, its listed branches of the year and
    whether the list is too short or too long for its range (`too_few`, `too_many`; a
    county without villages is neither: unknown). The one place the rule is written."""
    villages = (
        Region.objects.filter(level=RegionLevel.VILLAGE, parent__parent_id=OuterRef("code"))
        .order_by()
        .values("parent__parent_id")
        .annotate(n=Count("code"))
        .values("n")
    )
    listed = (
        WeakBranch.objects.filter(year=context.year, village__parent__parent_id=OuterRef("code"))
        .order_by()
        .values("village__parent__parent_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    counties = Region.objects.filter(level=RegionLevel.COUNTY).filter(_branch_counties(context))
    if context.prefix:
        counties = counties.filter(code__startswith=context.prefix)
    codes = ("weak_branch_share_min", "weak_branch_share_max")

    def flag(build) -> Case:
        condition = Q(villages__gt=0) & context.where(codes, "code", build)
        return Case(
            When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
        )

    return (
        counties.annotate(
            region_code=F("code"),
            villages=Coalesce(Subquery(villages, output_field=IntegerField()), Value(0)),
            listed=Coalesce(Subquery(listed, output_field=IntegerField()), Value(0)),
        )
        .annotate(hundredfold=F("listed") * 100)
        .annotate(too_few=flag(_too_few), too_many=flag(_too_many))
        .order_by("code")
    )


@check(
    "branch_share_outside_range",
    "县软弱涣散村党组织名单占行政村比例超出范围",
    "County whose weak-branch list is outside its share of villages",
    topics=(access.BRANCHES,),
    unit="item",
    params=("weak_branch_share_min", "weak_branch_share_max"),
)
def branch_share_outside_range(context: Context) -> QuerySet:
    return branch_share_counties(context).filter(Q(too_few=True) | Q(too_many=True))
