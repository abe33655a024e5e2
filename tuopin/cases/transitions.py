"""The rules of movement: a pure table of what may happen next, and who may do it.

No database here: `decide` takes what a case and an actor look like and returns the
new state or a refusal with a Chinese and an English reason. Services apply the
decision, write the case event and change the registry only when `effect` is set.
"""

import datetime
from dataclasses import dataclass, field

from tuopin.accounts.roles import Role
from tuopin.cases.enums import Action, CaseKind, CaseStatus, StepKind
from tuopin.cases.routes import PROPOSERS
from tuopin.registry.enums import EXITED, STILL_POOR

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


# ---------------------------------------------------------------- dates (补录)


def date_refusal(
    occurred: datetime.date,
    today: datetime.date,
    previous: datetime.date | None,
) -> tuple[str, str] | None:
    """A step recorded with the date it took place: not in the future, not before the
    previous step of the case (the order of the procedure holds on paper too)."""
    if occurred > today:
        return (
            f"办理日期 {occurred.isoformat()} 晚于今天，不能登记未来的日期",
            f"the date {occurred.isoformat()} is in the future",
        )
    if previous is not None and occurred < previous:
        return (
            f"办理日期 {occurred.isoformat()} 早于上一步骤的日期 {previous.isoformat()}",
            f"the date {occurred.isoformat()} is before the previous step ({previous.isoformat()})",
        )
    return None


def notice_refusal(
    starts: datetime.date,
    ends: datetime.date,
    days: int,
    entered: datetime.date | None,
) -> tuple[str, str] | None:
    """The real posting dates of a notice: after the step that put the case on notice, and
    at least the legal length (`days`, as the routes count it: ends = starts + days)."""
    if ends < starts:
        return ("公示截止日期早于开始日期", "the notice ends before it starts")
    if entered is not None and starts < entered:
        return (
            f"公示开始日期 {starts.isoformat()} 早于进入公示步骤的日期 {entered.isoformat()}",
            f"the notice starts ({starts.isoformat()}) before the case reached it "
            f"({entered.isoformat()})",
        )
    if (ends - starts).days < days:
        return (
            f"公示期 {starts.isoformat()} 至 {ends.isoformat()} 只有 {(ends - starts).days} 天，"
            f"不少于 {days} 天",
            f"the notice ran {(ends - starts).days} days, the rule is at least {days}",
        )
    return None


# ---------------------------------------------------------------- proposing


@dataclass(frozen=True)
class HouseholdFacts:
    status: str
    identified_year: int | None = None
    returned_year: int | None = None
    open_kinds: frozenset = field(default_factory=frozenset)  # kinds of its unfinished cases


def proposal_refusal(
    kind: str, roles: frozenset, household: HouseholdFacts | None, year: int
) -> tuple[str, str, str] | None:
    """Whether a user holding `roles` over the village may propose a case of `kind` for the
    household now: the rule behind the household page's buttons and `case_propose`.
    A refusal is (Chinese, English, code)."""
    if not set(PROPOSERS[kind]) & roles:
        return (
            f"您不能发起“{CaseKind(kind).label}”",
            f"you may not propose a {kind} case",
            "case_refused",
        )
    if household is None:
        return None
    if kind in household.open_kinds:
        return (
            f"该户已有办理中的“{CaseKind(kind).label}”事项",
            "the household already has an open case of this kind",
            "case_open",
        )
    if kind == CaseKind.EXIT:
        if household.status not in STILL_POOR:
            return (
                "该户不是未脱贫户，不能再申请退出",
                "the household is not in a state that can exit",
                "case_refused",
            )
        if year in (household.identified_year, household.returned_year):
            return (
                f"当年识别或当年返贫的贫困户不能在 {year} 年退出",
                "a household identified or returned in a year cannot exit that year",
                "same_year_exit",
            )
    if kind == CaseKind.RETURN and household.status not in EXITED:
        return (
            "只有已脱贫户才能返贫",
            "only an exited household can return to poverty",
            "case_refused",
        )
    if kind == CaseKind.MONITORING and household.status in STILL_POOR:
        # domain.md §5: monitoring is for exited and marginal households; the still poor
        # are assisted as poor households already.
        return (
            "未脱贫户按贫困户帮扶，不纳入防止返贫监测",
            "a household still poor is assisted as such, not monitored",
            "case_refused",
        )
    return None


# ---------------------------------------------------------------- explaining

# Who acts at a step, as a sentence says it (the role's label is the office's full name).
ACTOR_NOUN = {
    "village": "村干部",
    "township": "乡镇干部",
    "county_office": "县扶贫办",
    "city_office": "市扶贫办",
}
# The action that moves a step on, whose refusal tells a user why they cannot act.
PRIMARY = {
    StepKind.REVIEW: Action.APPROVE,
    StepKind.CONSENT: Action.CONSENT,
    StepKind.NOTICE: Action.CLOSE_NOTICE,
    StepKind.RESULT: Action.APPROVE,
}


def primary_action(case: CaseFacts) -> str | None:
    if case.status == CaseStatus.MONITORING:
        return Action.REMOVE_RISK
    if case.status == CaseStatus.OBJECTION:
        return Action.DISMISS
    step = current_step(case)
    return PRIMARY.get(step["kind"]) if step else None


def _day(value: datetime.date) -> str:
    return f"{value.month} 月 {value.day} 日"


def next_step(case: CaseFacts, today: datetime.date) -> tuple[str, str] | None:
    """What happens next, who acts and when, in Chinese and English; None once finished."""
    step = current_step(case)
    if case.status == CaseStatus.MONITORING:
        return (
            "监测中：风险消除后由县扶贫办确认“消除风险”",
            "monitored: the county office confirms when the risk is removed",
        )
    if step is None:
        return None
    who = ACTOR_NOUN.get(step["role"], _role_label(step["role"]))
    if case.status == CaseStatus.OBJECTION:
        return (
            "公示期间收到异议：由村干部或乡镇干部核实后认定异议成立或不成立",
            "an objection was raised: the village or township decides whether it stands",
        )
    if step["kind"] == StepKind.NOTICE and case.notice_end is not None:
        if today <= case.notice_end:
            return (
                f"公示期至 {_day(case.notice_end)}，期满后由{who}结束公示",
                f"the notice runs until {case.notice_end.isoformat()}; then the {step['role']} "
                "closes it",
            )
        return (
            f"公示期已于 {_day(case.notice_end)}届满，等待{who}结束公示",
            f"the notice ended on {case.notice_end.isoformat()}; the {step['role']} closes it",
        )
    if step["kind"] == StepKind.CONSENT:
        return (
            f"下一步：{step['title']}，由{who}登记户签字结果",
            f"next: {step['code']}, recorded by the {step['role']}",
        )
    return (
        f"下一步：{step['title']}，由{who}办理",
        f"next: {step['code']}, by the {step['role']}",
    )
