"""Writes of dynamic management: propose a case, act on it, and apply it to the registry.

Every action goes through `transitions.decide`; a refusal raises `CaseRefused` and
changes nothing. Registry status changes only in `_apply_effect`, on the last approval.
"""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tuopin.accounts.selectors import access_region, in_scope, user_assignments
from tuopin.cases.enums import Action, CaseKind, CaseStatus, NoticeKind, StepKind
from tuopin.cases.models import Batch, Case, CaseEvent, Notice, Objection, OutsideRecord, Route
from tuopin.cases.routes import PROPOSERS
from tuopin.cases.transitions import REVIEW_DECISIONS, REVIEW_STEPS, Actor, CaseFacts, decide
from tuopin.core.errors import OutOfScope, TuopinError
from tuopin.core.regioncodes import significant_prefix
from tuopin.policy.models import AreaResult, HouseholdResult, Level, RunStatus
from tuopin.policy.runs import evaluation_run
from tuopin.policy.selectors import current_policy
from tuopin.regions.enums import RegionLevel
from tuopin.regions.services import region_update_attributes
from tuopin.registry.enums import EXITED, STILL_POOR, PovertyStatus
from tuopin.registry.models import Household, Member
from tuopin.registry.services import (
    household_procedure_apply,
    household_register,
    member_record_event,
)

HOUSEHOLD_KINDS = (CaseKind.EXIT, CaseKind.RETURN, CaseKind.MONITORING, CaseKind.MEMBER_CHANGE)


class CaseRefused(TuopinError):
    status = 403

    def __init__(self, message_zh: str, message_en: str, code: str = "case_refused"):
        super().__init__(code, message_zh, message_en)


def roles_over(user, region_code: str) -> frozenset:
    """The roles the user holds over a region (an assignment at it or above it)."""
    if user.is_superuser:
        return frozenset({"village", "township", "county_office", "city_office"})
    return frozenset(
        a.role
        for a in user_assignments(user)
        if region_code.startswith(significant_prefix(a.region_id))
    )


def current_route(kind: str) -> Route:
    return Route.objects.filter(kind=kind, is_current=True).order_by("-version").first()


def case_facts(case: Case) -> CaseFacts:
    return CaseFacts(
        kind=case.kind,
        status=case.status,
        step_index=case.step_index,
        steps=case.route.steps,
        proposer_id=case.proposer_id,
        notice_end=case.notice.ends if case.notice_id else None,
        open_objections=case.objections.filter(resolved_at__isnull=True).count(),
        evaluation_result=case.evaluation_result or None,
        reviewers=_reviewers(case),
    )


def _reviewers(case: Case) -> dict:
    """Who decided which review step of the case so far (see transitions.REVIEW_STEPS).
    Read from `case.events.all()`, so a list of cases prefetches the events once."""
    steps = {s["code"] for s in case.route.steps if s["kind"] in REVIEW_STEPS}
    return {
        event.actor_id: event.from_step
        for event in sorted(case.events.all(), key=lambda event: event.pk)
        if event.action in REVIEW_DECISIONS and event.from_step in steps
    }


# ---------------------------------------------------------------- proposing


@transaction.atomic
def case_propose(
    *,
    acting_user,
    kind: str,
    year: int,
    household: Household | None = None,
    region_code: str = "",
    reason: str = "",
    payload: dict | None = None,
    batch: Batch | None = None,
) -> Case:
    if household is not None:
        region_code = household.village_id
    region = access_region(acting_user, region_code)
    roles = roles_over(acting_user, region.code)
    if not set(PROPOSERS[kind]) & roles:
        raise CaseRefused(
            f"您不能发起“{CaseKind(kind).label}”", f"you may not propose a {kind} case"
        )
    case = Case(
        kind=kind,
        route=current_route(kind),
        region=region,
        household=household,
        year=year,
        proposer=acting_user,
        batch=batch,
        reason=reason,
        payload=payload or {},
    )
    _check_proposal(case, acting_user)
    case.save()
    _event(case, acting_user, "propose", "", CaseStatus.OPEN, "", _step_code(case), reason)
    _enter_step(case, timezone.localdate())
    return case


