"""/api/v1/funds/warnings: the funds' early warnings (资金动态监控预警) as the inbox pages
show them (tuopin.projects.warnings_views): the list with its filters, one warning with its
record and handling, and the handling steps for whoever may take them on the page (the
same service, `warning_act`, and the same check, `actions_for`). Read with the pages'
scope rule (topic WARNINGS): a village office, which the pages refuse, is refused (403);
a warning outside the caller's regions answers 404 like a missing one. Names, ID numbers
and accounts of the record are masked, as on the page."""

from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field

from tuopin.api.funds import money
from tuopin.api.masking import mask_text
from tuopin.api.schemas import answers
from tuopin.api.types import Filter, Limit, RegionPrefix, RowId
from tuopin.core.regioncodes import significant_prefix
from tuopin.projects import access
from tuopin.projects.enums import PayeeKind, Severity, WarningState
from tuopin.projects.warning_rules import RULES
from tuopin.projects.warnings_selectors import Filters, access_warning, warning_search
from tuopin.projects.warnings_services import ACTIONS, PENDING, actions_for, warning_act
from tuopin.registry.idnumbers import mask_id_number
from tuopin.registry.personal import mask_bank_account, mask_name
from tuopin.registry.selectors import keyset_page

router = Router(tags=["funds"])

RuleCode = Literal[tuple(RULES)]
StateFilter = Literal[(*WarningState.values, "pending")]
ActionName = Literal[tuple(ACTIONS)]


def _reads(request) -> None:
    if not access.may_read(request.user, access.WARNINGS):
        raise PermissionDenied("没有权限：查看资金预警 (you may not read the funds' warnings)")


class WarningOut(Schema):
    id: int
    rule: str
    rule_label: str
    severity: str
    severity_label: str
    region_code: str
    region_name: str
    amount: str | None  # 涉及金额（元）; null: unknown
    detail: str
    state: str
    state_label: str
    overdue: bool  # still waiting after its due day
    first_seen: str
    last_seen: str
    due_on: str
    escalated_to_code: str | None
    escalated_at: str | None


class WarningPage(Schema):
    items: list[WarningOut]
    next_after: int | None
    total: int


class RecordPaymentOut(Schema):
    id: int
    kind: str  # 支付对象类型: project, enterprise, person
    name: str  # 收款人 (a person's masked)
    id_number: str
    credit_code: str
    account: str
    item: str
    period: str
    amount: str
    paid_on: str
    voucher: str


class RecordOut(Schema):
    fund_id: int | None
    fund_document: str | None
    fund_name: str | None
    project_id: int | None
    project_code: str | None
    project_name: str | None
    payment: RecordPaymentOut | None


class StepOut(Schema):
    action: str
    state: str
    state_label: str
    note: str
    username: str | None  # null: the system (a recomputation, an escalation)
    at: str
    has_evidence: bool


class WarningDetail(WarningOut):
    boundary: str  # 判定口径: the rule's exact boundary
    record: RecordOut
    steps: list[StepOut]
    actions: list[str]  # the handling steps the caller may take now


def _warning(w, today) -> dict:
    rule = RULES.get(w.rule)
    return {
        "id": w.pk,
        "rule": w.rule,
        "rule_label": str(rule.label) if rule else w.rule,
        "severity": w.severity,
        "severity_label": str(w.get_severity_display()),
        "region_code": w.region_id,
        "region_name": w.region.name,
        "amount": money(w.amount),
        "detail": mask_text(w.detail),
        "state": w.state,
        "state_label": str(w.get_state_display()),
        "overdue": w.state in PENDING and w.due_on < today,
        "first_seen": w.first_seen.isoformat(),
        "last_seen": w.last_seen.isoformat(),
        "due_on": w.due_on.isoformat(),
        "escalated_to_code": w.escalated_to_id,
        "escalated_at": w.escalated_at.isoformat() if w.escalated_at else None,
    }


