"""Every coverage check counted on the analytic copy equals the database's count.

A county's registry and a year of every ledger, seeded with the problems the seed
plants (assistance/seed.py: PLANTED), counted per region both ways; the checks of
ON_COPY must agree exactly, and they are the ones coverage_refresh counts on the copy.
"""

import pytest

from tuopin.assistance import models as ledgers
from tuopin.assistance.coverage import CHECKS, context_for
from tuopin.assistance.coverage.on_copy import DATABASE_ONLY, ON_COPY
from tuopin.assistance.coverage.snapshot import coverage_refresh, region_counts
from tuopin.assistance.models import CoverageCount
from tuopin.assistance.seed import seed_ledgers
from tuopin.registry.analytic.analytic_copy import analytic_connection
from tuopin.registry.analytic.queries import rows_on_copy
from tuopin.registry.seed import seed_registry

pytestmark = pytest.mark.django_db

COUNTY = "411421"


@pytest.fixture
def seeded(shangqiu):
    seed_registry(households=500, region_code=COUNTY, seed=3, year=2018)
    return seed_ledgers(region_prefix=COUNTY, year=2018, seed=3)


def compared(prefix: str, copy) -> dict[str, tuple[list, list]]:
    context = context_for(None, region_prefix=prefix, year=2018)
    found = {}
    for code, check in CHECKS.items():
        grouped = region_counts(check, context)
        found[code] = (sorted(grouped), sorted(rows_on_copy(copy, grouped)))
    return found


def differing(found: dict) -> dict:
    return {code: pair for code, pair in found.items() if code in ON_COPY and pair[0] != pair[1]}


def test_the_copy_counts_every_listed_check_as_the_database_does(seeded):
    assert ON_COPY | set(DATABASE_ONLY) == set(CHECKS) and not ON_COPY & set(DATABASE_ONLY)
    with analytic_connection("", mirrors=True) as copy:
        for prefix in ("", COUNTY, "411421101"):
            assert not differing(compared(prefix, copy)), prefix
        found = compared("", copy)
    # Agreeing on nothing would prove nothing: the seed plants problems for many checks.
    # How many varies: it draws them from row ids, and on PostgreSQL the ids depend on the
    # tests run before on the worker (sequences are not rolled back). 16 and 19+ of 38
    # have been seen; a third is the floor.
    finding = [code for code, (on_db, _) in found.items() if on_db]
    assert len(finding) >= len(CHECKS) // 3, finding


def test_the_copy_follows_ledger_writes_with_and_without_history(seeded):
    with analytic_connection("", mirrors=True) as copy:
        before = compared("", copy)
    # Through the ORM, recorded in the history: a payment gone, a loan's amount changed.
    ledgers.Payment.objects.order_by("pk").first().delete()
    loan = ledgers.Loan.objects.order_by("pk").first()
    loan.amount = loan.amount * 10
    loan.save()
    # Without history, as a seed writes: rows the copy can only find by counting.
    ranger = ledgers.Ranger.objects.order_by("pk").first()
    ledgers.Ranger.objects.filter(pk=ranger.pk).delete()
    with analytic_connection("", mirrors=True) as copy:
        after = compared("", copy)
        assert copy.connection.execute(
            "SELECT count(*) FROM assistance_ranger WHERE id = ?", [ranger.pk]
        ).fetchone() == (0,)
        assert copy.connection.execute(
            "SELECT amount FROM assistance_loan WHERE id = ?", [loan.pk]
        ).fetchone() == (loan.amount,)
    assert not differing(after)
    assert after != before


def test_the_refresh_stores_the_same_counts_from_the_copy_and_the_database(seeded):
    def stored():
        return sorted(CoverageCount.objects.values_list("check_code", "region_code", "count"))

    coverage_refresh(prefix="4114", year=2018, on_copy=False)
    on_db = stored()
    coverage_refresh(prefix="4114", year=2018, on_copy=True)
    assert stored() == on_db and on_db
