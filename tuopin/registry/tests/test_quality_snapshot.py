"""The scorecard read from stored counts equals the live scorecard, within scope."""

import pytest
from django.test import Client
from django.urls import reverse

from conftest import CITY, MINQUAN, RENHE, SUIXIAN, first_village
from tuopin.accounts.roles import Role
from tuopin.core.jobs import worker_loop
from tuopin.core.models import Job, JobStatus
from tuopin.core.services import job_enqueue
from tuopin.registry.models import QualityCount, QualitySnapshot
from tuopin.registry.quality import quality_by_region
from tuopin.registry.quality_snapshot import quality_refresh, quality_scorecard
from tuopin.registry.seed import seed_registry
from tuopin.registry.services import household_register
from tuopin.registry.tests.factories import family


def as_table(card) -> dict:
    return {row.check.code: (row.counts, row.total) for row in card.rows} | {
        "columns": [c.code for c in card.columns]
    }


@pytest.fixture
def registry(shangqiu):
    seed_registry(households=60, region_code=MINQUAN, seed=5)
    seed_registry(households=20, region_code=SUIXIAN, seed=6)


@pytest.mark.parametrize(
    ("role", "region", "viewed"),
    [
        (Role.CITY_OFFICE, CITY, CITY),
        (Role.COUNTY_OFFICE, MINQUAN, MINQUAN),
        (Role.COUNTY_OFFICE, MINQUAN, RENHE),
    ],
)
def test_stored_counts_equal_the_live_scorecard(registry, make_user, role, region, viewed):
    user = make_user(role, region)
    live = quality_by_region(user, region_code=viewed, year=2018)
    quality_refresh(prefix="4114", year=2018)
    card, snapshot = quality_scorecard(user, region_code=viewed, year=2018)
    assert snapshot is not None and snapshot.prefix == "4114"
    assert as_table(card) == as_table(live)


def test_a_county_user_sees_only_its_county_in_the_stored_city_counts(registry, make_user):
    quality_refresh(prefix="", year=2018)
    assert QualityCount.objects.filter(region_code__startswith="411422").exists()
    county = make_user(Role.COUNTY_OFFICE, MINQUAN)
    card, _ = quality_scorecard(county, region_code=CITY, year=2018)
    suixian = [c.code for c in card.columns].index(SUIXIAN)
    assert sum(row.total for row in card.rows) > 0  # the seed plants defects
    assert all(row.counts[suixian] == 0 for row in card.rows)
    assert as_table(card) == as_table(quality_by_region(county, region_code=CITY, year=2018))


def test_counts_change_at_the_next_refresh_and_narrower_refreshes_win(registry, make_user):
    office = make_user(Role.COUNTY_OFFICE, MINQUAN)
    quality_refresh(prefix="", year=2018)
    before = as_table(quality_scorecard(office, region_code=MINQUAN, year=2018)[0])
    members = family()
    members[1]["ethnicity"] = ""  # one more household with an empty key field
    household_register(
        acting_user=office,
        village_code=first_village(RENHE).code,
        number="9001",
        attributes={},
        members=members,
    )
    assert as_table(quality_scorecard(office, region_code=MINQUAN, year=2018)[0]) == before
    live = as_table(quality_by_region(office, region_code=MINQUAN, year=2018))
    assert live != before
    quality_refresh(prefix="411421", year=2018)
    card, snapshot = quality_scorecard(office, region_code=MINQUAN, year=2018)
    assert snapshot.prefix == "411421" and as_table(card) == live
    # Other years were never counted: computed live.
    assert quality_scorecard(office, region_code=MINQUAN, year=2017)[1] is None


def test_the_job_counts_and_the_page_says_when(registry, make_user):
    office = make_user(Role.COUNTY_OFFICE, MINQUAN)
    client = Client()
    client.force_login(office)
    page = client.get(reverse("quality:scorecard"), {"region": MINQUAN}).content.decode()
    assert "尚未后台统计" in page and "registry.quality" in page
    job_enqueue(
        acting_user=office, kind="registry.quality", region_code=MINQUAN, params={"year": 2018}
    )
    worker_loop(once=True, heartbeat=False)
    job = Job.objects.get(kind="registry.quality")
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert list(QualitySnapshot.objects.values_list("prefix", "year")) == [("411421", 2018)]
    assert not QualityCount.objects.exclude(region_code__startswith="411421").exists()
    page = client.get(reverse("quality:scorecard"), {"region": MINQUAN}).content.decode()
    assert "统计于" in page
