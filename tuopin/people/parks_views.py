"""扶贫产业园区: the parks of a region's townships for a year (what 乡有扶贫产业园区 of the
“四有” scorecard counts), added and removed by whoever keeps enterprises there."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuopin.core.errors import TuopinError
from tuopin.core.years import YEARS, year_in
from tuopin.people import access
from tuopin.people.enterprises_selectors import park_townships, parks_in
from tuopin.people.enterprises_services import park_add, park_remove


def _page(region_code: str, year: int) -> str:
    return f"{reverse('people:parks')}?region={region_code}&year={year}"


@login_required
def park_list(request):
    if not access.may_read(request.user, access.ENTERPRISES):
        raise PermissionDenied("没有权限：查看帮扶企业 (you may not read enterprises)")
    data = request.POST if request.method == "POST" else request.GET
    text = (data.get("region") or "").strip()
    region = access.region_for(request.user, text, [access.ENTERPRISES])
    year = year_in(data.get("year"))
    townships = park_townships(request.user, region)
    if request.method == "POST":
        try:
            park_add(
                acting_user=request.user,
                township_code=data.get("township", ""),
                year=year,
                name=data.get("name", ""),
            )
        except TuopinError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已添加扶贫产业园区。"))
        return redirect(_page(region.code, year))
    parks = list(parks_in(request.user, region, year))
    for park in parks:
        park.removable = access.may_keep(request.user, access.ENTERPRISES, park.township_id)
    return render(
        request,
        "people/orgs/parks.html",
        {
            "region": region,
            "year": year,
            "years": YEARS,
            "parks": parks,
            "townships": townships,
        },
    )


@login_required
@require_POST
def park_delete(request, park_id: int):
    park_remove(acting_user=request.user, park_id=park_id)
    messages.success(request, _("已删除扶贫产业园区。"))
    return redirect(_page(request.POST.get("region", ""), year_in(request.POST.get("year"))))
