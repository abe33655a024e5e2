"""The warnings inbox in a real browser: the county office finds a warning from the
/projects/ index, filters the inbox, verifies, rectifies and closes it with an evidence
file; an auditor reads it with no button to press."""

from datetime import date

import pytest

from conftest import CITY, MINQUAN
from tests.test_browser import PASSWORD, browser, log_in, page, shot  # noqa: F401 (fixtures)
from tuopin.accounts.roles import Role
from tuopin.projects.enums import PayeeKind
from tuopin.projects.models import FundWarning
from tuopin.projects.tests import warnings_data as data
from tuopin.projects.warnings_services import warnings_recompute

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_county_office_handles_a_warning_and_an_auditor_only_reads(
    page,  # noqa: F811
    live_server,
    make_user,
    tmp_path,
):
    data.pay(50000, date(2018, 5, 1), kind=PayeeKind.ENTERPRISE, payee="建设公司")
    spent = data.fund(100000, date(2018, 1, 1))
    project = data.project(100000)
    data.disburse(spent, project, 100000, date(2018, 3, 1))
    warnings_recompute("411421", date(2018, 12, 31))
    warning = FundWarning.objects.get(rule="round_amount")
    make_user(Role.COUNTY_OFFICE, MINQUAN, username="minquan", password=PASSWORD)
    make_user(Role.AUDITOR, CITY, username="auditor", password=PASSWORD)

    log_in(page, live_server, "minquan")
    page.goto(f"{live_server.url}/projects/")
    page.click("[data-testid=projects-sections] >> text=资金预警")
    assert page.locator("[data-testid=warnings] tbody tr[data-warning]").count() == 2
    page.select_option("#f-rule", "round_amount")
    page.click("[data-testid=warning-filters] button[type=submit]")
    rows = page.locator("[data-testid=warnings] tbody tr[data-warning]")
    assert rows.count() == 1 and "大额整数支付" in rows.first.inner_text()
    shot(page, "warnings-01-inbox")
    rows.first.locator("a").click()
    page.wait_for_url(f"**/projects/warnings/{warning.pk}/")
    assert "建设公司" in page.inner_text("[data-testid=warning-record]")
    assert page.locator("[data-action=close]").count() == 0  # verify first

    for action, note, state in (
        ("verify", "经核实属实", "已核实，待整改"),
        ("rectify", "责令重新核定金额", "整改中"),
    ):
        page.fill("#w-note", note)
        page.click(f"[data-action={action}]")
        page.wait_for_load_state()
        assert page.inner_text("[data-testid=warning-state]") == state
    page.fill("#w-note", "已整改完毕")
    page.click("[data-action=close]")  # no evidence file: refused, nothing changed
    page.wait_for_load_state()
    assert "办结须上传佐证材料" in page.content()
    assert page.inner_text("[data-testid=warning-state]") == "整改中"
    evidence = tmp_path / "整改报告.pdf"
    evidence.write_bytes(b"%PDF-1.4 evidence")
    page.fill("#w-note", "已整改完毕")
    page.set_input_files("#w-evidence", str(evidence))
    page.click("[data-action=close]")
    page.wait_for_load_state()
    assert page.inner_text("[data-testid=warning-state]") == "已办结"
    assert page.locator("[data-testid=warning-steps] tbody tr").count() == 3
    shot(page, "warnings-02-closed")

    page.context.clear_cookies()
    log_in(page, live_server, "auditor")
    page.goto(f"{live_server.url}/projects/warnings/scorecard/?region={CITY}")
    assert "民权县" in page.inner_text("[data-testid=warnings-scorecard]")
    page.goto(f"{live_server.url}/projects/warnings/{warning.pk}/")
    assert page.inner_text("[data-testid=warning-state]") == "已办结"
    assert page.locator("[data-testid=warning-handle]").count() == 0
