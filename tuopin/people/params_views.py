"""The people parameters in force for a year at a region (every reader of 帮扶力量), and
their edit form for whoever may set them there (a city or a county)."""

from functools import partial

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse

from tuopin.accounts.selectors import region_breadcrumbs, requested_region
from tuopin.core.parameter_pages import parameter_post
from tuopin.core.years import YEARS, year_in
from tuopin.people import access
from tuopin.people.parameters import PARAMETERS
from tuopin.people.params import (
    may_set_people_parameter,
    people_parameter_resolve,
    people_parameter_set,
)


@login_required
def people_parameters(request):
    if not access.topics_read_by(request.user):
        raise PermissionDenied("没有权限：查看帮扶力量 (you may not read this)")
    region = requested_region(request.user, request.GET.get("region") or request.POST.get("region"))
    year = year_in(request.GET.get("year") or request.POST.get("year"))
    settable = {code for code in PARAMETERS if may_set_people_parameter(request.user, region, code)}
    if request.method == "POST":
        if request.POST.get("code", "") not in settable:
            raise PermissionDenied("没有权限：设置本区域的参数 (you may not set parameters here)")
        return parameter_post(
            request,
            partial(people_parameter_set, acting_user=request.user, region=region, year=year),
            back_url=f"{reverse('people:parameters')}?region={region.code}&year={year}",
        )
    return render(
        request,
        "people/parameters.html",
        {
            "region": region,
            "breadcrumbs": region_breadcrumbs(request.user, region),
            "year": year,
            "years": YEARS,
            "rows": [
                {"item": item, "settable": item.parameter.code in settable}
                for item in people_parameter_resolve(year, region.code).values()
            ],
            "may_set": bool(settable),
        },
    )