def _check_proposal(case: Case, acting_user) -> None:
    kind, household = case.kind, case.household
    if kind in HOUSEHOLD_KINDS and household is None:
        raise CaseRefused("请选择贫困户", "a household is required")
    if household is not None:
        duplicate = Case.objects.filter(kind=kind, household=household).exclude(
            status__in=[
                CaseStatus.APPROVED,
                CaseStatus.REJECTED,
                CaseStatus.WITHDRAWN,
                CaseStatus.CLOSED,
            ]
        )
        if duplicate.exists():
            raise CaseRefused(
                f"该户已有办理中的“{CaseKind(kind).label}”事项 #{duplicate.first().pk}",
                "the household already has an open case of this kind",
            )
    if kind == CaseKind.EXIT:
        _check_exit(case)
    elif kind == CaseKind.RETURN and household.status not in EXITED:
        raise CaseRefused("只有已脱贫户才能返贫", "only an exited household can return to poverty")
    elif kind == CaseKind.IDENTIFICATION:
        _cross_check(case)
    elif kind == CaseKind.MEMBER_CHANGE:
        member = Member.objects.filter(pk=case.payload.get("member"), household=household).first()
        if member is None or not case.payload.get("event") or not case.payload.get("date"):
            raise CaseRefused(
                "请填写变更的成员、类型和日期", "member, change and date are required"
            )
    elif kind == CaseKind.VILLAGE_EXIT:
        _check_area(case, RegionLevel.VILLAGE, Level.VILLAGE)
    elif kind == CaseKind.COUNTY_EXIT:
        _check_area(case, RegionLevel.COUNTY, Level.COUNTY)


def _check_exit(case: Case) -> None:
    household = case.household
    if household.status not in STILL_POOR:
        raise CaseRefused(
            f"该户状态为“{household.get_status_display()}”，不能再申请退出",
            "the household is not in a state that can exit",
        )
    if case.year in (household.identified_year, household.returned_year):
        raise CaseRefused(
            f"当年识别或当年返贫的贫困户不能在 {case.year} 年退出",
            "a household identified or returned in a year cannot exit that year",
            code="same_year_exit",
        )
    run, result = _household_evaluation(household, case.year)
    case.evaluation_run, case.evaluation_result = run, result


def _household_evaluation(household: Household, year: int):
    """The newest stored result for the household and year; evaluate the village if none."""
    row = (
        HouseholdResult.objects.filter(
            household_id=household.pk, run__year=year, run__status=RunStatus.DONE
        )
        .select_related("run")
        .order_by("-run_id")
        .first()
    )
    if row is None or row.run.created_at < household.updated_at:
        policy = current_policy()
        run = evaluation_run(
            acting_user=None, policy=policy, year=year, region_code=household.village_id
        )
        row = HouseholdResult.objects.get(run=run, household_id=household.pk)
    return row.run, row.result


def _check_area(case: Case, region_level: str, level: str) -> None:
    region = case.region
    if region.level != region_level or (
        region_level == RegionLevel.VILLAGE and not region.is_poor_village
    ):
        raise CaseRefused(
            f"{region.name}不是贫困{'村' if level == Level.VILLAGE else '县'}",
            f"{region.code} is not a poor {level}",
        )
    if region.poor_exited_year:
        raise CaseRefused(f"{region.name}已于 {region.poor_exited_year} 年退出", "already exited")
    row = (
        AreaResult.objects.filter(region=region, run__year=case.year, run__status=RunStatus.DONE)
        .select_related("run")
        .order_by("-run_id")
        .first()
    )
    if row is not None:
        case.evaluation_run, case.evaluation_result = row.run, row.result


def _cross_check(case: Case) -> None:
    """一比对: the applicants' ID numbers against the outside lists, recorded on the case."""
    members = case.payload.get("members") or []
    numbers = [m.get("id_number", "") for m in members if m.get("id_number")]
    if not case.payload.get("number") or not members:
        raise CaseRefused("请填写户编号和家庭成员", "household number and members are required")
    hits = OutsideRecord.objects.filter(id_number__in=numbers)
    case.payload["cross_check"] = [
        {"source": hit.get_source_display(), "name": hit.name, "detail": hit.detail} for hit in hits
    ]


# ---------------------------------------------------------------- acting


