"""/api/v1/cases: dynamic-management cases with the same rules as the pages."""

from datetime import datetime

from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from tuopin.accounts.roles import Permission
from tuopin.accounts.selectors import require_permission
from tuopin.cases.selectors import access_case, case_actions, case_list_for_user, my_tasks
from tuopin.cases.services import case_act, case_propose
from tuopin.registry.selectors import access_household

router = Router(tags=["cases"])


class EventOut(Schema):
    at: datetime
    actor: str = Field(alias="actor.username")
    action: str
    from_status: str
    to_status: str
    from_step: str
    to_step: str
    comment: str


class CaseOut(Schema):
    id: int
    kind: str
    status: str
    year: int
    region_code: str = Field(alias="region_id")
    household_id: int | None
    step: str | None
    step_title: str | None
    route_version: int = Field(alias="route.version")
    proposer: str = Field(alias="proposer.username")
    reason: str
    evaluation_run_id: int | None
    evaluation_result: str
    override_reason: str
    created_at: datetime

    @staticmethod
    def resolve_step(case) -> str | None:
        return case.step["code"] if case.step else None

    @staticmethod
    def resolve_step_title(case) -> str | None:
        return case.step["title"] if case.step else None


class CaseDetail(CaseOut):
    payload: dict
    events: list[EventOut]
    allowed_actions: list[str]

    @staticmethod
    def resolve_events(case) -> list:
        return list(case.events.select_related("actor"))


class CasePage(Schema):
    items: list[CaseOut]
    next_after: int | None


class CaseIn(Schema):
    kind: str
    year: int
    household_id: int | None = None
    region_code: str = ""
    reason: str = ""
    payload: dict = {}


class ActionIn(Schema):
    action: str
    comment: str = ""
    override_reason: str = ""


def _detail(request, case):
    """The case as the user may see it now, with the actions the rules allow them."""
    case = access_case(request.user, case.pk)
    case.allowed_actions = case_actions(request.user, case)
    return case


@router.get("/cases", response=CasePage, summary="动态管理事项列表（按 id 翻页）")
def case_list(
    request,
    kind: str = "",
    status: str = "",
    region: str = "",
    after: int | None = None,
    limit: int = Query(50, ge=1, le=500),
):
    require_permission(request.user, Permission.REGISTRY_VIEW)
    cases = case_list_for_user(request.user)
    if kind:
        cases = cases.filter(kind=kind)
    if status:
        cases = cases.filter(status=status)
    if region:
        cases = cases.filter(region__code__startswith=region)
    if after:
        cases = cases.filter(pk__gt=after)
    rows = list(cases.order_by("pk")[: limit + 1])
    return {"items": rows[:limit], "next_after": rows[limit - 1].pk if len(rows) > limit else None}


@router.get("/cases/tasks", response=list[CaseOut], summary="我的待办", url_name="case_tasks")
def tasks(request):
    require_permission(request.user, Permission.REGISTRY_VIEW)
    return my_tasks(request.user)


@router.get("/cases/{case_id}", response=CaseDetail, summary="事项详情（含办理记录和可办理操作）")
def case_detail(request, case_id: int):
    require_permission(request.user, Permission.REGISTRY_VIEW)
    return _detail(request, access_case(request.user, case_id))


@router.post("/cases", response={201: CaseDetail}, summary="发起事项")
def case_create(request, payload: CaseIn):
    household = (
        access_household(request.user, payload.household_id) if payload.household_id else None
    )
    case = case_propose(
        acting_user=request.user,
        kind=payload.kind,
        year=payload.year,
        household=household,
        region_code=payload.region_code,
        reason=payload.reason,
        payload=payload.payload,
    )
    return Status(201, _detail(request, case))


@router.post(
    "/cases/{case_id}/actions",
    response=CaseDetail,
    summary="办理（同意、不同意、公示期满、异议……）",
)
def case_action(request, case_id: int, payload: ActionIn):
    case = access_case(request.user, case_id)
    case = case_act(
        acting_user=request.user,
        case=case,
        action=payload.action,
        comment=payload.comment,
        override_reason=payload.override_reason,
    )
    return _detail(request, case)
