"""The ledger scope: a sector user reads only their department's ledgers in their region,
the office roles every ledger of theirs, nobody another county's rows; in the pages, the
download, the household panel and the API alike."""

import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from conftest import MINQUAN, SUIXIAN
from tuopin.accounts.roles import Role
from tuopin.assistance.kinds import KINDS, kinds_of_department
from tuopin.assistance.selectors import ledger_kinds_for_user, ledger_search
from tuopin.assistance.tests.factories_pages import (
    EDUCATION,
    FINANCE,
    FORESTRY,
    HEALTH,
    HRSS,
    department_user,
    ledgers,
    sector_user,
)
from tuopin.audit.models import AccessKind, AccessLog

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _xlsx_text(response) -> str:
    data = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
    return " ".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row)


def test_a_sector_user_reads_only_the_ledgers_of_their_department(make_user):
    hrss = sector_user(make_user, HRSS)
    assert {k.code for k in ledger_kinds_for_user(hrss)} == {
        k.code for k in kinds_of_department(HRSS)
    }
    county = department_user(make_user, Role.COUNTY_OFFICE, MINQUAN)
    assert len(ledger_kinds_for_user(county)) == len(KINDS)
    # A sector user without a department, and the hotline, keep and read no ledger.
    assert ledger_kinds_for_user(department_user(make_user, Role.SECTOR, MINQUAN)) == []
    assert ledger_kinds_for_user(department_user(make_user, Role.HOTLINE, MINQUAN)) == []


def test_sector_pages_keep_to_department_and_county(make_user):
    data = ledgers()
    client = _client(sector_user(make_user, HRSS))
    index = client.get(reverse("assistance:ledgers"))
    assert index.status_code == 200
    body = index.content.decode()
    assert "就业台账" in body and "参保台账" not in body and "扶贫小额信贷台账" not in body
    listing = client.get(reverse("assistance:ledger_list", args=["employment"]))
    assert listing.status_code == 200
    assert "本县工厂" in listing.content.decode()
    assert "外县工厂" not in listing.content.decode()
    # Another department's ledger and row, another county's row: 404 like a missing one.
    assert client.get(reverse("assistance:ledger_list", args=["insurance"])).status_code == 404
    assert client.get(reverse("assistance:ledger_download", args=["loan"])).status_code == 404
    for kind, entry in (
        ("insurance", data.own_insurance),
        ("loan", data.own_loan),
        ("employment", data.foreign_employment),
        ("insurance", data.own_employment),  # a row of another ledger under this id
    ):
        url = reverse("assistance:ledger_entry", args=[kind, entry.pk])
        assert client.get(url).status_code == 404, (kind, entry.pk)
    own = reverse("assistance:ledger_entry", args=["employment", data.own_employment.pk])
    assert client.get(own).status_code == 200
    # A foreign region in the filter shows nothing.
    foreign = client.get(
        reverse("assistance:ledger_list", args=["employment"]), {"region": SUIXIAN[:6]}
    )
    assert "外县工厂" not in foreign.content.decode()


def test_the_download_holds_the_users_rows_only_and_is_logged(make_user):
    data = ledgers()
    user = sector_user(make_user, HRSS)
    response = _client(user).get(reverse("assistance:ledger_download", args=["employment"]))
    assert response.status_code == 200
    text = _xlsx_text(response)
    assert "本县工厂" in text and "外县工厂" not in text
    assert data.own_employment.id_number not in text  # masked
    assert data.own_employment.id_number[:6] in text
    log = AccessLog.objects.get(kind=AccessKind.EXPORT, user=user)
    assert log.object_type == "ledger" and log.object_id == "employment"


def test_the_household_panel_shows_the_departments_ledgers_only(make_user):
    data = ledgers()
    url = reverse("assistance:household_ledgers", args=[data.own_household.pk])
    hrss = _client(sector_user(make_user, HRSS)).get(url).content.decode()
    assert 'data-testid="ledger-group-employment"' in hrss
    assert "ledger-group-insurance" not in hrss and "ledger-group-loan" not in hrss
    education = _client(sector_user(make_user, EDUCATION)).get(url).content.decode()
    assert "ledger-group-student_aid" in education and "ledger-group-employment" not in education
    county = _client(department_user(make_user, Role.COUNTY_OFFICE, MINQUAN)).get(url)
    for code in ("employment", "insurance", "loan", "student_aid"):
        assert f"ledger-group-{code}" in county.content.decode(), code
    # Another county's household: 404, for the sector user as for the county office.
    foreign = reverse("assistance:household_ledgers", args=[data.foreign_household.pk])
    assert _client(sector_user(make_user, HRSS)).get(foreign).status_code == 404


