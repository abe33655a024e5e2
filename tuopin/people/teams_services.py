"""Writes of the work teams: teams, postings and attendance.

Every write checks the people scope rule (access.py): who keeps TEAMS creates teams and
postings, who keeps ATTENDANCE signs attendance; a region outside answers 404
(OutOfScope), a region read but not kept is PermissionDenied. History: simple_history.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q

from tuopin.core.errors import OutOfScope, TuopinError
from tuopin.people import access
from tuopin.people.enums import AttendanceStatus, PostingRole
from tuopin.people.models import Attendance, Posting, WorkTeam
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region
from tuopin.registry.models import Helper


def require_keep(user, topic: str, region_code: str, what: str) -> None:
    if user is None or access.may_keep(user, topic, region_code):
        return
    if access.may_read(user, topic, region_code):
        raise PermissionDenied(f"没有权限：{what} (you may not do this here)")
    raise OutOfScope(topic, region_code)


def _village(code: str) -> Region:
    region = Region.objects.filter(code=code, level=RegionLevel.VILLAGE).first()
    if region is None:
        raise TuopinError(
            "team_village_unknown",
            f"没有代码为“{code}”的行政村",
            f"there is no village '{code}'",
            field="village",
        )
    return region


def _dates(started_on: date | None, ended_on: date | None, what_zh: str, what_en: str) -> None:
    if started_on is None:
        raise TuopinError(
            "date_missing",
            f"{what_zh}进驻日期为空",
            f"the {what_en} start date is empty",
            field="started_on",
        )
    if ended_on is not None and ended_on < started_on:
        raise TuopinError(
            "date_order",
            f"{what_zh}期满日期 {ended_on} 早于进驻日期 {started_on}",
            f"the {what_en} end {ended_on} is before its start {started_on}",
            field="ended_on",
        )


def team_create(
    *,
    acting_user,
    village_code: str,
    sending_unit: str,
    started_on: date,
    ended_on: date | None = None,
    note: str = "",
) -> WorkTeam:
    require_keep(acting_user, access.TEAMS, village_code, "组建驻村工作队")
    village = _village(village_code)
    if not (sending_unit or "").strip():
        raise TuopinError(
            "team_unit_missing", "派出单位为空", "the sending unit is empty", field="sending_unit"
        )
    _dates(started_on, ended_on, "工作队", "team")
    with transaction.atomic():
        team = WorkTeam(
            village=village,
            sending_unit=sending_unit.strip(),
            started_on=started_on,
            ended_on=ended_on,
            note=note[:200],
        )
        team._history_user = acting_user
        team.save()
    return team


def team_end(*, acting_user, team: WorkTeam, ended_on: date) -> WorkTeam:
    require_keep(acting_user, access.TEAMS, team.village_id, "撤离驻村工作队")
    _dates(team.started_on, ended_on, "工作队", "team")
    team.ended_on = ended_on
    team._history_user = acting_user
    team.save(update_fields=["ended_on"])
    return team


def overlapping_postings(cadre_id: int, started_on: date, ended_on: date | None, exclude=None):
    """The cadre's postings that overlap [started_on, ended_on] (open end: ongoing)."""
    rows = Posting.objects.filter(cadre_id=cadre_id).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=started_on)
    )
    if ended_on is not None:
        rows = rows.filter(started_on__lte=ended_on)
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    return rows


def posting_create(
    *,
    acting_user,
    team: WorkTeam,
    cadre: Helper,
    role: str,
    started_on: date,
    ended_on: date | None = None,
) -> Posting:
    require_keep(acting_user, access.TEAMS, team.village_id, "派驻队员")
    if role not in PostingRole.values:
        raise TuopinError(
            "posting_role",
            f"队内职务“{role}”无效：应为第一书记、队长或队员",
            f"invalid role '{role}'",
            field="role",
        )
    _dates(started_on, ended_on, "", "posting")
    with transaction.atomic():
        other = (
            overlapping_postings(cadre.pk, started_on, ended_on)
            .select_related("team__village")
            .first()
        )
        if other is not None:
            raise TuopinError(
                "posting_twice",
                f"{cadre.name} 同期已派驻{other.team.village.name}"
                f"（{other.started_on} 起），同一干部同时只能在一个工作队",
                f"{cadre.name} is already posted to {other.team.village.name} from "
                f"{other.started_on}: one team at a time",
                field="cadre",
            )
        posting = Posting(
            team=team, cadre=cadre, role=role, started_on=started_on, ended_on=ended_on
        )
        posting._history_user = acting_user
        posting.save()
    return posting


def posting_end(*, acting_user, posting: Posting, ended_on: date, reason: str = "") -> Posting:
    """End (or recall) a posting; the reason is kept as 召回原因."""
    require_keep(acting_user, access.TEAMS, posting.team.village_id, "结束驻村任职")
    _dates(posting.started_on, ended_on, "", "posting")
    posting.ended_on = ended_on
    posting.recalled_reason = (reason or "")[:200]
    posting._history_user = acting_user
    posting.save(update_fields=["ended_on", "recalled_reason"])
    return posting


def attendance_sign(
    *, acting_user, team: WorkTeam, day: date, entries: dict[int, tuple[str, str]]
) -> int:
    """Sign a day's attendance of the team's members: posting id -> (status, reason).
    A leave needs a reason; a member not posted on that day is refused. Returns the
    number of rows written (an unchanged day writes nothing)."""
    require_keep(acting_user, access.ATTENDANCE, team.village_id, "登记考勤")
    if day > date.today():
        raise TuopinError(
            "attendance_future", f"日期 {day} 在今天之后", f"{day} is in the future", field="day"
        )
    postings = {
        p.pk: p
        for p in team.postings.filter(started_on__lte=day)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day))
        .select_related("cadre")
    }
    written = 0
    with transaction.atomic():
        stored = {
            a.posting_id: a
            for a in Attendance.objects.filter(posting_id__in=list(postings), day=day)
        }
        for posting_id, (status, reason) in entries.items():
            posting = postings.get(posting_id)
            if posting is None:
                raise TuopinError(
                    "attendance_not_posted",
                    f"{day} 该队员不在本队任职",
                    f"the member is not posted to this team on {day}",
                    field="posting",
                )
            if status not in AttendanceStatus.values:
                raise TuopinError(
                    "attendance_status",
                    f"{posting.cadre.name}：考勤“{status}”无效",
                    f"{posting.cadre.name}: invalid attendance '{status}'",
                    field="status",
                )
            reason = (reason or "").strip()[:200]
            if status == AttendanceStatus.LEAVE and not reason:
                raise TuopinError(
                    "attendance_reason",
                    f"{posting.cadre.name}：请假须填写事由",
                    f"{posting.cadre.name}: a leave needs a reason",
                    field="reason",
                )
            if status != AttendanceStatus.LEAVE:
                reason = ""
            row = stored.get(posting_id)
            if row is not None and (row.status, row.reason) == (status, reason):
                continue
            row = row or Attendance(posting=posting, day=day)
            row.status, row.reason, row.recorded_by = status, reason, acting_user
            row._history_user = acting_user
            row.save()
            written += 1
    return written
