"""Pages of dynamic management: tasks, cases, batches, notices (also public), monitoring."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from tuopin.accounts.roles import Permission
from tuopin.accounts.selectors import (
    access_region,
    has_permission,
    require_permission,
    top_regions,
    user_assignments,
)
from tuopin.accounts.services import job_submit
from tuopin.cases.enums import Action, CaseKind, CaseStatus, StepKind
from tuopin.cases.forms import ActForm, CaseFilter, ProposeForm
from tuopin.cases.guidance import (
    HOUSEHOLD_BUTTONS,
    case_guidance,
    notice_issuer,
    proposable_kinds,
    task_lists,
)
from tuopin.cases.models import CountySetting, Notice
from tuopin.cases.routes import PROPOSERS
from tuopin.cases.selectors import (
    access_batch,
    access_case,
    case_actions,
    case_counts,
    case_list_for_user,
    cases_at_step,
    monitoring_candidates,
    monitoring_without_measure,
    notice_for_public,
    notice_rows,
    override_report,
    public_notices,
    spot_check_sample,
    step_choices,
)
from tuopin.cases.services import case_act, case_propose, county_setting_update, roles_over
from tuopin.core.errors import TuopinError
from tuopin.core.regioncodes import significant_prefix
from tuopin.policy.selectors import stored_household_results
from tuopin.regions.enums import RegionLevel
from tuopin.registry.selectors import access_household, access_member

# The year of the city's work plan (domain.md §1): the default for new cases.
WORK_PLAN_YEAR = 2018


def _view(request) -> None:
    require_permission(request.user, Permission.REGISTRY_VIEW)


@login_required
def tasks(request):
    _view(request)
    villages = [
        region
        for region in top_regions(request.user)
        if region.level == RegionLevel.VILLAGE
        and "village" in roles_over(request.user, region.code)
    ]
    lists = task_lists(request.user)
    return render(
        request,
        "cases/tasks.html",
        {
            "tasks": lists["now"],
            "upcoming": lists["upcoming"],
            "villages": villages,
            "year": WORK_PLAN_YEAR,
        },
    )


@login_required
def case_list(request):
    _view(request)
    form = CaseFilter(request.GET or None, steps=step_choices())
    cases = case_list_for_user(request.user)
    region = ""
    if form.is_valid():
        data = form.cleaned_data
        region = data["region"]
        if region:
            cases = cases.filter(region__code__startswith=region)
        if data["kind"]:
            cases = cases.filter(kind=data["kind"])
        if data["status"]:
            cases = cases.filter(status=data["status"])
        if data["step"]:
            cases = cases_at_step(cases, data["step"])
    page = Paginator(cases.order_by("-pk"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/list.html",
        {"form": form, "page": page, "counts": case_counts(request.user, region)},
    )


@login_required
def case_page(request, case_id: int):
    _view(request)
    case = access_case(request.user, case_id)
    actions = case_actions(request.user, case)
    step = case.step
    entering = _next_notice(case)
    titles = {s["code"]: gettext(s["title"]) for s in case.route.steps}
    return render(
        request,
        "cases/case.html",
        {
            "case": case,
            "guidance": case_guidance(request.user, case, actions),
            "events": [_event_row(event, titles) for event in case.events.select_related("actor")],
            "objections": case.objections.select_related("recorded_by"),
            # 补录: the notice's real posting dates, on the notice step or the step before it
            "notice_dates": bool(step and step["kind"] == StepKind.NOTICE) or entering,
            "today": timezone.localdate(),
            "actions": [(action, Action(action).label) for action in actions],
            "needs_override": case.kind == CaseKind.EXIT
            and case.evaluation_result != "pass"
            and Action.APPROVE in actions
            and case.step
            and case.step["code"] == "county_approval",
            "steps": [
                {
                    **step,
                    "done": index < case.step_index,
                    "current": index == case.step_index,
                }
                for index, step in enumerate(case.route.steps)
            ],
        },
    )


def _next_notice(case) -> bool:
    steps = case.route.steps
    index = case.step_index + 1
    return (
        case.status == CaseStatus.OPEN
        and index < len(steps)
        and steps[index]["kind"] == StepKind.NOTICE
    )


def _event_row(event, titles: dict) -> dict:
    """An event as the timeline shows it: labels for its action, steps and statuses."""
    return {
        "event": event,
        "action": _ACTION_WORDS.get(event.action)
        or (Action(event.action).label if event.action in Action.values else event.action),
        "from_step": titles.get(event.from_step, event.from_step),
        "to_step": titles.get(event.to_step, event.to_step),
        "from_status": CaseStatus(event.from_status).label if event.from_status else "",
        "to_status": CaseStatus(event.to_status).label if event.to_status else "",
    }


_ACTION_WORDS = {"propose": _("发起")}


@login_required
@require_POST
def case_action(request, case_id: int):
    case = access_case(request.user, case_id)
    form = ActForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("cases:case", case_id=case.pk)
    data = form.cleaned_data
    try:
        case_act(
            acting_user=request.user,
            case=case,
            action=request.POST.get("action", ""),
            comment=data["comment"],
            override_reason=data["override_reason"],
            attachment=request.FILES.get("attachment"),
            occurred_on=data["occurred_on"],
            notice_starts=data["notice_starts"],
            notice_ends=data["notice_ends"],
        )
    except TuopinError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "已办理。")
    return redirect("cases:case", case_id=case.pk)


@login_required
def propose(request):
    """Propose one case: for a household (exit, return, monitoring, member change) the form
    names the household and shows its latest evaluation; a village or county exit, or an
    identification with the applicants typed as lines. Only the kind's own fields show."""
    _view(request)
    source = request.POST if request.method == "POST" else request.GET
    kind = source.get("kind") if source.get("kind") in CaseKind.values else ""
    household = None
    if source.get("household", "").isdigit():
        household = access_household(request.user, int(source["household"]))
    form = ProposeForm(request.POST or None, initial=request.GET.dict(), kind=kind)
    if request.method == "POST" and kind and form.is_valid():
        data = form.cleaned_data
        try:
            payload = form.payload()
            if kind == CaseKind.MEMBER_CHANGE and household is not None:
                access_member(request.user, payload["member"])
            case = case_propose(
                acting_user=request.user,
                kind=kind,
                year=data["year"],
                household=household,
                region_code=data.get("region", ""),
                reason=data["reason"],
                payload=payload,
                occurred_on=data["occurred_on"],
            )
        except TuopinError as error:
            messages.error(request, error.message)
        else:
            return redirect("cases:case", case_id=case.pk)
    year = form["year"].value() or WORK_PLAN_YEAR
    return render(
        request,
        "cases/propose.html",
        {
            "form": form,
            "kind": kind,
            "kind_label": CaseKind(kind).label if kind else "",
            "household": household,
            "head": household.members.filter(relation="02").first() if household else None,
            "evaluation": (
                (stored_household_results(request.user, household, limit=1) or [None])[0]
                if household
                else None
            ),
            "kinds": _kinds_offered(request.user, household, int(year)),
        },
    )


