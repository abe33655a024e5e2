"""Reads that let a procedure explain itself: what a user may propose on a household, what
happens next on a case and why a user cannot act, what waits now and what comes up later,
and who issues a notice. The rules are those of `transitions`; nothing here writes."""

import datetime

from django.utils import timezone

from tuopin.accounts.selectors import user_assignments
from tuopin.cases.enums import Action, CaseKind, CaseStatus, NoticeKind, StepKind
from tuopin.cases.models import Case, CountySetting, Notice
from tuopin.cases.places import committee_name, place_name
from tuopin.cases.routes import PROPOSERS
from tuopin.cases.selectors import my_tasks
from tuopin.cases.services import case_facts, household_facts, roles_over
from tuopin.cases.transitions import (
    Actor,
    decide,
    next_step,
    primary_action,
    proposal_refusal,
)
from tuopin.core.errors import TuopinError
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region

# The kinds a household page offers, in the order of its buttons, with the button's words.
HOUSEHOLD_BUTTONS = (
    (CaseKind.EXIT, "申请退出"),
    (CaseKind.RETURN, "申请返贫"),
    (CaseKind.MONITORING, "纳入监测"),
)


def proposable_kinds(user, household, year: int) -> list[str]:
    """The case kinds `user` may propose for the household now (`case_propose` would not
    refuse them for role, state or an open case of the kind)."""
    roles = roles_over(user, household.village_id)
    if not roles & {role for kind in PROPOSERS.values() for role in kind}:
        return []
    facts = household_facts(household)
    return [
        kind
        for kind, _words in HOUSEHOLD_BUTTONS
        if proposal_refusal(kind, roles, facts, year) is None
    ]


def may_propose_anything(user) -> bool:
    """Whether the user holds a role that proposes some kind of case (the 发起事项 tab)."""
    if user.is_superuser:
        return True
    proposers = {role for roles in PROPOSERS.values() for role in roles}
    return any(a.role in proposers for a in user_assignments(user))


def case_guidance(user, case: Case, actions: list[str], today: datetime.date | None = None):
    """What happens next on the case (who acts, until when), and, when the user cannot take
    the step's deciding action, why (the refusal `transitions.decide` gives)."""
    today = today or timezone.localdate()
    facts = case_facts(case)
    upcoming = next_step(facts, today)
    primary = primary_action(facts)
    why = None
    if primary and primary not in actions:
        actor = Actor(user.pk, roles_over(user, case.region_id))
        decision = decide(facts, actor, primary, today, override_reason="(offered)")
        if decision.refusal:
            why = decision.refusal
    return {
        "next": _pick(upcoming) if upcoming else None,
        "why": _pick(why) if why else None,
        # named when the user may still do something else on the case (object, withdraw)
        "blocked": Action(primary).label if why else None,
    }


def _pick(pair: tuple[str, str]) -> str:
    return TuopinError("guidance", pair[0], pair[1]).message


def task_lists(user, today: datetime.date | None = None) -> dict:
    """My tasks split in two: what I can do now, and cases waiting in a notice that is
    still running (upcoming: nobody can close it before it ends)."""
    today = today or timezone.localdate()
    now, upcoming = [], []
    for case in my_tasks(user):
        if waiting_in_notice(case, today):
            upcoming.append(case)
        else:
            now.append(case)
    return {"now": now, "upcoming": upcoming}


def waiting_in_notice(case: Case, today: datetime.date) -> bool:
    step = case.step
    return bool(
        case.status == CaseStatus.OPEN
        and step
        and step["kind"] == StepKind.NOTICE
        and case.notice_id
        and today <= case.notice.ends
    )


# ---------------------------------------------------------------- notices


def _ancestor(region: Region, level: str) -> Region | None:
    while region is not None and region.level != level:
        region = region.parent
    return region


def notice_issuer(notice: Notice) -> dict:
    """Who issues the notice (a village notice: the committee and its township; an
    announcement: the county), and where objections go, with the county's phone line."""
    region = notice.region
    township = _ancestor(region, RegionLevel.TOWNSHIP)
    county = _ancestor(region, RegionLevel.COUNTY)
    if notice.kind == NoticeKind.NOTICE and region.level == RegionLevel.VILLAGE:
        offices = [committee_name(region)]
        if township is not None:
            offices.append(f"{township.name}人民政府")
    elif county is not None:
        offices = [f"{county.name}人民政府"]
    else:
        offices = [region.name]
    setting = CountySetting.objects.filter(county=county).first() if county else None
    receivers = [committee_name(region)] if region.level == RegionLevel.VILLAGE else []
    if township is not None:
        receivers.append(f"{township.name}人民政府")
    if county is not None:
        receivers.append(f"{county.name}扶贫开发领导小组办公室")
    return {
        "place": place_name(region),
        "offices": offices,
        "receivers": receivers,
        "phone": setting.objection_phone if setting and setting.objection_phone else None,
        "county": county,
    }
