"""Checks of the work teams (domain-assistance §10), judged on the year's last day (or
today in the running year).

- village_without_team: a poor village, or a village to exit this year, with no current
  team.
- team_too_small: a current team with fewer current members than team_members_min.
- team_without_leader: a current team with no current 第一书记 or 队长.
- posting_ended_early: a posting that ended in the year before posting_years_min years.
- member_days_short: a member's month of the year with attendance recorded and fewer
  days present than days_in_village_min. A month with no attendance is unknown, not a
  shortfall. Grouped by (posting, month); the index (posting_id, day) INCLUDE (status)
  (migration 0009) lets PostgreSQL read the year's rows from the index alone.
"""

from __future__ import annotations

from datetime import date

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth, ExtractYear, TruncMonth

from tuopin.people import access
from tuopin.people.checks.framework import Context, check
from tuopin.people.enums import LEADER_ROLES, AttendanceStatus
from tuopin.people.models import Attendance, Posting, WorkTeam
from tuopin.people.teams_selectors import current_on
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region


def current_teams(context: Context) -> QuerySet:
    """The teams current on the day, with their current members and whether one leads."""
    day = context.as_of
    members = (
        Posting.objects.filter(current_on(day), team=OuterRef("pk"))
        .order_by()
        .values("team")
        .annotate(n=Count("pk"))
        .values("n")
    )
    leaders = Posting.objects.filter(current_on(day), team=OuterRef("pk"), role__in=LEADER_ROLES)
    return (
        WorkTeam.objects.filter(context.scope(access.TEAMS, "village__code"), current_on(day))
        .annotate(
            region_code=F("village_id"),
            members=Coalesce(Subquery(members, output_field=IntegerField()), Value(0)),
            has_leader=Exists(leaders),
        )
        .select_related("village__parent")
    )


@check(
    "village_without_team",
    "贫困村（含当年退出村）无驻村工作队",
    "Poor village (or exiting this year) without a work team",
    topics=(access.TEAMS,),
    unit="village",
)
def village_without_team(context: Context) -> QuerySet:
    teams = WorkTeam.objects.filter(current_on(context.as_of), village=OuterRef("code"))
    return (
        Region.objects.filter(context.scope(access.TEAMS, "code"), level=RegionLevel.VILLAGE)
        .filter(Q(is_poor_village=True) | Q(poor_exited_year=context.year))
        .filter(~Exists(teams))
        .annotate(region_code=F("code"))
        .select_related("parent")
        .order_by("code")
    )


@check(
    "team_too_small",
    "工作队在岗队员人数不足",
    "Work team with too few members",
    topics=(access.TEAMS,),
    unit="team",
    params=("team_members_min",),
)
def team_too_small(context: Context) -> QuerySet:
    rule = context.where(
        ("team_members_min",), "village__code", lambda v: Q(members__lt=v["team_members_min"])
    )
    return current_teams(context).filter(rule).order_by("village_id", "pk")


@check(
    "team_without_leader",
    "工作队无第一书记或队长",
    "Work team without a first secretary or leader",
    topics=(access.TEAMS,),
    unit="team",
)
def team_without_leader(context: Context) -> QuerySet:
    return current_teams(context).filter(has_leader=False).order_by("village_id", "pk")


@check(
    "posting_ended_early",
    "驻村任职未满期限提前结束",
    "Posting ended before its minimum length",
    topics=(access.TEAMS,),
    unit="person",
    params=("posting_years_min",),
)
def posting_ended_early(context: Context) -> QuerySet:
    # months*100 + days between start and end: exact "ended before N years" on any DB.
    length = (
        (ExtractYear("ended_on") - ExtractYear("started_on")) * 1200
        + (ExtractMonth("ended_on") - ExtractMonth("started_on")) * 100
        + ExtractDay("ended_on")
        - ExtractDay("started_on")
    )
    rule = context.where(
        ("posting_years_min",),
        "team__village__code",
        lambda v: Q(length__lt=int(v["posting_years_min"] * 1200)),
    )
    return (
        Posting.objects.filter(context.scope(access.TEAMS, "team__village__code"))
        .filter(ended_on__year=context.year)
        .annotate(length=length, region_code=F("team__village_id"))
        .filter(rule)
        .select_related("team__village__parent", "cadre")
        .order_by("team__village_id", "started_on", "pk")
    )


class _MonthOf(TruncMonth):
    """A date's month (its first day). On PostgreSQL truncated as a timestamp without
    time zone: DATE_TRUNC of a date casts it to timestamptz, a time-zone conversion for
    each of the year's millions of attendance rows."""

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.lhs)
        return f"DATE_TRUNC('month', ({sql})::timestamp)::date", params


@check(
    "member_days_short",
    "队员当月在村天数不足",
    "Member with too few days in the village in a month",
    topics=(access.ATTENDANCE,),
    unit="person_month",
    params=("days_in_village_min",),
    keys=("posting_id", "month"),
)
def member_days_short(context: Context) -> QuerySet:
    rule = context.where(
        ("days_in_village_min",),
        "region_code",
        lambda v: Q(present__lt=v["days_in_village_min"]),
    )
    year = context.year
    return (
        Attendance.objects.filter(
            context.scope(access.ATTENDANCE, "posting__team__village__code"),
            day__gte=date(year, 1, 1),
            day__lte=date(year, 12, 31),
        )
        .annotate(month=_MonthOf("day"))
        .values("posting_id", "month")
        .annotate(
            # One value per posting: as aggregates they keep the GROUP BY to (posting,
            # month), which PostgreSQL then hashes instead of sorting.
            team_id=Min("posting__team_id"),
            region_code=Min("posting__team__village_id"),
            present=Count("status", filter=Q(status=AttendanceStatus.PRESENT)),
            leave=Count("status", filter=Q(status=AttendanceStatus.LEAVE)),
            absent=Count("status", filter=Q(status=AttendanceStatus.ABSENT)),
        )
        .filter(rule)
        .order_by("region_code", "posting_id", "month")
    )
