"""Pages of the exit standards: policies, runs, ledgers, household panel, area indicators."""

import io
import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuopin.accounts.roles import Permission
from tuopin.accounts.selectors import (
    access_region,
    has_permission,
    require_permission,
    top_regions,
    visible_regions,
)
from tuopin.accounts.services import job_submit
from tuopin.core.errors import TuopinError
from tuopin.core.labels import label_for
from tuopin.core.regioncodes import significant_prefix
from tuopin.policy.forms import (
    ClauseForm,
    CountyIndicatorForm,
    IndicatorImportForm,
    PolicyEditForm,
    RunForm,
    VillageIndicatorForm,
)
from tuopin.policy.indicators import indicators_import
from tuopin.policy.ledgers import write_county_summary
from tuopin.policy.models import CountyIndicator, Level, PolicyVersion, VillageIndicator
from tuopin.policy.results import runs_of_rows
from tuopin.policy.rules.facts import LEVEL_FACTS
from tuopin.policy.selectors import (
    access_run,
    area_results,
    clause_titles,
    county_summary,
    decoded,
    household_evaluation,
    ledger_areas,
    ledger_rows,
    ledger_runs,
    measures_by_household,
    parts_columns,
    policy_list,
    run_comparison,
    run_list_for_user,
    run_results,
    stored_household_results,
)
from tuopin.policy.services import (
    clause_delete,
    clause_save,
    county_indicator_record,
    policy_draft_open,
    policy_publish,
    policy_update,
    village_indicator_record,
)
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region
from tuopin.registry.selectors import access_household

PAGE_SIZE = 100


def _view(request) -> None:
    require_permission(request.user, Permission.REGISTRY_VIEW)


@login_required
def policies(request):
    _view(request)
    return render(
        request,
        "policy/policies.html",
        {
            "policies": policy_list(),
            "may_edit": has_permission(request.user, Permission.POLICY_EDIT),
        },
    )


@login_required
def policy_page(request, policy_id: int):
    _view(request)
    policy = get_object_or_404(PolicyVersion, pk=policy_id)
    clauses = list(policy.clauses.order_by("level", "position", "id"))
    may_edit = has_permission(request.user, Permission.POLICY_EDIT) and not policy.is_published
    return render(
        request,
        "policy/policy.html",
        {
            "policy": policy,
            "levels": [
                (label, [c for c in clauses if c.level == level]) for level, label in Level.choices
            ],
            "parameters": [
                {"name": name, **spec, "table": sorted(spec.get("by_year", {}).items())}
                for name, spec in policy.parameters.items()
            ],
            "facts": {level: facts.values() for level, facts in LEVEL_FACTS.items()},
            "may_edit": may_edit,
            "may_draft": has_permission(request.user, Permission.POLICY_EDIT),
            "edit_form": PolicyEditForm(
                initial={
                    "title": policy.title,
                    "note": policy.note,
                    "parameters": policy.parameters,
                }
            ),
            "clause_form": ClauseForm(),
        },
    )


def _policy_action(request, policy_id: int, action):
    """Run a service on a policy version; show its refusal; land on the version it returns."""
    policy = get_object_or_404(PolicyVersion, pk=policy_id)
    try:
        result = action(policy)
    except TuopinError as error:
        messages.error(request, error.message)
        return redirect("policy:policy", policy_id=policy.pk)
    landing = result if isinstance(result, PolicyVersion) else policy
    return redirect("policy:policy", policy_id=landing.pk)


@login_required
@require_POST
def policy_draft(request, policy_id: int):
    return _policy_action(
        request,
        policy_id,
        lambda policy: policy_draft_open(acting_user=request.user, code=policy.code),
    )


@login_required
@require_POST
def policy_edit(request, policy_id: int):
    form = PolicyEditForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
        return redirect("policy:policy", policy_id=policy_id)
    return _policy_action(
        request,
        policy_id,
        lambda policy: policy_update(
            acting_user=request.user,
            policy=policy,
            parameters=form.cleaned_data["parameters"] or {},
            title=form.cleaned_data["title"],
            note=form.cleaned_data["note"],
        ),
    )


@login_required
@require_POST
def clause_edit(request, policy_id: int):
    form = ClauseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
        return redirect("policy:policy", policy_id=policy_id)
    data = form.cleaned_data
    if request.POST.get("delete"):
        return _policy_action(
            request,
            policy_id,
            lambda policy: clause_delete(
                acting_user=request.user, policy=policy, level=data["level"], code=data["code"]
            ),
        )
    return _policy_action(
        request,
        policy_id,
        lambda policy: clause_save(
            acting_user=request.user,
            policy=policy,
            level=data["level"],
            code=data["code"],
            title=data["title"],
            description=data["description"],
            expression=data["expression"],
        ),
    )


