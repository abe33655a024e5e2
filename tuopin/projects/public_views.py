"""公告公示 without login, under /disclosure/: the notices posted now and past ones per
county, township or village, a notice's page and its printable copy for the village
board. Only the stored, masked rows are read; a withdrawn or not yet started notice is
not found."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from tuopin.core.regioncodes import expand_code, significant_prefix
from tuopin.projects.disclosure_selectors import (
    ENDED,
    POSTED,
    public_disclosure,
    public_disclosures,
)
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region


def _chosen(text: str | None) -> Region | None:
    code = expand_code(text or "")
    return Region.objects.filter(code=code).first() if code else None


def public_list(request):
    region = _chosen(request.GET.get("region"))
    state = ENDED if request.GET.get("state") == ENDED else POSTED
    prefix = region.prefix if region else ""
    page = Paginator(public_disclosures(state, prefix), 50).get_page(request.GET.get("page"))
    if region is None:
        choices = Region.objects.filter(level=RegionLevel.COUNTY)
    elif region.level == RegionLevel.VILLAGE:
        choices = Region.objects.none()
    else:
        choices = Region.objects.filter(parent_id=region.code)
    trail = []
    at = region
    while at is not None and at.level != RegionLevel.CITY:
        trail.insert(0, at)
        at = at.parent
    return render(
        request,
        "projects/public/list.html",
        {
            "region": region,
            "trail": [(r, significant_prefix(r.code)) for r in trail],
            "choices": [(r, significant_prefix(r.code)) for r in choices.order_by("code")],
            "prefix": significant_prefix(region.code) if region else "",
            "state": state,
            "page": page,
        },
    )


def _notice(disclosure_id: int):
    notice = public_disclosure(disclosure_id)
    if notice is None:
        raise Http404("未找到 (not found)")
    return notice


def public_page(request, disclosure_id: int):
    return render(request, "projects/public/page.html", {"notice": _notice(disclosure_id)})


def public_print(request, disclosure_id: int):
    return render(
        request,
        "projects/disclosures/print.html",
        {"notice": _notice(disclosure_id), "public": True},
    )
