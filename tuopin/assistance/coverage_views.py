"""Coverage scorecard (覆盖核查), drill-down lists, xlsx downloads, the parameter page.

Thin views: parse the region and year, run the scoped selectors of
`tuopin.assistance.coverage`, render. A region outside the user's scope answers 404
like a missing one; a sector user reads only the checks of their department, and
another department's check answers 404 too.
"""

import tempfile
from decimal import Decimal
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from tuopin.accounts.roles import Permission
from tuopin.accounts.selectors import (
    has_permission,
    region_breadcrumbs,
    requested_region,
    require_permission,
)
from tuopin.assistance.coverage import DEFAULT_YEAR, checks_read_by, coverage_list
from tuopin.assistance.coverage.framework import analytic_queries
from tuopin.assistance.coverage.snapshot import coverage_scorecard
from tuopin.assistance.parameters import PARAMETERS
from tuopin.assistance.params import may_set_parameter, parameter_resolve, parameter_set
from tuopin.audit.downloads import logged_xlsx_download
from tuopin.core.labels import label_for
from tuopin.core.parameter_pages import parameter_post
from tuopin.core.spreadsheets import workbook as new_workbook
from tuopin.core.years import YEARS
from tuopin.regions.models import Region
from tuopin.registry.idnumbers import mask_id_number

PAGE = 50
# Detail fields shown with a code list's label instead of the code.
DETAIL_VOCABULARIES = {
    "stage": "school_stage",
    "item": None,  # an aid item, PV mode or subsidy: shown as the label of its kind below
    "kind": "payment_kind",
    "post_type": "post_type",
    "category": "disability_category",
    "grade": "disability_grade",
}
ITEM_VOCABULARIES = ("aid_item", "disability_subsidy", "pv_distribution_mode")


def _region(request) -> Region:
    return requested_region(request.user, request.GET.get("region") or request.POST.get("region"))


def _year(request) -> int:
    text = (request.GET.get("year") or request.POST.get("year") or "").strip()
    if not text:
        return DEFAULT_YEAR
    if text.isdigit() and int(text) in YEARS:
        return int(text)
    messages.warning(
        request,
        _("年度“%(year)s”无效，显示 %(default)s 年。") % {"year": text, "default": DEFAULT_YEAR},
    )
    return DEFAULT_YEAR


def _visible_checks(user) -> list:
    checks = checks_read_by(user)
    if not checks:
        raise PermissionDenied("没有可查看的覆盖核查 (no coverage check to read)")
    return checks


def _check(user, code: str):
    for check in _visible_checks(user):
        if check.code == code:
            return check
    raise Http404("未找到 (not found)")


@login_required
def scorecard(request):
    require_permission(request.user, Permission.LEDGER_VIEW)
    region = _region(request)
    require_permission(request.user, Permission.LEDGER_VIEW, region.code)
    year = _year(request)
    card, snapshot = coverage_scorecard(
        request.user, region_code=region.code, year=year, checks=_visible_checks(request.user)
    )
    rows = [
        {
            "check": row.check,
            "cells": list(zip(card.columns, row.counts, strict=True)),
            "total": row.total,
        }
        for row in card.rows
    ]
    return render(
        request,
        "assistance/coverage/scorecard.html",
        {
            "region": region,
            "breadcrumbs": region_breadcrumbs(request.user, region),
            "columns": card.columns,
            "rows": rows,
            "year": year,
            "years": YEARS,
            "as_of": card.as_of,
            "drills_down": card.columns != [region],
            "snapshot": snapshot,
            "may_refresh": has_permission(request.user, Permission.JOBS_RUN, region.code),
        },
    )


def _detail_text(name: str, value) -> str:
    if value is None or value == "":
        return _("未填报")
    vocabulary = DETAIL_VOCABULARIES.get(name, "")
    if vocabulary:
        return str(label_for(vocabulary, value))
    if name == "item":
        for candidate in ITEM_VOCABULARIES:
            text = str(label_for(candidate, value))
            if text != str(value):
                return text
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return str(value)


def _display_rows(check, rows: list[dict]) -> list[dict]:
    for row in rows:
        row["masked_id"] = mask_id_number(row.get("person_id_number") or "")
        row["details"] = [
            (_(label), _detail_text(name, row.get(name))) for name, label in check.detail
        ]
    return rows


