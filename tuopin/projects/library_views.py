"""Pages of the project library under /projects/library/: the list per region with its
filters, stage counts and download; a project's page with the buttons of the steps the
user may take now; the application form; the progress form; beneficiaries; the library
of a year (entries, removals, the Q4 refresh); the progress report (xlsx).

Thin views: the scope rule is access.py's, the flow's rules library_services'."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuopin.accounts.roles import Department, Permission
from tuopin.accounts.selectors import has_permission
from tuopin.core.errors import TuopinError
from tuopin.core.years import years_to_now
from tuopin.projects import access
from tuopin.projects.enums import ProjectCategory, ProjectStage
from tuopin.projects.funds_selectors import project_spending
from tuopin.projects.library_forms import (
    ApplicationForm,
    BeneficiaryForm,
    ProgressForm,
    StepForm,
)
from tuopin.projects.library_import_views import may_import_projects
from tuopin.projects.library_report import library_list_xlsx, progress_report_xlsx
from tuopin.projects.library_selectors import (
    access_project,
    library_entries,
    library_years,
    projects_search,
    stage_counts,
)
from tuopin.projects.library_services import (
    APPLY_ROLES,
    EDITABLE_STAGES,
    Q4_FIRST_MONTH,
    _covering_roles,
    actions_for,
    beneficiary_add,
    beneficiary_remove,
    library_refresh,
    may_route,
    notice_ends,
    project_act,
    project_apply,
    project_progress_report,
    project_route,
    project_update,
)
from tuopin.projects.lifecycle import ACTIONS, appraising_department
from tuopin.projects.models import ProjectBeneficiary
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region
from tuopin.regions.selectors import region_ancestors
from tuopin.registry.personal import mask_name

PAGE = 50


def _region(request) -> Region:
    if not access.may_read(request.user, access.LIBRARY):
        raise PermissionDenied("没有权限：查看项目库 (you may not read the project library)")
    text = request.GET.get("region") or request.POST.get("region")
    return access.region_for(request.user, text, [access.LIBRARY])


def _year(request, default: int | None = None) -> int | None:
    text = (request.GET.get("year") or "").strip()
    if text.isdigit() and 2000 <= int(text) <= date.today().year + 1:
        return int(text)
    if text:
        messages.warning(request, _("年度“%(year)s”无效。") % {"year": text})
    return default


def _choice(request, name: str, choices) -> str:
    value = (request.GET.get(name) or "").strip()
    return value if value in dict(choices) else ""


def _filters(request):
    region = _region(request)
    return {
        "region": region,
        "year": _year(request),
        "stage": _choice(request, "stage", ProjectStage.choices),
        "category": _choice(request, "category", ProjectCategory.choices),
    }


def _rows(request, f):
    return projects_search(
        request.user,
        region_prefix=f["region"].prefix,
        year=f["year"],
        stage=f["stage"],
        category=f["category"],
    )


def _query(f) -> str:
    parts = [f"region={f['region'].code}"]
    for key in ("year", "stage", "category"):
        if f[key]:
            parts.append(f"{key}={f[key]}")
    return "&".join(parts)


def _may_apply(user) -> bool:
    return bool(_apply_villages(user)[:1])


def _apply_villages(user):
    """The villages the user may apply for: their own (village office) or the county's
    (the county office on a village's behalf)."""
    prefixes = access.keep_prefixes(user, access.LIBRARY)
    if prefixes is not None and not prefixes:
        return Region.objects.none()
    rows = Region.objects.filter(level=RegionLevel.VILLAGE)
    if prefixes is None:
        return rows.order_by("code")
    codes = [
        p
        for p in prefixes
        if _covering_roles(user, p.ljust(12, "0")) & APPLY_ROLES
        and len(p) in (6, 12)  # a county office or a village office
    ]
    if not codes:
        return Region.objects.none()
    query = Q()
    for prefix in codes:
        query |= Q(code__startswith=prefix)
    return rows.filter(query).order_by("code")


@login_required
def library(request):
    f = _filters(request)
    rows = _rows(request, f)
    counts = stage_counts(rows.order_by())
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    shown = list(rows[(page - 1) * PAGE : page * PAGE + 1])
    region = f["region"]
    return render(
        request,
        "projects/library/list.html",
        {
            **f,
            "ancestors": region_ancestors(region),
            "children": list(Region.objects.filter(parent=region).order_by("code"))
            if region.level != RegionLevel.VILLAGE
            else [],
            "years": years_to_now(),
            "stages": ProjectStage.choices,
            "categories": ProjectCategory.choices,
            "counts": [(code, label, counts.get(code, 0)) for code, label in ProjectStage.choices],
            "total": sum(counts.values()),
            "rows": shown[:PAGE],
            "page": page,
            "next_page": page + 1 if len(shown) > PAGE else None,
            "previous_page": page - 1 if page > 1 else None,
            "query": _query(f),
            "may_export": has_permission(request.user, Permission.DATA_EXPORT, region.code),
            "may_apply": _may_apply(request.user),
            "may_import": may_import_projects(request.user),
        },
    )


@login_required
def library_download(request):
    f = _filters(request)
    if not has_permission(request.user, Permission.DATA_EXPORT, f["region"].code):
        raise PermissionDenied("没有权限：导出数据 (permission required: data.export)")
    return library_list_xlsx(request, f["region"], f["year"], _rows(request, f))


@login_required
def library_report(request):
    region = _region(request)
    if not has_permission(request.user, Permission.DATA_EXPORT, region.code):
        raise PermissionDenied("没有权限：导出数据 (permission required: data.export)")
    year = _year(request)
    return progress_report_xlsx(request, region, year)


def _beneficiary_rows(project):
    rows = []
    for b in project.beneficiaries.select_related("household__village").order_by("pk"):
        head = b.household.members.filter(relation="02").values_list("name", flat=True).first()
        rows.append(
            {
                "row": b,
                "number": b.household.number,
                "village": b.household.village.name,
                "head": mask_name(head) if head else "",
            }
        )
    return rows


@login_required
def project_page(request, project_id: int):
    project = access_project(request.user, project_id)
    may_keep = access.may_keep(request.user, access.LIBRARY, project.region_id)
    actions = actions_for(request.user, project)
    ends = notice_ends(project)
    return render(
        request,
        "projects/library/project.html",
        {
            "project": project,
            "villages": list(project.villages.order_by("code")),
            "fundings": list(project.fundings.order_by("pk")),
            "beneficiaries": _beneficiary_rows(project),
            "steps": list(project.steps.select_related("acting_user").order_by("created_at", "pk")),
            "progress": list(project.progress.order_by("reported_on", "pk")),
            "entries": list(project.library_entries.order_by("year")),
            "actions": actions,
            "appraiser": appraising_department(project),
            "may_route": may_route(request.user, project),
            "departments": Department.choices,
            "step_form": StepForm(),
            "notice_ends": ends,
            "notice_running": ends is not None
            and project.stage == ProjectStage.APPLIED
            and date.today() <= ends,
            "may_report": may_keep and project.stage == ProjectStage.IMPLEMENTING,
            "may_edit": may_keep and project.stage in EDITABLE_STAGES,
            "may_link": may_keep
            and project.stage
            not in (ProjectStage.COMPLETED, ProjectStage.ANNOUNCED, ProjectStage.REMOVED),
            "beneficiary_form": BeneficiaryForm(),
            "next_year": date.today().year + 1,
            "in_q4": date.today().month >= Q4_FIRST_MONTH,
            # The money of the project, for whoever reads the funds there (not a village).
            "spending": project_spending(project)
            if access.may_read(request.user, access.FUNDS, project.region_id)
            else None,
        },
    )


@login_required
@require_POST
def project_step(request, project_id: int, action: str):
    project = access_project(request.user, project_id)
    if action not in ACTIONS:
        raise Http404("未找到 (not found)")
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("办理日期或计划年度无效。"))
        return redirect("projects:project", project_id=project.pk)
    data = form.cleaned_data
    try:
        project_act(
            action=action,
            project=project,
            acting_user=request.user,
            acted_on=data["acted_on"],
            document=data["document"],
            note=data["note"],
            plan_year=data["plan_year"],
        )
    except TuopinError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已办理：%(step)s。") % {"step": ACTIONS[action].label})
    return redirect("projects:project", project_id=project.pk)


