"""Coverage checks of the sector ledgers at city scale: every check over the city.

Usage (a throw-away PostgreSQL database; the target is ≤ 30 s for all checks):
    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE tuopin_bench_ledgers"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tuopin_bench_ledgers \\
        .venv/bin/python benchmarks/ledger_checks.py [--households 230000] [--skip-seed]

Seeds the registry (`tuopin seed`) and a year of ledgers: with
`tuopin.assistance.seed.seed_ledgers` (about 3.5 million ledger rows for 230,000
households), then times each check's count (`coverage_counts`) and the city scorecard (one grouped
query per check). Prints one line per check and the totals; `--json` for a JSON summary.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if "DATABASE_URL" not in os.environ:
    os.environ["TUOPIN_SQLITE_PATH"] = str(Path(tempfile.mkdtemp()) / "bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.base")
os.environ.setdefault("TUOPIN_ENV", "development")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from tuopin.assistance.seed import seed_ledgers  # noqa: E402

CITY = "411400000000"
YEAR = 2018


def seed(households: int) -> None:
    from tuopin.registry.models import Household

    if not Household.objects.exists():
        started = time.perf_counter()
        call_command("seed", households=households, region="4114", verbosity=0)
        print(f"registry seed: {time.perf_counter() - started:.1f} s", flush=True)
    from tuopin.assistance.models import HealthInsurance

    if HealthInsurance.objects.exists():
        return
    started = time.perf_counter()
    total = seed_ledgers(region_prefix="4114", year=YEAR, seed=1)["total"]
    print(f"ledger seed: {total:,} rows in {time.perf_counter() - started:.1f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=230_000)
    parser.add_argument("--skip-seed", action="store_true")
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    call_command("migrate", verbosity=0)
    from tuopin.regions.models import Region
    from tuopin.regions.services import regions_load

    if not Region.objects.exists():
        regions_load()
    if not options.skip_seed:
        seed(options.households)

    from tuopin.assistance.coverage import CHECKS, coverage_by_region, coverage_counts

    seconds, counts = {}, {}
    for code in CHECKS:
        started = time.perf_counter()
        counts.update(coverage_counts(None, region_prefix="4114", year=YEAR, codes=[code]))
        seconds[code] = time.perf_counter() - started
        if not options.json:
            print(f"{code:<42} {counts[code]:>9}  {seconds[code]:6.2f} s", flush=True)
    total = sum(seconds.values())
    started = time.perf_counter()
    coverage_by_region(None, region_code=CITY, year=YEAR)
    scorecard = time.perf_counter() - started
    from tuopin.assistance.coverage.snapshot import coverage_refresh, coverage_scorecard

    started = time.perf_counter()
    coverage_refresh(prefix="4114", year=YEAR)
    refresh = time.perf_counter() - started
    started = time.perf_counter()
    coverage_scorecard(None, region_code=CITY, year=YEAR)
    stored = time.perf_counter() - started
    if options.json:
        print(
            json.dumps(
                {
                    "checks": counts,
                    "seconds": seconds,
                    "total": total,
                    "scorecard": scorecard,
                    "refresh": refresh,
                    "stored_scorecard": stored,
                }
            )
        )
    else:
        print(f"all checks over the city: {total:.1f} s (target ≤ 30 s)")
        print(f"city scorecard, live (checks × counties): {scorecard:.1f} s")
        print(f"refresh of the stored counts (tuopin ledgers check --store): {refresh:.1f} s")
        print(f"city scorecard from the stored counts: {stored * 1000:.0f} ms")


if __name__ == "__main__":
    main()
