"""Coverage checks of the work teams (domain-assistance §10), set-based: one queryset
per check over the whole scope, parameters per county (people/parameters.py).

A check is (code, 中文, English, unit, function(user, prefix, year) -> queryset). Every
queryset carries `region_code` (the village of the finding) so the scorecard counts it
per child region. A day is "as of" the year's last day (or today, in the current year).

- village_without_team: a poor village, or a village to exit this year, with no current
  team.
- team_too_small: a current team with fewer current members than team_members_min.
- team_without_leader: a current team with no current 第一书记 or 队长.
- posting_ended_early: a posting that ended in the year before posting_years_min years.
- member_days_short: a member's month of the year with attendance recorded and fewer
  days present than days_in_village_min. A month with no attendance recorded is
  unknown, not a shortfall.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import NamedTuple

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth, ExtractYear, TruncMonth
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tuopin.people import access
from tuopin.people.enums import LEADER_ROLES, AttendanceStatus
from tuopin.people.models import Attendance, Posting, WorkTeam
from tuopin.people.params import people_parameter_values
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region


class TeamCheck(NamedTuple):
    code: str
    label_zh: str
    label_en: str
    unit: str
    function: object  # (user, prefix, year) -> QuerySet with region_code

    @property
    def label(self) -> str:
        """The label in the page's language."""
        return self.label_en if (get_language() or "").startswith("en") else self.label_zh


def as_of(year: int) -> date:
    return min(date(year, 12, 31), date.today())


def county_values(prefix: str, year: int, code: str) -> list[tuple[str, Decimal]]:
    """(county prefix, value in force) for every county under the prefix."""
    if len(prefix) >= 6:
        counties = [prefix[:6]]
    else:
        counties = [
            c[:6]
            for c in Region.objects.filter(
                level=RegionLevel.COUNTY, code__startswith=prefix
            ).values_list("code", flat=True)
        ]
    return [
        (county, people_parameter_values(year, county.ljust(12, "0"))[code]) for county in counties
    ]


def per_county(prefix: str, year: int, code: str, field: str, test) -> Q:
    """OR over the counties of (row in the county AND test(value)); one value for all
    counties needs no county split."""
    pairs = county_values(prefix, year, code)
    if not pairs:
        return Q(pk__in=[])
    if len({value for _county, value in pairs}) == 1:
        return test(pairs[0][1])
    return reduce(
        or_, (Q(**{f"{field}__startswith": county}) & test(value) for county, value in pairs)
    )


def current_on(day: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}started_on__lte": day}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": day})
    )


def _teams(user, prefix: str, year: int) -> QuerySet:
    day = as_of(year)
    members = (
        Posting.objects.filter(current_on(day), team=OuterRef("pk"))
        .order_by()
        .values("team")
        .annotate(n=Count("pk"))
        .values("n")
    )
    leaders = Posting.objects.filter(current_on(day), team=OuterRef("pk"), role__in=LEADER_ROLES)
    return (
        WorkTeam.objects.filter(access.read_q(user, access.TEAMS, "village__code"))
        .filter(current_on(day), village__code__startswith=prefix)
        .annotate(
            region_code=F("village_id"),
            members=Coalesce(Subquery(members, output_field=IntegerField()), Value(0)),
            has_leader=Exists(leaders),
        )
    )


def village_without_team(user, prefix: str, year: int) -> QuerySet:
    day = as_of(year)
    teams = WorkTeam.objects.filter(current_on(day), village=OuterRef("code"))
    return (
        Region.objects.filter(access.read_q(user, access.TEAMS, "code"))
        .filter(level=RegionLevel.VILLAGE, code__startswith=prefix)
        .filter(Q(is_poor_village=True) | Q(poor_exited_year=year))
        .filter(~Exists(teams))
        .annotate(region_code=F("code"))
        .order_by("code")
    )


def team_too_small(user, prefix: str, year: int) -> QuerySet:
    rule = per_county(prefix, year, "team_members_min", "village__code", lambda v: Q(members__lt=v))
    return _teams(user, prefix, year).filter(rule).order_by("village_id", "pk")


