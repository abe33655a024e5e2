"""Reads of dynamic management, scoped to the user: cases, my tasks, notices, monitoring."""

import datetime
import math
import random
from functools import reduce
from operator import or_

from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, NullIf, TruncDate
from django.utils import timezone
from django.utils.translation import gettext

from tuopin.accounts.selectors import scope_filter, user_assignments
from tuopin.cases.enums import FINISHED, CaseKind, CaseStatus, NoticeKind, StepKind
from tuopin.cases.models import Batch, Case, CaseEvent, Notice, Route
from tuopin.cases.services import case_facts, roles_over
from tuopin.cases.transitions import Actor, allowed_actions
from tuopin.core.errors import OutOfScope
from tuopin.core.regioncodes import significant_prefix
from tuopin.policy.selectors import current_policy
from tuopin.registry.enums import EXITED, MemberStatus
from tuopin.registry.idnumbers import mask_id_number
from tuopin.registry.models import Household, Income, Measure, Member
from tuopin.registry.personal import mask_name

# A step waiting longer than this is overdue on the task list (notices: once they end).
OVERDUE_DAYS = 7
MONITORING_MEASURE_DAYS = 30


def case_list_for_user(user) -> QuerySet:
    cases = Case.objects.select_related("route", "region", "household", "proposer", "notice")
    return scope_filter(cases, user, "region__code")


def step_choices() -> list[tuple[str, str]]:
    """Every step of every route, once per code, with its title (the case list's filter)."""
    choices: dict[str, str] = {}
    for steps in Route.objects.order_by("kind", "-version").values_list("steps", flat=True):
        for step in steps:
            choices.setdefault(step["code"], gettext(step["title"]))
    return list(choices.items())


def cases_at_step(cases: QuerySet, step_code: str) -> QuerySet:
    """Open cases whose current step is `step_code`: a step is a position in the case's
    own route version, so the few routes are read and the positions asked for."""
    where = [
        Q(route_id=route_id, step_index=index)
        for route_id, steps in Route.objects.values_list("pk", "steps")
        for index, step in enumerate(steps)
        if step["code"] == step_code
    ]
    if not where:
        return cases.none()
    return cases.filter(reduce(or_, where)).exclude(status__in=FINISHED)


def access_case(user, case_id: int) -> Case:
    case = case_list_for_user(user).filter(pk=case_id).first()
    if case is None:
        raise OutOfScope("case", str(case_id))
    return case


def case_actions(user, case: Case, today: datetime.date | None = None) -> list[str]:
    actor = Actor(user.pk, roles_over(user, case.region_id))
    return allowed_actions(case_facts(case), actor, today or timezone.localdate())


def my_tasks(user) -> list[Case]:
    """Cases waiting at a step for one of my roles in my regions, oldest first."""
    conditions = []
    for assignment in user_assignments(user):
        prefix = significant_prefix(assignment.region_id)
        conditions.append((assignment.role, prefix))
    if not conditions:
        return []
    open_cases = case_list_for_user(user).filter(
        status__in=[CaseStatus.OPEN, CaseStatus.OBJECTION, CaseStatus.MONITORING]
    )
    candidates = open_cases.filter(
        reduce(or_, (Q(region__code__startswith=prefix) for _role, prefix in conditions))
    ).order_by("step_entered_at", "pk")
    today = timezone.localdate()
    tasks = []
    for case in candidates[:2000]:
        step = case.step
        roles = {role for role, prefix in conditions if case.region_id.startswith(prefix)}
        waiting_for_me = (
            (step and step["role"] in roles)
            or (case.status == CaseStatus.OBJECTION and roles & {"village", "township"})
            or (case.status == CaseStatus.MONITORING and "county_office" in roles)
        )
        if not waiting_for_me:
            continue
        case.overdue = _overdue(case, step, today)
        tasks.append(case)
    return tasks


def _overdue(case: Case, step, today: datetime.date) -> bool:
    if step and step["kind"] == StepKind.NOTICE:
        return bool(case.notice_id and today > case.notice.ends + datetime.timedelta(days=3))
    if case.status == CaseStatus.MONITORING:
        return False
    return (timezone.now() - case.step_entered_at).days > OVERDUE_DAYS


def case_counts(user, region_code: str = "") -> list[dict]:
    """Open cases per kind and step, for the filter panel."""
    cases = case_list_for_user(user).exclude(status__in=FINISHED)
    if region_code:
        cases = cases.filter(region__code__startswith=significant_prefix(region_code))
    rows = cases.values("kind", "status", "step_index", "route__steps").annotate(n=Count("id"))
    counts: dict[tuple, int] = {}
    for row in rows.order_by():
        steps = row["route__steps"]
        step = gettext(steps[row["step_index"]]["title"]) if row["step_index"] < len(steps) else "—"
        key = (CaseKind(row["kind"]).label, step, CaseStatus(row["status"]).label)
        counts[key] = counts.get(key, 0) + row["n"]
    return [
        {"kind": kind, "step": step, "status": status, "n": n}
        for (kind, step, status), n in sorted(counts.items())
    ]


def public_notices(today: datetime.date | None = None) -> QuerySet:
    """Notices and announcements still running: for the page without login."""
    today = today or timezone.localdate()
    return (
        Notice.objects.filter(starts__lte=today, ends__gte=today)
        .select_related("region", "region__parent")
        .annotate(size=Count("listed"))
        .order_by("-starts", "region_id")
    )


