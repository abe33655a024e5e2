"""The demo (`tuopin demo`, make run) leaves every demo user with work, at every step."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import copy_module_media, rows_for_a_module
from tuopin.accounts.demo import DEMO_COUNTY, DEMO_VILLAGE
from tuopin.audit.selectors import access_log_for_user
from tuopin.cases.demo import DEMO_PHONE, demo_setup
from tuopin.cases.enums import CaseKind, CaseStatus
from tuopin.cases.models import Case, Notice
from tuopin.cases.selectors import (
    case_actions,
    monitoring_candidates,
    monitoring_without_measure,
    my_tasks,
    public_notices,
)
from tuopin.policy.models import HouseholdResult, VillageIndicator
from tuopin.policy.selectors import latest_run, ledger_rows, ledger_runs
from tuopin.registry.enums import EXITED, STILL_POOR
from tuopin.registry.models import Household, Income
from tuopin.registry.quality_snapshot import stored_counts

# One worker sets the demo up once for all the module's tests (pytest-xdist would split
# them, and each worker would set it up).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("cases_demo")]


@pytest.fixture(scope="module")
def built_demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo set up once for the module's tests, each test in a savepoint of it
    (conftest.rows_for_a_module): setting it up is most of each test's time."""
    media = tmp_path_factory.mktemp("demo-media")
    with rows_for_a_module(django_db_blocker, media) as building:
        with building():
            result = demo_setup(households=150, seed=1)
        yield result, media


@pytest.fixture
def demo(built_demo, db):
    result, media = built_demo
    copy_module_media(media)
    users = {u.username: u for u in get_user_model().objects.all()}
    return result, users


def at(kind, step=None, status=CaseStatus.OPEN):
    cases = [
        case
        for case in Case.objects.filter(kind=kind, status=status).order_by("pk")
        if step is None or (case.step and case.step["code"] == step)
    ]
    assert cases, (kind, step, status)
    return cases


def test_every_demo_user_has_work_and_a_case_waits_at_every_step(demo):
    _result, users = demo
    today = timezone.localdate()
    for name in ("city", "county", "township", "village"):
        assert my_tasks(users[name]), f"{name} has no task"

    village, township, county = users["village"], users["township"], users["county"]
    assert "consent" in case_actions(village, at(CaseKind.EXIT, "household_consent")[0])
    notices = at(CaseKind.EXIT, "village_notice")
    running = [c for c in notices if c.notice.starts <= today <= c.notice.ends]
    ended = [c for c in notices if c.notice.ends < today]
    assert running and ended
    assert "close_notice" not in case_actions(village, running[0])
    assert "close_notice" in case_actions(village, ended[0])  # the village cadre closes it
    assert "approve" in case_actions(township, at(CaseKind.EXIT, "township_review")[0])
    pending = at(CaseKind.EXIT, "county_approval")[0]
    assert pending.evaluation_result == "pass"
    assert "approve" in case_actions(county, pending)
    objection = at(CaseKind.EXIT, status=CaseStatus.OBJECTION)[0]
    assert {"dismiss", "uphold"} <= set(case_actions(village, objection))
    approved = at(CaseKind.EXIT, status=CaseStatus.APPROVED)[0]
    assert approved.household.status in EXITED
    assert "approve" in case_actions(village, at(CaseKind.RETURN, "village_check")[0])
    assert "approve" in case_actions(county, at(CaseKind.MONITORING, "county_confirm")[0])
    watched = at(CaseKind.MONITORING, status=CaseStatus.MONITORING)[0]
    assert [c.pk for c in monitoring_without_measure(county)] == [watched.pk]
    assert "approve" in case_actions(users["city"], at(CaseKind.COUNTY_EXIT, "city_review")[0])
    # The history is dated as played: the approved exit went through in about a month.
    events = list(approved.events.order_by("pk").values_list("at", flat=True))
    assert events == sorted(events)
    assert timezone.localtime(events[0]).date() == today - datetime.timedelta(days=32)
    recorded = timezone.localtime(objection.objections.get().recorded_at).date()
    assert recorded == today - datetime.timedelta(days=1)
    # Each household is in one demo case only (the exited one is not also monitored).
    households = list(Case.objects.exclude(household=None).values_list("household", flat=True))
    assert len(households) == len(set(households))

    # The roles that read rather than act have what they read.
    inspector, auditor, sector = users["inspector"], users["auditor"], users["sector"]
    problems = stored_counts(inspector, region_prefix="4114", length=6, year=2018)
    assert sum(n for _check, _key, n in problems) > 0
    assert access_log_for_user(auditor).filter(kind="reveal").count() == 2
    assert public_notices().count() >= 3  # two exit notices running and an announcement
    parts = ledger_runs(sector, "household", DEMO_COUNTY, 2018)
    assert ledger_rows(sector, parts, DEMO_COUNTY, passing=False).exists()
    indicators = VillageIndicator.objects.get(village_id=DEMO_VILLAGE, year=2018)
    assert indicators.road and indicators.broadband is False


def test_the_village_user_still_has_passing_households_to_propose(demo):
    run = latest_run(demo[1]["village"], "household", DEMO_VILLAGE, 2018)
    passing = HouseholdResult.objects.filter(run=run, result="pass").values("household_id")
    open_exit = Case.objects.filter(kind=CaseKind.EXIT).exclude(status=CaseStatus.APPROVED)
    left = (
        Household.objects.filter(village_id=DEMO_VILLAGE, status__in=STILL_POOR, pk__in=passing)
        .exclude(identified_year=2018)
        .exclude(pk__in=open_exit.values("household_id"))
    )
    assert left.count() >= 3


def test_monitoring_candidates_are_exited_and_the_income_fall_rule_fires(demo):
    county = demo[1]["county"]
    candidates = list(monitoring_candidates(county, DEMO_COUNTY, 2018))
    assert candidates and {h.status for h in candidates} <= set(EXITED)
    fell = [h for h in candidates if h.previous and h.net < 0.7 * h.previous]
    assert fell  # last year's income is there, and some households lost a third of it
    assert Income.objects.filter(year=2017).count() == Household.objects.count()


def test_a_second_setup_with_if_empty_changes_nothing(demo):
    before = (Case.objects.count(), Household.objects.count(), Income.objects.count())
    demo_setup(households=150, seed=1, if_empty=True)
    assert (Case.objects.count(), Household.objects.count(), Income.objects.count()) == before


def test_the_demo_county_prints_an_objection_phone_on_its_notices(demo):
    notice = Notice.objects.order_by("pk").first()
    client = Client()
    client.force_login(demo[1]["village"])
    page = client.get(reverse("cases:notice_print", args=[notice.pk])).content.decode()
    assert DEMO_PHONE in page
