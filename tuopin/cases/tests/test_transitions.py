"""The pure transition table: each refusal, without a database."""

import datetime

from tuopin.cases.enums import Action, CaseStatus
from tuopin.cases.routes import DEFAULT_ROUTES
from tuopin.cases.transitions import Actor, CaseFacts, allowed_actions, decide

TODAY = datetime.date(2018, 10, 1)
EXIT = DEFAULT_ROUTES["exit"][1]


def facts(step_index=0, status=CaseStatus.OPEN, **extra) -> CaseFacts:
    values = {
        "kind": "exit",
        "status": status,
        "step_index": step_index,
        "steps": EXIT,
        "proposer_id": 1,
    }
    return CaseFacts(**{**values, **extra})


VILLAGE_PROPOSER = Actor(1, frozenset({"village"}))
VILLAGE_COLLEAGUE = Actor(2, frozenset({"village"}))
TOWNSHIP = Actor(3, frozenset({"township"}))
COUNTY = Actor(4, frozenset({"county_office"}))


def test_a_step_belongs_to_its_role():
    assert decide(facts(), VILLAGE_PROPOSER, Action.CONSENT, TODAY).step_index == 1
    refusal = decide(facts(), TOWNSHIP, Action.CONSENT, TODAY).refusal
    assert refusal and "村干部" in refusal[0]


def test_the_proposer_cannot_approve_and_the_notice_must_run_out():
    running = facts(1, notice_end=TODAY)
    assert "期满后" in decide(running, VILLAGE_COLLEAGUE, Action.CLOSE_NOTICE, TODAY).refusal[0]
    ended = facts(1, notice_end=TODAY - datetime.timedelta(days=1))
    assert "发起人" in decide(ended, VILLAGE_PROPOSER, Action.CLOSE_NOTICE, TODAY).refusal[0]
    assert decide(ended, VILLAGE_COLLEAGUE, Action.CLOSE_NOTICE, TODAY).step_index == 2
    objected = facts(1, notice_end=TODAY - datetime.timedelta(days=1), open_objections=1)
    assert "异议" in decide(objected, VILLAGE_COLLEAGUE, Action.CLOSE_NOTICE, TODAY).refusal[0]


def test_an_objection_stops_everything_but_its_resolution():
    stopped = facts(1, status=CaseStatus.OBJECTION, notice_end=TODAY)
    assert allowed_actions(stopped, TOWNSHIP, TODAY) == [Action.DISMISS, Action.UPHOLD]
    assert decide(stopped, TOWNSHIP, Action.UPHOLD, TODAY).status == CaseStatus.REJECTED
    assert decide(stopped, TOWNSHIP, Action.APPROVE, TODAY).refusal


def test_the_last_approval_has_the_effect_and_a_failed_evaluation_needs_a_reason():
    last = facts(3, evaluation_result="fail")
    assert "理由" in decide(last, COUNTY, Action.APPROVE, TODAY).refusal[0]
    decision = decide(last, COUNTY, Action.APPROVE, TODAY, override_reason="核实后收入达标")
    assert decision.effect and decision.status == CaseStatus.APPROVED
    passed = facts(3, evaluation_result="pass")
    assert decide(passed, COUNTY, Action.APPROVE, TODAY).effect


def test_monitoring_ends_in_monitoring_then_only_the_county_removes_the_risk():
    route = DEFAULT_ROUTES["monitoring"][1]
    case = CaseFacts("monitoring", CaseStatus.OPEN, 0, route, 1)
    decision = decide(case, COUNTY, Action.APPROVE, TODAY)
    assert decision.status == CaseStatus.MONITORING and decision.effect
    watched = CaseFacts("monitoring", CaseStatus.MONITORING, 1, route, 1)
    assert decide(watched, TOWNSHIP, Action.REMOVE_RISK, TODAY).refusal
    assert decide(watched, COUNTY, Action.REMOVE_RISK, TODAY).status == CaseStatus.CLOSED


def test_finished_cases_accept_nothing():
    done = facts(4, status=CaseStatus.APPROVED)
    for action in Action.values:
        assert decide(done, COUNTY, action, TODAY).refusal


def test_one_person_decides_one_review_step_whatever_roles_they_hold():
    both = Actor(5, frozenset({"township", "county_office"}))
    at_township = facts(2)
    assert decide(at_township, both, Action.APPROVE, TODAY).step_index == 3
    at_county = facts(3, evaluation_result="pass", reviewers={5: "township_review"})
    refusal = decide(at_county, both, Action.APPROVE, TODAY).refusal
    assert refusal and "两级审核" in refusal[0] and "乡镇审核" in refusal[0]
    assert decide(at_county, both, Action.REJECT, TODAY).refusal
    assert Action.APPROVE not in allowed_actions(at_county, both, TODAY)
    # Someone else at the county decides; the same person may repeat a step's own decision.
    assert decide(at_county, COUNTY, Action.APPROVE, TODAY).effect
    again = facts(2, reviewers={5: "township_review"})
    assert decide(again, both, Action.APPROVE, TODAY).allowed