@transaction.atomic
def case_act(
    *,
    acting_user,
    case: Case,
    action: str,
    comment: str = "",
    override_reason: str = "",
    today: datetime.date | None = None,
    attachment=None,
) -> Case:
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("route", "notice", "region")
        .get(pk=case.pk)
    )
    if not in_scope(acting_user, case.region_id):
        raise OutOfScope("case", str(case.pk))
    today = today or timezone.localdate()
    if action not in Action.values:
        raise CaseRefused(f"未知操作：{action}", f"unknown action {action}", code="action_unknown")
    actor = Actor(acting_user.pk, roles_over(acting_user, case.region_id))
    decision = decide(case_facts(case), actor, action, today, override_reason=override_reason)
    if not decision.allowed:
        raise CaseRefused(*decision.refusal)
    if action == Action.OBJECT and not comment.strip():
        raise CaseRefused("请填写异议内容", "the objection needs its content")
    from_status, from_step = case.status, _step_code(case)
    if action == Action.OBJECT:
        Objection.objects.create(case=case, content=comment, recorded_by=acting_user)
    elif action in (Action.DISMISS, Action.UPHOLD):
        case.objections.filter(resolved_at__isnull=True).update(
            resolution=comment, upheld=action == Action.UPHOLD, resolved_at=timezone.now()
        )
    moved = decision.step_index != case.step_index
    case.status, case.step_index = decision.status, decision.step_index
    if override_reason and case.kind == CaseKind.EXIT and case.evaluation_result != "pass":
        case.override_reason = override_reason
    if moved:
        case.step_entered_at = timezone.now()
        case.notice = None
    if case.status in (
        CaseStatus.APPROVED,
        CaseStatus.REJECTED,
        CaseStatus.WITHDRAWN,
        CaseStatus.CLOSED,
    ):
        case.finished_at = timezone.now()
    case.save()
    if decision.effect:
        _apply_effect(case, acting_user, today)
    elif moved:
        _enter_step(case, today)
    _event(
        case,
        acting_user,
        action,
        from_status,
        case.status,
        from_step,
        _step_code(case),
        " ".join(
            filter(None, [comment, f"理由：{override_reason}" if case.override_reason else ""])
        ),
        attachment,
    )
    return case


def _step_code(case: Case) -> str:
    step = case.step
    return step["code"] if step else ""


def _event(
    case, actor, action, from_status, to_status, from_step, to_step, comment, attachment=None
):
    CaseEvent.objects.create(
        case=case,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        from_step=from_step,
        to_step=to_step,
        comment=comment[:500],
        attachment=attachment or "",
    )


def _enter_step(case: Case, today: datetime.date) -> None:
    """A notice step lists the case on the village's notice of that day (one per batch)."""
    step = case.step
    if not step or step["kind"] != StepKind.NOTICE:
        return
    notice = _notice(
        case, NoticeKind.NOTICE, step, today, today + datetime.timedelta(days=step["notice_days"])
    )
    notice.listed.add(case)
    Case.objects.filter(pk=case.pk).update(notice=notice)
    case.notice = notice


def _notice(case: Case, kind: str, step: dict, starts, ends) -> Notice:
    noun = "公示" if kind == NoticeKind.NOTICE else "公告"
    notice = Notice.objects.filter(
        kind=kind, case_kind=case.kind, region=case.region, step_code=step["code"], starts=starts
    ).first()
    if notice is None:
        notice = Notice.objects.create(
            kind=kind,
            case_kind=case.kind,
            region=case.region,
            step_code=step["code"],
            title=f"{case.region.name}{case.year} 年{CaseKind(case.kind).label}{noun}",
            starts=starts,
            ends=ends,
            contact=f"{case.region.name}村委会、所在乡镇扶贫办；扶贫政策咨询热线",
        )
    return notice


