"""Real browser, the fund ledger (issue 15, part funds): 财政局 of 民权县 registers a fund,
passes it on and disburses it by the forms (a refusal shown in Chinese first), a county
office reads the payments masked and reveals an ID number, which is logged."""

from datetime import date
from decimal import Decimal

import pytest

from conftest import MINQUAN, RENHE, first_village
from tests.test_browser import PASSWORD, browser, log_in, page, shot  # noqa: F401 (fixtures)
from tuopin.accounts.roles import Department, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_treasury_keeps_the_ledger_and_a_reveal_is_logged(page, live_server, make_user):  # noqa: F811
    from tuopin.audit.models import AccessKind, AccessLog
    from tuopin.projects.models import Disbursement, Fund, FundPayment
    from tuopin.projects.tests.funds_factories import a_project
    from tuopin.registry.services import household_register
    from tuopin.registry.tests.factories import family

    project = a_project()
    make_user(Role.SECTOR, MINQUAN, username="caizheng", password=PASSWORD,
              department=Department.TREASURY)  # fmt: skip
    log_in(page, live_server, "caizheng")
    page.goto(f"{live_server.url}/projects/")
    page.click("text=扶贫资金台账")
    page.click("[data-testid=fund-new]")
    fields = {"#id_document": "民财农〔2018〕5号", "#id_name": "县级财政专项扶贫资金",
              "#id_amount": "400000", "#id_region": MINQUAN, "#id_year": "2018",
              "#id_received_on": "2018-03-20", "#id_issued_on": "2018-03-25"}  # fmt: skip
    for selector, value in fields.items():
        page.fill(selector, value)
    page.select_option("#id_level", "county")
    page.click("[data-testid=funds-form] >> text=保存")
    assert "到达日期早于文件日期" in page.inner_text("[data-testid=funds-form]")
    page.fill("#id_issued_on", "2018-03-13")
    page.click("[data-testid=funds-form] >> text=保存")
    page.wait_for_selector("[data-testid=fund-facts]")
    page.click("[data-testid=disburse]")
    page.fill("#id_region", MINQUAN)
    page.fill("#id_project", project.code)
    page.fill("#id_amount", "400000.01")
    page.fill("#id_disbursed_on", "2018-04-01")
    page.click("[data-testid=funds-form] >> text=保存")
    assert "超过该资金在本级的结余" in page.inner_text("[data-testid=funds-form]")
    page.fill("#id_amount", "150000")
    page.click("[data-testid=funds-form] >> text=保存")
    page.wait_for_selector("[data-testid=fund-disbursements]")
    assert "朱寨村扶贫车间" in page.inner_text("[data-testid=fund-disbursements]")
    shot(page, "funds-01-fund")
    fund = Fund.objects.get()
    assert Disbursement.objects.get().amount == Decimal("150000")

    household = household_register(acting_user=make_user(Role.COUNTY_OFFICE, MINQUAN),
                                   village_code=first_village(RENHE).code, number="FK-1",
                                   attributes={}, members=family())  # fmt: skip
    person = household.members.order_by("pk").first()
    payment = FundPayment.objects.create(
        disbursement=Disbursement.objects.get(), fund=fund, project=project,
        region_id=household.village_id, payee_kind="person", payee=person.name,
        id_number=person.id_number, account="6228480012345678", household=household,
        member=person, item="产业奖补", period="2018-06", amount=Decimal(800),
        paid_on=date(2018, 6, 1),
    )  # fmt: skip
    make_user(Role.COUNTY_OFFICE, MINQUAN, username="minquan", password=PASSWORD)
    page.context.clear_cookies()
    log_in(page, live_server, "minquan")
    page.goto(f"{live_server.url}/projects/funds/payments/?region={MINQUAN}")
    table = page.inner_text("[data-testid=payments]")
    assert person.id_number not in table and person.id_number[-4:] in table
    page.click(f"[data-testid=reveal-id-{payment.pk}]")
    page.wait_for_selector("[data-testid=id-revealed]")
    assert page.inner_text("[data-testid=id-revealed]") == person.id_number
    shot(page, "funds-02-payments")
    assert AccessLog.objects.filter(
        kind=AccessKind.REVEAL, object_type="fund_payment", object_id=f"{payment.pk}/id_number"
    ).exists()
