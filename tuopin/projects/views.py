"""The index of 项目库与资金: the sections the user reads."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from tuopin.projects.sections import sections_for_user


@login_required
def projects_index(request):
    sections = sections_for_user(request.user)
    if not sections:
        raise PermissionDenied("没有可查看的项目库与资金数据 (nothing to read here)")
    return render(request, "projects/index.html", {"sections": sections})
