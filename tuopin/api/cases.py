"""/api/v1/cases: dynamic-management cases with the same rules as the pages.

A case's payload (an identification lists the applicants with their ID numbers) is typed
both ways: the input is checked before any rule runs, and the output masks every personal
number as the registry endpoints do; free text (reason, comments) is masked too.
"""

from datetime import datetime

from ninja import Field, Router, Schema
from ninja.responses import Status

from tuopin.accounts.roles import Permission
from tuopin.accounts.selectors import require_permission
from tuopin.api.masking import mask_text, mask_value
from tuopin.api.registry import HouseholdFields, HouseholdInput, MemberFields, MemberInput
from tuopin.api.schemas import answers
from tuopin.api.types import Day, Filter, Limit, RegionPrefix, RowId, Year
from tuopin.cases.enums import Action, CaseKind, CaseStatus
from tuopin.cases.selectors import access_case, case_actions, case_list_for_user, my_tasks
from tuopin.cases.services import case_act, case_propose
from tuopin.core.regioncodes import filter_prefix
from tuopin.registry.enums import MemberEventKind
from tuopin.registry.selectors import access_household

router = Router(tags=["cases"])


def _get(obj, name: str):
    """A value of a stored payload (a dict) or of a model row alike."""
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


class EventOut(Schema):
    at: datetime
    actor: str = Field(alias="actor.username")
    action: str
    from_status: str
    to_status: str
    from_step: str
    to_step: str
    comment: str

    @staticmethod
    def resolve_comment(event) -> str:
        return mask_text(event.comment)


class ApplicantOut(MemberFields):
    """An applicant of an identification, as proposed (not yet a registry member)."""

    @staticmethod
    def resolve_id_number(applicant) -> str | None:
        return mask_value("id_number", _get(applicant, "id_number"))

    @staticmethod
    def resolve_disability_certificate(applicant) -> str | None:
        return mask_value("disability_certificate", _get(applicant, "disability_certificate"))


class ProposedHouseholdOut(HouseholdFields):
    """The household facts an identification proposes."""

    @staticmethod
    def resolve_phone(attributes) -> str | None:
        return mask_value("phone", _get(attributes, "phone"))

    @staticmethod
    def resolve_bank_account(attributes) -> str | None:
        return mask_value("bank_account", _get(attributes, "bank_account"))


class CrossCheckOut(Schema):
    """A hit of the identification's cross-check against an outside list."""

    source: str
    name: str
    detail: str

    @staticmethod
    def resolve_detail(hit) -> str:
        return mask_text(_get(hit, "detail") or "")


class CasePayloadOut(Schema):
    """What the case asks for: an identification's household and applicants, or a member
    change (member, event, date); empty for the other kinds."""

    number: str | None = None
    members: list[ApplicantOut] | None = None
    attributes: ProposedHouseholdOut | None = None
    cross_check: list[CrossCheckOut] | None = None
    member: int | None = None
    event: str | None = None
    date: str | None = None


class CasePayloadIn(Schema):
    """identification: number and members (attributes optional); member_change: member,
    event and date. The rules of each kind say what is missing (400/403)."""

    number: str | None = Field(None, min_length=1, max_length=32)
    members: list[MemberInput] | None = Field(None, min_length=1, max_length=50)
    attributes: HouseholdInput | None = None
    member: RowId | None = None
    event: MemberEventKind | None = None
    date: Day | None = None


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
    def resolve_reason(case) -> str:
        return mask_text(case.reason)

    @staticmethod
    def resolve_override_reason(case) -> str:
        return mask_text(case.override_reason)

    @staticmethod
    def resolve_step(case) -> str | None:
        return case.step["code"] if case.step else None

    @staticmethod
    def resolve_step_title(case) -> str | None:
        return case.step["title"] if case.step else None


class CaseDetail(CaseOut):
    payload: CasePayloadOut
    events: list[EventOut]
    allowed_actions: list[str]

    @staticmethod
    def resolve_events(case) -> list:
        return list(case.events.select_related("actor"))


class CasePage(Schema):
    items: list[CaseOut]
    next_after: int | None


class CaseIn(Schema):
    kind: CaseKind
    year: Year
    household_id: RowId | None = None
    region_code: str = Field("", pattern=r"^([0-9]{12})?$")
    reason: str = Field("", max_length=300)
    payload: CasePayloadIn = CasePayloadIn()


class ActionIn(Schema):
    action: Action
    comment: str = Field("", max_length=500)
    override_reason: str = Field("", max_length=300)


def _detail(request, case):
    """The case as the user may see it now, with the actions the rules allow them."""
    case = access_case(request.user, case.pk)
    case.allowed_actions = case_actions(request.user, case)
    return case


@router.get("/cases", response=answers({200: CasePage}), summary="动态管理事项列表（按 id 翻页）")
def case_list(
    request,
    kind: Filter[CaseKind] = None,
    status: Filter[CaseStatus] = None,
    region: RegionPrefix = "",
    after: RowId | None = None,
    limit: Limit = 50,
):
    require_permission(request.user, Permission.REGISTRY_VIEW)
    cases = case_list_for_user(request.user)
    if kind:
        cases = cases.filter(kind=kind)
    if status:
        cases = cases.filter(status=status)
    if region:
        cases = cases.filter(region__code__startswith=filter_prefix(region))
    if after:
        cases = cases.filter(pk__gt=after)
    rows = list(cases.order_by("pk")[: limit + 1])
    return {"items": rows[:limit], "next_after": rows[limit - 1].pk if len(rows) > limit else None}


@router.get(
    "/cases/tasks",
    response=answers({200: list[CaseOut]}),
    summary="我的待办",
    url_name="case_tasks",
)
def tasks(request):
    require_permission(request.user, Permission.REGISTRY_VIEW)
    return my_tasks(request.user)


@router.get(
    "/cases/{case_id}",
    response=answers({200: CaseDetail}),
    summary="事项详情（含办理记录和可办理操作）",
)
def case_detail(request, case_id: RowId):
    require_permission(request.user, Permission.REGISTRY_VIEW)
    return _detail(request, access_case(request.user, case_id))


@router.post("/cases", response=answers({201: CaseDetail}), summary="发起事项")
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
        # As the pages store it: plain JSON, dates as ISO text, only what was sent.
        payload=payload.payload.model_dump(mode="json", exclude_unset=True),
    )
    return Status(201, _detail(request, case))


@router.post(
    "/cases/{case_id}/actions",
    response=answers({200: CaseDetail}),
    summary="办理（同意、不同意、公示期满、异议……）",
)
def case_action(request, case_id: RowId, payload: ActionIn):
    case = access_case(request.user, case_id)
    case = case_act(
        acting_user=request.user,
        case=case,
        action=payload.action,
        comment=payload.comment,
        override_reason=payload.override_reason,
    )
    return _detail(request, case)
