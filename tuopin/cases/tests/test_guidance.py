"""Procedures that explain themselves: buttons only for who may use them, the proposal form,
what happens next on a case, upcoming notices, the notice's issuer, refusals in the log."""

import datetime
import io
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from conftest import MINQUAN, RENHE, first_village
from tuopin.accounts.roles import Role
from tuopin.cases.models import Case, Notice
from tuopin.cases.places import committee_name, place_name
from tuopin.cases.services import case_act, case_propose, county_setting_update
from tuopin.policy.tests.test_henan import household
from tuopin.regions.models import Region

pytestmark = pytest.mark.django_db

STATES = {"not_exited": {"status": "1"}, "exited": {"status": "2", "exit_year": 2017}}
ROLES = {
    "village": lambda: first_village(RENHE).code,
    "township": lambda: RENHE,
    "county_office": lambda: MINQUAN,
    "hotline": lambda: MINQUAN,
}
# What the household panel offers, by role and household state (the proposal rule).
EXPECTED = {
    ("village", "not_exited"): {"exit"},
    ("village", "exited"): {"return", "monitoring"},
    ("county_office", "not_exited"): set(),
    ("county_office", "exited"): {"monitoring"},
    ("township", "not_exited"): set(),
    ("township", "exited"): set(),
    ("hotline", "not_exited"): set(),
    ("hotline", "exited"): set(),
}


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(("role", "state"), sorted(EXPECTED))
def test_the_household_panel_offers_only_what_the_user_may_propose(make_user, role, state):
    target = household(f"G-{role}-{state}", facts=STATES[state])
    client = login(make_user(role, ROLES[role]()))
    html = client.get(f"/cases/households/{target.pk}/").content.decode()
    offered = {kind for kind in ("exit", "return", "monitoring") if f"propose-{kind}" in html}
    assert offered == EXPECTED[(role, state)]
    assert ("申请退出" in html) == ("exit" in offered)


def test_an_open_case_removes_its_button_and_the_proposal_form_explains_the_household(make_user):
    village = make_user(Role.VILLAGE, first_village(RENHE).code)
    target = household("G-OPEN")
    client = login(village)
    page = client.get(f"/cases/new/?kind=exit&household={target.pk}").content.decode()
    assert "G-OPEN" in page and 'data-testid="propose-form"' in page
    assert "达标" in page or "待核实" in page or "该户还没有评估结果" in page
    assert 'name="number"' not in page and 'name="members"' not in page  # identification only
    assert 'name="region"' not in page and 'name="event"' not in page
    case_propose(acting_user=village, kind="exit", year=2018, household=target)
    page = client.get(f"/cases/new/?kind=exit&household={target.pk}").content.decode()
    assert "propose-evaluation" in page and "<strong>达标</strong>" in page  # labels, not codes
    assert "pass" not in page.split('data-testid="propose-evaluation"')[1][:2000]
    html = client.get(f"/cases/households/{target.pk}/").content.decode()
    assert "propose-exit" not in html
    hotline = login(make_user(Role.HOTLINE, MINQUAN))
    assert "发起事项" not in hotline.get("/cases/").content.decode()


def test_the_case_page_says_what_happens_next_and_why_a_user_cannot_act(make_user):
    village = make_user(Role.VILLAGE, first_village(RENHE).code)
    colleague = make_user(Role.VILLAGE, first_village(RENHE).code)
    township = make_user(Role.TOWNSHIP, RENHE)
    case = case_propose(acting_user=village, kind="exit", year=2018, household=household("G-N"))
    case_act(acting_user=village, case=case, action="consent")
    case.refresh_from_db()
    ends = case.notice.ends
    page = login(colleague).get(f"/cases/{case.pk}/").content.decode()
    assert f"公示期至 {ends.month} 月 {ends.day} 日，期满后由村干部结束公示" in page
    assert 'data-testid="why-not"' in page and "期满后才能结束" in page
    # the colleague may still object or withdraw: the refusal names the step it is about
    assert "「公示期满无异议」现在不能办理" in page and "您现在不能办理" not in page
    page = login(township).get(f"/cases/{case.pk}/").content.decode()
    assert "须由村干部/驻村工作队办理" in page  # the township cannot close a village notice
    # the task lists: the running notice is upcoming, not actionable now
    tasks = login(colleague).get("/cases/tasks/").content.decode()
    upcoming = tasks.split('data-testid="upcoming"')[1]
    now = tasks.split('data-testid="tasks"')[1].split('data-testid="upcoming"')[0]
    assert f'href="/cases/{case.pk}/"' in upcoming and f'href="/cases/{case.pk}/"' not in now
    api = login(colleague).get("/api/v1/cases/tasks").json()
    assert [(c["id"], c["upcoming"]) for c in api] == [(case.pk, True)]
    Notice.objects.filter(pk=case.notice_id).update(
        starts=case.notice.starts - datetime.timedelta(days=8),
        ends=ends - datetime.timedelta(days=8),
    )
    tasks = login(colleague).get("/cases/tasks/").content.decode()
    now = tasks.split('data-testid="tasks"')[1].split('data-testid="upcoming"')[0]
    assert f'href="/cases/{case.pk}/"' in now
    page = login(colleague).get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="action-close_notice"' in page and "why-not" not in page


