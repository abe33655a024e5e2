"""/api/v1/teams: work teams, their members (ID numbers and phones masked) and a
month's attendance, read with the same scope as the pages (tuopin.people.access)."""

from datetime import date

from ninja import Query, Router, Schema

from tuopin.api.masking import mask_text, mask_value
from tuopin.api.schemas import answers
from tuopin.api.types import RowId, Year
from tuopin.core.errors import OutOfScope, TuopinError
from tuopin.core.regioncodes import significant_prefix
from tuopin.people import access
from tuopin.people.teams_selectors import (
    access_team,
    leader_names,
    monthly_attendance,
    team_postings,
    teams_search,
)
from tuopin.registry.selectors import keyset_page

router = Router(tags=["teams"])


class TeamOut(Schema):
    id: int
    village_code: str
    village_name: str
    sending_unit: str
    started_on: date
    ended_on: date | None
    members: int
    has_leader: bool
    leaders: str


class TeamMemberOut(Schema):
    posting_id: int
    cadre_id: int
    name: str
    id_number: str
    phone: str
    work_unit: str
    unit_level: str
    post: str
    role: str
    role_label: str
    started_on: date
    ended_on: date | None
    recalled_reason: str


class TeamDetailOut(TeamOut):
    current_members: list[TeamMemberOut]
    past_members: list[TeamMemberOut]


class TeamPage(Schema):
    items: list[TeamOut]
    next_after: int | None
    total: int


class TeamAttendanceOut(Schema):
    posting_id: int
    name: str
    role: str
    present: int
    leave: int
    absent: int
    leave_reasons: list[str]
    days: dict[int, str]


class AttendanceMonthOut(Schema):
    team_id: int
    month: str
    members: list[TeamAttendanceOut]


def _team(team, leaders: dict) -> dict:
    return {
        "id": team.pk,
        "village_code": team.village_id,
        "village_name": team.village.name,
        "sending_unit": team.sending_unit,
        "started_on": team.started_on,
        "ended_on": team.ended_on,
        "members": team.members,
        "has_leader": team.has_leader,
        "leaders": leaders.get(team.pk, ""),
    }


def _member(posting) -> dict:
    cadre = posting.cadre
    return {
        "posting_id": posting.pk,
        "cadre_id": cadre.pk,
        "name": cadre.name,
        "id_number": mask_value("id_number", cadre.id_number) or "",
        "phone": mask_value("phone", cadre.phone) or "",
        "work_unit": cadre.work_unit,
        "unit_level": cadre.unit_level,
        "post": cadre.post,
        "role": posting.role,
        "role_label": str(posting.get_role_display()),
        "started_on": posting.started_on,
        "ended_on": posting.ended_on,
        "recalled_reason": mask_text(posting.recalled_reason),  # free text: masked
    }


def _readable(request):
    if not access.may_read(request.user, access.TEAMS):
        raise OutOfScope("work_team", "")


@router.get(
    "/teams",
    response=answers({200: TeamPage}),
    summary="驻村工作队（按区划前缀、年度筛选；按 id 翻页）",
)
def team_list(
    request,
    region: str = Query("", pattern=r"^[0-9]{0,12}$", description="区划代码或其前几位"),
    year: Year | None = None,
    after: RowId | None = None,
    limit: int = Query(50, ge=1, le=500),
):
    _readable(request)
    prefix = significant_prefix(region) if len(region) == 12 else region
    rows = teams_search(request.user, region_prefix=prefix, year=year)
    page, next_after = keyset_page(rows, after=after, size=limit)
    leaders = leader_names(page)
    return {
        "items": [_team(team, leaders) for team in page],
        "next_after": next_after,
        "total": rows.count(),
    }


@router.get("/teams/{team_id}", response=answers({200: TeamDetailOut}), summary="驻村工作队及队员")
def team_detail(request, team_id: RowId):
    team = access_team(request.user, team_id)
    annotated = teams_search(request.user, on=date.today()).filter(pk=team.pk).first()
    if annotated is None:  # not current today: counted as of its last day
        annotated = teams_search(request.user, on=team.ended_on or team.started_on).get(pk=team.pk)
    current = list(team_postings(team, on=date.today()))
    past = [p for p in team_postings(team) if p.pk not in {c.pk for c in current}]
    return {
        **_team(annotated, leader_names([team.pk])),
        "current_members": [_member(p) for p in current],
        "past_members": [_member(p) for p in past],
    }


@router.get(
    "/teams/{team_id}/attendance",
    response=answers({200: AttendanceMonthOut}),
    summary="驻村工作队一个月的考勤（month=YYYY-MM）",
)
def team_attendance(
    request, team_id: RowId, month: str = Query(..., pattern=r"^[0-9]{4}-[0-9]{2}$")
):
    team = access_team(request.user, team_id)
    year, number = (int(part) for part in month.split("-"))
    if not 1 <= number <= 12 or not 2000 <= year <= 2100:
        raise TuopinError(
            "month_invalid", f"月份“{month}”无效", f"invalid month '{month}'", field="month"
        )
    rows = monthly_attendance(request.user, team, year, number)
    return {
        "team_id": team.pk,
        "month": month,
        "members": [
            {
                "posting_id": row.posting.pk,
                "name": row.posting.cadre.name,
                "role": row.posting.role,
                "present": row.present,
                "leave": row.leave,
                "absent": row.absent,
                "leave_reasons": [mask_text(reason) for reason in row.reasons],
                "days": row.days,
            }
            for row in rows
        ],
    }
