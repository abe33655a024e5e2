"""The ledger pages as people use them: filters, totals, pages, the household panel, the
measures' source, the navigation and home card; Chinese only on a Chinese screen."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from conftest import MINQUAN
from tests.test_no_codes_on_screen import Page, latin_words
from tuopin.accounts.roles import Role
from tuopin.assistance.models import EmploymentRecord
from tuopin.assistance.tests.factories_pages import (
    FORESTRY,
    HRSS,
    MINQUAN_VILLAGE,
    department_user,
    ledgers,
    sector_user,
)
from tuopin.registry.services import measure_add

pytestmark = pytest.mark.django_db


def _client(user, language: str = "zh-hans") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def _words(response) -> list[str]:
    return latin_words(" ".join(Page(response.content.decode()).text))


def test_filters_totals_and_pages(make_user):
    data = ledgers()
    for n in range(60):  # people outside the registry, unreviewed
        EmploymentRecord.objects.create(
            region_id=MINQUAN_VILLAGE,
            year=2019,
            id_number=f"41142119900101{n:04d}",
            name=f"务工{n}",
            status="1",
        )
    client = _client(sector_user(make_user, HRSS))
    url = reverse("assistance:ledger_list", args=["employment"])
    everything = client.get(url)
    assert everything.context["totals"]["rows"] == 61
    assert everything.context["totals"]["not_registered"] == 60
    assert len(everything.context["rows"]) == 50 and everything.context["next_after"]
    second = client.get(url, {"after": everything.context["next_after"]})
    assert len(second.context["rows"]) == 11 and second.context["next_after"] is None
    registered = client.get(url, {"in_registry": "yes"})
    assert [row[0] for row in registered.context["rows"]] == [data.own_employment]
    assert client.get(url, {"year": 2018}).context["totals"]["rows"] == 1
    by_name = client.get(url, {"q": "务工7"})
    assert by_name.context["totals"]["rows"] == 1
    by_id = client.get(url, {"q": data.own_employment.id_number})
    assert [row[0] for row in by_id.context["rows"]] == [data.own_employment]
    by_number = client.get(url, {"q": "4114211012010"})
    assert by_number.context["totals"]["rows"] == 1
    bad = client.get(url, {"region": "41x"})
    assert bad.status_code == 200 and bad.context["form"].errors
    assert client.get(url, {"review_status": "none"}).context["totals"]["rows"] == 61
    assert client.get(url, {"review_status": "pending"}).context["totals"]["rows"] == 0
    # The full ID number is not on the page; unknown income is 未填报, not 0.
    body = everything.content.decode()
    assert data.own_employment.id_number not in body and "未填报" in body


def test_the_ledger_index_counts_and_totals(make_user):
    ledgers()
    county = _client(department_user(make_user, Role.COUNTY_OFFICE, MINQUAN))
    index = county.get(reverse("assistance:ledgers"))
    figures = {f.kind.code: f for f in index.context["figures"]}
    assert figures["employment"].rows == 1 and figures["loan"].amount == Decimal("50000.00")
    assert figures["student_aid"].rows == 1 and figures["ranger"].rows == 1
    assert figures["ranger_pay"].amount == Decimal("0.00") and figures["pv_station"].rows == 0
    assert figures["employment"].amount is None  # a ledger without amounts shows none
    hotline = _client(department_user(make_user, Role.HOTLINE, MINQUAN))
    assert hotline.get(reverse("assistance:ledgers")).status_code == 403


def test_the_household_page_has_the_panel_and_the_measures_say_their_source(make_user):
    data = ledgers()
    county = department_user(make_user, Role.COUNTY_OFFICE, MINQUAN)
    measure_add(acting_user=county, household=data.own_household, category="03", year=2018)
    measure_add(
        acting_user=county,
        household=data.own_household,
        category="05",
        year=2018,
        source="employment",
    )
    page = _client(county).get(reverse("registry:household", args=[data.own_household.pk]))
    body = page.content.decode()
    panel = reverse("assistance:household_ledgers", args=[data.own_household.pk])
    assert f'hx-get="{panel}"' in body
    assert "手工录入" in body and "就业台账" in body
    assert not _words(page)


def test_navigation_and_the_sector_home_card(make_user):
    ledgers()
    sector = _client(sector_user(make_user, FORESTRY))
    home = sector.get(reverse("web:home"))
    nav = [item["label"] for item in home.context["nav_items"]]
    assert "行业台账" in [str(label) for label in nav]
    card = [f.kind.code for f in home.context["ledgers"]]
    assert card == ["ranger", "ranger_pay"]
    assert 'data-testid="home-rows-ranger">1<' in home.content.decode()
    assert "林业局" in home.content.decode()
    hotline = _client(department_user(make_user, Role.HOTLINE, MINQUAN)).get(reverse("web:home"))
    assert "行业台账" not in [str(item["label"]) for item in hotline.context["nav_items"]]
    county = _client(department_user(make_user, Role.COUNTY_OFFICE, MINQUAN))
    assert county.get(reverse("web:home")).context["ledgers"] == []


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_code_or_english_word_on_the_ledger_pages(make_user, language):
    data = ledgers()
    county = _client(department_user(make_user, Role.COUNTY_OFFICE, MINQUAN), language)
    urls = [reverse("assistance:ledgers")]
    for kind, entry in (
        ("employment", data.own_employment),
        ("insurance", data.own_insurance),
        ("loan", data.own_loan),
        ("student_aid", data.own_payment),
        ("ranger", data.stranger_ranger),
    ):
        urls += [
            reverse("assistance:ledger_list", args=[kind]),
            reverse("assistance:ledger_entry", args=[kind, entry.pk]),
        ]
    urls += [
        reverse("assistance:ledger_entry_new", args=["employment"]),
        reverse("assistance:ledger_entry_edit", args=["loan", data.own_loan.pk]),
        reverse("assistance:household_ledgers", args=[data.own_household.pk]),
        reverse("assistance:ledger_list", args=["pv_station"]),
    ]
    for url in urls:
        response = county.get(url)
        assert response.status_code == 200, url
        words = _words(response)
        if language == "zh-hans":
            assert not words, (url, words)
        else:
            text = " ".join(Page(response.content.decode()).text)
            for chinese in (
                "审核状态",
                "未审核",
                "行业台账",
                "就业台账",
                "人社局",
                "不在建档立卡库中",
            ):
                assert chinese not in text, (url, chinese)
