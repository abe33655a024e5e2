"""Pages of the work teams: the team ledger per region, a team's page (members,
attendance, the day's sign-in), the monthly attendance report, new team and posting
forms, the coverage scorecard with its drill-down and downloads, the roster upload.

Thin views: the scope rule is access.py's; a region or team outside answers 404."""

from __future__ import annotations

import tempfile
from datetime import date
from io import BytesIO
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuopin.accounts.roles import Permission
from tuopin.accounts.selectors import has_permission
from tuopin.audit.downloads import logged_xlsx_download
from tuopin.core.errors import TuopinError
from tuopin.core.spreadsheets import workbook as new_workbook
from tuopin.core.uploads import UnusableFile
from tuopin.core.years import years_to_now
from tuopin.people import access
from tuopin.people.cadres import cadre_find_or_create
from tuopin.people.checks import CHECKS, shortfalls_by_team
from tuopin.people.enums import AttendanceStatus, PostingRole
from tuopin.people.models import Posting
from tuopin.people.teams_forms import PostingForm, RosterImportForm, TeamForm
from tuopin.people.teams_import import import_teams
from tuopin.people.teams_selectors import (
    access_team,
    day_attendance,
    leader_names,
    monthly_attendance,
    team_postings,
    teams_search,
)
from tuopin.people.teams_services import (
    attendance_sign,
    posting_create,
    posting_end,
    team_create,
)
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region
from tuopin.regions.selectors import region_ancestors

PAGE = 50


def _region(request, topic: str = access.TEAMS) -> Region:
    if not access.may_read(request.user, topic):
        raise PermissionDenied("没有权限：查看驻村工作队 (you may not read work teams)")
    text = request.GET.get("region") or request.POST.get("region")
    return access.region_for(request.user, text, [topic])


def _year(request) -> int:
    text = (request.GET.get("year") or "").strip()
    if text.isdigit() and int(text) in years_to_now():
        return int(text)
    if text:
        messages.warning(request, _("年度“%(year)s”无效，显示今年。") % {"year": text})
    return date.today().year


def _month(request) -> tuple[int, int]:
    text = (request.GET.get("month") or "").strip()
    try:
        year, month = (int(part) for part in text.split("-"))
        date(year, month, 1)
        return year, month
    except ValueError:
        if text:
            messages.warning(request, _("月份“%(month)s”无效，显示本月。") % {"month": text})
        today = date.today()
        return today.year, today.month


def _may_export(user, region: Region) -> bool:
    return has_permission(user, Permission.DATA_EXPORT, region.code)


def _children(region: Region) -> list[Region]:
    if region.level == RegionLevel.VILLAGE:
        return [region]
    return list(Region.objects.filter(parent=region).order_by("code"))


def _ledger_rows(request, region: Region, year: int, shortfall_only: bool):
    teams = teams_search(request.user, region_prefix=region.prefix, year=year)
    short = shortfalls_by_team(request.user, region.prefix, year)
    if shortfall_only:
        teams = teams.filter(pk__in=list(short))
    return teams, short


def _shortfall_labels(codes: list[str]) -> list[str]:
    return [CHECKS[code].label for code in codes]


@login_required
def team_list(request):
    """The team ledger: every team current in the year under the region, with its
    size, leaders, dates and shortfalls."""
    region = _region(request)
    year = _year(request)
    shortfall_only = request.GET.get("shortfall") == "1"
    teams, short = _ledger_rows(request, region, year, shortfall_only)
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    total = teams.count()
    rows = list(teams[(page - 1) * PAGE : page * PAGE + 1])
    has_next = len(rows) > PAGE
    rows = rows[:PAGE]
    leaders = leader_names(rows)
    return render(
        request,
        "people/teams/list.html",
        {
            "region": region,
            "ancestors": region_ancestors(region),
            "children": _children(region) if region.level != RegionLevel.VILLAGE else [],
            "year": year,
            "years": years_to_now(),
            "shortfall_only": shortfall_only,
            "rows": [
                {
                    "team": team,
                    "leaders": leaders.get(team.pk, ""),
                    "shortfalls": _shortfall_labels(short.get(team.pk, [])),
                }
                for team in rows
            ],
            "total": total,
            "short_total": len(short),
            "page": page,
            "next_page": page + 1 if has_next else None,
            "previous_page": page - 1 if page > 1 else None,
            "may_export": _may_export(request.user, region),
            "may_create": access.may_keep(request.user, access.TEAMS, region.code)
            or access.may_keep(request.user, access.TEAMS),
            "may_import": access.may_keep(request.user, access.TEAMS),
        },
    )