def _kinds_offered(user, household, year: int) -> list:
    """The kinds to choose from: for a household those its page offers, else the others."""
    if household is not None:
        return [(k, CaseKind(k).label) for k in proposable_kinds(user, household, year)]
    held = {a.role for a in user_assignments(user)}
    return [
        (k, CaseKind(k).label)
        for k in (CaseKind.IDENTIFICATION, CaseKind.VILLAGE_EXIT, CaseKind.COUNTY_EXIT)
        if user.is_superuser or held & set(PROPOSERS[k])
    ]


@login_required
@require_POST
def exit_batch(request):
    """A village user proposes exit for every passing household of the village (a job)."""
    try:
        job = job_submit(
            acting_user=request.user,
            kind="cases.exit_batch",
            region_code=request.POST.get("village", ""),
            params={"year": int(request.POST.get("year", "2018") or 2018)},
        )
    except TuopinError as error:
        messages.error(request, error.message)
        return redirect("cases:tasks")
    return redirect("web:job", job_id=job.pk)


@login_required
def batch_page(request, batch_id: int):
    _view(request)
    batch = access_batch(request.user, batch_id)
    cases = list(
        case_list_for_user(request.user)
        .filter(batch=batch)
        .select_related("household")
        .prefetch_related("events")  # who decided which step, for every case's buttons
        .order_by("pk")
    )
    offered = sorted(
        {action for case in cases for action in case_actions(request.user, case)}
        - {Action.OBJECT, Action.WITHDRAW}
    )
    return render(
        request,
        "cases/batch.html",
        {
            "batch": batch,
            "cases": cases,
            "actions": [(action, Action(action).label) for action in offered],
            "sample": spot_check_sample(request.user, cases),
        },
    )


