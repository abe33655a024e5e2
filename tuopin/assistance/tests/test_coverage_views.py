"""Coverage pages, downloads, the parameter page and service, the `tuopin ledgers` command."""

import json
from datetime import date
from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from conftest import CITY, MINQUAN, RENHE, SUIXIAN, first_village, other_county_village
from tuopin.accounts.models import Assignment
from tuopin.accounts.roles import Department, Role
from tuopin.accounts.selectors import forget_assignments
from tuopin.assistance.enums import LoanState
from tuopin.assistance.models import LedgerParameter, Loan
from tuopin.assistance.params import parameter_resolve, parameter_set, parameter_values
from tuopin.assistance.tests.factories_coverage import entry, household, person
from tuopin.audit.models import AccessLog
from tuopin.core.errors import TuopinError
from tuopin.regions.models import Region

pytestmark = pytest.mark.django_db
PASSWORD = "Shangqiu#2018"


def _loan(who, amount):
    return entry(
        Loan,
        who,
        amount=Decimal(amount),
        term_months=36,
        drawn_on=date(2018, 4, 1),
        due_on=date(2021, 4, 1),
        bank="农商行",
        state=LoanState.ACTIVE,
    )


@pytest.fixture
def planted():
    village = first_village(RENHE)
    over = person(household(village, "OVER"), "超额户主")
    _loan(over, 60000)
    _loan(person(household(village, "FINE"), "正常户主"), 30000)
    _loan(person(household(other_county_village(SUIXIAN), "SX"), "睢县超额"), 70000)
    return over


def _login(client, user):
    client.force_login(user)
    return client


def _sector(make_user, department):
    user = make_user(Role.SECTOR, MINQUAN)
    Assignment.objects.filter(user=user).update(department=department)
    forget_assignments(user)
    return user


# -- parameters -------------------------------------------------------------------------


def test_resolution_county_over_city_over_default_latest_year_first():
    assert parameter_values(2018, MINQUAN)["loan_amount_max"] == Decimal(50000)
    LedgerParameter.objects.create(
        code="loan_amount_max", region_id=CITY, year=2016, value=Decimal(40000)
    )
    assert parameter_values(2018, first_village(RENHE).code)["loan_amount_max"] == 40000
    LedgerParameter.objects.create(
        code="loan_amount_max", region_id=MINQUAN, year=2017, value=Decimal(30000)
    )
    LedgerParameter.objects.create(
        code="loan_amount_max", region_id=MINQUAN, year=2019, value=Decimal(20000)
    )
    assert parameter_values(2018, RENHE)["loan_amount_max"] == 30000
    assert parameter_values(2019, RENHE)["loan_amount_max"] == 20000
    assert parameter_values(2016, RENHE)["loan_amount_max"] == 40000
    assert parameter_values(2015, RENHE)["loan_amount_max"] == 50000
    assert parameter_values(2018, SUIXIAN)["loan_amount_max"] == 40000
    resolved = parameter_resolve(2018, SUIXIAN)
    assert resolved["post_monthly_pay"].unconfirmed_default
    assert not resolved["loan_amount_max"].unconfirmed_default


def test_parameter_set_checks_rights_level_and_value(make_user):
    county = make_user(Role.COUNTY_OFFICE, MINQUAN)
    village_user = make_user(Role.VILLAGE, first_village(RENHE).code)
    minquan = Region.objects.get(code=MINQUAN)
    row = parameter_set(
        acting_user=county, code="dibao_standard", region=minquan, year=2018, value="3600"
    )
    assert row.value == Decimal(3600) and row.history.count() == 1
    parameter_set(acting_user=county, code="dibao_standard", region=minquan, year=2018, value=3700)
    row.refresh_from_db()
    assert row.value == 3700 and row.history.count() == 2
    with pytest.raises(PermissionDenied):
        parameter_set(
            acting_user=village_user, code="dibao_standard", region=minquan, year=2018, value=1
        )
    with pytest.raises(TuopinError) as bad_value:
        parameter_set(
            acting_user=county, code="dibao_standard", region=minquan, year=2018, value="x"
        )
    assert bad_value.value.field == "value" and "取值" in bad_value.value.message_zh
    with pytest.raises(TuopinError) as bad_code:
        parameter_set(acting_user=county, code="nope", region=minquan, year=2018, value=1)
    assert bad_code.value.field == "code"
    with pytest.raises(TuopinError) as bad_level:
        parameter_set(
            acting_user=county,
            code="dibao_standard",
            region=Region.objects.get(code=RENHE),
            year=2018,
            value=1,
        )
    assert bad_level.value.field == "region"
    assert LedgerParameter.objects.count() == 1