def test_a_notice_names_the_village_once_its_issuer_and_the_county_phone(make_user):
    village_region = first_village(RENHE)
    village = make_user(Role.VILLAGE, village_region.code)
    county = make_user(Role.COUNTY_OFFICE, MINQUAN)
    case = case_propose(acting_user=village, kind="exit", year=2018, household=household("G-P"))
    case_act(acting_user=village, case=case, action="consent")
    notice = Case.objects.get(pk=case.pk).notice
    place = place_name(village_region)
    assert "村委会村" not in notice.title and notice.title.startswith(place)
    page = Client().get(f"/notices/{notice.pk}/").content.decode()
    assert "村委会村" not in page and "人和镇人民政府" in page
    assert committee_name(village_region) in page and "favicon" in page
    assert "objection-phone" not in page  # not set: no invented number
    with pytest.raises(Exception):  # noqa: B017 - a village user cannot set it
        county_setting_update(acting_user=village, county_code=MINQUAN, objection_phone="1")
    response = login(county).post(
        f"/cases/settings/{MINQUAN}/", {"objection_phone": "0370-8123456"}
    )
    assert response.status_code == 302
    page = Client().get(f"/notices/{notice.pk}/").content.decode()
    assert "0370-8123456" in page
    assert Region.objects.get(code=MINQUAN).name in page  # the county's office receives


def test_a_refused_access_is_one_line_in_the_server_log(make_user):
    """Django logs a PermissionDenied with its traceback; the configured handler keeps one
    line (config LOGGING, tuopin/core/logfilters.py). A fault keeps its traceback."""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(type(f).__name__ == "RefusalOneLine" for f in h.filters)
    )
    stream = io.StringIO()
    old = handler.setStream(stream)
    try:
        hotline = login(make_user(Role.HOTLINE, MINQUAN))
        response = hotline.post(f"/cases/settings/{MINQUAN}/", {"objection_phone": "1"})
        assert response.status_code == 403  # a real refusal through Django's handler
        for error in (ValueError("a fault"),):
            try:
                raise error
            except Exception:
                logging.getLogger("django.request").warning(
                    "Forbidden (Permission denied): %s", "/x/", exc_info=True
                )
    finally:
        handler.setStream(old)
    refused, fault = stream.getvalue().split("Forbidden (Permission denied)")[1:]
    assert refused.strip().count("\n") == 0 and "region.edit" in refused
    assert "/cases/settings/" in refused
    assert "Traceback" in fault and "ValueError" in fault


def test_the_case_page_records_a_step_afterwards_with_its_dates_and_photo(make_user):
    village = make_user(Role.VILLAGE, first_village(RENHE).code)
    today = timezone.localdate()
    case = case_propose(
        acting_user=village,
        kind="exit",
        year=2018,
        household=household("G-UI"),
        occurred_on=today - datetime.timedelta(days=20),
    )
    client = login(village)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'name="notice_starts"' in page  # the next step is a notice
    photo = SimpleUploadedFile("board.jpg", b"\xff\xd8\xff\xe0" + b"0" * 32)
    day = (today - datetime.timedelta(days=18)).isoformat()
    response = client.post(
        f"/cases/{case.pk}/act/",
        {
            "action": "consent",
            "occurred_on": day,
            "notice_starts": day,
            "notice_ends": (today - datetime.timedelta(days=11)).isoformat(),
            "attachment": photo,
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.step["code"] == "village_notice" and case.notice.starts.isoformat() == day
    event = case.events.get(action="consent")
    assert event.recorded_late and event.attachment
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="recorded-late"' in page and day in page
    assert "户已签字同意" in page and "household_consent" not in page  # labels in the history
    # a future date is refused on the page too, and nothing changes
    before = (case.status, case.step_index, case.events.count())
    client.post(
        f"/cases/{case.pk}/act/",
        {"action": "close_notice", "occurred_on": (today + datetime.timedelta(days=1)).isoformat()},
    )
    case.refresh_from_db()
    assert (case.status, case.step_index, case.events.count()) == before