@login_required
@require_POST
def batch_action(request, batch_id: int):
    batch = access_batch(request.user, batch_id)
    try:
        job = job_submit(
            acting_user=request.user,
            kind="cases.batch_act",
            region_code=batch.region_id,
            params={
                "batch": batch.pk,
                "action": request.POST.get("action", ""),
                "comment": request.POST.get("comment", ""),
            },
        )
    except TuopinError as error:
        messages.error(request, error.message)
        return redirect("cases:batch", batch_id=batch.pk)
    return redirect("web:job", job_id=job.pk)


@login_required
def notice_print(request, notice_id: int):
    """The printable A4 notice for the village board (masked data, as the public page)."""
    _view(request)
    notice = Notice.objects.select_related("region", "region__parent").filter(pk=notice_id).first()
    if notice is None:
        raise Http404
    access_region(request.user, notice.region_id)
    issuer = notice_issuer(notice)
    county = issuer["county"]
    return render(
        request,
        "cases/notice_print.html",
        {
            "notice": notice,
            "rows": notice_rows(notice),
            "issuer": issuer,
            # the settings link only for the county office that may change them
            "may_set_phone": county is not None
            and has_permission(request.user, Permission.REGION_EDIT, county.code),
        },
    )


def public_notice_list(request):
    """Without login: notices and announcements now running, masked data only."""
    return render(request, "cases/public_notices.html", {"notices": public_notices()})


def public_notice(request, notice_id: int):
    notice = notice_for_public(notice_id)
    if notice is None:
        raise Http404
    return render(
        request,
        "cases/notice_print.html",
        {
            "notice": notice,
            "rows": notice_rows(notice),
            "issuer": notice_issuer(notice),
            "public": True,
        },
    )


@login_required
def monitoring(request):
    _view(request)
    region = request.GET.get("region", "") or top_regions(request.user)[0].code
    access_region(request.user, region)
    year = request.GET.get("year", "2018")
    year = int(year) if year.isdigit() else 2018
    page = Paginator(monitoring_candidates(request.user, region, year), 100).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "cases/monitoring.html",
        {
            "page": page,
            "year": year,
            "region": region,
            "without_measure": monitoring_without_measure(request.user)[:200],
            # 纳入监测 only for a role that proposes monitoring over the region
            "may_monitor": bool(
                set(PROPOSERS[CaseKind.MONITORING]) & roles_over(request.user, region)
            ),
            "today": timezone.localdate(),
        },
    )


@login_required
def overrides(request):
    _view(request)
    return render(request, "cases/overrides.html", {"cases": override_report(request.user)[:500]})


@login_required
def household_cases(request, household_id: int):
    """The household page's panel (htmx): its cases and what may be proposed."""
    _view(request)
    household = access_household(request.user, household_id)
    cases = case_list_for_user(request.user).filter(household=household).order_by("-pk")
    proposable = proposable_kinds(request.user, household, WORK_PLAN_YEAR)
    return render(
        request,
        "cases/_household_cases.html",
        {
            "household": household,
            "cases": cases,
            "buttons": [(kind, words) for kind, words in HOUSEHOLD_BUTTONS if kind in proposable],
            "year": WORK_PLAN_YEAR,
            "open": [c for c in cases if c.status in (CaseStatus.OPEN, CaseStatus.OBJECTION)],
            "prefix": significant_prefix(household.village_id),
        },
    )


@login_required
def county_settings(request, county_code: str):
    """The county office's notice settings: the objection phone line its notices print."""
    _view(request)
    county = access_region(request.user, county_code)
    setting = CountySetting.objects.filter(county=county).first()
    if request.method == "POST":
        try:
            county_setting_update(
                acting_user=request.user,
                county_code=county.code,
                objection_phone=request.POST.get("objection_phone", ""),
            )
        except TuopinError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已保存。"))
            return redirect("cases:county_settings", county_code=county.code)
    return render(
        request,
        "cases/county_settings.html",
        {
            "county": county,
            "setting": setting,
            "may_edit": has_permission(request.user, Permission.REGION_EDIT, county.code),
        },
    )
