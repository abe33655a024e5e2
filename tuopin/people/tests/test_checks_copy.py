"""Every 帮扶力量 check counted on the analytic copy equals the database's count.

The demo county's teams, attendance, pairings, visits, workshops and weak branches (with
the demo's planted shortfalls), and a county whose parameters differ from the others'
(the per-county CASE of the checks), counted per region both ways for the city, the
county and a township, for the demo's year and this year; the checks of ON_COPY must
agree exactly. Then the copy after writes with and without history, and the database
answering when DuckDB cannot.
"""

import datetime
import sys
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from conftest import MINQUAN, RENHE, copy_module_media, rows_for_a_module
from tuopin.cases.demo import demo_setup
from tuopin.people.checks import (
    CHECKS,
    check_counts,
    context_for,
    grouped_counts,
    grouped_counts_on_copy,
    scorecard,
)
from tuopin.people.checks.on_copy import DATABASE_ONLY, ON_COPY
from tuopin.people.demo import people_demo
from tuopin.people.models import Attendance, Posting, Visit, WeakBranch
from tuopin.people.params import people_parameter_set
from tuopin.regions.models import Region
from tuopin.registry.analytic import queries

# One worker sets the demo up once for all the module's tests (pytest-xdist would split
# them, and each worker would set it up).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("checks_copy_demo")]

YEARS = (2018, date.today().year)


@pytest.fixture(scope="module")
def built_seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo and its people, set up once for the module's tests, each test in a
    savepoint of it (conftest.rows_for_a_module); the analytic copy is made per test, in
    the test's own MEDIA_ROOT, as before."""
    media = tmp_path_factory.mktemp("seeded-media")
    with rows_for_a_module(django_db_blocker, media) as building:
        with building():
            demo_setup(households=150, seed=1)
            people_demo(
                region_code=MINQUAN, year=2018, seed=1, if_empty=False, say=lambda text: None
            )
            for code, value in (("team_members_min", 4), ("visit_interval_days", 20)):
                people_parameter_set(
                    acting_user=None,
                    code=code,
                    region=Region.objects.get(code=MINQUAN),
                    year=2018,
                    value=value,
                )
        yield media


@pytest.fixture
def seeded(built_seeded, db):
    copy_module_media(built_seeded)


def compared(prefix: str, length: int, year: int) -> dict[str, tuple[dict, dict]]:
    context = context_for(None, region_prefix=prefix, year=year)
    on_copy = grouped_counts_on_copy(prefix, list(CHECKS.values()), context, length)
    # Every listed check ran on the copy: none fell back to the database unseen.
    assert set(on_copy) == ON_COPY
    return {
        code: (grouped_counts(check.offenders(context), length), on_copy.get(code))
        for code, check in CHECKS.items()
    }


def differing(found: dict) -> dict:
    return {code: pair for code, pair in found.items() if code in ON_COPY and pair[0] != pair[1]}


def test_the_copy_counts_every_listed_check_as_the_database_does(seeded):
    assert ON_COPY | set(DATABASE_ONLY) == set(CHECKS) and not ON_COPY & set(DATABASE_ONLY)
    finding = set()
    for year in YEARS:
        for prefix, length in (("", 6), ("4114", 6), (MINQUAN[:6], 9), (RENHE[:9], 12)):
            found = compared(prefix, length, year)
            assert not differing(found), (prefix, year, differing(found))
            finding |= {code for code, (on_db, _) in found.items() if on_db}
    # The demo plants problems for most checks: agreeing on nothing would prove nothing.
    assert len(finding) >= len(CHECKS) - 2, sorted(set(CHECKS) - finding)


def test_counts_and_scorecard_on_the_copy_equal_the_database(seeded, make_user):
    from tuopin.accounts.roles import Role

    county = make_user(Role.COUNTY_OFFICE, MINQUAN)
    for user in (None, county):
        on_db = check_counts(user, region_prefix="411421", year=2018)
        assert check_counts(user, region_prefix="411421", year=2018, on_copy=True) == on_db
        assert any(on_db.values())
    region = Region.objects.get(code=MINQUAN)

    def cells(card):
        return [(row.check.code, row.counts, row.own, row.total) for row in card.rows]

    assert cells(scorecard(county, region=region, year=2018, on_copy=True)) == cells(
        scorecard(county, region=region, year=2018)
    )

    def command(*extra):
        out = StringIO()
        call_command("people", "check", "--region", MINQUAN, "--year", "2018", *extra, stdout=out)
        return [
            line.split()[:2] for line in out.getvalue().splitlines() if line.split()[0] in CHECKS
        ]

    assert command("--on-copy") == command() != []


def test_the_copy_follows_writes_with_and_without_history(seeded):
    def counts():
        return check_counts(None, region_prefix="4114", year=2018, on_copy=True)

    before = counts()
    # Through the ORM, recorded in the history: a posting ended early, a visit gone, a
    # weak branch listed.
    posting = Posting.objects.filter(ended_on__isnull=True).order_by("pk").first()
    posting.ended_on = date(2018, 6, 30)
    posting.save()
    Visit.objects.order_by("-visited_on").first().delete()
    listed = WeakBranch.objects.filter(year=2018).values("village_id")
    village = Region.objects.filter(level="village", code__startswith=MINQUAN[:6]).exclude(
        code__in=listed
    )[0]
    WeakBranch.objects.create(village=village, year=2018, reasons="软弱")
    after = counts()
    assert after == check_counts(None, region_prefix="4114", year=2018)
    assert after["posting_ended_early"] == before["posting_ended_early"] + 1
    # Without history, as a seed writes: a month of absence the copy finds by counting.
    current = Posting.objects.filter(ended_on__isnull=True).order_by("pk").last()
    Attendance.objects.filter(posting=current, day__year=2018, day__month=3).delete()
    Attendance.objects.bulk_create(
        Attendance(
            posting=current, day=date(2018, 3, 1) + datetime.timedelta(days=n), status="absent"
        )
        for n in range(31)
    )
    assert counts() == check_counts(None, region_prefix="4114", year=2018)


def test_the_database_answers_when_duckdb_cannot(seeded, monkeypatch):
    on_db = check_counts(None, region_prefix="4114", year=2018)

    def broken(queryset):
        return "SELECT no_such_column FROM no_such_table", []

    monkeypatch.setattr(queries, "duckdb_sql", broken)
    context = context_for(None, region_prefix="4114", year=2018)
    assert grouped_counts_on_copy("4114", list(CHECKS.values()), context, 6) == {}
    assert check_counts(None, region_prefix="4114", year=2018, on_copy=True) == on_db
    # Without the analytic modules at all (not installed): the database counts every check.
    monkeypatch.setitem(sys.modules, "tuopin.registry.analytic.queries", None)
    assert check_counts(None, region_prefix="4114", year=2018, on_copy=True) == on_db
