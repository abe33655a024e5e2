"""The staff's pages of the notices (公告公示), under /projects/disclosures/: the list of
the region with each notice's state, the post form, a notice's page, its printable copy
and withdrawing it. Buttons only for whoever may post at the region."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuopin.accounts.selectors import region_breadcrumbs
from tuopin.core.errors import TuopinError
from tuopin.projects import access
from tuopin.projects.disclosure_forms import DisclosurePostForm
from tuopin.projects.disclosure_posting import (
    DONE_STAGES,
    POSTED_KINDS,
    disclosure_publish,
    disclosure_withdraw,
)
from tuopin.projects.disclosure_selectors import (
    STATES,
    disclosure_state,
    staff_disclosure,
    staff_disclosures,
)
from tuopin.projects.enums import DisclosureKind
from tuopin.projects.models import Project


def _region(request):
    # Who reads no notice at all is refused (403), as on the app's other pages; a
    # region outside answers like a missing one (404).
    if not access.may_read(request.user, access.DISCLOSURE):
        raise PermissionDenied("没有权限：查看公告公示 (you may not read the notices)")
    return access.region_for(
        request.user, request.GET.get("region") or request.POST.get("region"), [access.DISCLOSURE]
    )


@login_required
def disclosure_list(request):
    region = _region(request)
    state = request.GET.get("state", "")
    page = Paginator(staff_disclosures(request.user, region.prefix, state), 50).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    for notice in page:
        notice.state_label = STATES[disclosure_state(notice, today)]
    return render(
        request,
        "projects/disclosures/list.html",
        {
            "region": region,
            "breadcrumbs": region_breadcrumbs(request.user, region),
            "page": page,
            "state": state,
            "states": STATES.items(),
            "may_post": access.may_keep(request.user, access.DISCLOSURE, region.code),
            "post_kinds": [(kind, DisclosureKind(kind).label) for kind in POSTED_KINDS],
        },
    )


def _completed_projects(user, region):
    return (
        Project.objects.filter(access.read_q(user, access.LIBRARY), stage__in=DONE_STAGES)
        .filter(region__code__startswith=region.prefix)
        .order_by("code")[:500]
    )


@login_required
def disclosure_new(request):
    region = _region(request)
    if not access.may_keep(request.user, access.DISCLOSURE, region.code):
        raise PermissionDenied("没有权限发布公告公示 (you may not post notices here)")
    projects = list(_completed_projects(request.user, region))
    initial = {"kind": request.GET.get("kind", ""), "starts_on": timezone.localdate()}
    form = DisclosurePostForm(request.POST or None, initial=initial, projects=projects)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        project = next((p for p in projects if p.pk == data["project"]), None)
        try:
            notice = disclosure_publish(
                acting_user=request.user,
                kind=data["kind"],
                region=region,
                year=data["year"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                place=data["place"],
                contact=data["contact"],
                title=data["title"],
                item=data["item"],
                project=project,
            )
        except TuopinError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("公示已发布。"))
            return redirect("projects:disclosure", disclosure_id=notice.pk)
    return render(
        request,
        "projects/disclosures/new.html",
        {"region": region, "form": form, "kinds": DisclosureKind},
    )


@login_required
def disclosure_page(request, disclosure_id: int):
    notice = staff_disclosure(request.user, disclosure_id)
    return render(
        request,
        "projects/disclosures/page.html",
        {
            "notice": notice,
            "state": disclosure_state(notice),
            "state_label": STATES[disclosure_state(notice)],
            "may_withdraw": notice.withdrawn_at is None
            and access.may_keep(request.user, access.DISCLOSURE, notice.region.code),
        },
    )


@login_required
def disclosure_print(request, disclosure_id: int):
    """The printable copy for the board, before or while it is posted (staff)."""
    notice = staff_disclosure(request.user, disclosure_id)
    if notice.withdrawn_at is not None:
        raise Http404("已撤回 (withdrawn)")
    return render(request, "projects/disclosures/print.html", {"notice": notice})


@login_required
@require_POST
def disclosure_withdraw_view(request, disclosure_id: int):
    notice = staff_disclosure(request.user, disclosure_id)
    try:
        disclosure_withdraw(
            acting_user=request.user, disclosure=notice, reason=request.POST.get("reason", "")
        )
    except TuopinError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("公示已撤回。"))
    return redirect(reverse("projects:disclosure", kwargs={"disclosure_id": notice.pk}))
