"""Pages of cadres (帮扶责任人), their pairings with households, the household page's
panel, the coverage checks of helpers and visits, and the spreadsheet import."""

import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tuopin.accounts.selectors import access_region
from tuopin.core.errors import TuopinError
from tuopin.core.regioncodes import expand_code, significant_prefix
from tuopin.people import access
from tuopin.people.checks import checks_read_by
from tuopin.people.helpers_forms import CadreForm, HelpersImportForm, PairingEndForm, PairingForm
from tuopin.people.helpers_importer import UnusableFile, import_helpers, import_visits
from tuopin.people.helpers_selectors import (
    access_helper,
    access_household_for,
    access_pairing,
    helper_search,
    pairings_of_helper,
    pairings_of_household,
    visits_of_helper,
    visits_of_household,
)
from tuopin.people.pairing_services import (
    cadre_save,
    county_of,
    may_keep_cadre,
    pairing_end,
    pairing_start,
)
from tuopin.regions.models import Region
from tuopin.registry.enums import UnitLevel
from tuopin.registry.idnumbers import mask_id_number
from tuopin.registry.models import Helper, Household

PAGE = 50


def _require_read(user, topic=access.HELPERS):
    if not access.may_read(user, topic):
        raise PermissionDenied("没有权限：查看帮扶责任人 (you may not read helpers)")


def _household(user, household_id: int, topic=access.HELPERS) -> Household:
    return access_household_for(user, household_id, topic)


def _masked(helper: Helper) -> str:
    return mask_id_number(helper.id_number) if helper.id_number else ""


@login_required
def helper_list(request):
    _require_read(request.user)
    text = (request.GET.get("q") or "").strip()[:50]
    level = request.GET.get("unit_level") or ""
    level = level if level in UnitLevel.values else ""
    region_text = (request.GET.get("region") or "").strip()
    region = None
    if region_text:
        code = expand_code(region_text)
        if code is None:
            raise Http404("未找到 (not found)")
        region = access_region(request.user, code)
    rows = helper_search(
        request.user, region=region.code if region else "", text=text, unit_level=level
    )
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    for helper in page.object_list:
        helper.masked_id = _masked(helper)
    return render(
        request,
        "people/helpers/list.html",
        {
            "page": page,
            "q": text,
            "unit_level": level,
            "levels": UnitLevel.choices,
            "region": region,
            "total": page.paginator.count,
            "may_keep": access.may_keep(request.user, access.HELPERS),
            "reads_coverage": bool(checks_read_by(request.user)),
        },
    )


@login_required
def helper_page(request, helper_id: int):
    _require_read(request.user)
    helper = access_helper(request.user, helper_id)
    helper.masked_id = _masked(helper)
    pairings = list(pairings_of_helper(request.user, helper))
    visits = (
        list(visits_of_helper(request.user, helper)[:100])
        if access.may_read(request.user, access.VISITS)
        else []
    )
    return render(
        request,
        "people/helpers/helper.html",
        {
            "helper": helper,
            "pairings": pairings,
            "open_count": sum(1 for p in pairings if p.ended_on is None),
            "visits": visits,
            "may_edit": may_keep_cadre(request.user, helper),
        },
    )


def _keep_region(request) -> str:
    """The region a new cadre is kept for: the one named, or the user's own."""
    text = (request.GET.get("region") or request.POST.get("region") or "").strip()
    if text:
        code = expand_code(text)
        if code is None:
            raise Http404("未找到 (not found)")
        return access_region(request.user, code).code
    prefixes = access.keep_prefixes(request.user, access.HELPERS)
    if not prefixes:
        raise Http404("未找到 (not found)")
    return prefixes[0].ljust(12, "0")


@login_required
def helper_form(request, helper_id: int | None = None):
    if not access.may_keep(request.user, access.HELPERS):
        raise PermissionDenied("没有权限：维护帮扶责任人 (you may not keep helpers)")
    helper = access_helper(request.user, helper_id) if helper_id else None
    if helper is not None and not may_keep_cadre(request.user, helper):
        raise PermissionDenied("没有权限：维护该帮扶责任人 (you may not keep this helper)")
    region_code = helper.region_id if helper else _keep_region(request)
    if len(significant_prefix(region_code)) < 6:
        raise Http404("未找到 (not found)")
    initial = {}
    if helper is not None:
        initial = {k: getattr(helper, k) for k in CadreForm.base_fields}
    form = CadreForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = cadre_save(
                acting_user=request.user,
                region_code=region_code,
                values=form.cleaned_data,
                helper=helper,
            )
        except TuopinError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("已保存。"))
            return redirect("people:helper", helper_id=saved.pk)
    return render(
        request,
        "people/helpers/helper_form.html",
        {"form": form, "helper": helper, "county": Region.objects.get(code=county_of(region_code))},
    )


