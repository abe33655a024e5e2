"""The fund ledger's pages, reports and API by role: the treasury keeps (buttons, forms,
upload), the county office and the auditor read, a village office and other departments
see nothing; personal numbers masked, a reveal and a download logged."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import CITY, MINQUAN, RENHE, SUIXIAN, first_village
from tuopin.accounts.roles import Department, Role
from tuopin.audit.models import AccessKind, AccessLog
from tuopin.projects.funds_selectors import audit_trail, integration, project_spending
from tuopin.projects.models import Disbursement, Fund, FundPayment, Project, ProjectProgress
from tuopin.projects.tests.funds_factories import a_chain, a_fund, a_project, county
from tuopin.registry.services import household_register
from tuopin.registry.tests.factories import family

pytestmark = pytest.mark.django_db
ACCOUNT = "6228480012345678"


@pytest.fixture
def paid(make_user):
    """A chain in 民权县 with a payment to a registered person and an untraced one."""
    fund, project, disbursement = a_chain()
    village = first_village(RENHE)
    household = household_register(
        acting_user=make_user(Role.COUNTY_OFFICE, MINQUAN),
        village_code=village.code,
        number="FK-1",
        attributes={},
        members=family(),
    )
    person = household.members.order_by("pk").first()
    common = {"payee_kind": "person", "item": "产业奖补", "period": "2018-06",
              "paid_on": date(2018, 6, 1), "region_id": village.code}  # fmt: skip
    traced = FundPayment.objects.create(
        disbursement=disbursement, fund=fund, project=project, payee=person.name,
        id_number=person.id_number, account=ACCOUNT, household=household, member=person,
        amount=Decimal("1500"), **common,
    )  # fmt: skip
    lost = FundPayment.objects.create(payee="外来人", id_number="11010519491231002X",
                                      account="6228", amount=Decimal("99"), **common)  # fmt: skip
    return fund, project, traced, lost


def _as(client, user):
    client.force_login(user)
    return client


def test_the_treasury_keeps_the_county_office_reads_the_village_sees_nothing(
    client, make_user, paid
):
    fund, _project, traced, _lost = paid
    treasury = make_user(Role.SECTOR, MINQUAN, department=Department.TREASURY)
    body = _as(client, treasury).get(reverse("projects:funds_ledger"), {"year": 2018})
    text = body.content.decode()
    assert body.status_code == 200 and fund.document in text
    assert 'data-testid="fund-new"' in text and 'data-testid="funds-import"' in text
    assert "600000.00" in text  # received by 民权县 from the city
    page = client.get(reverse("projects:fund", args=[fund.pk])).content.decode()
    assert 'data-testid="allocate"' in page and "朱寨村扶贫车间" in page
    office = make_user(Role.COUNTY_OFFICE, MINQUAN)
    text = _as(client, office).get(reverse("projects:funds_ledger")).content.decode()
    assert fund.document in text and 'data-testid="fund-new"' not in text
    assert client.get(reverse("projects:fund_new")).status_code == 403
    assert client.get(reverse("projects:funds_import")).status_code == 403
    for role, dept in ((Role.VILLAGE, None), (Role.SECTOR, Department.EDUCATION)):
        code = first_village(RENHE).code if role == Role.VILLAGE else MINQUAN
        user = make_user(role, code, **({"department": dept} if dept else {}))
        assert _as(client, user).get(reverse("projects:funds_ledger")).status_code == 403
    assert (
        _as(client, make_user(Role.COUNTY_OFFICE, SUIXIAN))
        .get(reverse("projects:fund", args=[fund.pk]))
        .status_code
        == 404
    )


def test_payments_are_masked_and_a_reveal_is_logged(client, make_user, paid):
    _fund, _project, traced, _lost = paid
    office = make_user(Role.COUNTY_OFFICE, MINQUAN)
    text = _as(client, office).get(reverse("projects:fund_payments")).content.decode()
    assert traced.id_number not in text and ACCOUNT not in text
    assert traced.id_number[:6] + "********" + traced.id_number[-4:] in text
    before = AccessLog.objects.filter(kind=AccessKind.REVEAL).count()
    url = reverse("projects:fund_payment_reveal", args=[traced.pk, "account"])
    assert ACCOUNT in client.post(url).content.decode()
    entry = AccessLog.objects.filter(kind=AccessKind.REVEAL).latest("pk")
    assert entry.object_type == "fund_payment" and entry.user == office
    assert AccessLog.objects.filter(kind=AccessKind.REVEAL).count() == before + 1
    auditor = make_user(Role.AUDITOR, CITY)  # reads, may not reveal
    assert _as(client, auditor).post(url).status_code == 403


def test_the_audit_trail_lists_untraceable_payments_first(make_user, paid):
    _fund, _project, traced, lost = paid
    rows = list(audit_trail(make_user(Role.AUDITOR, CITY)))
    assert [p.pk for p in rows] == [lost.pk, traced.pk] and rows[0].traced == 0


def test_spending_and_integration_are_the_databases_sums(make_user, paid):
    _fund, project, _traced, _lost = paid
    ProjectProgress.objects.create(project=project, reported_on=date(2018, 6, 1), percent=40)
    spent = project_spending(project, on=date(2018, 7, 16))  # half the schedule
    assert (spent.budget, spent.disbursed, spent.paid) == (
        Decimal("500000"), Decimal("300000"), Decimal("1500"))  # fmt: skip
    assert spent.paid_percent == Decimal("0.3") and spent.progress == 40 and spent.behind
    assert project_spending(a_project("NO-PLAN", amount="0")).behind is None  # unknown
    a_fund("县财〔2018〕1号", region=SUIXIAN, amount="200000")
    lines, total = integration(make_user(Role.AUDITOR, CITY), county(CITY), 2018)
    minquan = next(line for line in lines if line["code"] == MINQUAN)
    assert (minquan["received"], minquan["disbursed"], minquan["paid"]) == (
        Decimal("600000"), Decimal("300000"), Decimal("1500"))  # fmt: skip
    assert minquan["disbursed_share"] == Decimal("50.0")
    assert total["received"] == Decimal("800000")
    empty = next(line for line in lines if line["code"] == "411423000000")
    assert empty["disbursed_share"] is None  # no funds: no share, not 0


def test_reports_download_and_are_logged(client, make_user, paid):
    from openpyxl import load_workbook

    office = make_user(Role.COUNTY_OFFICE, MINQUAN)
    _as(client, office)
    for what in ("ledger", "integration", "payments"):
        response = client.get(reverse("projects:funds_download", args=[what]), {"year": 2018})
        assert response.status_code == 200
        book = load_workbook(__import__("io").BytesIO(b"".join(response.streaming_content)))
        cells = [str(c) for row in book.active.iter_rows(values_only=True) for c in row]
        assert not any(paid[2].id_number in c or ACCOUNT in c for c in cells)
        assert AccessLog.objects.filter(kind=AccessKind.EXPORT, object_id=what).exists()


def test_the_treasury_registers_a_fund_by_form_and_imports_by_upload(client, make_user):
    treasury = make_user(Role.SECTOR, MINQUAN, department=Department.TREASURY)
    data = {"document": "民财〔2018〕9号", "name": "县级资金", "nature": "special",
            "level": "county", "integrated": "unknown", "year": 2018, "amount": "-5",
            "region": MINQUAN, "received_on": "2018-03-01"}  # fmt: skip
    refused = _as(client, treasury).post(reverse("projects:fund_new"), data)
    assert refused.status_code == 200 and "金额不能为负数" in refused.content.decode()
    client.post(reverse("projects:fund_new"), {**data, "amount": "5000"})
    fund = Fund.objects.get()
    assert fund.integrated is None and fund.history.first().history_user == treasury
    csv = ("类型,指标文件文号,资金名称,资金性质,资金来源级次,年度,金额（元）,区划代码,日期\n"
           "资金指标,睢财〔2018〕1号,外县资金,财政专项扶贫资金,县级,2018,1,411422000000,2018-01-01\n")  # fmt: skip
    answer = client.post(reverse("projects:funds_import"), {
        "what": "funds", "file": SimpleUploadedFile("f.csv", csv.encode())})  # fmt: skip
    assert "不在您可维护的区划内" in answer.content.decode() and Fund.objects.count() == 1


def test_the_api_answers_funds_and_masked_payments_in_scope(client, make_user, paid):
    fund, _project, traced, _lost = paid
    _as(client, make_user(Role.COUNTY_OFFICE, MINQUAN))
    listed = client.get("/api/v1/funds", {"year": 2018}).json()
    assert [f["document"] for f in listed["items"]] == [fund.document]
    detail = client.get(f"/api/v1/funds/{fund.pk}").json()
    assert detail["allocations"][0]["to_region_code"] == MINQUAN
    assert detail["disbursements"][0]["paid"] == "1500.00"
    payments = client.get("/api/v1/funds/payments").json()["items"]
    mine = next(p for p in payments if p["id"] == traced.pk)
    assert mine["id_number"] != traced.id_number and mine["account"].endswith("5678")
    assert mine["registered"] is True
    assert client.get("/api/v1/funds", {"region": "411422"}).json()["items"] == []
    _as(client, make_user(Role.COUNTY_OFFICE, SUIXIAN))
    assert client.get(f"/api/v1/funds/{fund.pk}").status_code == 404


def test_the_spending_page_compares_paid_with_the_schedule(client, make_user, paid):
    fund, project, _traced, _lost = paid
    undated = a_project("NO-DATES", amount="1000")
    Project.objects.filter(pk=undated.pk).update(starts_on=None)
    Disbursement.objects.create(fund=fund, region_id=MINQUAN, project=undated,
                                amount=Decimal("10"), disbursed_on=date(2018, 4, 1))  # fmt: skip
    _as(client, make_user(Role.AUDITOR, CITY))
    text = client.get(reverse("projects:funds_spending"), {"region": MINQUAN}).content.decode()
    assert project.code in text and "0.3%" in text and "滞后" in text
    assert "无法判断" in text  # no schedule: unknown, not "on time"


def test_the_project_page_shows_its_money_to_readers_of_the_funds_only(make_user):
    from django.test import Client

    village = first_village(RENHE)
    _fund, project, _disbursement = a_chain(a_project(region=village.code), disbursed="300000")
    url = reverse("projects:project", args=[project.pk])
    county = Client()
    county.force_login(make_user(Role.COUNTY_OFFICE, MINQUAN))
    page = county.get(url).content.decode()
    block = page[
        page.index('data-testid="spending"') : page.index(
            "</dl>", page.index('data-testid="spending"')
        )
    ]
    assert "300000" in block and "支出落后于工期" in block  # nothing paid, the schedule over
    assert "未填报" not in block  # the schedule is known: 2018-03-01 to 2018-11-30
    cadre = Client()
    cadre.force_login(make_user(Role.VILLAGE, village.code))
    answer = cadre.get(url)
    assert answer.status_code == 200 and 'data-testid="spending"' not in answer.content.decode()