@login_required
def check_list(request, check: str):
    require_permission(request.user, Permission.LEDGER_VIEW)
    found = _check(request.user, check)
    region = _region(request)
    require_permission(request.user, Permission.LEDGER_VIEW, region.code)
    year = _year(request)
    offenders = coverage_list(found.code, user=request.user, region_prefix=region.prefix, year=year)
    page_text = request.GET.get("page", "")
    page = int(page_text) if page_text.isdigit() and int(page_text) > 0 else 1
    with analytic_queries():
        rows = list(offenders[(page - 1) * PAGE : page * PAGE + 1])
        total = offenders.count()
    has_next = len(rows) > PAGE
    return render(
        request,
        "assistance/coverage/list.html",
        {
            "check": found,
            "region": region,
            "breadcrumbs": region_breadcrumbs(request.user, region),
            "year": year,
            "rows": _display_rows(found, rows[:PAGE]),
            "total": total,
            "page": page,
            "next_page": page + 1 if has_next else None,
            "previous_page": page - 1 if page > 1 else None,
            "may_export": has_permission(request.user, Permission.DATA_EXPORT, region.code),
        },
    )


@login_required
def check_download(request, check: str):
    """The offenders as xlsx (ID numbers masked), written in constant memory and logged."""
    require_permission(request.user, Permission.LEDGER_VIEW)
    found = _check(request.user, check)
    region = _region(request)
    require_permission(request.user, Permission.DATA_EXPORT, region.code)
    year = _year(request)
    offenders = coverage_list(found.code, user=request.user, region_prefix=region.prefix, year=year)
    output = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    workbook = new_workbook(output)
    sheet = workbook.add_worksheet(_("覆盖核查"))
    bold = workbook.add_format({"bold": True})
    sheet.write(0, 0, f"{found.label_zh}（{found.code}）", bold)
    sheet.write(1, 0, f"{region.name} {region.code} · {year}")
    header = 2
    columns = [
        ("region_code", "区划代码"),
        ("region_name", "区划名称"),
        ("home_number", "户编号"),
        ("person_name", "姓名" if found.unit != "household" else "户主"),
        ("masked_id", "身份证号（脱敏）"),
    ]
    if found.unit == "region":
        columns = columns[:2]
    for column, (_name, label) in enumerate(columns + [("", lbl) for _n, lbl in found.detail]):
        sheet.write_string(header, column, label, bold)
    written = 0
    with analytic_queries():
        for written, row in enumerate(offenders.iterator(chunk_size=2000), start=1):
            row["masked_id"] = mask_id_number(row.get("person_id_number") or "")
            values = [str(row.get(name) or "") for name, _label in columns]
            values += [_detail_text(name, row.get(name)) for name, _label in found.detail]
            # Text, never numbers: codes and numbers keep their leading zeros.
            for column, value in enumerate(values):
                sheet.write_string(header + written, column, value)
    workbook.close()
    return logged_xlsx_download(
        request,
        output,
        filename=f"coverage-{found.code}-{region.prefix}-{year}.xlsx",
        region_code=region.code,
        object_type="coverage_check",
        object_id=found.code,
        detail=f"覆盖核查 {found.label_zh}，{year} 年，{written} {found.unit_info.label_zh}",
    )


@login_required
def parameters(request):
    """The parameters in force for a year at a region; an edit form for those who may."""
    require_permission(request.user, Permission.LEDGER_VIEW)
    region = _region(request)
    year = _year(request)
    settable = {code for code in PARAMETERS if may_set_parameter(request.user, code, region)}
    if request.method == "POST":
        if request.POST.get("code", "") not in settable:
            raise PermissionDenied("没有权限：维护台账参数 (permission required: assistance.edit)")
        url = reverse("assistance:coverage_parameters")
        return parameter_post(
            request,
            partial(parameter_set, acting_user=request.user, region=region, year=year),
            back_url=f"{url}?region={region.code}&year={year}",
        )
    resolved = parameter_resolve(year, region.code)
    return render(
        request,
        "assistance/coverage/parameters.html",
        {
            "region": region,
            "breadcrumbs": region_breadcrumbs(request.user, region),
            "year": year,
            "years": YEARS,
            "rows": [
                {"item": item, "settable": item.parameter.code in settable}
                for item in resolved.values()
            ],
            "may_set": bool(settable),
        },
    )