@login_required
def pairing_new(request, household_id: int):
    household = _household(request.user, household_id)
    if not access.may_keep(request.user, access.HELPERS, household.village_id):
        raise PermissionDenied("没有权限：为本户结对 (you may not pair this household)")
    helpers = Helper.objects.filter(region_id=county_of(household.village_id)).order_by(
        "name", "pk"
    )[:2000]
    form = PairingForm(request.POST or None, helpers=helpers)
    if request.method == "POST" and form.is_valid():
        helper = Helper.objects.get(pk=form.cleaned_data["helper"])
        try:
            pairing_start(
                acting_user=request.user,
                household=household,
                helper=helper,
                started_on=form.cleaned_data["started_on"],
            )
        except TuopinError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("已结对。"))
            return redirect("registry:household", household_id=household.pk)
    return render(
        request, "people/helpers/pairing_form.html", {"form": form, "household": household}
    )


@login_required
def pairing_end_view(request, pairing_id: int):
    pairing = access_pairing(request.user, pairing_id)
    if not access.may_keep(request.user, access.HELPERS, pairing.region_code):
        raise PermissionDenied("没有权限：结束结对 (you may not end this pairing)")
    if pairing.ended_on is not None:
        raise Http404("未找到 (not found)")
    form = PairingEndForm(request.POST or None, initial={"ended_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            pairing_end(
                acting_user=request.user,
                pairing=pairing,
                ended_on=form.cleaned_data["ended_on"],
                reason=form.cleaned_data["ended_reason"],
            )
        except TuopinError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("结对已结束。"))
            return redirect("people:helper", helper_id=pairing.helper_id)
    return render(request, "people/helpers/pairing_end.html", {"form": form, "pairing": pairing})


@login_required
def household_panel(request, household_id: int):
    """The 「帮扶责任人与走访」 panel (htmx) of the registry's household page."""
    _require_read(request.user)
    household = _household(request.user, household_id)
    pairings = list(pairings_of_household(request.user, household))
    reads_visits = access.may_read(request.user, access.VISITS, household.village_id)
    visits = list(visits_of_household(request.user, household)[:50]) if reads_visits else []
    return render(
        request,
        "people/helpers/_household_panel.html",
        {
            "household": household,
            "pairings": pairings,
            "visits": visits,
            "reads_visits": reads_visits,
            "may_pair": access.may_keep(request.user, access.HELPERS, household.village_id),
            "may_visit": access.may_keep(request.user, access.VISITS, household.village_id),
        },
    )


# --- import --------------------------------------------------------------------------


@login_required
def helpers_import(request):
    prefixes = access.keep_prefixes(request.user, access.HELPERS)
    visit_prefixes = access.keep_prefixes(request.user, access.VISITS)
    if prefixes == [] and visit_prefixes == []:
        raise PermissionDenied("没有权限：导入帮扶责任人或走访记录 (you may not import)")
    form = HelpersImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        allowed = prefixes if kind == "helpers" else visit_prefixes
        if allowed == []:
            raise PermissionDenied("没有权限：导入该表格 (you may not import this table)")
        if allowed is not None and len(allowed) != 1:
            form.add_error(None, _("请按一个区域分别导入。"))
        else:
            upload = form.cleaned_data["file"]
            suffix = Path(upload.name).suffix.lower()[:5]
            with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
                handle.flush()
                run = import_helpers if kind == "helpers" else import_visits
                try:
                    result = run(
                        handle.name,
                        acting_user=request.user,
                        dry_run=form.cleaned_data["dry_run"],
                        partial=form.cleaned_data["partial"],
                        scope_prefix=allowed[0] if allowed else "",
                    )
                except (UnusableFile, TuopinError) as error:
                    form.add_error("file", error.message)
    return render(request, "people/helpers/import.html", {"form": form, "result": result})
