"""The library's flow in a real browser: the village applies through the form, the
township cannot review while the notice runs, then reviews once it has ended, a sector
appraises, the county office approves and enters the project into the library."""

from datetime import timedelta

import pytest

from conftest import MINQUAN, RENHE, first_village
from tests.test_browser import PASSWORD, browser, log_in, shot  # noqa: F401 (fixtures)
from tuopin.accounts.roles import Department, Role
from tuopin.projects.models import Disclosure, Project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _page(browser, live_server, username: str, phone: bool = False):  # noqa: F811
    size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    context = browser.new_context(locale="zh-CN", viewport=size)
    page = context.new_page()
    log_in(page, live_server, username)
    return context, page


def test_village_applies_township_waits_for_the_notice_then_the_county_enters_it(
    browser,  # noqa: F811
    live_server,
    make_user,
):
    village = first_village(RENHE)
    make_user(Role.VILLAGE, village.code, username="cunganbu", password=PASSWORD)
    make_user(Role.TOWNSHIP, RENHE, username="xiangzhen", password=PASSWORD)
    make_user(
        Role.SECTOR, MINQUAN, username="jiaoyuju", password=PASSWORD,
        department=Department.EDUCATION,
    )  # fmt: skip
    make_user(Role.COUNTY_OFFICE, MINQUAN, username="xianfupinban", password=PASSWORD)

    context, cadre = _page(browser, live_server, "cunganbu", phone=True)
    cadre.goto(f"{live_server.url}/projects/library/")
    cadre.click("[data-testid=project-new]")
    cadre.fill("#id_name", "朱寨村产业路")
    cadre.select_option("#id_category", "infrastructure")
    cadre.select_option("#id_nature", "new")
    cadre.fill("#id_unit", "朱寨村委会")
    cadre.fill("#id_person", "王支书")
    cadre.fill("#id_tasks", "硬化道路 2 公里")
    cadre.fill("#id_amount", "300000")
    cadre.fill("#id_funding_central", "200000")
    cadre.fill("#id_funding_county", "100000")
    cadre.fill("#id_targets", "受益贫困户 30 户")
    cadre.fill("#id_mechanism", "优先雇用贫困户务工")
    cadre.click("[data-testid=apply-submit]")
    cadre.wait_for_selector("[data-testid=project-stage]")
    assert cadre.inner_text("[data-testid=project-stage]") == "村申报公示"
    assert cadre.locator("[data-testid=actions]").count() == 0
    shot(cadre, "library-applied-phone")
    context.close()
    project = Project.objects.get()

    context, township = _page(browser, live_server, "xiangzhen")
    url = f"{live_server.url}/projects/library/{project.pk}/"
    township.goto(url)
    assert "期满后乡镇方可审核" in township.inner_text("[data-testid=notice-running]")
    assert township.locator("[data-testid=action-review]").count() == 0
    # Eleven days later: the notice has ended.
    for notice in Disclosure.objects.filter(project=project):
        Disclosure.objects.filter(pk=notice.pk).update(
            starts_on=notice.starts_on - timedelta(days=11),
            ends_on=notice.ends_on - timedelta(days=11),
        )
    project.steps.update(acted_on=project.steps.get().acted_on - timedelta(days=11))
    township.goto(url)
    township.fill("#n-review", "符合申报条件")
    township.click("[data-testid=action-review]")
    township.wait_for_selector("text=已办理")
    assert township.inner_text("[data-testid=project-stage]") == "乡镇已审核"
    assert township.locator("[data-testid=action-review]").count() == 0
    context.close()

    context, sector = _page(browser, live_server, "jiaoyuju")
    sector.goto(url)
    sector.click("[data-testid=action-appraise]")
    sector.wait_for_selector("text=已办理")
    assert sector.inner_text("[data-testid=project-stage]") == "县行业部门已论证"
    assert sector.locator("[data-testid=action-approve]").count() == 0
    context.close()

    context, county = _page(browser, live_server, "xianfupinban")
    county.goto(url)
    county.fill("#doc-approve", "民扶组〔2018〕5号")
    county.click("[data-testid=action-approve]")
    county.wait_for_selector("text=已办理")
    county.click("[data-testid=action-enter]")
    county.wait_for_selector("text=已办理")
    assert county.inner_text("[data-testid=project-stage]") == "已入库"
    assert "入库" in county.inner_text("[data-testid=entries]")
    shot(county, "library-entered")
    context.close()
    project.refresh_from_db()
    assert project.stage == "in_library" and project.library_entries.count() == 1