@login_required
@require_POST
def project_route_view(request, project_id: int):
    """The county office routes the project to the department that appraises it."""
    project = access_project(request.user, project_id)
    try:
        project_route(
            acting_user=request.user,
            project=project,
            department=request.POST.get("department", ""),
            note=request.POST.get("note", ""),
        )
    except TuopinError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已指定评审部门。"))
    return redirect("projects:project", project_id=project.pk)


@login_required
def project_new(request):
    villages = list(_apply_villages(request.user))
    if not villages:
        raise PermissionDenied("没有权限：申报项目 (you may not apply for a project)")
    form = ApplicationForm(
        request.POST or None,
        villages=villages,
        initial={"year": date.today().year, "region": villages[0].code},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = project_apply(
                acting_user=request.user,
                region_code=data["region"],
                year=data["year"],
                name=data["name"],
                category=data["category"],
                nature=data["nature"],
                villages=data["villages"] or [data["region"]],
                location=data["location"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                unit=data["unit"],
                person=data["person"],
                phone=data["phone"],
                tasks=data["tasks"],
                subsidy_standard=data["subsidy_standard"],
                amount=data["amount"],
                fundings=form.fundings(),
                targets=data["targets"],
                mechanism=data["mechanism"],
                participation=data["participation"],
                households_planned=data["households_planned"],
            )
        except TuopinError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("项目已申报，申报公示已发布。"))
            return redirect("projects:project", project_id=project.pk)
    return render(request, "projects/library/apply.html", {"form": form})


@login_required
def project_progress(request, project_id: int):
    project = access_project(request.user, project_id)
    if not access.may_keep(request.user, access.LIBRARY, project.region_id):
        raise PermissionDenied("没有权限：报告项目进度 (you may not report progress here)")
    form = ProgressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project_progress_report(
                acting_user=request.user,
                project=project,
                percent=data["percent"],
                note=data["note"],
                reported_on=data["reported_on"],
            )
        except TuopinError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("进度已报告。"))
            return redirect("projects:project", project_id=project.pk)
    return render(
        request,
        "projects/library/progress.html",
        {"project": project, "form": form, "progress": list(project.progress.all())},
    )