@login_required
def team_list_download(request):
    region = _region(request)
    if not _may_export(request.user, region):
        raise PermissionDenied("没有权限：导出数据 (permission required: data.export)")
    year = _year(request)
    teams, short = _ledger_rows(request, region, year, request.GET.get("shortfall") == "1")
    output = BytesIO()
    book = new_workbook(output, in_memory=True)
    sheet = book.add_worksheet(_("驻村工作队台账"))
    bold = book.add_format({"bold": True})
    sheet.write_string(0, 0, f"{region.name} {year} 年驻村工作队台账", bold)
    header = [
        "乡镇",
        "行政村",
        "村代码",
        "派出单位",
        "进驻日期",
        "撤离日期",
        "在岗队员",
        "第一书记或队长",
        "短板",
    ]
    for column, label in enumerate(header):
        sheet.write_string(1, column, label, bold)
    count = 0
    for count, team in enumerate(teams.iterator(chunk_size=2000), start=1):
        leaders = leader_names([team.pk]).get(team.pk, "")
        values = [
            team.village.parent.name if team.village.parent else "",
            team.village.name,
            team.village_id,
            team.sending_unit,
            str(team.started_on),
            str(team.ended_on or ""),
            str(team.members),
            leaders or "无",
            "；".join(_shortfall_labels(short.get(team.pk, []))),
        ]
        for column, value in enumerate(values):
            sheet.write_string(1 + count, column, value)
    book.close()
    return logged_xlsx_download(
        request,
        output,
        filename=f"teams-{region.prefix}-{year}.xlsx",
        region_code=region.code,
        object_type="work_team_ledger",
        object_id=region.code,
        detail=f"驻村工作队台账 {year} 年，{count} 支",
    )


def _team_context(request, team):
    today = date.today()
    members = list(team_postings(team, on=today))
    month = (
        monthly_attendance(request.user, team, today.year, today.month)
        if access.may_read(request.user, access.ATTENDANCE, team.village_id)
        else None
    )
    signed = day_attendance(team, today)
    return {
        "team": team,
        "members": members,
        "past": list(
            team.postings.exclude(pk__in=[m.pk for m in members])
            .select_related("cadre")
            .order_by("-started_on")
        ),
        "month": month,
        "today": today,
        "sign_rows": [
            {
                "posting": p,
                "status": signed[p.pk].status if p.pk in signed else "",
                "reason": signed[p.pk].reason if p.pk in signed else "",
            }
            for p in members
        ],
        "statuses": AttendanceStatus.choices,
        "may_sign": access.may_keep(request.user, access.ATTENDANCE, team.village_id)
        and bool(members),
        "may_post": access.may_keep(request.user, access.TEAMS, team.village_id),
    }


@login_required
def team_page(request, team_id: int):
    team = access_team(request.user, team_id)
    return render(request, "people/teams/team.html", _team_context(request, team))


@login_required
@require_POST
def team_sign(request, team_id: int):
    """The day's attendance of the team's members, signed by a keeper of ATTENDANCE."""
    team = access_team(request.user, team_id)
    if not access.may_keep(request.user, access.ATTENDANCE, team.village_id):
        raise PermissionDenied("没有权限：登记考勤 (you may not sign attendance here)")
    try:
        day = date.fromisoformat(request.POST.get("day", ""))
    except ValueError:
        messages.error(request, _("日期无效。"))
        return redirect("people:team", team_id=team.pk)
    entries = {}
    for posting in team_postings(team, on=day):
        status = request.POST.get(f"status_{posting.pk}", "")
        if status:
            entries[posting.pk] = (status, request.POST.get(f"reason_{posting.pk}", ""))
    try:
        written = attendance_sign(acting_user=request.user, team=team, day=day, entries=entries)
    except TuopinError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已登记 %(n)s 人的考勤。") % {"n": written})
    return redirect("people:team", team_id=team.pk)


@login_required
def team_attendance(request, team_id: int):
    team = access_team(request.user, team_id)
    year, month = _month(request)
    rows = monthly_attendance(request.user, team, year, month)
    return render(
        request,
        "people/teams/attendance.html",
        {
            "team": team,
            "rows": rows,
            "year": year,
            "month": month,
            "month_text": f"{year:04d}-{month:02d}",
            "may_export": _may_export(request.user, team.village),
        },
    )


