"""The data-quality scorecard (疑点数据): checks × regions, drill-down, xlsx download.

Thin views: parse the region and year, look everything up through the scoped
selectors of `tuopin.registry.quality`, render. A region outside the user's scope
answers 404 like a missing one (`access_region`).
"""

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from tuopin.accounts.roles import Permission
from tuopin.accounts.selectors import (
    has_permission,
    region_breadcrumbs,
    requested_region,
    require_permission,
)
from tuopin.audit.downloads import logged_xlsx_download
from tuopin.core.errors import TuopinError
from tuopin.core.spreadsheets import workbook as new_workbook
from tuopin.regions.models import Region
from tuopin.registry.enums import HouseholdAttribute, PovertyStatus
from tuopin.registry.quality import (
    DEFAULT_YEAR,
    POLICY_DEFAULTS,
    get_check,
    quality_list,
)
from tuopin.registry.quality_snapshot import quality_scorecard
from tuopin.registry.selectors import keyset_page

EXPORT_COLUMNS = [
    ("village_id", "区划代码"),
    ("village__parent__name", "乡镇（街道）"),
    ("village__name", "行政村（社区）"),
    ("number", "户编号"),
    ("head_name", "户主"),
    ("status", "脱贫状态"),
    ("attribute", "贫困户属性"),
]


def _region(request) -> Region:
    return requested_region(request.user, request.GET.get("region"))


def _year(request) -> int:
    text = request.GET.get("year", "").strip()
    if not text:
        return DEFAULT_YEAR
    if text.isdigit() and int(text) in POLICY_DEFAULTS["poverty_line"]:
        return int(text)
    messages.warning(
        request,
        _("年度“%(year)s”无效，显示 %(default)s 年。") % {"year": text, "default": DEFAULT_YEAR},
    )
    return DEFAULT_YEAR


def _check(code: str):
    try:
        return get_check(code)
    except TuopinError:
        raise Http404("未找到 (not found)") from None


@login_required
def scorecard(request):
    require_permission(request.user, Permission.REGISTRY_VIEW)
    region = _region(request)
    require_permission(request.user, Permission.REGISTRY_VIEW, region.code)
    year = _year(request)
    card, snapshot = quality_scorecard(request.user, region_code=region.code, year=year)
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
        "registry/quality/scorecard.html",
        {
            "region": region,
            "breadcrumbs": region_breadcrumbs(request.user, region),
            "columns": card.columns,
            "rows": rows,
            "year": year,
            "years": sorted(POLICY_DEFAULTS["poverty_line"]),
            "as_of": card.as_of,
            "drills_down": card.columns != [region],
            "snapshot": snapshot,
            "may_refresh": has_permission(request.user, Permission.JOBS_RUN, region.code),
        },
    )


@login_required
def check_list(request, check: str):
    require_permission(request.user, Permission.REGISTRY_VIEW)
    found = _check(check)
    region = _region(request)
    require_permission(request.user, Permission.REGISTRY_VIEW, region.code)
    year = _year(request)
    households = quality_list(found.code, user=request.user, region_prefix=region.prefix, year=year)
    after = request.GET.get("after", "")
    rows, next_after = keyset_page(households, after=int(after) if after.isdigit() else None)
    return render(
        request,
        "registry/quality/list.html",
        {
            "check": found,
            "region": region,
            "breadcrumbs": region_breadcrumbs(request.user, region),
            "year": year,
            "rows": rows,
            "total": households.count(),
            "next_after": next_after,
            "first_page": not after,
            "may_export": has_permission(request.user, Permission.DATA_EXPORT, region.code),
        },
    )


@login_required
def check_download(request, check: str):
    """The offending households as xlsx, written in constant memory and logged."""
    require_permission(request.user, Permission.REGISTRY_VIEW)
    found = _check(check)
    region = _region(request)
    require_permission(request.user, Permission.DATA_EXPORT, region.code)
    year = _year(request)
    households = quality_list(found.code, user=request.user, region_prefix=region.prefix, year=year)
    labels = {
        "status": dict(PovertyStatus.choices),
        "attribute": dict(HouseholdAttribute.choices),
    }
    # Deleted when closed; FileResponse closes it once the response is sent.
    output = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    workbook = new_workbook(output)
    sheet = workbook.add_worksheet(_("疑点数据"))
    bold = workbook.add_format({"bold": True})
    sheet.write(0, 0, f"{found.label_zh}（{found.code}）", bold)
    sheet.write(1, 0, f"{region.name} {region.code} · {year}")
    header = 2
    for column, (_field, label) in enumerate(EXPORT_COLUMNS):
        sheet.write_string(header, column, label, bold)
    fields = [name for name, _label in EXPORT_COLUMNS]
    written = 0
    for written, values in enumerate(
        households.values_list(*fields).iterator(chunk_size=2000), start=1
    ):
        row = dict(zip(fields, values, strict=True))
        for name, names in labels.items():
            row[name] = str(names.get(row[name], row[name] or ""))
        # Text, never numbers: codes and household numbers keep their leading zeros.
        for column, name in enumerate(fields):
            sheet.write_string(header + written, column, str(row[name] or ""))
    workbook.close()
    return logged_xlsx_download(
        request,
        output,
        filename=f"quality-{found.code}-{region.prefix}-{year}.xlsx",
        region_code=region.code,
        object_type="quality_check",
        object_id=found.code,
        detail=f"疑点数据 {found.label_zh}，{year} 年，{written} 户",
    )