def test_a_sector_user_of_another_county_sees_none_of_these_rows(make_user):
    data = ledgers()
    suixian = sector_user(make_user, HRSS, SUIXIAN)
    rows = ledger_search(suixian, KINDS["employment"])
    assert list(rows) == [data.foreign_employment]
    client = _client(suixian)
    url = reverse("assistance:ledger_entry", args=["employment", data.own_employment.pk])
    assert client.get(url).status_code == 404


def test_people_outside_the_registry_are_listed_and_marked(make_user):
    data = ledgers()
    client = _client(sector_user(make_user, FORESTRY))
    listing = client.get(reverse("assistance:ledger_list", args=["ranger"]), {"in_registry": "no"})
    body = listing.content.decode()
    assert data.stranger_ranger.name in body and "不在建档立卡库中" in body


def test_the_api_keeps_to_department_and_county(make_user):
    data = ledgers()
    client = _client(sector_user(make_user, HEALTH))
    codes = {row["code"] for row in client.get("/api/v1/ledgers").json()}
    assert codes == {k.code for k in kinds_of_department(HEALTH)}
    listed = client.get("/api/v1/ledgers/insurance/entries").json()
    assert [row["id"] for row in listed["items"]] == [data.own_insurance.pk]
    assert listed["total"] == 1
    row = listed["items"][0]
    assert "*" in row["id_number"] and data.own_insurance.id_number not in str(listed)
    assert client.get("/api/v1/ledgers/employment/entries").status_code == 404
    assert client.get("/api/v1/ledgers/nonsense/entries").status_code == 404
    own = f"/api/v1/ledgers/insurance/entries/{data.own_insurance.pk}"
    assert client.get(own).status_code == 200
    foreign_loan = f"/api/v1/ledgers/loan/entries/{data.own_loan.pk}"
    assert client.get(foreign_loan).status_code == 404
    panel = client.get(f"/api/v1/households/{data.own_household.pk}/ledgers").json()
    assert [group["kind"] for group in panel] == ["insurance"]
    foreign = client.get(f"/api/v1/households/{data.foreign_household.pk}/ledgers")
    assert foreign.status_code == 404
    # The office sees the payment with its card account masked.
    county = _client(department_user(make_user, Role.COUNTY_OFFICE, MINQUAN))
    payments = county.get("/api/v1/ledgers/student_aid/entries").json()
    assert payments["amount"] == "625.00"
    assert "6228480012345678901" not in str(payments)


def test_a_finance_user_reads_loans_in_the_county_only(make_user):
    data = ledgers()
    client = _client(sector_user(make_user, FINANCE))
    listing = client.get(reverse("assistance:ledger_list", args=["loan"]))
    assert listing.status_code == 200
    assert listing.context["totals"]["rows"] == 1
    assert listing.context["totals"]["amount"] == data.own_loan.amount


def test_a_full_id_number_only_by_a_logged_reveal_with_the_right(make_user):
    data = ledgers()
    url = reverse("assistance:ledger_entry_reveal", args=["ranger", data.stranger_ranger.pk])
    entry_url = reverse("assistance:ledger_entry", args=["ranger", data.stranger_ranger.pk])
    # The auditor reads the ledger but may not reveal a person's number.
    auditor = _client(department_user(make_user, Role.AUDITOR, MINQUAN))
    page = auditor.get(entry_url)
    assert data.stranger_ranger.id_number not in page.content.decode()
    assert 'data-testid="reveal"' not in page.content.decode()
    assert auditor.post(url).status_code == 403
    # The forestry user and the county office may, and each look is logged.
    for user in (
        sector_user(make_user, FORESTRY),
        department_user(make_user, Role.COUNTY_OFFICE, MINQUAN),
    ):
        client = _client(user)
        page = client.get(entry_url)
        assert data.stranger_ranger.id_number not in page.content.decode()
        assert 'data-testid="reveal"' in page.content.decode()
        revealed = client.post(url)
        assert revealed.status_code == 200
        assert data.stranger_ranger.id_number in revealed.content.decode()
        log = AccessLog.objects.get(kind=AccessKind.REVEAL, user=user)
        assert log.object_id == f"ranger/{data.stranger_ranger.pk}"
        assert log.region_code == data.stranger_ranger.region_id
    suixian = _client(department_user(make_user, Role.COUNTY_OFFICE, SUIXIAN))
    assert suixian.post(url).status_code == 404


def test_the_access_log_names_a_ledger_export_in_chinese(make_user):
    from tuopin.core.labels import label_for

    assert label_for("object_type", "ledger") == "行业台账"
