"""Writes of dynamic management: propose a case, act on it, and apply it to the registry.

Every action goes through `transitions.decide`; a refusal raises `CaseRefused` and
changes nothing. Registry status changes only in `_apply_effect`, on the last approval.
"""

import datetime
from dataclasses import replace

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tuopin.accounts.roles import Permission
from tuopin.accounts.selectors import (
    access_region,
    in_scope,
    require_permission,
    user_assignments,
)
from tuopin.cases.enums import FINISHED, Action, CaseKind, CaseStatus, NoticeKind, StepKind
from tuopin.cases.models import (
    Batch,
    Case,
    CaseEvent,
    CountySetting,
    Notice,
    Objection,
    OutsideRecord,
    Route,
)
from tuopin.cases.places import committee_name, place_name
from tuopin.cases.transitions import (
    REVIEW_DECISIONS,
    REVIEW_STEPS,
    Actor,
    CaseFacts,
    HouseholdFacts,
    date_refusal,
    decide,
    notice_refusal,
    proposal_refusal,
)
from tuopin.core.errors import OutOfScope, TuopinError
from tuopin.core.regioncodes import significant_prefix
from tuopin.core.uploads import check_attachment
from tuopin.policy.models import AreaResult, Level, RunStatus
from tuopin.policy.results import household_results, stored_results
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


class UnknownAction(TuopinError):
    """An action that does not exist: a mistake in the request (400), not a refusal."""

    def __init__(self, action: str):
        valid_zh = "、".join(f"{value}（{label}）" for value, label in Action.choices)
        super().__init__(
            "action_unknown",
            f"未知操作“{action}”，可用的操作：{valid_zh}",
            f"unknown action '{action}'; valid actions: {', '.join(Action.values)}",
            field="action",
        )


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
    occurred_on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> Case:
    """`occurred_on`: the day the proposal was made on paper, when recorded afterwards."""
    if household is not None:
        region_code = household.village_id
    region = access_region(acting_user, region_code)
    roles = roles_over(acting_user, region.code)
    facts = household_facts(household) if household is not None else None
    refusal = proposal_refusal(kind, roles, facts, year)
    if refusal:
        raise CaseRefused(*refusal)
    today = today or timezone.localdate()
    if occurred_on is not None and (refusal := date_refusal(occurred_on, today, None)):
        raise CaseRefused(*refusal, code="date_refused")
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
    if occurred_on is not None:
        Case.objects.filter(pk=case.pk).update(
            step_entered_at=_start_of(occurred_on), created_at=_start_of(occurred_on)
        )
    _event(
        case,
        acting_user,
        "propose",
        "",
        CaseStatus.OPEN,
        "",
        _step_code(case),
        reason,
        occurred_on=occurred_on,
    )
    _enter_step(case, occurred_on or today)
    return case


