"""The demo's work teams: a team per poor village, a month of attendance, the planted
shortfalls and the workteam user's place in the demo village's team."""

from datetime import date

import pytest

from conftest import MINQUAN
from tuopin.accounts.roles import Role
from tuopin.people.checks import offenders
from tuopin.people.demo import people_demo
from tuopin.people.models import Attendance, Posting, WorkTeam
from tuopin.people.teams_demo import DEMO_VILLAGE

pytestmark = pytest.mark.django_db


def finding_codes(rows) -> list[str]:
    """The region code of every finding of a check's queryset."""
    return (
        [row["region_code"] for row in rows.values("region_code")]
        if not rows._fields
        else [row["region_code"] for row in rows]
    )


def test_demo_teams_and_planted_shortfalls(make_user):
    make_user(Role.VILLAGE, DEMO_VILLAGE, username="workteam")
    county = make_user(Role.COUNTY_OFFICE, MINQUAN)
    people_demo(region_code=MINQUAN, year=2018, seed=1, if_empty=True, say=lambda text: None)
    teams = WorkTeam.objects.filter(village__code__startswith="411421")
    assert teams.filter(village_id=DEMO_VILLAGE).exists() and teams.count() > 3
    assert Attendance.objects.exists()
    assert Posting.objects.filter(team__village_id=DEMO_VILLAGE, role="secretary").exists()
    year = date.today().year
    assert (
        len(finding_codes(offenders("team_too_small", county, region_prefix="411421", year=year)))
        == 1
    )
    assert (
        len(
            finding_codes(
                offenders("team_without_leader", county, region_prefix="411421", year=year)
            )
        )
        == 1
    )
    assert (
        len(
            finding_codes(offenders("member_days_short", county, region_prefix="411421", year=year))
        )
        >= 1
    )
    assert (
        len(
            finding_codes(
                offenders("posting_ended_early", county, region_prefix="411421", year=2018)
            )
        )
        == 1
    )
    before = Posting.objects.count()
    people_demo(region_code=MINQUAN, year=2018, seed=1, if_empty=False, say=lambda text: None)
    assert Posting.objects.count() == before
