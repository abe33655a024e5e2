"""The visit form (phone size; a draft kept in the browser survives a reload; the same
form sent twice is one visit), a visit's page, and its photos (readers only)."""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tuopin.accounts.roles import Permission
from tuopin.accounts.selectors import has_permission
from tuopin.core.errors import TuopinError
from tuopin.people import access
from tuopin.people.helpers_forms import VisitForm
from tuopin.people.helpers_selectors import access_visit, may_record_visit, paired_q
from tuopin.people.helpers_views import _household
from tuopin.people.models import Pairing
from tuopin.people.visits_services import PHOTO_MAX_BYTES, PhotoData, photo_open, visit_record
from tuopin.registry.models import Household, Measure


def _household_url(user, household) -> str:
    """Where the household's number leads: the registry's page for its readers, the
    helper's card for a cadre paired with it, nowhere for anyone else."""
    if has_permission(user, Permission.REGISTRY_VIEW, household.village_id):
        return reverse("registry:household", args=[household.pk])
    if Household.objects.filter(paired_q(user, "pk"), pk=household.pk).exists():
        return reverse("people:my_household", args=[household.pk])
    return ""


@login_required
def visit_new(request, household_id: int):
    household = _household(request.user, household_id, access.VISITS)
    if not may_record_visit(request.user, household):
        raise PermissionDenied("没有权限：为本户录入走访记录 (you may not record visits here)")
    measures = list(Measure.objects.filter(household=household).order_by("-year", "pk")[:50])
    form = VisitForm(
        request.POST or None,
        request.FILES or None,
        measures=measures,
        # Letters, digits, - and _: a token never reads as a 12-digit region code (a hex
        # one did, one form in about fifteen).
        initial={"visited_on": timezone.localdate(), "token": secrets.token_urlsafe(16)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        files = request.FILES.getlist("photos")
        photos = []
        for upload in files:
            if upload.size > PHOTO_MAX_BYTES:
                form.add_error("photos", _("照片“%(name)s”超过 5 兆") % {"name": upload.name})
                break
            photos.append(PhotoData(upload.name, upload.read()))
        if not form.errors:
            try:
                visit, created = visit_record(
                    acting_user=request.user,
                    household=household,
                    visited_on=data["visited_on"],
                    title=data["title"],
                    content=data["content"],
                    agreed=data["agreed"],
                    followed_up=data["followed_up"],
                    measure_ids=data["measures"],
                    photos=photos,
                    token=data["token"],
                )
            except TuopinError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(
                    request, _("走访记录已保存。") if created else _("该走访记录此前已保存。")
                )
                return redirect("people:visit", visit_id=visit.pk)
    helper = (
        Pairing.objects.filter(household=household, ended_on__isnull=True)
        .select_related("helper")
        .first()
    )
    return render(
        request,
        "people/visits/form.html",
        {
            "form": form,
            "household": household,
            "pairing": helper,
            "household_url": _household_url(request.user, household),
        },
    )


@login_required
def visit_page(request, visit_id: int):
    if not (
        access.may_read(request.user, access.VISITS) or access.visits_own_households(request.user)
    ):
        raise PermissionDenied("没有权限：查看走访记录 (you may not read visits)")
    visit = access_visit(request.user, visit_id)
    return render(
        request,
        "people/visits/visit.html",
        {
            "visit": visit,
            "household_url": _household_url(request.user, visit.household),
        },
    )


@login_required
def visit_photo(request, photo_id: int):
    if not (
        access.may_read(request.user, access.VISITS) or access.visits_own_households(request.user)
    ):
        raise PermissionDenied("没有权限：查看走访记录 (you may not read visits)")
    return photo_open(request, photo_id)
