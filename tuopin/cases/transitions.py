"""The rules of movement: a pure table of what may happen next, and who may do it.

No database here: `decide` takes what a case and an actor look like and returns the
new state or a refusal with a Chinese and an English reason. Services apply the
decision, write the case event and change the registry only when `effect` is set.
"""

import datetime
from dataclasses import dataclass, field

from tuopin.accounts.roles import Role
from tuopin.cases.enums import Action, CaseKind, CaseStatus, StepKind

NEXT, STAY = "next", "stay"

# (status, step kind, action) -> (new status, movement)
TABLE: dict[tuple[str, str | None, str], tuple[str, str]] = {
    (CaseStatus.OPEN, StepKind.REVIEW, Action.APPROVE): (CaseStatus.OPEN, NEXT),
    (CaseStatus.OPEN, StepKind.REVIEW, Action.REJECT): (CaseStatus.REJECTED, STAY),
    (CaseStatus.OPEN, StepKind.CONSENT, Action.CONSENT): (CaseStatus.OPEN, NEXT),
    (CaseStatus.OPEN, StepKind.CONSENT, Action.DECLINE): (CaseStatus.WITHDRAWN, STAY),
    (CaseStatus.OPEN, StepKind.NOTICE, Action.OBJECT): (CaseStatus.OBJECTION, STAY),
    (CaseStatus.OPEN, StepKind.NOTICE, Action.CLOSE_NOTICE): (CaseStatus.OPEN, NEXT),
    (CaseStatus.OBJECTION, StepKind.NOTICE, Action.DISMISS): (CaseStatus.OPEN, STAY),
    (CaseStatus.OBJECTION, StepKind.NOTICE, Action.UPHOLD): (CaseStatus.REJECTED, STAY),
    (CaseStatus.OPEN, StepKind.RESULT, Action.APPROVE): (CaseStatus.OPEN, NEXT),
    (CaseStatus.OPEN, StepKind.RESULT, Action.REJECT): (CaseStatus.REJECTED, STAY),
    (CaseStatus.MONITORING, None, Action.REMOVE_RISK): (CaseStatus.CLOSED, STAY),
}
for _kind in StepKind.values:
    TABLE[(CaseStatus.OPEN, _kind, Action.WITHDRAW)] = (CaseStatus.WITHDRAWN, STAY)

# Actions that decide a step: the person who proposed the case may not take them.
APPROVALS = {Action.APPROVE, Action.CLOSE_NOTICE, Action.DISMISS}
PROPOSER_ROLES = ("village", "county_office")
# Steps that review a case, and the actions that decide them: one person decides at most
# one of a case's review steps, whatever roles that person holds (separation of duties:
# a county officer who is also given the township role still needs a second person).
# A result step records a decision taken outside (the province's), so it is not one.
REVIEW_STEPS = {StepKind.REVIEW}
REVIEW_DECISIONS = {Action.APPROVE, Action.REJECT}


@dataclass(frozen=True)
class CaseFacts:
    kind: str
    status: str
    step_index: int
    steps: list
    proposer_id: int | None
    notice_end: datetime.date | None = None
    open_objections: int = 0
    evaluation_result: str | None = None
    # user id -> code of the review step that user already decided in this case
    reviewers: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Actor:
    user_id: int
    roles: frozenset = field(default_factory=frozenset)  # roles held over the case's region


@dataclass(frozen=True)
class Decision:
    status: str
    step_index: int
    effect: bool = False  # the last step approved: apply the case to the registry
    refusal: tuple[str, str] | None = None

    @property
    def allowed(self) -> bool:
        return self.refusal is None


def current_step(case: CaseFacts) -> dict | None:
    if case.status in (CaseStatus.OPEN, CaseStatus.OBJECTION) and case.step_index < len(case.steps):
        return case.steps[case.step_index]
    return None


def _refuse(case: CaseFacts, zh: str, en: str) -> Decision:
    return Decision(case.status, case.step_index, refusal=(zh, en))