def test_parameter_page_shows_unconfirmed_defaults_and_saves(client, make_user):
    county = make_user(Role.COUNTY_OFFICE, MINQUAN)
    url = reverse("assistance:coverage_parameters")
    page = _login(client, county).get(url, {"region": MINQUAN, "year": 2018})
    text = page.content.decode()
    assert page.status_code == 200 and "默认值，待核实" in text and 'name="value"' in text
    response = client.post(
        url, {"region": MINQUAN, "year": 2018, "code": "loan_amount_max", "value": "30000"}
    )
    assert response.status_code == 302
    assert parameter_values(2018, MINQUAN)["loan_amount_max"] == 30000
    assert "自 2018 年起设置" in client.get(url, {"region": MINQUAN, "year": 2018}).content.decode()
    bad = client.post(
        url,
        {"region": MINQUAN, "year": 2018, "code": "loan_amount_max", "value": "-1"},
        follow=True,
    )
    assert "取值“-1”无效" in bad.content.decode()


def test_a_sector_user_sets_only_its_own_departments_parameters(client, make_user):
    finance = make_user(Role.SECTOR, MINQUAN, department="finance")
    minquan = Region.objects.get(code=MINQUAN)
    parameter_set(acting_user=finance, code="loan_amount_max", region=minquan, year=2018, value=4)
    for other in ("dibao_standard", "income_measures_min"):  # 民政's, the office's own
        with pytest.raises(PermissionDenied):
            parameter_set(acting_user=finance, code=other, region=minquan, year=2018, value=1)
    url = reverse("assistance:coverage_parameters")
    page = _login(client, finance).get(url, {"region": MINQUAN, "year": 2018}).content.decode()
    rows = {chunk.split('"')[0]: chunk for chunk in page.split('data-parameter="')[1:]}
    assert 'name="value"' in rows["loan_amount_max"] and 'name="value"' in rows["npl_village_max"]
    assert 'name="value"' not in rows["dibao_standard"]
    refused = client.post(url, {"region": MINQUAN, "code": "dibao_standard", "value": "1"})
    assert refused.status_code == 403
    assert parameter_values(2018, MINQUAN)["dibao_standard"] == 3450


def test_parameter_page_read_only_for_township_and_refuses_posts(client, make_user):
    township = make_user(Role.TOWNSHIP, RENHE)
    url = reverse("assistance:coverage_parameters")
    page = _login(client, township).get(url, {"region": RENHE})
    assert page.status_code == 200 and 'name="value"' not in page.content.decode()
    refused = client.post(url, {"region": RENHE, "code": "loan_amount_max", "value": "1"})
    assert refused.status_code == 403
    other = client.get(url, {"region": SUIXIAN})
    assert other.status_code == 404


# -- pages ------------------------------------------------------------------------------


def test_scorecard_list_and_download(client, make_user, planted):
    county = make_user(Role.COUNTY_OFFICE, MINQUAN)
    _login(client, county)
    card = client.get(reverse("assistance:coverage"), {"region": MINQUAN, "year": 2018})
    text = card.content.decode()
    assert card.status_code == 200 and 'data-check="loan_over_amount"' in text
    listing = client.get(
        reverse("assistance:coverage_list", args=["loan_over_amount"]), {"region": MINQUAN}
    )
    text = listing.content.decode()
    assert "超额户主" in text and "正常户主" not in text and "睢县超额" not in text
    assert planted.id_number not in text  # masked
    download = client.get(
        reverse("assistance:coverage_download", args=["loan_over_amount"]), {"region": MINQUAN}
    )
    assert download.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(download.streaming_content))).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4)]
    assert len(values) == 1 and values[0][3] == "超额户主" and "*" in values[0][4]
    assert AccessLog.objects.filter(object_type="coverage_check", object_id="loan_over_amount")


def test_other_county_and_other_department_answer_not_found(client, make_user, planted):
    _login(client, make_user(Role.COUNTY_OFFICE, MINQUAN))
    assert client.get(reverse("assistance:coverage"), {"region": SUIXIAN}).status_code == 404
    education = _sector(make_user, Department.EDUCATION)
    _login(client, education)
    card = client.get(reverse("assistance:coverage"), {"region": MINQUAN}).content.decode()
    assert 'data-check="student_aid_missing"' in card
    assert 'data-check="loan_over_amount"' not in card
    missing = client.get(
        reverse("assistance:coverage_list", args=["loan_over_amount"]), {"region": MINQUAN}
    )
    assert missing.status_code == 404
    finance = _sector(make_user, Department.FINANCE)
    _login(client, finance)
    listing = client.get(
        reverse("assistance:coverage_list", args=["loan_over_amount"]), {"region": MINQUAN}
    )
    assert listing.status_code == 200 and "超额户主" in listing.content.decode()