def notice_rows(notice: Notice) -> list[dict]:
    """The households listed on a notice, with masked names and ID numbers (public data)."""
    head = Member.objects.filter(
        household=OuterRef("household_id"), relation="02", status=MemberStatus.NORMAL
    )
    size = (
        Member.objects.filter(household=OuterRef("household_id"), status=MemberStatus.NORMAL)
        .values("household")
        .annotate(n=Count("id"))
        .values("n")
    )
    cases = notice.listed.annotate(
        head_name=Subquery(head.values("name")[:1]),
        head_id=Subquery(head.values("id_number")[:1]),
        size=Subquery(size),
        number=F("household__number"),
    ).order_by("number", "pk")
    rows = []
    for case in cases:
        name, id_number, number, people = case.head_name, case.head_id, case.number, case.size
        if case.household_id is None:  # an identification not yet in the registry
            members = case.payload.get("members", [])
            applicant = next((m for m in members if m.get("relation") == "02"), {})
            name, id_number = applicant.get("name", ""), applicant.get("id_number", "")
            number, people = case.payload.get("number", ""), len(members)
        rows.append(
            {
                "number": number or "",
                "head": mask_name(name or ""),
                "id_number": mask_id_number(id_number or ""),
                "size": people or 0,
                "reason": case.reason,
            }
        )
    return rows


def monitoring_candidates(user, region_code: str, year: int) -> QuerySet:
    """Exited households at risk of returning (防止返贫监测, domain.md §5): per-capita net
    income below 1.5 × the year's line, or a household income 30% or more below last year's.

    Only exited households (已脱贫, with or without policies) are candidates: a household
    still poor (未脱贫, 返贫, 预脱贫) is already helped as a poor household, and monitoring is
    for those who left. Marginal households (边缘易致贫户) are not in the registry. An income
    not known for either year never makes a candidate (unknown is not zero)."""
    policy = current_policy()
    line = policy.parameters["poverty_line"]["by_year"].get(str(year)) if policy else None
    if line is None:
        return Household.objects.none()
    households = scope_filter(Household.objects.all(), user, "village__code").filter(
        village__code__startswith=significant_prefix(region_code)
    )
    size = Coalesce(
        Subquery(
            Member.objects.filter(household=OuterRef("pk"), status=MemberStatus.NORMAL)
            .values("household")
            .annotate(n=Count("id"))
            .values("n")
        ),
        Value(0),
    )
    net = F("wages") + F("business") + F("property_income") + F("transfers") - F("production_costs")

    def income(of_year):
        return Subquery(
            Income.objects.filter(household=OuterRef("pk"), year=of_year)
            .annotate(net=Cast(net, FloatField()))
            .values("net")[:1]
        )

    monitored = Case.objects.filter(kind=CaseKind.MONITORING, household=OuterRef("pk")).exclude(
        status__in=FINISHED
    )
    return (
        households.annotate(
            size=size,
            net=income(year),
            previous=income(year - 1),
            monitored=Exists(monitored),
        )
        .annotate(
            per_capita=Cast("net", FloatField()) / Cast(NullIf(F("size"), Value(0)), FloatField())
        )
        .filter(
            Q(per_capita__lt=1.5 * line) | Q(net__lt=F("previous") * 0.7),
            status__in=EXITED,
        )
        .select_related("village")
        .order_by("per_capita", "pk")
    )


def monitoring_without_measure(user, today: datetime.date | None = None) -> QuerySet:
    """Confirmed monitoring cases with no measure recorded within 30 days of confirmation."""
    today = today or timezone.localdate()
    confirmed = (
        CaseEvent.objects.filter(case=OuterRef("pk"), to_status=CaseStatus.MONITORING)
        .order_by("at")
        .values("at")[:1]
    )
    measured = Measure.objects.filter(
        household=OuterRef("household_id"), date__gte=OuterRef("confirmed_on")
    )
    deadline = timezone.now() - datetime.timedelta(days=MONITORING_MEASURE_DAYS)
    return (
        case_list_for_user(user)
        .filter(kind=CaseKind.MONITORING, status=CaseStatus.MONITORING)
        .annotate(confirmed_at=Subquery(confirmed, output_field=DateTimeField()))
        .filter(confirmed_at__lt=deadline)
        .annotate(confirmed_on=TruncDate("confirmed_at"))
        .annotate(measured=Exists(measured))
        .filter(measured=False)
        .order_by("confirmed_at", "pk")
    )


def override_report(user) -> QuerySet:
    """Exits approved although the evaluation they relied on was not a pass."""
    return (
        case_list_for_user(user)
        .filter(kind=CaseKind.EXIT)
        .exclude(override_reason="")
        .order_by("-finished_at")
    )


def notice_for_public(notice_id: int) -> Notice | None:
    return (
        public_notices().filter(pk=notice_id).first()
        or Notice.objects.filter(pk=notice_id, kind=NoticeKind.ANNOUNCEMENT).first()
    )


def batch_list_for_user(user) -> QuerySet:
    return scope_filter(Batch.objects.select_related("region", "created_by"), user, "region__code")


def access_batch(user, batch_id: int):
    batch = batch_list_for_user(user).filter(pk=batch_id).first()
    if batch is None:
        raise OutOfScope("batch", str(batch_id))
    return batch


def spot_check_sample(user, cases: list[Case]) -> dict | None:
    """The cases to check in person at my step (its sampling ratio), the same on every visit.

    Drawn with a generator seeded by the batch and step, so the list cannot be re-rolled.
    """
    waiting = [
        c
        for c in cases
        if c.step and c.step.get("sample_ratio") and c.step["role"] in roles_over(user, c.region_id)
    ]
    if not waiting:
        return None
    step = waiting[0].step
    count = math.ceil(len(waiting) * step["sample_ratio"])
    generator = random.Random(f"{waiting[0].batch_id}:{step['code']}")
    chosen = sorted(generator.sample(waiting, count), key=lambda c: c.pk)
    return {"step": step, "ratio": step["sample_ratio"], "cases": chosen}
