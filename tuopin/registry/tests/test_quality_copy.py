"""Every quality check counted on the analytic copy equals the database's count.

The registry holds a household per planted defect of test_quality (each check finds
something), the boundaries of income and age, generated ID numbers valid, mistyped and
malformed, and a seeded county with the defects the seed plants. Every check is counted
per village both ways; the checks of ON_COPY must agree exactly, and they are the ones
quality_refresh counts on the copy.
"""

import random
from datetime import date

import pytest

from conftest import MINQUAN, SUIXIAN
from tuopin.registry.analytic import queries
from tuopin.registry.analytic.analytic_copy import analytic_connection
from tuopin.registry.analytic.queries import rows_on_copy
from tuopin.registry.enums import MemberStatus
from tuopin.registry.enums import Relation as R
from tuopin.registry.models import Helper, HouseholdCause, Member, QualityCount
from tuopin.registry.quality import CHECKS, context_for
from tuopin.registry.quality_copy import DATABASE_ONLY, ON_COPY
from tuopin.registry.quality_snapshot import quality_refresh, village_counts
from tuopin.registry.seed import seed_registry
from tuopin.registry.tests.test_quality import (
    CASES,
    Env,
    _sample_numbers,
    clean_household,
    set_income,
    suixian_office,  # noqa: F401  (a fixture)
    years_before,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(office, suixian_office, village):  # noqa: F811
    env = Env(office, suixian_office, village)
    for index, code in enumerate(sorted(CASES), start=1):
        CASES[code][0](clean_household(office, village, f"{index:04d}"), env)
    # Per-capita income exactly at the line (fails) and one yuan per person above.
    set_income(clean_household(office, village, "0101"), wages=11980, business=0, transfers=0)
    set_income(clean_household(office, village, "0102"), wages=11984, business=0, transfers=0)
    # Ages on the day of the as-of date and the day after (full years).
    aged = clean_household(office, village, "0103")
    as_of = date(2018, 12, 31)
    for years, delta in ((6, 0), (15, 1), (16, 0), (65, 1), (14, 1), (20, 0)):
        born = years_before(as_of, years)
        born = born.replace(day=born.day - delta) if delta else born
        Member.objects.create(
            household=aged, name="边界", relation=R.OTHER, birth_date=born, id_number=""
        )
    samples = clean_household(office, village, "0104")
    numbers = {n: (b, s) for n, b, s in _sample_numbers(random.Random(16))}
    Member.objects.bulk_create(
        Member(household=samples, name="样本", relation=R.OTHER, id_number=n, birth_date=b, sex=s)
        for n, (b, s) in numbers.items()
    )
    seed_registry(households=60, region_code=SUIXIAN, seed=6)


def compared(prefix: str, copy) -> dict[str, tuple[list, list]]:
    context = context_for(None, region_prefix=prefix, year=2018)
    found = {}
    for code, check in CHECKS.items():
        grouped = village_counts(check, context)
        found[code] = (sorted(grouped), sorted(rows_on_copy(copy, grouped)))
    return found


def test_the_copy_counts_every_listed_check_as_the_database_does(registry):
    assert ON_COPY | set(DATABASE_ONLY) == set(CHECKS) and not ON_COPY & set(DATABASE_ONLY)
    with analytic_connection("", mirrors=True) as copy:
        for prefix in ("", MINQUAN[:6], SUIXIAN[:6]):
            found = compared(prefix, copy)
            differ = {c: f for c, f in found.items() if c in ON_COPY and f[0] != f[1]}
            assert not differ, prefix
        # Every check finds something, so an agreement is no agreement on nothing.
        assert not [code for code, (on_db, _) in compared("", copy).items() if not on_db]


def test_the_copy_follows_changes_to_members_helpers_and_causes(registry):
    with analytic_connection("", mirrors=True) as copy:
        before = dict(compared("", copy))
    member = Member.objects.filter(status=MemberStatus.NORMAL).exclude(ethnicity="").first()
    member.ethnicity = ""
    member.save()  # recorded in the history, as every registry write path is
    helper = Helper.objects.exclude(households=None).first()
    helper.id_number = member.id_number
    helper.save()
    cause = HouseholdCause.objects.first()
    household = cause.household
    cause.delete()
    # An evaluation brings the relations current and leaves the mirrors at their moment;
    # the next computation that reads the mirrors still finds every change since then.
    with analytic_connection("") as copy:
        assert copy.changed_households
        (ethnicity,) = copy.connection.execute(
            "SELECT ethnicity FROM registry_member WHERE id = ?", [member.pk]
        ).fetchone()
        assert ethnicity != ""  # the mirror not read again yet
    with analytic_connection("", mirrors=True) as copy:
        after = compared("", copy)
    assert not {c: f for c, f in after.items() if c in ON_COPY and f[0] != f[1]}
    for code in ("empty_ethnicity", "helper_is_registered_poor"):
        if code in ON_COPY:
            assert after[code][1] != before[code][1], code
    assert not HouseholdCause.objects.filter(household=household, cause=cause.cause).exists()


def test_the_refresh_stores_the_same_counts_from_the_copy_and_the_database(registry):
    def stored():
        return sorted(QualityCount.objects.values_list("check_code", "region_code", "count"))

    quality_refresh(prefix="4114", year=2018, on_copy=False)
    on_db = stored()
    quality_refresh(prefix="4114", year=2018, on_copy=True)
    assert stored() == on_db and on_db


def test_a_check_duckdb_cannot_run_is_counted_on_the_database(office, village, monkeypatch):
    clean_household(office, village, "0001")
    set_income(clean_household(office, village, "0002"), wages=11980, business=0, transfers=0)
    real = queries.duckdb_sql

    def broken_for_income(queryset):
        sql, params = real(queryset)
        return (sql + " no such syntax" if "registry_income" in sql else sql), params

    monkeypatch.setattr(queries, "duckdb_sql", broken_for_income)
    quality_refresh(prefix="4114", year=2018)
    stored = dict(QualityCount.objects.values_list("check_code", "count"))
    assert stored == {"exited_income_below_line": 1}