@login_required
def team_attendance_download(request, team_id: int):
    team = access_team(request.user, team_id)
    if not _may_export(request.user, team.village):
        raise PermissionDenied("没有权限：导出数据 (permission required: data.export)")
    year, month = _month(request)
    rows = monthly_attendance(request.user, team, year, month)
    output = BytesIO()
    book = new_workbook(output, in_memory=True)
    sheet = book.add_worksheet(_("考勤"))
    bold = book.add_format({"bold": True})
    sheet.write_string(
        0, 0, f"{team.village.name} {team.sending_unit}驻村工作队 {year}年{month}月考勤", bold
    )
    for column, label in enumerate(
        ["姓名", "队内职务", "在岗天数", "请假天数", "缺勤天数", "请假事由"]
    ):
        sheet.write_string(1, column, label, bold)
    for number, row in enumerate(rows, start=2):
        values = [
            row.posting.cadre.name,
            str(row.posting.get_role_display()),
            str(row.present),
            str(row.leave),
            str(row.absent),
            "；".join(row.reasons),
        ]
        for column, value in enumerate(values):
            sheet.write_string(number, column, value)
    book.close()
    return logged_xlsx_download(
        request,
        output,
        filename=f"attendance-{team.pk}-{year:04d}{month:02d}.xlsx",
        region_code=team.village_id,
        object_type="work_team_attendance",
        object_id=str(team.pk),
        detail=f"驻村考勤 {year}年{month}月",
    )


def _kept_villages(user):
    return (
        Region.objects.filter(access.keep_q(user, access.TEAMS, "code"))
        .filter(level=RegionLevel.VILLAGE)
        .select_related("parent")
        .order_by("code")
    )


@login_required
def team_new(request):
    if not access.may_keep(request.user, access.TEAMS):
        raise PermissionDenied("没有权限：组建驻村工作队 (you may not keep work teams)")
    villages = _kept_villages(request.user)
    form = TeamForm(request.POST or None, villages=villages)
    if request.method == "POST" and form.is_valid():
        try:
            team = team_create(
                acting_user=request.user,
                village_code=form.cleaned_data["village"],
                sending_unit=form.cleaned_data["sending_unit"],
                started_on=form.cleaned_data["started_on"],
                note=form.cleaned_data["note"],
            )
        except TuopinError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("已组建驻村工作队。"))
            return redirect("people:team", team_id=team.pk)
    return render(request, "people/teams/form.html", {"form": form, "title": _("组建驻村工作队")})


@login_required
def posting_new(request, team_id: int):
    team = access_team(request.user, team_id)
    if not access.may_keep(request.user, access.TEAMS, team.village_id):
        raise PermissionDenied("没有权限：派驻队员 (you may not post members here)")
    form = PostingForm(request.POST or None, initial={"role": PostingRole.MEMBER})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                cadre, _created = cadre_find_or_create(
                    acting_user=request.user,
                    region_code=team.village_id,
                    name=data["name"],
                    id_number=data["id_number"],
                    work_unit=data["work_unit"],
                    unit_level=data["unit_level"],
                    post=data["post"],
                    phone=data["phone"],
                )
                posting_create(
                    acting_user=request.user,
                    team=team,
                    cadre=cadre,
                    role=data["role"],
                    started_on=data["started_on"],
                    ended_on=data["ended_on"],
                )
        except TuopinError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, error.message)
        else:
            messages.success(request, _("已派驻队员。"))
            return redirect("people:team", team_id=team.pk)
    return render(
        request,
        "people/teams/form.html",
        {"form": form, "team": team, "title": _("派驻队员")},
    )


@login_required
@require_POST
def posting_end_view(request, posting_id: int):
    """End (or recall, with its reason) a member's posting: keepers of TEAMS."""
    posting = Posting.objects.filter(pk=posting_id).select_related("team").first()
    if posting is None:
        raise Http404("未找到 (not found)")
    team = access_team(request.user, posting.team_id)
    if not access.may_keep(request.user, access.TEAMS, team.village_id):
        raise PermissionDenied("没有权限：结束驻村任职 (you may not end postings here)")
    try:
        ended_on = date.fromisoformat(request.POST.get("ended_on", ""))
    except ValueError:
        messages.error(request, _("日期无效。"))
        return redirect("people:team", team_id=team.pk)
    try:
        posting_end(
            acting_user=request.user,
            posting=posting,
            ended_on=ended_on,
            reason=request.POST.get("reason", "").strip(),
        )
    except TuopinError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已结束该队员的驻村任职。"))
    return redirect("people:team", team_id=team.pk)


@login_required
def teams_import(request):
    """Upload a roster (small files, read at once); the report as the CLI gives it."""
    if not access.may_keep(request.user, access.TEAMS):
        raise PermissionDenied("没有权限：导入驻村工作队花名册 (you may not import rosters)")
    report = None
    form = RosterImportForm(
        request.POST or None,
        request.FILES or None,
        upload_refused=getattr(request, "upload_refused", None),
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / f"roster{suffix}"
            with path.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            try:
                report = import_teams(
                    path,
                    acting_user=request.user,
                    dry_run=form.cleaned_data["dry_run"],
                    partial=form.cleaned_data["partial"],
                )
            except UnusableFile as unusable:
                form.add_error("file", unusable.message)
    return render(request, "people/teams/import.html", {"form": form, "report": report})


def team_url(team_id: int) -> str:
    return reverse("people:team", kwargs={"team_id": team_id})


__all__ = ["Posting", "team_url"]
