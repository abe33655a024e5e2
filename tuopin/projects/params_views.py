"""项目资金参数: the funds' parameters in force for a year at a region (whoever reads the
project library and funds), and their edit form for whoever may set them there (a city
or a county: policy, or the funds' warnings)."""

from functools import partial

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse

from tuopin.accounts.selectors import region_breadcrumbs, requested_region
from tuopin.core.parameter_pages import parameter_post
from tuopin.core.years import YEARS, year_in
from tuopin.projects import access
from tuopin.projects.params import (
    funds_parameter_resolve,
    funds_parameter_set,
    may_set_funds_parameter,
)


@login_required
def funds_parameters(request):
    if not access.topics_read_by(request.user):
        raise PermissionDenied("没有权限：查看项目库与资金 (you may not read this)")
    region = requested_region(request.user, request.GET.get("region") or request.POST.get("region"))
    year = year_in(request.GET.get("year") or request.POST.get("year"))
    may_set = may_set_funds_parameter(request.user, region)
    if request.method == "POST":
        if not may_set:
            raise PermissionDenied("没有权限：设置本区域的参数 (you may not set parameters here)")
        return parameter_post(
            request,
            partial(funds_parameter_set, acting_user=request.user, region=region, year=year),
            back_url=f"{reverse('projects:parameters')}?region={region.code}&year={year}",
        )
    return render(
        request,
        "projects/parameters.html",
        {
            "region": region,
            "breadcrumbs": region_breadcrumbs(request.user, region),
            "year": year,
            "years": YEARS,
            "rows": [
                {"item": item, "settable": may_set}
                for item in funds_parameter_resolve(year, region.code).values()
            ],
            "may_set": may_set,
        },
    )
