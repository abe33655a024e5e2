"""Pages of 帮扶力量核查 (/people/checks/): the scorecard per child region with
drill-down, a list per check, its download. Only the checks whose topics the user reads;
a region outside answers 404."""

from __future__ import annotations

from io import BytesIO

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from tuopin.accounts.roles import Permission
from tuopin.accounts.selectors import has_permission
from tuopin.audit.downloads import logged_xlsx_download
from tuopin.core.spreadsheets import workbook as new_workbook
from tuopin.core.years import years_to_now
from tuopin.people import access
from tuopin.people.checks import DEFAULT_YEAR, checks_read_by, offenders, scorecard
from tuopin.people.checks.rows import HEADERS, finding_rows
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region
from tuopin.regions.selectors import region_ancestors

PAGE = 50


def _checks(request):
    found = checks_read_by(request.user)
    if not found:
        raise PermissionDenied("没有可查看的核查 (no check to read)")
    return found


def _region(request, checks) -> Region:
    topics = sorted({topic for check in checks for topic in check.topics})
    return access.region_for(request.user, request.GET.get("region"), topics)


def _year(request) -> int:
    text = (request.GET.get("year") or "").strip()
    return int(text) if text.isdigit() and int(text) in years_to_now() else DEFAULT_YEAR


def _check(request, code: str):
    for found in _checks(request):
        if found.code == code:
            return found
    raise Http404("未找到 (not found)")


@login_required
def checks_scorecard(request):
    checks = _checks(request)
    region = _region(request, checks)
    year = _year(request)
    card = scorecard(request.user, region=region, year=year)
    return render(
        request,
        "people/checks/scorecard.html",
        {
            "card": card,
            "region": region,
            "ancestors": region_ancestors(region),
            "drills_down": region.level != RegionLevel.VILLAGE,
            "year": year,
            "years": years_to_now(),
        },
    )


@login_required
def check_list(request, code: str):
    found = _check(request, code)
    region = _region(request, [found])
    year = _year(request)
    rows = offenders(found.code, request.user, region_prefix=region.prefix, year=year)
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "people/checks/list.html",
        {
            "check": found,
            "region": region,
            "ancestors": region_ancestors(region),
            "year": year,
            "page": page,
            "headers": [_(h) for h in HEADERS],
            "rows": finding_rows(found, page.object_list),
            "may_export": has_permission(request.user, Permission.DATA_EXPORT, region.code),
        },
    )


@login_required
def check_download(request, code: str):
    found = _check(request, code)
    region = _region(request, [found])
    if not has_permission(request.user, Permission.DATA_EXPORT, region.code):
        raise PermissionDenied("没有权限：导出数据 (you may not export)")
    year = _year(request)
    rows = finding_rows(
        found, offenders(found.code, request.user, region_prefix=region.prefix, year=year)
    )
    output = BytesIO()
    book = new_workbook(output)
    sheet = book.add_worksheet(found.label[:31])
    bold = book.add_format({"bold": True})
    sheet.write_string(0, 0, f"{found.label} · {region.name} · {year}", bold)
    sheet.write_row(1, 0, [_(h) for h in HEADERS], bold)
    for line, row in enumerate(rows, start=2):
        sheet.write_row(
            line, 0, [str(row[k]) for k in ("township", "village", "subject", "detail")]
        )
    book.close()
    return logged_xlsx_download(
        request,
        output,
        filename=f"people-check-{found.code}-{region.prefix}-{year}.xlsx",
        region_code=region.code,
        object_type="people_check",
        object_id=found.code,
        detail=f"帮扶力量核查 {found.label_zh}，{year} 年，{len(rows)} {found.unit_info.label_zh}",
    )
