"""/api/v1/funds/warnings: the list and its filters within the caller's regions, one
warning with its masked record and handling, and the handling steps for who may take them
on the page (the same service and checks); a village office is refused as on the page."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import CITY, MINQUAN, SUIXIAN, other_county_village
from tuopin.accounts.roles import Department, Role
from tuopin.audit.models import AccessKind, AccessLog
from tuopin.projects.enums import PayeeKind, WarningState
from tuopin.projects.models import FundPayment, FundWarning
from tuopin.projects.tests import warnings_data as data
from tuopin.projects.warnings_services import warnings_recompute

pytestmark = pytest.mark.django_db

AS_OF = date(2018, 12, 31)
URL = "/api/v1/funds/warnings"
PERSON = "411421199001010033"
ACCOUNT = "6228480012345678901"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _world():
    """A round payment to a person of 民权县 (not in the registry either), one to a
    company, and one in 睢县; recomputed as of the end of 2018."""
    person = data.pay(
        60000, date(2018, 5, 2), id_number=PERSON, account=ACCOUNT, payee="王小明", item="奖补"
    )
    company = data.pay(50000, date(2018, 5, 1), kind=PayeeKind.ENTERPRISE, payee="建设公司")
    foreign = data.pay(70000, date(2018, 5, 1), kind=PayeeKind.ENTERPRISE, payee="某公司")
    FundPayment.objects.filter(pk=foreign.pk).update(region=other_county_village(SUIXIAN))
    warnings_recompute("", AS_OF, ["round_amount", "payee_not_registered"])
    return person, company, foreign


def _ids(answer) -> set[int]:
    assert answer.status_code == 200, answer.content[:300]
    return {item["id"] for item in answer.json()["items"]}


def test_the_list_keeps_to_the_callers_regions_and_filters(make_user):
    person, company, foreign = _world()
    mine = set(
        FundWarning.objects.filter(region__code__startswith="411421").values_list("pk", flat=True)
    )
    theirs = FundWarning.objects.get(subject=f"payment:{foreign.pk}")
    assert len(mine) == 3  # round ×2, not registered ×1

    county = _client(make_user(Role.COUNTY_OFFICE, MINQUAN))
    answer = county.get(URL)
    assert _ids(answer) == mine and answer.json()["total"] == 3
    assert _ids(county.get(URL, {"region": SUIXIAN})) == set()  # outside: nothing
    assert county.get(f"{URL}/{theirs.pk}").status_code == 404
    assert _ids(county.get(URL, {"rule": "payee_not_registered"})) == {
        FundWarning.objects.get(rule="payee_not_registered").pk
    }
    assert _ids(county.get(URL, {"severity": "low"})) == set(
        FundWarning.objects.filter(rule="round_amount", pk__in=mine).values_list("pk", flat=True)
    )
    # recomputed as of 2018-12-31: due 15 days later, long past
    assert _ids(county.get(URL, {"overdue": "true"})) == mine
    FundWarning.objects.filter(pk__in=mine).update(due_on=date.today())
    assert _ids(county.get(URL, {"overdue": "true"})) == set()  # due today: not yet
    FundWarning.objects.filter(pk__in=mine).update(due_on=date.today() - timedelta(days=1))
    overdue = county.get(URL, {"overdue": "true"})
    assert _ids(overdue) == mine and all(item["overdue"] for item in overdue.json()["items"])
    assert _ids(county.get(URL, {"overdue": "false"})) == set()
    assert _ids(county.get(URL, {"state": "closed"})) == set()
    assert _ids(county.get(URL, {"state": "pending"})) == mine
    assert county.get(URL, {"rule": "no_such_rule"}).status_code == 400
    first = county.get(URL, {"limit": 2}).json()
    assert len(first["items"]) == 2 and first["next_after"]
    rest = county.get(URL, {"limit": 2, "after": first["next_after"]}).json()
    assert len(rest["items"]) == 1

    city = _client(make_user(Role.AUDITOR, CITY))
    assert _ids(city.get(URL)) == mine | {theirs.pk}
    treasury = _client(make_user(Role.SECTOR, MINQUAN, department=Department.TREASURY))
    assert _ids(treasury.get(URL)) == mine
    # a village office reads no warnings on the pages: refused here too, and logged
    village = _client(make_user(Role.VILLAGE, data.village().code))
    denied = AccessLog.objects.filter(kind=AccessKind.DENIED).count()
    refused = village.get(URL)
    assert refused.status_code == 403 and refused.json()["message_zh"]
    assert village.get(f"{URL}/{theirs.pk}").status_code == 403
    assert AccessLog.objects.filter(kind=AccessKind.DENIED).count() == denied + 2
    other_sector = _client(make_user(Role.SECTOR, MINQUAN, department=Department.EDUCATION))
    assert other_sector.get(URL).status_code == 403


def test_a_warning_with_its_masked_record_and_handling(make_user):
    person, company, _foreign = _world()
    warning = FundWarning.objects.get(rule="round_amount", subject=f"payment:{person.pk}")
    county = _client(make_user(Role.COUNTY_OFFICE, MINQUAN))
    answer = county.get(f"{URL}/{warning.pk}")
    assert answer.status_code == 200
    body = answer.json()
    assert body["rule"] == "round_amount" and body["rule_label"] == "大额整数支付"
    assert body["amount"] == "60000.00" and body["state"] == "open"
    assert body["region_code"] == person.region_id and body["boundary"]
    assert body["actions"] == ["verify", "explain", "rectify"]
    record = body["record"]["payment"]
    assert record["id"] == person.pk and record["amount"] == "60000.00"
    assert record["name"] == "王*明" and record["kind"] == "person"
    assert "*" in record["id_number"] and "*" in record["account"]
    text = answer.content.decode()
    assert PERSON not in text and ACCOUNT not in text and "王小明" not in text
    assert body["steps"] == []
    # a company's name is not personal: shown as paid
    other = FundWarning.objects.get(rule="round_amount", subject=f"payment:{company.pk}")
    assert county.get(f"{URL}/{other.pk}").json()["record"]["payment"]["name"] == "建设公司"
    # an auditor reads, never handles
    auditor = _client(make_user(Role.AUDITOR, CITY))
    assert auditor.get(f"{URL}/{warning.pk}").json()["actions"] == []


def test_the_handling_steps_through_the_api(make_user):
    person, _company, _foreign = _world()
    warning = FundWarning.objects.get(rule="round_amount", subject=f"payment:{person.pk}")
    url = f"{URL}/{warning.pk}/actions"
    auditor = _client(make_user(Role.AUDITOR, CITY))
    refused = auditor.post(url, {"action": "verify", "note": "越权"})
    assert refused.status_code == 403
    outsider = _client(make_user(Role.COUNTY_OFFICE, SUIXIAN))
    assert outsider.post(url, {"action": "verify", "note": "越权"}).status_code == 404
    # the city office handles only once it is escalated to the city
    city = _client(make_user(Role.CITY_OFFICE, CITY))
    assert city.post(url, {"action": "verify", "note": "市级"}).status_code == 403
    warning.refresh_from_db()
    assert warning.state == WarningState.OPEN

    county = _client(make_user(Role.COUNTY_OFFICE, MINQUAN))
    no_note = county.post(url, {"action": "verify", "note": " "})
    assert no_note.status_code == 400 and no_note.json()["code"] == "warning_note_required"
    assert county.post(url, {"action": "bless", "note": "x"}).status_code == 400
    verified = county.post(url, {"action": "verify", "note": "已核实，属实"})
    assert verified.status_code == 200, verified.content[:300]
    assert verified.json()["state"] == "verified"
    assert verified.json()["actions"] == ["explain", "rectify", "close"]
    skipped = county.post(url, {"action": "reopen", "note": "重开"})
    assert skipped.status_code == 400 and skipped.json()["code"] == "warning_action_refused"
    assert "不能" in skipped.json()["message_zh"] and skipped.json()["message_en"]
    unproved = county.post(url, {"action": "close", "note": "已追回"})
    assert unproved.status_code == 400 and unproved.json()["code"] == "warning_evidence_required"
    evidence = SimpleUploadedFile("整改报告.pdf", b"%PDF-1.4 evidence", "application/pdf")
    treasury = _client(make_user(Role.SECTOR, MINQUAN, department=Department.TREASURY))
    closed = treasury.post(url, {"action": "close", "note": "已追回", "evidence": evidence})
    assert closed.status_code == 200, closed.content[:300]
    body = closed.json()
    assert body["state"] == "closed" and body["actions"] == ["reopen"]
    assert [(s["action"], s["has_evidence"]) for s in body["steps"]] == [
        ("verify", False),
        ("close", True),
    ]
    assert body["steps"][0]["note"] == "已核实，属实"
    warning.refresh_from_db()
    assert warning.state == WarningState.CLOSED
