"""The sector ledgers of the demo (`tuopin demo`, `make run`): a year of every ledger for
the demo county's households, so that every 行业部门 demo user (one per department,
accounts/demo.py) finds their department's ledgers filled, entries waiting for review
(审核) and the seed's planted coverage problems to look at."""

from collections.abc import Callable

from tuopin.accounts.demo import DEMO_COUNTY
from tuopin.assistance import models as ledgers
from tuopin.assistance.coverage.snapshot import coverage_refresh
from tuopin.assistance.enums import ReviewStatus
from tuopin.assistance.seed import seed_ledgers

# Entries of each ledger left waiting for review, at least (the seed leaves about 1%).
PENDING_PER_LEDGER = 3


def ledger_demo(
    *,
    region_code: str = DEMO_COUNTY,
    year: int = 2018,
    seed: int = 1,
    if_empty: bool = False,
    say: Callable[[str], None] = lambda text: None,
) -> dict | None:
    """Seed the demo county's ledgers for `year` (skipped with `if_empty` when it has
    some) and leave entries of every ledger waiting for review. Returns the seed's result,
    or None when skipped."""
    prefix = region_code[:6]
    if (
        if_empty
        and ledgers.HealthInsurance.objects.filter(
            region__code__startswith=prefix, year=year
        ).exists()
    ):
        return None
    result = seed_ledgers(region_prefix=prefix, year=year, seed=seed)
    for model in ledgers.ledger_entry_models():
        # The first few entries of each ledger (by person, so the same ones every time).
        first = (
            model.objects.filter(region__code__startswith=prefix, year=year)
            .exclude(member=None)
            .order_by("id_number", "pk")
            .values_list("pk", flat=True)[:PENDING_PER_LEDGER]
        )
        model.objects.filter(pk__in=list(first)).update(
            review_status=ReviewStatus.PENDING, reviewed_at=None, reviewed_by=None
        )
    pending = sum(
        model.objects.filter(
            region__code__startswith=prefix, review_status=ReviewStatus.PENDING
        ).count()
        for model in ledgers.ledger_entry_models()
    )
    # The coverage scorecard reads stored counts: counted once here, as a job would.
    coverage_refresh(prefix=prefix, year=year)
    planted = sum(result["planted"].values())
    say(
        f"行业台账 {result['total']:,} 行，待审核 {pending:,} 条，故意的核查问题 {planted:,} 处 "
        f"(sector ledgers: {result['total']:,} rows, {pending:,} waiting for review, "
        f"{planted:,} planted coverage problems)"
    )
    result["pending"] = pending
    return result