def decide(
    case: CaseFacts,
    actor: Actor,
    action: str,
    today: datetime.date,
    *,
    override_reason: str = "",
) -> Decision:
    step = current_step(case)
    key = (case.status, step["kind"] if step else None, action)
    if key not in TABLE:
        return _refuse(
            case,
            f"当前状态（{CaseStatus(case.status).label}）下不能执行“{Action(action).label}”",
            f"'{action}' is not allowed while the case is {case.status}",
        )
    refusal = _who_may(case, step, actor, action)
    refusal = refusal or _guards(case, step, actor, action, today, override_reason)
    if refusal:
        return _refuse(case, *refusal)
    status, movement = TABLE[key]
    if movement == STAY:
        return Decision(status, case.step_index)
    index = case.step_index + 1
    if index < len(case.steps):
        return Decision(status, index)
    final = CaseStatus.MONITORING if case.kind == CaseKind.MONITORING else CaseStatus.APPROVED
    return Decision(final, index, effect=True)


def _who_may(case, step, actor: Actor, action: str) -> tuple[str, str] | None:
    if action == Action.WITHDRAW:
        if actor.user_id == case.proposer_id or set(PROPOSER_ROLES) & actor.roles:
            return None
        return ("只有发起人或村里可以撤回", "only the proposer's side may withdraw")
    if action == Action.REMOVE_RISK:
        if "county_office" in actor.roles:
            return None
        return ("消除风险须由县扶贫办确认", "risk removal is confirmed by the county office")
    # Objections come in at the village or township; either records and resolves them.
    objection = action in (Action.OBJECT, Action.DISMISS, Action.UPHOLD)
    if objection and actor.roles & {step["role"], "township", "village"}:
        return None
    if step["role"] not in actor.roles:
        return (
            f"此步骤（{step['title']}）须由{_role_label(step['role'])}办理",
            f"this step ({step['code']}) is for the role {step['role']}",
        )
    return None


def _guards(case, step, actor: Actor, action, today, override_reason) -> tuple[str, str] | None:
    if action in APPROVALS and actor.user_id == case.proposer_id:
        return ("发起人不能审核自己的提议", "the proposer cannot approve their own proposal")
    decided = case.reviewers.get(actor.user_id)
    if (
        action in REVIEW_DECISIONS
        and step["kind"] in REVIEW_STEPS
        and decided not in (None, step["code"])
    ):
        title = next((s["title"] for s in case.steps if s["code"] == decided), decided)
        return (
            f"同一人不能办理本事项的两级审核（您已办理“{title}”），请由其他人员审核",
            f"one person may not decide two review steps of a case (you decided {decided})",
        )
    if action == Action.CLOSE_NOTICE:
        if case.open_objections:
            return ("公示期间有未处理的异议", "an objection raised during the notice is open")
        if case.notice_end is None or today <= case.notice_end:
            end = case.notice_end.isoformat() if case.notice_end else "—"
            return (f"公示期至 {end}，期满后才能结束", f"the notice runs until {end}")
    if action == Action.OBJECT and case.notice_end and today > case.notice_end:
        return ("公示期已过，不能再登记异议", "the notice period is over")
    if (
        case.kind == CaseKind.EXIT
        and action == Action.APPROVE
        and step["code"] == "county_approval"
        and case.evaluation_result != "pass"
    ) and ("county_office" not in actor.roles or not override_reason.strip()):
        return (
            "所依据的评估结果不是“达标”，县扶贫办须填写理由才能批准",
            "the evaluation relied on is not pass: a county user must give a reason",
        )
    return None


def _role_label(role: str) -> str:
    return str(Role(role).label)


def allowed_actions(case: CaseFacts, actor: Actor, today: datetime.date) -> list[str]:
    """The actions to offer as buttons: those `decide` would accept (override aside)."""
    step = current_step(case)
    kind = step["kind"] if step else None
    candidates = [action for (status, k, action) in TABLE if status == case.status and k == kind]
    allowed = []
    for action in dict.fromkeys(candidates):
        decision = decide(case, actor, action, today, override_reason="(offered)")
        if decision.allowed:
            allowed.append(action)
    return allowed
