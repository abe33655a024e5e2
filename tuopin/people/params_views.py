"""The people parameters in force for a year at a region (every reader of 帮扶力量), and
their edit form for whoever may set them there (a city or a county)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tuopin.accounts.selectors import access_region, in_scope, top_regions
from tuopin.core.errors import TuopinError
from tuopin.core.regioncodes import expand_code
from tuopin.core.years import YEARS, year_in
from tuopin.people import access
from tuopin.people.params import (
    may_set_people_parameter,
    people_parameter_resolve,
    people_parameter_set,
)
from tuopin.regions.models import Region
from tuopin.regions.selectors import region_ancestors


def _region(request) -> Region:
    text = (request.GET.get("region") or request.POST.get("region") or "").strip()
    if not text:
        tops = top_regions(request.user)
        if not tops:
            raise Http404("未找到 (not found)")
        return tops[0]
    code = expand_code(text)
    if code is None:
        raise Http404("未找到 (not found)")
    return access_region(request.user, code)


@login_required
def people_parameters(request):
    if not access.topics_read_by(request.user):
        raise PermissionDenied("没有权限：查看帮扶力量 (you may not read this)")
    region = _region(request)
    year = year_in(request.GET.get("year") or request.POST.get("year"))
    may_set = may_set_people_parameter(request.user, region)
    if request.method == "POST":
        if not may_set:
            raise PermissionDenied("没有权限：设置本区域的参数 (you may not set parameters here)")
        try:
            people_parameter_set(
                acting_user=request.user,
                code=request.POST.get("code", ""),
                region=region,
                year=year,
                value=request.POST.get("value", ""),
                note=request.POST.get("note", "").strip(),
            )
        except TuopinError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已保存。"))
        return redirect(f"{reverse('people:parameters')}?region={region.code}&year={year}")
    return render(
        request,
        "people/parameters.html",
        {
            "region": region,
            "breadcrumbs": [
                (ancestor, in_scope(request.user, ancestor.code))
                for ancestor in region_ancestors(region)
            ],
            "year": year,
            "years": YEARS,
            "rows": [
                {"item": item, "settable": may_set}
                for item in people_parameter_resolve(year, region.code).values()
            ],
            "may_set": may_set,
        },
    )
