"""Coverage checks of helpers and visits list exactly the planted shortfalls."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import MINQUAN, RENHE, SUIXIAN, first_village, other_county_village
from tuopin.accounts.roles import Role
from tuopin.people.checks import offenders, scorecard
from tuopin.people.models import Pairing
from tuopin.people.pairing_services import pairing_start
from tuopin.people.params import people_parameter_set
from tuopin.people.tests.helpers_factories import helper, household
from tuopin.people.visits_services import visit_record
from tuopin.regions.models import Region
from tuopin.registry.enums import PovertyStatus

pytestmark = pytest.mark.django_db


def run_check(user, code, prefix, year):
    return offenders(code, user, region_prefix=prefix, year=year)


@pytest.fixture
def planted(make_user):
    today = timezone.localdate()
    village = first_village(RENHE)
    busy, calm = helper(name="忙"), helper(name="闲")
    homes = []
    for i in range(6):  # six households for one helper: over the limit of 5
        home = household(village)
        pairing_start(acting_user=None, household=home, helper=busy, started_on=None)
        visit_record(acting_user=None, household=home, visited_on=today, title=f"访{i}")
        homes.append(home)
    overdue = household(village)
    pairing_start(acting_user=None, household=overdue, helper=calm, started_on=None)
    visit_record(
        acting_user=None,
        household=overdue,
        visited_on=today - datetime.timedelta(days=45),
        title="旧",
    )
    never = household(village)  # paired recently, not yet visited: not overdue
    pairing_start(
        acting_user=None,
        household=never,
        helper=calm,
        started_on=today - datetime.timedelta(days=3),
    )
    lonely = household(village)  # poor, no helper
    recent_exit = household(village, status=PovertyStatus.EXITED_WITH_POLICY, exit_year=2017)
    old_exit = household(village, status=PovertyStatus.EXITED_NO_POLICY, exit_year=2010)
    household(other_county_village(SUIXIAN))  # another county: not seen by Minquan
    return {
        "village": village,
        "busy": busy,
        "overdue": overdue,
        "lonely": lonely,
        "recent_exit": recent_exit,
        "old_exit": old_exit,
        "never": never,
    }


def test_each_check_lists_exactly_the_planted_shortfalls(make_user, planted):
    user = make_user(Role.COUNTY_OFFICE, MINQUAN)
    no_helper = set(run_check(user, "household_no_helper", "411421", 2018))
    assert no_helper == {planted["lonely"], planted["recent_exit"]}
    assert list(run_check(user, "helper_over_limit", "411421", 2018)) == [planted["busy"]]
    overdue = list(run_check(user, "visit_overdue", "411421", 2018))
    assert overdue == [planted["overdue"]]
    assert overdue[0].helper_name == "闲"


def test_parameters_are_the_countys(make_user, planted):
    user = make_user(Role.COUNTY_OFFICE, MINQUAN)
    minquan = Region.objects.get(code=MINQUAN)
    people_parameter_set(
        acting_user=None, code="helper_households_max", region=minquan, year=2018, value=6
    )
    people_parameter_set(
        acting_user=None, code="visit_interval_days", region=minquan, year=2018, value=60
    )
    people_parameter_set(
        acting_user=None, code="consolidation_years", region=minquan, year=2018, value=10
    )
    assert not run_check(user, "helper_over_limit", "411421", 2018).exists()
    assert not run_check(user, "visit_overdue", "411421", 2018).exists()
    assert set(run_check(user, "household_no_helper", "4114", 2018)) == {
        planted["lonely"],
        planted["recent_exit"],
        planted["old_exit"],
    }


def test_a_village_user_sees_their_village_only_and_the_scorecard_drills_down(make_user, planted):
    village = make_user(Role.VILLAGE, other_county_village(MINQUAN[:6]).code)
    assert not run_check(village, "household_no_helper", "4114", 2018).exists()
    county = make_user(Role.COUNTY_OFFICE, MINQUAN)
    card = scorecard(county, region=Region.objects.get(code=MINQUAN), year=2018)
    totals = {row.check.code: row.total for row in card.rows}
    assert {code: totals[code] for code in ("household_no_helper", "helper_over_limit")} == {
        "household_no_helper": 2,
        "helper_over_limit": 1,
    }
    assert totals["visit_overdue"] == 1
    for row in card.rows:  # the total is the sum of the columns, by construction
        assert row.total == sum(row.counts) + row.own
        # Only the county's own weak-branch list is judged above its townships.
        assert row.own == (1 if row.check.code == "branch_share_outside_range" else 0)
    no_helper = next(row for row in card.rows if row.check.code == "household_no_helper")
    renhe = dict(no_helper.cells)
    assert renhe[Region.objects.get(code=RENHE)] == 2
    over = next(row for row in card.rows if row.check.code == "helper_over_limit")
    assert dict(over.cells)[Region.objects.get(code=RENHE)] == 1


def test_the_pages_and_the_download(make_user, client, planted):
    client.force_login(make_user(Role.COUNTY_OFFICE, MINQUAN))
    page = client.get(reverse("people:checks"), {"region": MINQUAN})
    assert page.status_code == 200 and "帮扶责任人结对户数超过上限" in page.content.decode()
    listing = client.get(reverse("people:check_list", args=["visit_overdue"]), {"region": MINQUAN})
    assert listing.status_code == 200 and planted["overdue"].number in listing.content.decode()
    download = client.get(
        reverse("people:check_download", args=["household_no_helper"]),
        {"region": MINQUAN},
    )
    assert download.status_code == 200
    import io

    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    numbers = {row[2] for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert numbers == {planted["lonely"].number, planted["recent_exit"].number}
    assert (
        client.get(
            reverse("people:check_list", args=["visit_overdue"]), {"region": SUIXIAN}
        ).status_code
        == 404
    )
    assert Pairing.objects.filter(household=planted["lonely"]).count() == 0