@login_required
@require_POST
def policy_publish_view(request, policy_id: int):
    return _policy_action(
        request, policy_id, lambda policy: policy_publish(acting_user=request.user, policy=policy)
    )


@login_required
def runs(request):
    _view(request)
    regions = top_regions(request.user)
    form = RunForm(request.POST or None, regions=_run_regions(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = job_submit(
                acting_user=request.user,
                kind="policy.evaluate",
                region_code=data["region"],
                params={
                    "policy": data["policy"].pk,
                    "level": data["level"],
                    "year": data["year"],
                    "as_of": data["as_of"].isoformat() if data["as_of"] else "",
                    "engine": data["engine"],
                },
            )
        except TuopinError as error:
            messages.error(request, error.message)
        else:
            return redirect("web:job", job_id=job.pk)
    page = Paginator(run_list_for_user(request.user).order_by("-id"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "policy/runs.html",
        {
            "form": form,
            "page": page,
            "regions": regions,
            "may_run": has_permission(request.user, Permission.EVALUATION_RUN),
        },
    )


def _run_regions(user):
    """Regions a run may cover: the user's own and every county or township below."""
    return (
        visible_regions(user)
        .filter(level__in=[RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP])
        .order_by("code")
    )


@login_required
def run_page(request, run_id: int):
    _view(request)
    run = access_run(request.user, run_id)
    titles = clause_titles(run)
    context = {
        "run": run,
        "titles": titles,
        "clause_counts": [
            {
                "code": code,
                "title": titles.get(code, code),
                **run.counts.get("clauses", {}).get(code, {}),
            }
            for code in run.clause_codes
        ],
        "others": run_list_for_user(request.user)
        .filter(level=run.level, status="done")
        .exclude(pk=run.pk)
        .order_by("-id")[:30],
        "region_code": _region_param(request, run),
    }
    if run.level == Level.HOUSEHOLD:
        by_village = (
            run_results(request.user, run, context["region_code"])
            .values("village_code")
            .annotate(
                total=Count("id"),
                passing=Count("id", filter=Q(result="pass")),
                failing=Count("id", filter=Q(result="fail")),
                unknown=Count("id", filter=Q(result="unknown")),
            )
            .order_by("village_code")
        )
        context["villages"] = Paginator(by_village, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = list(context["villages"].object_list)  # one page: name its villages
        names = dict(
            Region.objects.filter(code__in=[v["village_code"] for v in rows]).values_list(
                "code", "name"
            )
        )
        for row in rows:
            row["village_name"] = names.get(row["village_code"], "")
        context["villages"].object_list = rows
        context["mine"] = run_results(request.user, run).count()
    else:
        context["areas"] = [
            {
                "row": row,
                "verdict": label_for("result", row.result),
                "clauses": decoded(run, row.clauses),
            }
            for row in area_results(request.user, run)
        ]
    return render(request, "policy/run.html", context)


def _region_param(request, run) -> str:
    """A drill-down below the run's region; it must lie in the user's scope."""
    code = request.GET.get("region", "")
    if not code:
        return run.region_id
    return access_region(request.user, code).code


@login_required
def run_compare(request, run_id: int, other_id: int):
    _view(request)
    after = access_run(request.user, run_id)
    before = access_run(request.user, other_id)
    comparison = run_comparison(request.user, before, after)
    return render(
        request,
        "policy/compare.html",
        {"before": before, "after": after, "titles": clause_titles(after), **comparison},
    )


@login_required
@require_POST
def ledger_export(request, run_id: int):
    """Queue the xlsx of a ledger for the region asked (in the user's scope)."""
    run = access_run(request.user, run_id)
    try:
        job = job_submit(
            acting_user=request.user,
            kind="policy.ledger",
            region_code=request.POST.get("region", "") or run.region_id,
            params={"run": run.pk, "ledger": request.POST.get("ledger", "shortfall")},
        )
    except TuopinError as error:
        messages.error(request, error.message)
        return redirect("policy:run", run_id=run.pk)
    return redirect("web:job", job_id=job.pk)


@login_required
def ledger(request, kind: str):
    """The shortfall ledger (短板台账) or the exit list (脱贫清单) of a run, by village."""
    _view(request)
    if kind not in ("shortfall", "exit"):
        raise Http404
    parts, region_code, query = _ledger_runs(request, Level.HOUSEHOLD)
    rows, page = [], None
    if parts:
        runs = runs_of_rows(run for run, _keys in parts)
        page = Paginator(
            ledger_rows(request.user, parts, region_code, passing=kind == "exit"), PAGE_SIZE
        ).get_page(request.GET.get("page"))
        # The runs of one ledger share a year (`ledger_runs`): one query for the measures.
        measures = measures_by_household([r.household_id for r in page], parts[0][0].year)
        titles = {pk: clause_titles(run) for pk, run in runs.items()}
        for row in page:
            values = decoded(runs[row.run_id], row.clauses)
            named = titles[row.run_id]
            rows.append(
                {
                    "row": row,
                    "failed": [named.get(c, c) for c, v in values.items() if v == "fail"],
                    "unknown": [named.get(c, c) for c, v in values.items() if v == "unknown"],
                    "measures": measures.get(row.household_id, []),
                }
            )
    return render(
        request,
        "policy/ledger.html",
        {
            "kind": kind,
            **_parts_context(parts, query),
            "rows": rows,
            "page": page,
            "region_code": region_code,
            "region_name": _region_name(region_code),
            "may_export": has_permission(request.user, Permission.DATA_EXPORT),
        },
    )


def _region_name(code: str) -> str:
    return Region.objects.filter(code=code).values_list("name", flat=True).first() or ""


def _ledger_runs(request, level: str):
    """The run named by ?run= alone, else the runs of ?region= (default: my region) and
    ?year= (`ledger_runs`: one run covering the region, or each county's newest); with
    the query that keeps the same choice on the next page."""
    region_code = request.GET.get("region", "") or top_regions(request.user)[0].code
    access_region(request.user, region_code)
    if request.GET.get("run", "").isdigit():
        run = access_run(request.user, int(request.GET["run"]))
        if run.level != level:
            raise Http404
        parts = [(run, [significant_prefix(region_code)])]
        return parts, region_code, urlencode({"run": run.pk, "region": region_code})
    year = request.GET.get("year", "")
    parts = ledger_runs(request.user, level, region_code, int(year) if year.isdigit() else None)
    if len(parts) == 1:  # one run: the next page keeps it even if a newer one finishes
        return parts, region_code, urlencode({"run": parts[0][0].pk, "region": region_code})
    year = parts[0][0].year if parts else year
    return parts, region_code, urlencode({"region": region_code, "year": year})


def _parts_context(parts, query: str) -> dict:
    """The runs a ledger rests on, for the page to name: `run` when there is one."""
    codes = [key.ljust(12, "0") for _run, keys in parts for key in keys]
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    return {
        "run": parts[0][0] if len(parts) == 1 else None,
        "parts": [
            {"run": run, "serves": [names.get(key.ljust(12, "0"), "") for key in keys]}
            for run, keys in parts
        ],
        "ledger_year": parts[0][0].year if parts else None,
        "query": query,
    }


@login_required
def village_ledger(request):
    _view(request)
    parts, region_code, query = _ledger_runs(request, Level.VILLAGE)
    runs = {run.pk: run for run, _keys in parts}
    codes, titles = parts_columns(parts)
    areas = []
    for row in ledger_areas(request.user, parts, region_code):
        values = decoded(runs[row.run_id], row.clauses)
        areas.append(
            {
                "row": row,
                "verdict": label_for("result", row.result),
                "clauses": [values.get(code) for code in codes],
            }
        )
    return render(
        request,
        "policy/village_ledger.html",
        {
            **_parts_context(parts, query),
            "areas": areas,
            "columns": [titles.get(code, code) for code in codes],
            "region_code": region_code,
            "may_export": has_permission(request.user, Permission.DATA_EXPORT),
            "may_import": has_permission(request.user, Permission.INDICATOR_EDIT),
        },
    )


@login_required
@require_POST
def ledger_parts_export(request, kind: str):
    """Queue the xlsx of a ledger resting on several runs (each county's newest): the job
    chooses them again for the region and year posted, as the page did."""
    if kind not in ("shortfall", "exit", "villages"):
        raise Http404
    region_code = request.POST.get("region", "") or top_regions(request.user)[0].code
    year = request.POST.get("year", "")
    try:
        job = job_submit(
            acting_user=request.user,
            kind="policy.ledger",
            region_code=region_code,
            params={"ledger": kind, "year": int(year) if year.isdigit() else None},
        )
    except TuopinError as error:
        messages.error(request, error.message)
        back = "policy:village_ledger" if kind == "villages" else "policy:ledger"
        args = [] if kind == "villages" else [kind]
        return redirect(f"{reverse(back, args=args)}?{urlencode({'region': region_code})}")
    return redirect("web:job", job_id=job.pk)


def _region_and_year(request) -> tuple[str, int]:
    """?region= (default: the user's own, checked against the scope) and ?year= (2018)."""
    region_code = request.GET.get("region", "") or top_regions(request.user)[0].code
    access_region(request.user, region_code)
    year = request.GET.get("year", "")
    return region_code, int(year) if year.isdigit() else 2018


@login_required
def county_ledger(request):
    _view(request)
    region_code, year = _region_and_year(request)
    return render(
        request,
        "policy/county_ledger.html",
        {
            "summary": county_summary(request.user, year, region_code),
            "year": year,
            "region_code": region_code,
        },
    )


@login_required
def county_ledger_download(request):
    _view(request)
    region_code, year = _region_and_year(request)
    buffer = io.BytesIO()
    write_county_summary(county_summary(request.user, year, region_code), year, buffer)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename=f"县级汇总-{year}-{region_code}.xlsx")


@login_required
def household_panel(request, household_id: int):
    """The household page's evaluation panel (htmx): each clause in plain Chinese."""
    _view(request)
    household = access_household(request.user, household_id)
    year = request.GET.get("year", "")
    evaluation = household_evaluation(household, int(year) if year.isdigit() else 2018)
    return render(
        request,
        "policy/_household_panel.html",
        {
            "household": household,
            "evaluation": evaluation,
            "stored": stored_household_results(request.user, household),
        },
    )


@login_required
def village_indicators(request, code: str):
    region = access_region(request.user, code)
    _view(request)
    if region.level != RegionLevel.VILLAGE:
        raise Http404
    year = request.GET.get("year", "2018")
    record = VillageIndicator.objects.filter(
        village=region, year=int(year) if year.isdigit() else 2018
    ).first()
    initial = {"year": int(year) if year.isdigit() else 2018}
    if record:
        initial.update(
            {
                name: (
                    "" if getattr(record, name) is None else ("1" if getattr(record, name) else "0")
                )
                for name in VillageIndicatorForm.base_fields
                if name not in ("year", "collective_income", "industry")
            }
        )
        initial.update(collective_income=record.collective_income, industry=record.industry)
    form = VillageIndicatorForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            village_indicator_record(
                acting_user=request.user,
                village_code=region.code,
                year=form.cleaned_data["year"],
                **form.indicator_values(),
            )
        except TuopinError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已保存。"))
            return redirect(f"{request.path}?year={form.cleaned_data['year']}")
    return render(
        request,
        "policy/indicators.html",
        {
            "region": region,
            "form": form,
            "record": record,
            "may_edit": has_permission(request.user, Permission.INDICATOR_EDIT, region.code),
        },
    )


@login_required
def county_indicators(request, code: str):
    region = access_region(request.user, code)
    _view(request)
    if region.level != RegionLevel.COUNTY:
        raise Http404
    year = request.GET.get("year", "2018")
    year = int(year) if year.isdigit() else 2018
    record = CountyIndicator.objects.filter(county=region, year=year).first()
    initial = {"year": year}
    if record:
        initial.update(
            wrong_exit_rate=record.wrong_exit_rate,
            missed_rate=record.missed_rate,
            approval=record.approval,
        )
    form = CountyIndicatorForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        year = data.pop("year")
        try:
            county_indicator_record(
                acting_user=request.user, county_code=region.code, year=year, **data
            )
        except TuopinError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已保存。"))
            return redirect(f"{request.path}?year={year}")
    return render(
        request,
        "policy/indicators.html",
        {
            "region": region,
            "form": form,
            "record": record,
            "may_edit": has_permission(request.user, Permission.INDICATOR_EDIT, region.code),
        },
    )


@login_required
def indicators_upload(request):
    require_permission(request.user, Permission.INDICATOR_EDIT)
    form = IndicatorImportForm(
        request.POST or None,
        request.FILES or None,
        upload_refused=getattr(request, "upload_refused", None),
    )
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
            handle.flush()
            try:
                report = indicators_import(
                    acting_user=request.user, path=handle.name, year=form.cleaned_data["year"]
                )
            except TuopinError as error:
                messages.error(request, error.message)
            except PermissionDenied as error:
                messages.error(request, str(error))
    return render(request, "policy/indicators_upload.html", {"form": form, "report": report})
