"""/api/v1/cases: dynamic-management cases with the same rules as the pages.

A case's payload (an identification lists the applicants with their ID numbers) is typed
both ways: the input is checked before any rule runs, and the output masks every personal
number as the registry endpoints do; free text (reason, comments) is masked too.
"""

from datetime import date, datetime
from typing import Annotated

from django.utils import translation
from ninja import Field, File, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from tuopin.accounts.roles import Permission
from tuopin.accounts.selectors import require_permission
from tuopin.api.masking import mask_text, mask_value
from tuopin.api.registry import HouseholdFields, HouseholdInput, MemberFields, MemberInput
from tuopin.api.schemas import answers
from tuopin.api.types import Day, Filter, Limit, RegionPrefix, RowId, Year
from tuopin.cases.enums import Action, CaseKind, CaseStatus, StepKind
from tuopin.cases.guidance import case_guidance, task_lists
from tuopin.cases.selectors import access_case, case_actions, case_list_for_user
from tuopin.cases.services import case_act, case_attach, case_propose
from tuopin.core.regioncodes import filter_prefix
from tuopin.registry.enums import MemberEventKind
from tuopin.registry.selectors import access_household

router = Router(tags=["cases"])


def _labels(choices) -> list[str]:
    with translation.override(None):  # the Chinese labels are the message ids
        return [str(label) for _value, label in choices.choices]


def labelled(choices, what: str, extra: tuple = ()):
    """An enum of a code list whose OpenAPI entry gives each value's label
    (`x-enum-descriptions`, and listed in the description for readers without it)."""
    values = [*choices.values, *(value for value, _label in extra)]
    labels = [*_labels(choices), *(label for _value, label in extra)]
    listing = "；".join(f"`{v}` {label}" for v, label in zip(values, labels, strict=True))
    return Field(
        description=f"{what}：{listing}",
        json_schema_extra={"x-enum-descriptions": labels},
    )


EventAction = Annotated[
    str,
    Field(
        json_schema_extra={
            "enum": ["propose", *Action.values],
            "x-enum-descriptions": ["发起", *_labels(Action)],
        },
        description="操作：`propose` 发起；"
        + "；".join(
            f"`{v}` {label}" for v, label in zip(Action.values, _labels(Action), strict=True)
        ),
    ),
]


def _get(obj, name: str):
    """A value of a stored payload (a dict) or of a model row alike."""
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


class EventOut(Schema):
    id: int
    at: datetime = Field(description="录入时间 (when it was recorded)")
    occurred_on: date | None = Field(
        description="补录的步骤实际办理日期；空为录入当时办理 (the real date of a step recorded "
        "afterwards)"
    )
    recorded_late: bool = Field(description="补录 (recorded on a later day than it took place)")
    actor: str = Field(alias="actor.username")
    action: EventAction
    from_status: str
    to_status: str
    from_step: str
    to_step: str
    comment: str
    has_attachment: bool

    @staticmethod
    def resolve_has_attachment(event) -> bool:
        return bool(event.attachment)

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
    kind: CaseKind = labelled(CaseKind, "业务类型 (case kind)")
    status: CaseStatus = labelled(CaseStatus, "状态 (status)")
    year: int
    region_code: str = Field(alias="region_id")
    household_id: int | None
    step: str | None
    step_title: str | None
    step_kind: StepKind | None = labelled(StepKind, "当前步骤类型 (step kind)")
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

    @staticmethod
    def resolve_step_kind(case) -> str | None:
        return case.step["kind"] if case.step else None


class CaseDetail(CaseOut):
    payload: CasePayloadOut
    events: list[EventOut]
    allowed_actions: list[Action] = labelled(
        Action, "您现在可以办理的操作 (the actions you may take now)"
    )
    next_step: str | None = Field(
        description="下一步：由谁、在何时办理（如“公示期至 12 月 12 日，期满后由村干部结束公示”）；"
        "办结后为空 (what happens next, who acts and when; null once finished)"
    )
    cannot_act_reason: str | None = Field(
        description="您不能办理本步骤的原因；能办理时为空 (why you cannot take this step's deciding "
        "action; null when you can)"
    )

    @staticmethod
    def resolve_events(case) -> list:
        return list(case.events.select_related("actor"))


class TaskOut(CaseOut):
    upcoming: bool = Field(
        description="在公示中、公示期未满：即将到期，尚不能办理 (waiting in a notice still running)"
    )
    overdue: bool = Field(description="逾期 (overdue)")


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
    occurred_on: Day | None = Field(
        None,
        description="补录：纸面上实际发起的日期，不晚于今天 (the real date, not in the future)",
    )


class ActionIn(Schema):
    action: Action = labelled(Action, "操作 (action)")
    comment: str = Field("", max_length=500)
    override_reason: str = Field("", max_length=300)
    occurred_on: Day | None = Field(
        None,
        description="补录：此步骤实际办理的日期，不晚于今天、不早于上一步骤；公示期等规则按此日期"
        "判断 (the day the step took place: not in the future, not before the previous step; "
        "every rule is checked against it)",
    )
    notice_starts: Day | None = Field(
        None,
        description="公示实际张贴日期（进入或处于公示步骤时）(the notice's real first day)",
    )
    notice_ends: Day | None = Field(
        None,
        description="公示实际截止日期，公示期不少于法定天数 (the notice's real last day; at least "
        "the legal length)",
    )


def _detail(request, case):
    """The case as the user may see it now, with the actions the rules allow them."""
    case = access_case(request.user, case.pk)
    case.allowed_actions = case_actions(request.user, case)
    guidance = case_guidance(request.user, case, case.allowed_actions)
    case.next_step, case.cannot_act_reason = guidance["next"], guidance["why"]
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
    response=answers({200: list[TaskOut]}),
    summary="我的待办（upcoming：公示中，期满后才能办理）",
    url_name="case_tasks",
)
def tasks(request):
    require_permission(request.user, Permission.REGISTRY_VIEW)
    lists = task_lists(request.user)
    for case in lists["now"]:
        case.upcoming = False
    for case in lists["upcoming"]:
        case.upcoming = True
    return sorted(lists["now"] + lists["upcoming"], key=lambda c: (c.upcoming, c.step_entered_at))


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
        occurred_on=payload.occurred_on,
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
        occurred_on=payload.occurred_on,
        notice_starts=payload.notice_starts,
        notice_ends=payload.notice_ends,
    )
    return _detail(request, case)


@router.post(
    "/cases/{case_id}/events/{event_id}/attachment",
    response=answers({200: CaseDetail}),
    summary="为办理记录上传附件（公示照片、会议记录：.jpg、.png、.pdf）",
    description="Only the person who recorded the step, once: the photo of the notice board or "
    "the minutes of a step recorded afterwards (补录). JPEG, PNG or PDF up to "
    "TUOPIN_ATTACHMENT_MAX_BYTES.",
)
def case_event_attachment(
    request, case_id: RowId, event_id: RowId, file: Annotated[UploadedFile, File()]
):
    case = access_case(request.user, case_id)
    case_attach(acting_user=request.user, case=case, event_id=event_id, attachment=file)
    return _detail(request, case)
