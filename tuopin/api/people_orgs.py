"""/api/v1/branches, /api/v1/enterprises, /api/v1/workshops: weak Party branches,
enterprises with their village pairings, and poverty workshops with their recognition for
a year and their employees (ID numbers masked). Read with the pages' scope rule
(tuopin.people.access); a region filter outside the user's answers nothing."""

from django.core.exceptions import PermissionDenied
from ninja import Router, Schema

from tuopin.api.schemas import answers
from tuopin.api.types import Limit, RegionPrefix, RowId, Year
from tuopin.people import access
from tuopin.people.branches_selectors import branch_search
from tuopin.people.enterprises_selectors import enterprise_pairings, enterprise_search
from tuopin.people.models import Workshop
from tuopin.people.orgs_forms import DEFAULT_YEAR
from tuopin.people.workshops_rules import recognitions
from tuopin.people.workshops_selectors import (
    access_workshop,
    workshop_employees,
    workshop_search,
)
from tuopin.registry.idnumbers import mask_id_number
from tuopin.registry.selectors import keyset_page

router = Router(tags=["people"])


def _reads(request, topic: str) -> None:
    if not access.may_read(request.user, topic):
        raise PermissionDenied("没有权限：查看帮扶力量 (you may not read this)")


class BranchOut(Schema):
    id: int
    year: int
    village_code: str
    village_name: str
    reasons: str
    listed_on: str | None
    measures: str
    deadline: str | None
    leader_name: str | None
    signed_off_on: str | None


class BranchPage(Schema):
    items: list[BranchOut]
    next_after: int | None
    total: int


def _day(value) -> str | None:
    return value.isoformat() if value else None


@router.get(
    "/branches",
    response=answers({200: BranchPage}),
    summary="软弱涣散村党组织（按年度、区划筛选，按 id 翻页）",
)
def branch_list(
    request,
    year: Year | None = None,
    region: RegionPrefix = "",
    after: RowId | None = None,
    limit: Limit = 50,
):
    _reads(request, access.BRANCHES)
    rows = branch_search(request.user, year=year, region_prefix=region or None)
    page, next_after = keyset_page(rows.order_by("id"), after=after, size=limit)
    return {
        "items": [
            {
                "id": b.pk,
                "year": b.year,
                "village_code": b.village_id,
                "village_name": b.village.name,
                "reasons": b.reasons,
                "listed_on": _day(b.listed_on),
                "measures": b.measures,
                "deadline": _day(b.deadline),
                "leader_name": b.leader.name if b.leader else None,
                "signed_off_on": _day(b.signed_off_on),
            }
            for b in page
        ],
        "next_after": next_after,
        "total": rows.count(),
    }


class ProjectOut(Schema):
    name: str
    money: str | None


class EnterprisePairingOut(Schema):
    village_code: str
    village_name: str
    form: str
    form_label: str
    started_on: str | None
    projects: list[ProjectOut]
    beneficiaries: int
    beneficiaries_registered: int


class EnterpriseOut(Schema):
    id: int
    name: str
    credit_code: str
    legal_representative: str
    region_code: str
    chamber: str
    is_leading: bool
    pairings: list[EnterprisePairingOut]


class EnterprisePage(Schema):
    items: list[EnterpriseOut]
    next_after: int | None
    total: int


@router.get(
    "/enterprises",
    response=answers({200: EnterprisePage}),
    summary="帮扶企业及其村企结对（按区划、是否带贫龙头企业筛选）",
)
def enterprise_list(
    request,
    region: RegionPrefix = "",
    leading: bool | None = None,
    after: RowId | None = None,
    limit: Limit = 50,
):
    _reads(request, access.ENTERPRISES)
    rows = enterprise_search(request.user, region_prefix=region or None, leading=leading)
    page, next_after = keyset_page(rows.order_by("id"), after=after, size=limit)
    items = []
    for e in page:
        pairings = []
        for p in enterprise_pairings(request.user, e):
            people = list(p.beneficiaries.all())
            pairings.append(
                {
                    "village_code": p.village_id,
                    "village_name": p.village.name,
                    "form": p.form,
                    "form_label": p.get_form_display(),
                    "started_on": _day(p.started_on),
                    "projects": [
                        {"name": x.name, "money": None if x.money is None else str(x.money)}
                        for x in p.projects.all()
                    ],
                    "beneficiaries": len(people),
                    "beneficiaries_registered": sum(1 for b in people if b.member_id),
                }
            )
        items.append(
            {
                "id": e.pk,
                "name": e.name,
                "credit_code": e.credit_code,
                "legal_representative": e.legal_representative,
                "region_code": e.region_id,
                "chamber": e.chamber,
                "is_leading": e.is_leading,
                "pairings": pairings,
            }
        )
    return {"items": items, "next_after": next_after, "total": rows.count()}


class WorkshopOut(Schema):
    id: int
    name: str
    village_code: str
    village_name: str
    type: str
    type_label: str
    operator_credit_code: str | None
    established_on: str | None
    total_staff: int | None
    year: int
    status: str
    status_label: str
    poor_employees: int
    qualifying_employees: int
    reasons: list[str]


class WorkshopPage(Schema):
    items: list[WorkshopOut]
    next_after: int | None
    total: int


@router.get(
    "/workshops",
    response=answers({200: WorkshopPage}),
    summary="扶贫车间及其按年度计算的认定状态",
)
def workshop_list(
    request,
    year: Year = DEFAULT_YEAR,
    region: RegionPrefix = "",
    after: RowId | None = None,
    limit: Limit = 50,
):
    _reads(request, access.WORKSHOPS)
    rows = workshop_search(request.user, region_prefix=region or None)
    page, next_after = keyset_page(rows.order_by("id"), after=after, size=limit)
    found = recognitions(Workshop.objects.filter(pk__in=[w.pk for w in page]), year)
    return {
        "items": [
            {
                "id": w.pk,
                "name": w.name,
                "village_code": w.village_id,
                "village_name": w.village.name,
                "type": w.type,
                "type_label": w.get_type_display(),
                "operator_credit_code": w.operator.credit_code if w.operator else None,
                "established_on": _day(w.established_on),
                "total_staff": w.total_staff,
                "year": year,
                "status": found[w.pk].status,
                "status_label": found[w.pk].status_label,
                "poor_employees": found[w.pk].poor,
                "qualifying_employees": found[w.pk].qualifying,
                "reasons": [zh for zh, _en in found[w.pk].reasons],
            }
            for w in page
        ],
        "next_after": next_after,
        "total": rows.count(),
    }


class EmployeeOut(Schema):
    id: int
    name: str
    id_number: str
    in_registry: bool
    contract_start: str
    contract_end: str | None
    monthly_wage: str | None


@router.get(
    "/workshops/{workshop_id}/employees",
    response=answers({200: list[EmployeeOut]}),
    summary="扶贫车间的务工人员（身份证号脱敏）",
)
def workshop_employee_list(request, workshop_id: RowId):
    _reads(request, access.WORKSHOPS)
    workshop = access_workshop(request.user, workshop_id)
    return [
        {
            "id": e.pk,
            "name": e.name,
            "id_number": mask_id_number(e.id_number),
            "in_registry": e.member_id is not None,
            "contract_start": e.contract_start.isoformat(),
            "contract_end": _day(e.contract_end),
            "monthly_wage": None if e.monthly_wage is None else str(e.monthly_wage),
        }
        for e in workshop_employees(workshop)
    ]