def team_without_leader(user, prefix: str, year: int) -> QuerySet:
    return _teams(user, prefix, year).filter(has_leader=False).order_by("village_id", "pk")


def posting_ended_early(user, prefix: str, year: int) -> QuerySet:
    # months*100 + days between start and end: exact "ended before N years" on any DB.
    length = (
        (ExtractYear("ended_on") - ExtractYear("started_on")) * 1200
        + (ExtractMonth("ended_on") - ExtractMonth("started_on")) * 100
        + ExtractDay("ended_on")
        - ExtractDay("started_on")
    )
    rule = per_county(
        prefix,
        year,
        "posting_years_min",
        "team__village__code",
        lambda v: Q(length__lt=int(v * 1200)),
    )
    return (
        Posting.objects.filter(access.read_q(user, access.TEAMS, "team__village__code"))
        .filter(team__village__code__startswith=prefix, ended_on__year=year)
        .annotate(length=length, region_code=F("team__village_id"))
        .filter(rule)
        .select_related("team__village", "cadre")
        .order_by("team__village_id", "started_on", "pk")
    )


def member_days_short(user, prefix: str, year: int) -> QuerySet:
    rule = per_county(
        prefix, year, "days_in_village_min", "region_code", lambda v: Q(present__lt=v)
    )
    return (
        Attendance.objects.filter(
            access.read_q(user, access.ATTENDANCE, "posting__team__village__code")
        )
        .filter(posting__team__village__code__startswith=prefix, day__year=year)
        .annotate(month=TruncMonth("day"))
        .values(
            "posting_id",
            "posting__team_id",
            "month",
            region_code=F("posting__team__village_id"),
        )
        .annotate(
            present=Count("pk", filter=Q(status=AttendanceStatus.PRESENT)),
            leave=Count("pk", filter=Q(status=AttendanceStatus.LEAVE)),
            absent=Count("pk", filter=Q(status=AttendanceStatus.ABSENT)),
        )
        .filter(rule)
        .order_by("region_code", "posting_id", "month")
    )


CHECKS: list[TeamCheck] = [
    TeamCheck(
        "village_without_team",
        _("贫困村（含当年退出村）无驻村工作队"),
        "Poor village (or exiting this year) without a work team",
        _("村"),
        village_without_team,
    ),
    TeamCheck(
        "team_too_small",
        _("工作队在岗队员人数不足"),
        "Work team with too few members",
        _("支"),
        team_too_small,
    ),
    TeamCheck(
        "team_without_leader",
        _("工作队无第一书记或队长"),
        "Work team without a first secretary or leader",
        _("支"),
        team_without_leader,
    ),
    TeamCheck(
        "posting_ended_early",
        _("驻村任职未满期限提前结束"),
        "Posting ended before its minimum length",
        _("人"),
        posting_ended_early,
    ),
    TeamCheck(
        "member_days_short",
        _("队员当月在村天数不足"),
        "Member with too few days in the village in a month",
        _("人月"),
        member_days_short,
    ),
]
CHECKS_BY_CODE = {check.code: check for check in CHECKS}


def finding_codes(rows: QuerySet) -> list[str]:
    """The village code of every finding of a check's queryset."""
    if rows._fields:  # a grouped values() queryset
        return [row["region_code"] for row in rows]
    return list(rows.values_list("region_code", flat=True))


def shortfalls_by_team(user, prefix: str, year: int) -> dict[int, list[str]]:
    """team id -> the codes of the checks it falls short of (for the team ledger)."""
    found: dict[int, list[str]] = {}
    for code in ("team_too_small", "team_without_leader"):
        for pk in CHECKS_BY_CODE[code].function(user, prefix, year).values_list("pk", flat=True):
            found.setdefault(pk, []).append(code)
    for pk in posting_ended_early(user, prefix, year).values_list("team_id", flat=True):
        found.setdefault(pk, [])
        if "posting_ended_early" not in found[pk]:
            found[pk].append("posting_ended_early")
    for row in member_days_short(user, prefix, year):
        team_id = row["posting__team_id"]
        found.setdefault(team_id, [])
        if "member_days_short" not in found[team_id]:
            found[team_id].append("member_days_short")
    return found
