"""补录: exit, objection and return cases recorded afterwards through the API with their real
past dates; every forbidden move (future date, before the previous step, a notice shorter
than its legal length by real dates, wrong role) is refused and changes nothing."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tuopin.cases.models import Case, CaseEvent, Notice
from tuopin.cases.tests.test_flow import People, act, post, snapshot
from tuopin.policy.tests.test_henan import household

pytestmark = pytest.mark.django_db


def ago(days: int) -> str:
    """A day counted back from today in the platform's time zone (as the rules count)."""
    return (timezone.localdate() - datetime.timedelta(days=days)).isoformat()


@pytest.fixture
def people(make_user):
    return People(make_user)


def state(case_id):
    """Everything a refused move must leave as it was (the case, its notices and events)."""
    case = Case.objects.get(pk=case_id)
    notices = sorted(Notice.objects.filter(listed__pk=case_id).values_list("pk", "starts", "ends"))
    return (snapshot(case_id), case.notice_id, notices, case.step_entered_at)


def refused(client, case_id, action, status=403, **extra):
    before = state(case_id)
    response = act(client, case_id, action, **extra)
    assert response.status_code == status, response.content
    assert response.json()["message_zh"]
    assert state(case_id) == before
    return response.json()


def propose(client, target, kind="exit", **extra):
    body = {"kind": kind, "year": 2018, "household_id": target.pk, **extra}
    response = post(client, "/api/v1/cases", body)
    assert response.status_code == 201, response.content
    return response.json()


def test_an_exit_done_on_paper_is_recorded_with_its_real_dates(people):
    target = household("BD-1")
    # a proposal dated in the future is refused, and nothing is created
    response = post(
        people.proposer,
        "/api/v1/cases",
        {"kind": "exit", "year": 2018, "household_id": target.pk, "occurred_on": ago(-1)},
    )
    assert response.status_code == 403 and response.json()["code"] == "date_refused"
    assert not Case.objects.filter(household=target).exists()
    case = propose(people.proposer, target, occurred_on=ago(30))
    case_id = case["id"]
    assert case["events"][0]["occurred_on"] == ago(30) and case["events"][0]["recorded_late"]
    refused(people.proposer, case_id, "consent", occurred_on=ago(31))  # before the proposal
    refused(people.proposer, case_id, "consent", occurred_on=ago(-1))  # in the future
    refused(people.township, case_id, "consent", occurred_on=ago(29))  # wrong role
    # the notice as really posted: 6 days is shorter than the 7 the route requires
    refused(
        people.proposer,
        case_id,
        "consent",
        occurred_on=ago(28),
        notice_starts=ago(27),
        notice_ends=ago(21),
    )
    # the notice cannot start before the consent that put the case on notice
    refused(
        people.proposer,
        case_id,
        "consent",
        occurred_on=ago(28),
        notice_starts=ago(29),
        notice_ends=ago(20),
    )
    done = act(
        people.proposer,
        case_id,
        "consent",
        occurred_on=ago(28),
        notice_starts=ago(27),
        notice_ends=ago(20),
    ).json()
    assert done["step"] == "village_notice"
    # by the real dates the notice has ended: waiting for the village to close it
    assert done["next_step"].startswith("公示期已于") and "村干部结束公示" in done["next_step"]
    assert "发起人不能审核" in done["cannot_act_reason"]  # the proposer cannot close it
    seen = people.township.get(f"/api/v1/cases/{case_id}").json()
    assert "须由村干部/驻村工作队办理" in seen["cannot_act_reason"]
    notice = Case.objects.get(pk=case_id).notice
    assert (notice.starts.isoformat(), notice.ends.isoformat()) == (ago(27), ago(20))
    # closing on the last day of the notice is too early by the real dates
    refused(people.work_team, case_id, "close_notice", occurred_on=ago(20))
    refused(people.proposer, case_id, "close_notice", occurred_on=ago(19))  # the proposer
    assert act(people.work_team, case_id, "close_notice", occurred_on=ago(19)).json()["step"] == (
        "township_review"
    )
    refused(people.work_team, case_id, "approve", occurred_on=ago(10))  # a village user
    refused(people.township, case_id, "approve", occurred_on=ago(20))  # before the close
    act(people.township, case_id, "approve", occurred_on=ago(10))
    final = act(people.county, case_id, "approve", occurred_on=ago(5)).json()
    assert final["status"] == "approved"
    target.refresh_from_db()
    assert target.status == "2"
    days = [(e["action"], e["occurred_on"], e["recorded_late"]) for e in final["events"]]
    assert days == [
        ("propose", ago(30), True),
        ("consent", ago(28), True),
        ("close_notice", ago(19), True),
        ("approve", ago(10), True),
        ("approve", ago(5), True),
    ]
    announcement = Notice.objects.get(kind="announcement", listed__pk=case_id)
    assert announcement.starts.isoformat() == ago(5)