def household_facts(household: Household) -> HouseholdFacts:
    open_kinds = (
        Case.objects.filter(household=household)
        .exclude(status__in=FINISHED)
        .values_list("kind", flat=True)
    )
    return HouseholdFacts(
        status=household.status,
        identified_year=household.identified_year,
        returned_year=household.returned_year,
        open_kinds=frozenset(open_kinds),
    )


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


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
    row = next(iter(household_results(household.pk, runs=Q(year=year))), None)
    if row is None or row.run.created_at < household.updated_at:
        policy = current_policy()
        run = evaluation_run(
            acting_user=None, policy=policy, year=year, region_code=household.village_id
        )
        # The run asked for, not `row.run`: a delta run reads its base's rows as its own.
        return run, stored_results(run).get(household_id=household.pk).result
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
    occurred_on: datetime.date | None = None,
    notice_starts: datetime.date | None = None,
    notice_ends: datetime.date | None = None,
) -> Case:
    """Take `action` on the case, or refuse it (`CaseRefused`) having changed nothing.

    A step done on paper is recorded afterwards (补录) with `occurred_on`, the day it took
    place, and for a notice its real posting dates (`notice_starts`, `notice_ends`): every
    rule (order, notice length, objections within the notice, roles) is checked against
    those dates instead of today; `attachment` is the photo of the board or the minutes.
    """
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("route", "notice", "region")
        .get(pk=case.pk)
    )
    if not in_scope(acting_user, case.region_id):
        raise OutOfScope("case", str(case.pk))
    today = today or timezone.localdate()
    if action not in Action.values:
        raise UnknownAction(action)
    if attachment is not None:
        check_attachment(attachment)
    day = occurred_on or today
    events = list(case.events.all())
    if occurred_on is not None:
        previous = max((event.day for event in events), default=None)
        if refusal := date_refusal(occurred_on, today, previous):
            raise CaseRefused(*refusal, code="date_refused")
    facts = case_facts(case)
    posting = _posting(case, events, notice_starts, notice_ends, today)
    if posting and case.step and case.step["kind"] == StepKind.NOTICE:
        facts = replace(facts, notice_end=posting[1])
    actor = Actor(acting_user.pk, roles_over(acting_user, case.region_id))
    decision = decide(facts, actor, action, day, override_reason=override_reason)
    if not decision.allowed:
        raise CaseRefused(*decision.refusal)
    if action == Action.OBJECT and not comment.strip():
        raise CaseRefused("请填写异议内容", "the objection needs its content")
    starts = posting[0] if posting else (case.notice.starts if case.notice_id else None)
    if action == Action.OBJECT and starts and day < starts:
        raise CaseRefused(
            f"异议登记日期 {day.isoformat()} 早于公示开始日期 {starts.isoformat()}",
            "an objection cannot come before the notice was posted",
            code="date_refused",
        )
    moved = decision.step_index != case.step_index
    entering = _entering_notice(case, decision) if moved else None
    if posting and not (case.step and case.step["kind"] == StepKind.NOTICE) and not entering:
        raise CaseRefused(
            "此操作不涉及公示，不能填写公示日期", "this action involves no notice", "date_refused"
        )
    refusal = (
        notice_refusal(*posting, entering["notice_days"], day) if posting and entering else None
    )
    if refusal:
        raise CaseRefused(*refusal, code="date_refused")
    from_status, from_step = case.status, _step_code(case)
    if posting and not entering:
        _relist(case, *posting)
    when = _start_of(occurred_on) if occurred_on else timezone.now()
    if action == Action.OBJECT:
        objection = Objection.objects.create(case=case, content=comment, recorded_by=acting_user)
        if occurred_on:  # the objection's real day (recorded_at is set on creation)
            Objection.objects.filter(pk=objection.pk).update(recorded_at=when)
    elif action in (Action.DISMISS, Action.UPHOLD):
        case.objections.filter(resolved_at__isnull=True).update(
            resolution=comment, upheld=action == Action.UPHOLD, resolved_at=when
        )
    case.status, case.step_index = decision.status, decision.step_index
    if override_reason and case.kind == CaseKind.EXIT and case.evaluation_result != "pass":
        case.override_reason = override_reason
    if moved:
        case.step_entered_at = when
        case.notice = None
    if case.status in FINISHED:
        case.finished_at = when
    case.save()
    if decision.effect:
        _apply_effect(case, acting_user, day)
    elif moved:
        _enter_step(case, day, posting)
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
        occurred_on=occurred_on,
    )
    return case


@transaction.atomic
def case_attach(*, acting_user, case: Case, event_id: int, attachment) -> CaseEvent:
    """Attach a file to a step its recorder took (the API's separate upload): once, by the
    person who recorded it, checked as every attachment is."""
    if not in_scope(acting_user, case.region_id):
        raise OutOfScope("case", str(case.pk))
    event = CaseEvent.objects.select_for_update().filter(pk=event_id, case=case).first()
    if event is None:
        raise OutOfScope("case_event", str(event_id))
    if event.actor_id != acting_user.pk:
        raise CaseRefused("只有办理人可以为这条办理记录上传附件", "only who recorded the step")
    if event.attachment:
        raise CaseRefused("这条办理记录已有附件", "the step already has an attachment")
    check_attachment(attachment)
    event.attachment = attachment
    event.save(update_fields=["attachment"])
    return event


