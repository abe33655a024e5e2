"""The index of 帮扶力量: the sections the user reads."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from tuopin.people.sections import sections_for_user


@login_required
def people_index(request):
    sections = sections_for_user(request.user)
    if not sections:
        raise PermissionDenied("没有可查看的帮扶力量数据 (nothing to read here)")
    return render(request, "people/index.html", {"sections": sections})
