"""The people app's one scope rule: who reads and keeps each topic, where."""

import pytest

from conftest import MINQUAN, RENHE, SUIXIAN, first_village
from tuopin.accounts.roles import Department, Role
from tuopin.people import access
from tuopin.people.access import (
    BRANCHES,
    HELPERS,
    TEAMS,
    TOPICS,
    VISITS,
    WORKSHOPS,
    keep_q,
    may_keep,
    may_read,
    read_q,
    topics_read_by,
)
from tuopin.regions.models import Region

pytestmark = pytest.mark.django_db


def test_offices_read_every_topic_of_their_region_and_no_other(make_user):
    county = make_user(Role.COUNTY_OFFICE, MINQUAN)
    assert topics_read_by(county) == list(TOPICS)
    assert may_read(county, TEAMS, first_village(RENHE).code)
    assert not may_read(county, TEAMS, SUIXIAN)
    regions = Region.objects.filter(read_q(county, TEAMS, "code"))
    assert regions.exists() and all(r.code.startswith("411421") for r in regions)


def test_a_sector_user_reads_only_the_topics_of_the_department(make_user):
    organisation = make_user(Role.SECTOR, MINQUAN, department=Department.ORGANISATION)
    assert set(topics_read_by(organisation)) == {
        TEAMS,
        access.ATTENDANCE,
        BRANCHES,
        access.TRAINING,
    }
    assert may_keep(organisation, TEAMS, MINQUAN) and not may_keep(organisation, HELPERS)
    hrss = make_user(Role.SECTOR, MINQUAN, department=Department.HUMAN_RESOURCES)
    assert topics_read_by(hrss) == [WORKSHOPS] and may_keep(hrss, WORKSHOPS, MINQUAN)
    health = make_user(Role.SECTOR, MINQUAN, department=Department.HEALTH)
    assert topics_read_by(health) == []
    assert not Region.objects.filter(read_q(health, TEAMS, "code")).exists()


def test_who_keeps_what(make_user):
    village = make_user(Role.VILLAGE, first_village(RENHE).code)
    assert may_keep(village, VISITS, first_village(RENHE).code)
    assert not may_keep(village, TEAMS) and not may_keep(village, HELPERS)
    township = make_user(Role.TOWNSHIP, RENHE)
    assert may_keep(township, HELPERS, first_village(RENHE).code)
    inspector = make_user(Role.INSPECTOR, MINQUAN)
    assert may_read(inspector, HELPERS) and not any(may_keep(inspector, t) for t in TOPICS)
    hotline = make_user(Role.HOTLINE, MINQUAN)
    assert topics_read_by(hotline) == []
    assert not Region.objects.filter(keep_q(hotline, TEAMS, "code")).exists()
