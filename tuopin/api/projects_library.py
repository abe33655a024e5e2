"""/api/v1/projects: the county project library (list, a project, its filed steps), read
with the same scope as the pages (tuopin.projects.access, topic LIBRARY): a village cadre
sees only their village's projects. Beneficiary households are given by number only."""

from datetime import date
from decimal import Decimal

from ninja import Query, Router, Schema

from tuopin.api.masking import mask_text
from tuopin.api.schemas import answers
from tuopin.api.types import RowId, Year
from tuopin.core.errors import OutOfScope
from tuopin.core.regioncodes import significant_prefix
from tuopin.projects import access
from tuopin.projects.enums import ProjectCategory, ProjectStage
from tuopin.projects.library_selectors import access_project, projects_search
from tuopin.registry.selectors import keyset_page

router = Router(tags=["projects"])


class ProjectOut(Schema):
    id: int
    code: str
    name: str
    year: int
    county_code: str
    region_code: str
    region_name: str
    category: str
    category_label: str
    stage: str
    stage_label: str
    amount: Decimal
    percent: int | None
    paid: Decimal | None
    plan_year: int | None


class FundingOut(Schema):
    level: str
    nature: str
    amount: Decimal


class ProjectDetailOut(ProjectOut):
    nature: str
    villages: list[str]
    location: str
    starts_on: date | None
    ends_on: date | None
    unit: str
    person: str
    tasks: str
    subsidy_standard: str
    targets: str
    mechanism: str
    participation: str
    households_planned: int | None
    fundings: list[FundingOut]
    beneficiaries: list[str]


class ProjectPage(Schema):
    items: list[ProjectOut]
    next_after: int | None
    total: int


class StepOut(Schema):
    action: str
    stage: str
    stage_label: str
    acted_on: date
    document: str
    note: str


def _project(p) -> dict:
    return {
        "id": p.pk,
        "code": p.code,
        "name": p.name,
        "year": p.year,
        "county_code": p.county_id,
        "region_code": p.region_id,
        "region_name": p.region.name,
        "category": p.category,
        "category_label": str(p.get_category_display()),
        "stage": p.stage,
        "stage_label": str(p.get_stage_display()),
        "amount": p.amount,
        "percent": getattr(p, "percent", None),
        "paid": getattr(p, "paid", None),
        "plan_year": p.plan_year,
    }


def _readable(request):
    if not access.may_read(request.user, access.LIBRARY):
        raise OutOfScope("project", "")


@router.get(
    "/projects",
    response=answers({200: ProjectPage}),
    summary="县级项目库（按区划前缀、年度、环节、类别筛选；按 id 翻页）",
)
def project_list(
    request,
    region: str = Query("", pattern=r"^[0-9]{0,12}$", description="区划代码或其前几位"),
    year: Year | None = None,
    stage: ProjectStage | None = None,
    category: ProjectCategory | None = None,
    after: RowId | None = None,
    limit: int = Query(50, ge=1, le=500),
):
    _readable(request)
    prefix = significant_prefix(region) if len(region) == 12 else region
    rows = projects_search(
        request.user,
        region_prefix=prefix,
        year=year,
        stage=stage or "",
        category=category or "",
    ).order_by("pk")
    page, next_after = keyset_page(rows, after=after, size=limit)
    return {"items": [_project(p) for p in page], "next_after": next_after, "total": rows.count()}


@router.get("/projects/{project_id}", response=answers({200: ProjectDetailOut}), summary="项目详情")
def project_detail(request, project_id: RowId):
    project = access_project(request.user, project_id)
    annotated = projects_search(request.user).get(pk=project.pk)
    return {
        **_project(annotated),
        "nature": project.nature,
        "villages": list(project.villages.order_by("code").values_list("code", flat=True)),
        "location": project.location,
        "starts_on": project.starts_on,
        "ends_on": project.ends_on,
        "unit": project.unit,
        "person": project.person,
        "tasks": mask_text(project.tasks),
        "subsidy_standard": project.subsidy_standard,
        "targets": mask_text(project.targets),
        "mechanism": mask_text(project.mechanism),
        "participation": mask_text(project.participation),
        "households_planned": project.households_planned,
        "fundings": [
            {"level": f.level, "nature": f.nature, "amount": f.amount}
            for f in project.fundings.order_by("pk")
        ],
        "beneficiaries": list(
            project.beneficiaries.order_by("pk").values_list("household__number", flat=True)
        ),
    }


@router.get(
    "/projects/{project_id}/steps",
    response=answers({200: list[StepOut]}),
    summary="项目办理记录（每一环节）",
)
def project_steps(request, project_id: RowId):
    project = access_project(request.user, project_id)
    return [
        {
            "action": s.action,
            "stage": s.stage,
            "stage_label": str(s.get_stage_display()),
            "acted_on": s.acted_on,
            "document": s.document,
            "note": mask_text(s.note),
        }
        for s in project.steps.order_by("created_at", "pk")
    ]