def _payment(p) -> dict | None:
    if p is None:
        return None
    person = p.payee_kind == PayeeKind.PERSON
    return {
        "id": p.pk,
        "kind": p.payee_kind,
        "name": mask_name(p.payee) if person else p.payee,
        "id_number": mask_id_number(p.id_number) if p.id_number else "",
        "credit_code": p.credit_code,
        "account": mask_bank_account(p.account),
        "item": p.item,
        "period": p.period,
        "amount": money(p.amount),
        "paid_on": p.paid_on.isoformat(),
        "voucher": p.voucher,
    }


def _detail(request, w) -> dict:
    rule = RULES.get(w.rule)
    steps = w.actions.select_related("acting_user").order_by("at", "id")
    return {
        **_warning(w, timezone.localdate()),
        "boundary": rule.boundary_zh if rule else "",
        "record": {
            "fund_id": w.fund_id,
            "fund_document": w.fund.document if w.fund else None,
            "fund_name": w.fund.name if w.fund else None,
            "project_id": w.project_id,
            "project_code": w.project.code if w.project else None,
            "project_name": w.project.name if w.project else None,
            "payment": _payment(w.payment),
        },
        "steps": [
            {
                "action": s.action,
                "state": s.state,
                "state_label": str(s.get_state_display()),
                "note": mask_text(s.note),
                "username": s.acting_user.get_username() if s.acting_user else None,
                "at": s.at.isoformat(),
                "has_evidence": bool(s.evidence),
            }
            for s in steps
        ],
        "actions": actions_for(request.user, w),
    }


@router.get(
    "/funds/warnings",
    response=answers({200: WarningPage}),
    summary="资金预警（按区划、规则、处置状态、等级、是否逾期筛选；按 id 翻页）",
)
def warning_list(
    request,
    region: RegionPrefix = "",
    rule: Filter[RuleCode] = None,
    state: Filter[StateFilter] = None,
    severity: Filter[Severity] = None,
    overdue: bool | None = None,
    escalated: bool | None = None,
    after: RowId | None = None,
    limit: Limit = 50,
):
    _reads(request)
    yes_no = {True: "yes", False: "no", None: ""}
    filters = Filters(
        rule=rule or "",
        severity=severity or "",
        state=state or "",
        escalated=yes_no[escalated],
        overdue=yes_no[overdue],
    )
    today = timezone.localdate()
    prefix = significant_prefix(region) if len(region) == 12 else region
    rows = warning_search(request.user, prefix, filters, today).order_by("pk")
    page, next_after = keyset_page(rows, after=after, size=limit)
    return {
        "items": [_warning(w, today) for w in page],
        "next_after": next_after,
        "total": rows.count(),
    }


@router.get(
    "/funds/warnings/{warning_id}",
    response=answers({200: WarningDetail}),
    summary="一条资金预警：涉及记录（打码）、处置记录、本人可办理的处置环节",
)
def warning_detail(request, warning_id: RowId):
    _reads(request)
    return _detail(request, access_warning(request.user, warning_id))


@router.post(
    "/funds/warnings/{warning_id}/actions",
    response=answers({200: WarningDetail}),
    summary="处置资金预警：核实、说明、整改、办结（须上传佐证材料）、重新打开",
    description="multipart/form-data: `action` (verify, explain, rectify, close, reopen), "
    "`note` (required), `evidence` (a file; required to close). Only for who may handle "
    "the warning on its page: the county office and 财政局 of its region, the city office "
    "once it is escalated there.",
)
def warning_action(
    request,
    warning_id: RowId,
    action: Form[ActionName],
    note: Form[Annotated[str, Field(max_length=2000)]] = "",
    evidence: Annotated[UploadedFile | None, File()] = None,
):
    _reads(request)
    warning = access_warning(request.user, warning_id)
    warning_act(
        acting_user=request.user, warning=warning, action=action, note=note, evidence=evidence
    )
    return _detail(request, access_warning(request.user, warning_id))