def test_an_objection_is_recorded_within_the_real_notice_only(people):
    target = household("BD-2")
    case_id = propose(people.proposer, target, occurred_on=ago(40))["id"]
    act(people.proposer, case_id, "consent", occurred_on=ago(39))  # notice ago(39)..ago(32)
    # an objection after the notice ended (by real dates), and one without content
    refused(people.work_team, case_id, "object", comment="邻居反映有车", occurred_on=ago(31))
    refused(people.work_team, case_id, "object", occurred_on=ago(35))
    # correcting the notice's real dates to a shorter one is refused
    refused(
        people.work_team,
        case_id,
        "object",
        comment="邻居反映有车",
        occurred_on=ago(35),
        notice_starts=ago(38),
        notice_ends=ago(33),
    )
    objected = act(people.work_team, case_id, "object", comment="邻居反映有车", occurred_on=ago(35))
    assert objected.json()["status"] == "objection"
    objection = Case.objects.get(pk=case_id).objections.get()
    assert timezone.localdate(objection.recorded_at).isoformat() == ago(35)
    refused(people.county, case_id, "dismiss", occurred_on=ago(34))  # not the county's step
    refused(people.township, case_id, "dismiss", occurred_on=ago(36))  # before the objection
    assert (
        act(people.township, case_id, "dismiss", comment="核实无车", occurred_on=ago(34)).json()[
            "status"
        ]
        == "open"
    )
    refused(people.work_team, case_id, "close_notice", occurred_on=ago(33))  # notice running
    # the notice really posted a day after the consent: dates after the objection still fit
    closed = act(
        people.work_team,
        case_id,
        "close_notice",
        occurred_on=ago(30),
        notice_starts=ago(38),
        notice_ends=ago(31),
    )
    assert closed.json()["step"] == "township_review", closed.content


def test_a_return_records_both_notices_with_their_real_dates(people):
    target = household("BD-3", facts={"status": "2", "exit_year": 2016})
    case_id = propose(people.proposer, target, kind="return", occurred_on=ago(60))["id"]
    act(people.work_team, case_id, "approve", occurred_on=ago(59))  # village check
    # the first notice was really posted later than the platform opened it
    refused(
        people.work_team,
        case_id,
        "close_notice",
        occurred_on=ago(50),
        notice_starts=ago(57),
        notice_ends=ago(51),
    )  # six days
    refused(
        people.work_team,
        case_id,
        "close_notice",
        occurred_on=ago(50),
        notice_starts=ago(57),
        notice_ends=ago(50),
    )  # closed on its last day
    first = Case.objects.get(pk=case_id).notice_id
    act(
        people.work_team,
        case_id,
        "close_notice",
        occurred_on=ago(49),
        notice_starts=ago(57),
        notice_ends=ago(50),
    )
    assert not Notice.objects.filter(pk=first).exists()  # the platform's guess is gone
    assert Notice.objects.filter(listed__pk=case_id, starts=ago(57), ends=ago(50)).exists()
    refused(people.county, case_id, "approve", occurred_on=ago(45))  # the township's step
    act(people.township, case_id, "approve", occurred_on=ago(45))
    act(people.work_team, case_id, "close_notice", occurred_on=ago(37))  # notice ago(45)..ago(38)
    done = act(people.county, case_id, "approve", occurred_on=ago(30)).json()
    assert done["status"] == "approved"
    target.refresh_from_db()
    assert target.status == "4"


def test_an_attachment_is_a_photo_or_a_pdf_and_belongs_to_who_recorded_the_step(people):
    target = household("BD-4")
    case_id = propose(people.proposer, target, occurred_on=ago(10))["id"]
    event = CaseEvent.objects.get(case_id=case_id)
    url = f"/api/v1/cases/{case_id}/events/{event.pk}/attachment"
    fake = SimpleUploadedFile("board.jpg", b"MZ not a photo")
    response = people.proposer.post(url, {"file": fake})
    assert response.status_code == 400 and response.json()["code"] == "attachment_content"
    script = SimpleUploadedFile("board.exe", b"\xff\xd8\xff\xe0")
    assert people.proposer.post(url, {"file": script}).json()["code"] == "attachment_type"
    photo = SimpleUploadedFile("board.png", b"\x89PNG\r\n\x1a\n" + b"0" * 32)
    assert people.work_team.post(url, {"file": photo}).status_code == 403  # not the recorder
    photo.seek(0)
    response = people.proposer.post(url, {"file": photo})
    assert response.status_code == 200 and response.json()["events"][0]["has_attachment"]
    photo.seek(0)
    assert people.proposer.post(url, {"file": photo}).status_code == 403  # only once


def test_an_unknown_action_answers_400_with_the_valid_ones(people):
    case_id = propose(people.proposer, household("BD-5"))["id"]
    response = post(people.proposer, f"/api/v1/cases/{case_id}/actions", {"action": "sign"})
    assert response.status_code == 400
    body = response.json()
    assert "close_notice" in body["message_zh"] and "close_notice" in body["message_en"]
    spec = people.proposer.get("/api/v1/openapi.json").json()["components"]["schemas"]
    kind = spec["CaseOut"]["properties"]["kind"]
    assert "贫困退出" in kind["x-enum-descriptions"] and "`exit` 贫困退出" in kind["description"]
    assert "公示期满无异议" in json.dumps(spec["ActionIn"], ensure_ascii=False)
    assert "x-enum-descriptions" in spec["CaseOut"]["properties"]["status"]
