"""The data-quality scorecard pages: checks × regions, drill-down, xlsx download."""

from io import BytesIO

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from conftest import MINQUAN, RENHE, SUIXIAN, other_county_village
from tuopin.accounts.roles import Role
from tuopin.audit.models import AccessKind, AccessLog
from tuopin.registry.models import Household
from tuopin.registry.tests.test_quality import clean_household


@pytest.fixture
def households(office, make_user, village):
    """Two households without fuel in 人和镇, one in 睢县."""
    suixian_office = make_user(Role.COUNTY_OFFICE, SUIXIAN)
    found = [
        clean_household(office, village, "0001"),
        clean_household(office, village, "0002"),
        clean_household(suixian_office, other_county_village(SUIXIAN), "0001"),
    ]
    clean_household(office, village, "0003")
    Household.objects.filter(pk__in=[h.pk for h in found]).update(main_fuel="")
    return found


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_scorecard_shows_checks_by_child_region_with_links(office, households):
    page = login(office).get(reverse("quality:scorecard"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "民权县" in html and "人和镇" in html and "主要燃料类型为空" in html
    drill = f"{reverse('quality:list', args=['empty_fuel'])}?region={RENHE}&amp;year=2018"
    assert f'<a href="{drill}">2</a>' in html
    total = f"{reverse('quality:list', args=['empty_fuel'])}?region={MINQUAN}&amp;year=2018"
    assert f'<a href="{total}">2</a>' in html
    # A township by its 9-digit prefix: villages as columns.
    page = login(office).get(reverse("quality:scorecard"), {"region": RENHE[:9], "year": "2017"})
    assert page.status_code == 200 and households[0].village.name in page.content.decode()


def test_a_region_outside_the_scope_is_not_found_and_logged(office, households):
    client = login(office)
    assert client.get(reverse("quality:scorecard"), {"region": SUIXIAN}).status_code == 404
    assert client.get(reverse("quality:scorecard"), {"region": "4114"}).status_code == 404
    assert client.get(reverse("quality:scorecard"), {"region": "12"}).status_code == 404
    listing = reverse("quality:list", args=["empty_fuel"])
    assert client.get(listing, {"region": SUIXIAN}).status_code == 404
    assert AccessLog.objects.filter(user=office, kind=AccessKind.DENIED).count() == 3


def test_a_bad_year_falls_back_with_a_warning(office, households):
    page = login(office).get(reverse("quality:scorecard"), {"year": "1999"})
    assert page.status_code == 200 and "年度“1999”无效" in page.content.decode()


def test_the_drill_down_lists_the_households_in_scope(office, households):
    client = login(office)
    page = client.get(reverse("quality:list", args=["empty_fuel"]), {"region": MINQUAN})
    html = page.content.decode()
    assert page.status_code == 200 and "共 2 户" in html
    for household in households[:2]:
        assert reverse("registry:household", args=[household.pk]) in html
    assert reverse("registry:household", args=[households[2].pk]) not in html
    assert "王建国" in html and reverse("quality:download", args=["empty_fuel"]) in html
    unknown = client.get(reverse("quality:list", args=["no_such_check"]))
    assert unknown.status_code == 404


def test_the_download_is_an_xlsx_of_the_list_and_is_logged(office, households):
    response = login(office).get(
        reverse("quality:download", args=["empty_fuel"]), {"region": MINQUAN, "year": "2018"}
    )
    assert response.status_code == 200
    assert "quality-empty_fuel-411421-2018.xlsx" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "主要燃料类型为空（empty_fuel）"
    assert rows[2] == (
        "区划代码",
        "乡镇（街道）",
        "行政村（社区）",
        "户编号",
        "户主",
        "脱贫状态",
        "贫困户属性",
    )
    village = households[0].village
    assert rows[3:] == [
        (village.code, "人和镇", village.name, number, "王建国", "已脱贫(享受政策)", "一般贫困户")
        for number in ("0001", "0002")
    ]
    entry = AccessLog.objects.get(kind=AccessKind.EXPORT)
    assert entry.user == office and entry.region_code == MINQUAN
    assert entry.object_type == "quality_check" and entry.object_id == "empty_fuel"
    assert "2 户" in entry.detail


def test_a_village_cadre_sees_its_village_but_cannot_download(make_user, households, village):
    cadre = make_user(Role.VILLAGE, village.code)
    client = login(cadre)
    page = client.get(reverse("quality:scorecard"))
    assert page.status_code == 200
    html = page.content.decode()
    drill = f"{reverse('quality:list', args=['empty_fuel'])}?region={village.code}&amp;year=2018"
    assert f'<a href="{drill}">2</a>' in html
    listing = client.get(reverse("quality:list", args=["empty_fuel"])).content.decode()
    assert "共 2 户" in listing and reverse("quality:download", args=["empty_fuel"]) not in listing
    download = client.get(reverse("quality:download", args=["empty_fuel"]))
    assert download.status_code == 403
    assert not AccessLog.objects.filter(kind=AccessKind.EXPORT).exists()


def test_anonymous_users_are_sent_to_log_in(households):
    response = Client().get(reverse("quality:scorecard"))
    assert response.status_code == 302