# -- command ----------------------------------------------------------------------------


def test_command_counts_lists_and_refuses_unknown_codes(planted):
    out = StringIO()
    call_command(
        "ledgers", "check", "--region", "4114", "--check", "loan_over_amount", "--json", stdout=out
    )
    data = json.loads(out.getvalue())
    assert data["checks"] == {"loan_over_amount": 2}
    out = StringIO()
    call_command(
        "ledgers",
        "check",
        "--region",
        MINQUAN,
        "--check",
        "loan_over_amount",
        "--list",
        "--json",
        stdout=out,
    )
    rows = json.loads(out.getvalue())["checks"]["loan_over_amount"]
    assert [row["person_name"] for row in rows] == ["超额户主"]
    assert rows[0]["person_id_number"] != planted.id_number
    out = StringIO()
    call_command("ledgers", "check", "--region", MINQUAN, stdout=out)
    assert "loan_over_amount" in out.getvalue() and "合计用时" in out.getvalue()
    with pytest.raises(CommandError, match="没有代码"):
        call_command("ledgers", "check", "--check", "nope")
    with pytest.raises(CommandError, match="区划代码"):
        call_command("ledgers", "check", "--region", "99")


def test_docs_list_every_check():
    from pathlib import Path

    from tuopin.assistance.coverage import CHECKS

    text = (Path(__file__).resolve().parents[3] / "docs" / "ledgers.md").read_text()
    missing = [code for code in CHECKS if f"`{code}`" not in text]
    assert not missing, missing


def test_stored_counts_feed_the_scorecard_until_the_next_refresh(client, make_user, planted):
    from tuopin.assistance.coverage.snapshot import coverage_refresh, coverage_scorecard

    city = make_user(Role.CITY_OFFICE, CITY)
    county = make_user(Role.COUNTY_OFFICE, MINQUAN)
    live, none = coverage_scorecard(city, region_code=CITY, year=2018)
    assert none is None
    out = StringIO()
    call_command("ledgers", "check", "--region", "4114", "--store", stdout=out)
    assert "已保存" in out.getvalue()
    stored, snapshot = coverage_scorecard(city, region_code=CITY, year=2018)
    assert snapshot is not None
    assert [(r.check.code, r.counts, r.total) for r in stored.rows] == [
        (r.check.code, r.counts, r.total) for r in live.rows
    ]
    # A later write shows after the next refresh only.
    _loan(person(household(first_village(RENHE), "LATER"), "后来超额"), 90000)
    row = next(
        r
        for r in coverage_scorecard(city, region_code=CITY, year=2018)[0].rows
        if r.check.code == "loan_over_amount"
    )
    assert row.total == 2
    coverage_refresh(prefix="4114", year=2018)
    row = next(
        r
        for r in coverage_scorecard(city, region_code=CITY, year=2018)[0].rows
        if r.check.code == "loan_over_amount"
    )
    assert row.total == 3
    # A county user sums only its own regions' stored counts.
    row = next(
        r
        for r in coverage_scorecard(county, region_code=MINQUAN, year=2018)[0].rows
        if r.check.code == "loan_over_amount"
    )
    assert row.total == 2
    page = _login(client, county).get(reverse("assistance:coverage"), {"region": MINQUAN})
    assert "统计于" in page.content.decode()


def test_the_coverage_checks_follow_the_ledgers_a_user_reads(client, make_user, planted):
    """The hotline and a sector user without a department read no ledger, so no check;
    a sector user reads their department's checks, the county office every one."""
    url = reverse("assistance:coverage")
    for nobody in (make_user(Role.HOTLINE, CITY), make_user(Role.SECTOR, MINQUAN)):
        assert _login(client, nobody).get(url, {"region": MINQUAN}).status_code == 403
        assert client.get(
            reverse("assistance:coverage_list", args=["loan_over_amount"]), {"region": MINQUAN}
        ).status_code in (403, 404)
    finance = make_user(Role.SECTOR, MINQUAN, department="finance")
    page = _login(client, finance).get(url, {"region": MINQUAN}).content.decode()
    assert "loan_over_amount" in page and "member_uninsured" not in page
    county = _login(client, make_user(Role.COUNTY_OFFICE, MINQUAN)).get(url, {"region": MINQUAN})
    assert "loan_over_amount" in county.content.decode()
    assert "member_uninsured" in county.content.decode()
