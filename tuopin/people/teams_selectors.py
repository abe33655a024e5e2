"""Reads of the work teams, always scoped by the people rule (access.py): a row outside
the user's topic regions answers 404 like a missing one."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from tuopin.core.errors import OutOfScope
from tuopin.people import access
from tuopin.people.enums import LEADER_ROLES, AttendanceStatus, PostingRole
from tuopin.people.models import Attendance, Posting, WorkTeam


def as_of(year: int) -> date:
    """The day a year is judged on: its last day, or today in the running year."""
    return min(date(year, 12, 31), date.today())


def current_on(day: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}started_on__lte": day}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": day})
    )


def teams_search(
    user, *, region_prefix: str = "", year: int | None = None, on: date | None = None
) -> QuerySet:
    """Teams the user reads under the prefix; with a year, those current on its as-of
    day (or `on`), annotated with their current members and whether a leader is one."""
    day = on or (as_of(year) if year else date.today())
    members = (
        Posting.objects.filter(current_on(day), team=OuterRef("pk"))
        .order_by()
        .values("team")
        .annotate(n=Count("pk"))
        .values("n")
    )
    leaders = Posting.objects.filter(current_on(day), team=OuterRef("pk"), role__in=LEADER_ROLES)
    rows = WorkTeam.objects.filter(access.read_q(user, access.TEAMS, "village__code")).filter(
        village__code__startswith=region_prefix
    )
    if year or on:
        rows = rows.filter(current_on(day))
    return (
        rows.annotate(
            members=Coalesce(Subquery(members, output_field=IntegerField()), Value(0)),
            has_leader=Exists(leaders),
        )
        .select_related("village__parent")
        .order_by("village_id", "started_on", "pk")
    )


def access_team(user, team_id: int) -> WorkTeam:
    team = WorkTeam.objects.filter(pk=team_id).select_related("village__parent").first()
    if team is None or not access.may_read(user, access.TEAMS, team.village_id):
        raise OutOfScope("work_team", str(team_id))
    return team


def role_rank():
    """第一书记, 队长, 队员: the order a team's members are shown in."""
    return Case(
        *(When(role=code, then=Value(rank)) for rank, code in enumerate(PostingRole.values)),
        output_field=IntegerField(),
    )


def team_postings(team: WorkTeam, on: date | None = None) -> QuerySet:
    """The team's postings (current on `on` when given), leaders first."""
    rows = team.postings.select_related("cadre")
    if on is not None:
        rows = rows.filter(current_on(on))
    return rows.order_by(role_rank(), "started_on", "pk")


def leader_names(teams) -> dict[int, str]:
    """team id -> its current leaders' names (one query for the page)."""
    today = date.today()
    names: dict[int, list[str]] = {}
    for team_id, name in (
        Posting.objects.filter(current_on(today), team__in=teams, role__in=LEADER_ROLES)
        .order_by(role_rank(), "pk")
        .values_list("team_id", "cadre__name")
    ):
        names.setdefault(team_id, []).append(name)
    return {k: "、".join(v) for k, v in names.items()}


@dataclass
class MemberMonth:
    posting: Posting
    present: int = 0
    leave: int = 0
    absent: int = 0
    reasons: list[str] = field(default_factory=list)
    days: dict[int, str] = field(default_factory=dict)  # day of month -> status

    @property
    def recorded(self) -> int:
        return self.present + self.leave + self.absent


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def monthly_attendance(user, team: WorkTeam, year: int, month: int) -> list[MemberMonth]:
    """Per member posted in the month: days present, on leave (with reasons), absent."""
    if not access.may_read(user, access.ATTENDANCE, team.village_id):
        raise OutOfScope("attendance", str(team.pk))
    first, last = month_bounds(year, month)
    postings = team.postings.filter(started_on__lte=last).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=first)
    )
    members = {
        p.pk: MemberMonth(p) for p in postings.select_related("cadre").order_by(role_rank(), "pk")
    }
    for posting_id, day, status, reason in (
        Attendance.objects.filter(posting_id__in=list(members), day__range=(first, last))
        .order_by("day")
        .values_list("posting_id", "day", "status", "reason")
    ):
        member = members[posting_id]
        member.days[day.day] = status
        if status == AttendanceStatus.PRESENT:
            member.present += 1
        elif status == AttendanceStatus.LEAVE:
            member.leave += 1
            member.reasons.append(f"{day.month}月{day.day}日 {reason}")
        else:
            member.absent += 1
    return list(members.values())


def day_attendance(team: WorkTeam, day: date) -> dict[int, Attendance]:
    return {a.posting_id: a for a in Attendance.objects.filter(posting__team=team, day=day)}