def _apply_effect(case: Case, acting_user, today: datetime.date) -> None:
    reason = f"{CaseKind(case.kind).label}事项 #{case.pk} 批准"
    if case.evaluation_run_id:
        reason += f"（依据评估 #{case.evaluation_run_id}：{case.evaluation_result}）"
    household = case.household
    if case.kind == CaseKind.EXIT:
        household_procedure_apply(
            acting_user=acting_user,
            household=household,
            reason=reason,
            status=PovertyStatus.EXITED_WITH_POLICY,
            exit_year=case.year,
        )
    elif case.kind == CaseKind.RETURN:
        household_procedure_apply(
            acting_user=acting_user,
            household=household,
            reason=reason,
            status=PovertyStatus.RETURNED,
            returned_year=case.year,
            exit_year=None,
        )
    elif case.kind == CaseKind.IDENTIFICATION:
        data = case.payload
        household = household_register(
            acting_user=acting_user,
            village_code=case.region_id,
            number=data["number"],
            attributes=data.get("attributes", {}),
            members=[
                {**m, "birth_date": datetime.date.fromisoformat(m["birth_date"])}
                if m.get("birth_date")
                else m
                for m in data["members"]
            ],
        )
        household_procedure_apply(
            acting_user=acting_user,
            household=household,
            reason=reason,
            status=PovertyStatus.NOT_EXITED,
            identified_year=case.year,
        )
        Case.objects.filter(pk=case.pk).update(household=household)
        case.household = household
    elif case.kind == CaseKind.MEMBER_CHANGE:
        member = Member.objects.get(pk=case.payload["member"], household=household)
        member_record_event(
            acting_user=acting_user,
            member=member,
            kind=case.payload["event"],
            when=datetime.date.fromisoformat(case.payload["date"]),
            note=reason,
        )
    elif case.kind in (CaseKind.VILLAGE_EXIT, CaseKind.COUNTY_EXIT):
        region_update_attributes(
            acting_user=acting_user, region=case.region, poor_exited_year=case.year
        )
    if case.kind in (CaseKind.IDENTIFICATION, CaseKind.RETURN, CaseKind.EXIT):
        step = case.route.steps[-1]
        notice = _notice(
            case, NoticeKind.ANNOUNCEMENT, step, today, today + datetime.timedelta(days=30)
        )
        notice.listed.add(case)


# ---------------------------------------------------------------- batches


@transaction.atomic
def exit_batch_propose(*, acting_user, village_code: str, year: int, progress=None) -> Batch:
    """Propose exit for every household of a village that passes a fresh evaluation."""
    village = access_region(acting_user, village_code)
    if village.level != RegionLevel.VILLAGE:
        raise CaseRefused("请选择行政村", "choose a village")
    if "village" not in roles_over(acting_user, village.code):
        raise CaseRefused("批量申请退出须由村干部发起", "a village user proposes exits")
    report = progress or (lambda percent, message="": None)
    report(10, "正在评估本村 (evaluating the village)")
    run = evaluation_run(
        acting_user=None, policy=current_policy(), year=year, region_code=village.code
    )
    open_exits = Case.objects.filter(kind=CaseKind.EXIT).exclude(
        status__in=[CaseStatus.REJECTED, CaseStatus.WITHDRAWN]
    )
    passing = (
        Household.objects.filter(
            village=village,
            status__in=STILL_POOR,
            pk__in=HouseholdResult.objects.filter(run=run, result="pass").values("household_id"),
        )
        .exclude(Q(identified_year=year) | Q(returned_year=year))
        .exclude(pk__in=open_exits.values("household_id"))
        .order_by("number")
    )
    batch = Batch.objects.create(
        kind=CaseKind.EXIT, region=village, created_by=acting_user, note=f"评估 #{run.pk} 达标户"
    )
    households = list(passing)
    for index, household in enumerate(households, start=1):
        case_propose(
            acting_user=acting_user,
            kind=CaseKind.EXIT,
            year=year,
            household=household,
            reason=f"经民主评议，{year} 年达到退出标准（评估 #{run.pk}）",
            batch=batch,
        )
        report(20 + 75 * index / max(len(households), 1), f"{index}/{len(households)}")
    return batch


@transaction.atomic
def batch_act(*, acting_user, batch: Batch, action: str, comment: str = "", progress=None) -> dict:
    """The same action on every open case of a batch at the step this user works on.

    Each case goes through `case_act`; the ones it refuses are counted with their reason.
    """
    report = progress or (lambda percent, message="": None)
    cases = list(batch.cases.filter(status=CaseStatus.OPEN).order_by("pk"))
    done, refused = 0, {}
    for index, case in enumerate(cases, start=1):
        try:
            with transaction.atomic():
                case_act(acting_user=acting_user, case=case, action=action, comment=comment)
            done += 1
        except TuopinError as error:
            refused[error.message_zh] = refused.get(error.message_zh, 0) + 1
        report(100 * index / max(len(cases), 1), f"{index}/{len(cases)}")
    return {"done": done, "refused": sum(refused.values()), "reasons": refused}


@transaction.atomic
def outside_records_load(*, source: str, rows: list[dict]) -> int:
    """Replace one outside list (cars, property, payroll, companies, cadres) with a new delivery."""
    OutsideRecord.objects.filter(source=source).delete()
    OutsideRecord.objects.bulk_create(OutsideRecord(source=source, **row) for row in rows)
    return len(rows)