@login_required
@require_POST
def project_beneficiary_add(request, project_id: int):
    project = access_project(request.user, project_id)
    form = BeneficiaryForm(request.POST)
    if form.is_valid():
        try:
            beneficiary_add(
                acting_user=request.user,
                project=project,
                household=form.cleaned_data["household"],
                how=form.cleaned_data["how"],
            )
        except TuopinError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("受益户已登记。"))
    else:
        messages.error(request, _("请填写户编号或身份证号。"))
    return redirect("projects:project", project_id=project.pk)


@login_required
@require_POST
def project_beneficiary_remove(request, beneficiary_id: int):
    row = ProjectBeneficiary.objects.select_related("project").filter(pk=beneficiary_id).first()
    if row is None:
        raise Http404("未找到 (not found)")
    project = access_project(request.user, row.project_id)
    try:
        beneficiary_remove(acting_user=request.user, beneficiary=row)
    except TuopinError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("受益户已移除。"))
    return redirect("projects:project", project_id=project.pk)


@login_required
def library_versions(request):
    """The library of a year under the region: its entries, its removals."""
    region = _region(request)
    county_prefix = region.code[:6] if region.level != RegionLevel.CITY else region.prefix
    years = library_years(county_prefix)
    year = _year(request, years[0] if years else date.today().year)
    entries = list(library_entries(request.user, region_prefix=region.prefix, year=year))
    county = region if region.level == RegionLevel.COUNTY else None
    today = date.today()
    return render(
        request,
        "projects/library/versions.html",
        {
            "region": region,
            "ancestors": region_ancestors(region),
            "year": year,
            "years": years,
            "kept": [e for e in entries if e.removed_on is None],
            "removed": [e for e in entries if e.removed_on is not None],
            "may_refresh": county is not None
            and today.month >= Q4_FIRST_MONTH
            and "county_office" in _covering_roles(request.user, county.code),
            "next_year": today.year + 1,
        },
    )


@login_required
@require_POST
def library_versions_refresh(request):
    region = _region(request)
    try:
        added = library_refresh(
            acting_user=request.user,
            county_code=region.code,
            year=date.today().year + 1,
            document=(request.POST.get("document") or "")[:100],
        )
    except TuopinError as error:
        messages.error(request, error.message)
        added = None
    if added is not None:
        messages.success(
            request,
            _("%(year)s 年度项目库已更新，新增 %(n)s 个项目。")
            % {"year": date.today().year + 1, "n": added},
        )
    url = reverse("projects:library_versions")
    return redirect(f"{url}?region={region.code}&year={date.today().year + 1}")


EDIT_FIELDS = (
    "name", "category", "nature", "location", "starts_on", "ends_on", "unit", "person", "phone",
    "tasks", "subsidy_standard", "amount", "targets", "mechanism", "participation",
    "households_planned",
)  # fmt: skip


@login_required
def project_edit(request, project_id: int):
    """A project's fields before it enters the library (each save kept in history)."""
    project = access_project(request.user, project_id)
    if not access.may_keep(request.user, access.LIBRARY, project.region_id):
        raise PermissionDenied("没有权限：修改项目 (you may not edit this project)")
    if project.stage not in EDITABLE_STAGES:
        raise PermissionDenied("项目入库后不能再修改 (a project in the library is not edited)")
    villages = list(Region.objects.filter(code__startswith=project.county.prefix, level="village"))
    initial = {field: getattr(project, field) for field in EDIT_FIELDS}
    initial.update(
        region=project.region_id,
        year=project.year,
        villages=list(project.villages.values_list("code", flat=True)),
        **{f"funding_{f.level}": f.amount for f in project.fundings.all()},
    )
    form = ApplicationForm(request.POST or None, villages=villages, initial=initial)
    form.fields["region"].required = form.fields["year"].required = False
    form.fields["region"].disabled = form.fields["year"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project_update(
                acting_user=request.user,
                project=project,
                villages=data["villages"] or [project.region_id],
                fundings=form.fundings(),
                **{field: data[field] for field in EDIT_FIELDS},
            )
        except TuopinError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("项目已修改。"))
            return redirect("projects:project", project_id=project.pk)
    return render(request, "projects/library/apply.html", {"form": form, "project": project})
