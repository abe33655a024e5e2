"""The home page's panel of 项目库与资金, per role: the region's projects per stage and the
notices posted now for every reader of the app; the funds and the warnings for whoever
reads them; the city sees the city; a role that reads nothing of it has no panel."""

import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import CITY, MINQUAN, SUIXIAN
from tuopin.accounts.roles import Department, Role
from tuopin.projects.disclosure_posting import disclosure_publish
from tuopin.projects.enums import DisclosureKind, Severity, WarningState
from tuopin.projects.models import FundWarning
from tuopin.projects.tests.disclosure_factories import county_data, project
from tuopin.regions.models import Region

pytestmark = pytest.mark.django_db


def _home(user) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("web:home"))
    assert response.status_code == 200
    return response.content.decode()


def _panel(html: str) -> str:
    """The panel and what follows it (the last card of the home page's figures)."""
    start = html.find('data-testid="projects-panel"')
    return html[start : html.index("</body>")] if start >= 0 else ""


def _badge(panel: str, testid: str) -> str:
    found = re.search(rf'data-testid="{testid}">([^<]*)<', panel)
    return found.group(1) if found else None


def _warning(region, subject, due_on, state=WarningState.OPEN):
    now = timezone.now()
    FundWarning.objects.create(
        rule="idle_balance",
        subject=subject,
        region=region,
        severity=Severity.MEDIUM,
        detail="资金闲置",
        state=state,
        first_seen=now,
        last_seen=now,
        due_on=due_on,
    )


@pytest.fixture
def scene(make_user):
    data = county_data()
    suixian = Region.objects.get(code=SUIXIAN)
    village = Region.objects.filter(code__startswith="411422", level="village").first()
    project(suixian, village, "SX-1", "implementing", name="睢县产业园")
    county = make_user(Role.COUNTY_OFFICE, MINQUAN)
    disclosure_publish(
        acting_user=county,
        kind=DisclosureKind.LIBRARY,
        region=data.county,
        year=2018,
        starts_on=timezone.localdate() - timedelta(days=1),
    )
    today = timezone.localdate()
    _warning(data.county, "a", today - timedelta(days=2))  # overdue
    _warning(data.county, "b", today + timedelta(days=5))
    _warning(data.county, "c", today - timedelta(days=9), WarningState.CLOSED)
    _warning(suixian, "d", date(2018, 1, 1))
    return data, county


def test_the_county_office_sees_stages_notices_funds_and_warnings(scene):
    data, county = scene
    panel = _panel(_home(county))
    assert "已纳入年度计划" in panel and "睢县产业园" not in panel
    counts = re.findall(r'data-testid="stage-count">(\d+)<', panel)
    assert sorted(map(int, counts)) == [1, 1, 1, 1]  # applied, in library, planned, completed
    assert _badge(panel, "notices-now") == "1"
    assert _badge(panel, "funds-received") == "600000.00"  # came down from the city
    assert _badge(panel, "funds-disbursed") == "300000.00"
    assert _badge(panel, "funds-paid") == "1600.00"
    assert _badge(panel, "warnings-open") == "2" and _badge(panel, "warnings-overdue") == "1"
    assert reverse("projects:disclosure_new") in panel


def test_the_city_sees_the_city(scene, make_user):
    panel = _panel(_home(make_user(Role.CITY_OFFICE, CITY)))
    assert 'data-region="411400000000"' in panel
    assert sum(map(int, re.findall(r'data-testid="stage-count">(\d+)<', panel))) == 5
    assert _badge(panel, "funds-received") == "1000000.00"  # the city's own fund
    assert _badge(panel, "funds-allocated") == "600000.00"
    assert _badge(panel, "warnings-open") == "3" and _badge(panel, "warnings-overdue") == "2"


def test_treasury_sees_funds_a_village_and_a_sector_only_the_library(scene, make_user):
    data, _county = scene
    treasury = _panel(_home(make_user(Role.SECTOR, MINQUAN, department=Department.TREASURY)))
    assert _badge(treasury, "funds-paid") == "1600.00" and _badge(treasury, "warnings-open") == "2"
    village = _panel(_home(make_user(Role.VILLAGE, data.village.code)))
    assert _badge(village, "notices-now") == "0"  # the county's notice is not the village's
    assert "funds-figures" not in village and "warnings-figures" not in village
    assert "stage-count" in village
    education = _panel(_home(make_user(Role.SECTOR, MINQUAN, department=Department.EDUCATION)))
    assert "stage-count" in education and "funds-figures" not in education
    assert "notices-now" not in education
    assert _panel(_home(make_user(Role.HOTLINE, CITY))) == ""


def test_the_panel_is_a_few_grouped_queries(scene, make_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tuopin.web.project_figures import projects_panel

    city_office = make_user(Role.CITY_OFFICE, CITY)
    city = Region.objects.get(code=CITY)
    projects_panel(city_office, city, 2018)  # the user's assignments, cached
    with CaptureQueriesContext(connection) as queries:
        panel = projects_panel(city_office, city, 2018)
    assert panel["funds"]["paid"] == 1600
    assert len(queries) <= 12, [q["sql"] for q in queries]


def test_my_work_offers_the_projects_waiting_for_the_users_step(make_user):
    from conftest import RENHE, first_village
    from tuopin.projects.enums import ProjectStage
    from tuopin.projects.tests.funds_factories import a_project
    from tuopin.web.figures import ledger_work, my_work

    village = first_village(RENHE).code
    a_project("A-1", region=village, stage=ProjectStage.APPRAISED)
    a_project("A-2", region=village, stage=ProjectStage.APPRAISED)
    a_project("R-1", region=village, stage=ProjectStage.RETURNED)
    a_project("S-1", county=SUIXIAN, stage=ProjectStage.APPRAISED)  # another county's
    county = dict(my_work(make_user(Role.COUNTY_OFFICE, MINQUAN))["links"])
    waiting = f"{reverse('projects:library')}?stage=appraised"
    assert county["待办理的项目：县行业部门已论证（2 个）"] == waiting
    assert not any("已退回" in label for label in county)  # the village re-applies, not the county
    cadre = dict(my_work(make_user(Role.VILLAGE, village))["links"])
    assert "待办理的项目：已退回（1 个）" in cadre
    assert not any(
        label.startswith("待办理的项目")
        for label, _url in my_work(make_user(Role.AUDITOR, CITY))["links"]
    )
    treasury = make_user(Role.SECTOR, MINQUAN, department=Department.TREASURY)
    labels = [label for label, _url in ledger_work(treasury, [])["links"]]
    assert "资金预警" in labels and "扶贫资金台账" in labels