def _posting(case: Case, events, starts, ends, today) -> tuple | None:
    """The real posting dates given for the notice the case is on (checked here against
    the day the case reached the notice step) or is about to enter (checked by the caller
    once that is known)."""
    if starts is None and ends is None:
        return None
    if starts is None or ends is None:
        raise CaseRefused(
            "请同时填写公示开始日期和截止日期", "give both notice dates", "date_refused"
        )
    if starts > today:
        raise CaseRefused(
            f"公示开始日期 {starts.isoformat()} 晚于今天",
            "the notice cannot start in the future",
            "date_refused",
        )
    step = case.step
    if step and step["kind"] == StepKind.NOTICE:
        # the day the case reached the notice step (an objection on notice stays on it)
        entered = max(
            (
                event.day
                for event in events
                if event.to_step == step["code"] and event.from_step != step["code"]
            ),
            default=None,
        )
        if refusal := notice_refusal(starts, ends, step["notice_days"], entered):
            raise CaseRefused(*refusal, code="date_refused")
    return starts, ends


def _entering_notice(case: Case, decision) -> dict | None:
    steps = case.route.steps
    if decision.step_index < len(steps) and decision.status == CaseStatus.OPEN:
        step = steps[decision.step_index]
        return step if step["kind"] == StepKind.NOTICE else None
    return None


def _relist(case: Case, starts: datetime.date, ends: datetime.date) -> None:
    """Move the case to the notice that was really posted (its dates as given); the notice
    the platform opened on the day the case reached the step goes if nothing else is on it."""
    old = case.notice
    notice = _notice(case, NoticeKind.NOTICE, case.step, starts, ends)
    if old is not None and old.pk != notice.pk:
        old.listed.remove(case)
        if not old.listed.exists() and not old.cases.exclude(pk=case.pk).exists():
            Case.objects.filter(pk=case.pk).update(notice=None)
            old.delete()
    notice.listed.add(case)
    Case.objects.filter(pk=case.pk).update(notice=notice)
    case.notice = notice


def _step_code(case: Case) -> str:
    step = case.step
    return step["code"] if step else ""


def _event(
    case,
    actor,
    action,
    from_status,
    to_status,
    from_step,
    to_step,
    comment,
    attachment=None,
    *,
    occurred_on=None,
):
    CaseEvent.objects.create(
        occurred_on=occurred_on,
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


def _enter_step(case: Case, today: datetime.date, posting: tuple | None = None) -> None:
    """A notice step lists the case on the village's notice of that day (one per batch), or
    on the notice with the real posting dates given (补录)."""
    step = case.step
    if not step or step["kind"] != StepKind.NOTICE:
        return
    starts, ends = posting or (today, today + datetime.timedelta(days=step["notice_days"]))
    notice = _notice(case, NoticeKind.NOTICE, step, starts, ends)
    notice.listed.add(case)
    Case.objects.filter(pk=case.pk).update(notice=notice)
    case.notice = notice


def _notice(case: Case, kind: str, step: dict, starts, ends) -> Notice:
    noun = "公示" if kind == NoticeKind.NOTICE else "公告"
    notice = Notice.objects.filter(
        kind=kind,
        case_kind=case.kind,
        region=case.region,
        step_code=step["code"],
        starts=starts,
        ends=ends,
    ).first()
    if notice is None:
        notice = Notice.objects.create(
            kind=kind,
            case_kind=case.kind,
            region=case.region,
            step_code=step["code"],
            title=f"{place_name(case.region)}{case.year} 年{CaseKind(case.kind).label}{noun}",
            starts=starts,
            ends=ends,
            contact=committee_name(case.region),
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
            pk__in=stored_results(run).filter(result="pass").values("household_id"),
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


def county_setting_update(*, acting_user, county_code: str, objection_phone: str) -> CountySetting:
    """The county office sets the objection phone line its notices print."""
    county = access_region(acting_user, county_code)
    if county.level != RegionLevel.COUNTY:
        raise CaseRefused("请选择县", "choose a county", "case_refused")
    require_permission(acting_user, Permission.REGION_EDIT, county.code)
    phone = objection_phone.strip()
    if len(phone) > 40:
        raise CaseRefused("异议受理电话过长", "the phone line is too long", "case_refused")
    setting, _created = CountySetting.objects.get_or_create(county=county)
    setting.objection_phone = phone
    setting._history_user = acting_user
    setting.save()
    return setting


@transaction.atomic
def outside_records_load(*, source: str, rows: list[dict]) -> int:
    """Replace one outside list (cars, property, payroll, companies, cadres) with a new delivery."""
    OutsideRecord.objects.filter(source=source).delete()
    OutsideRecord.objects.bulk_create(OutsideRecord(source=source, **row) for row in rows)
    return len(rows)
