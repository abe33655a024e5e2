"""Ledger seed benchmark (issue 13): a year of every sector ledger for the city registry.

Usage (the city registry already seeded with `tuopin seed --households 230000 --seed 1`,
or pass --households to seed it first):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tuopin_bench_ledgers \\
        .venv/bin/python benchmarks/ledger_seed.py [--region 4114] [--households N] \\
        [--year 2018] [--seed 1] [--repeat 1]

Times `seed_ledgers` (which first removes the region's ledgers of the year, so a repeat
measures the same work) and prints the rows per ledger, the planted problems, the rows
per second and the load average. Target: the city's about 3 million rows in a few
minutes on PostgreSQL.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.base")
os.environ.setdefault("TUOPIN_ENV", "development")  # the development key; no SECRET_KEY needed
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp())

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from tuopin.assistance.seed import seed_ledgers  # noqa: E402
from tuopin.registry.models import Household, Member  # noqa: E402
from tuopin.registry.seed import seed_registry  # noqa: E402


def load() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def say(text: str) -> None:
    print(f"{text}  [{load()}]", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--region", default="4114", help="village-code prefix (default the city)")
    parser.add_argument("--households", type=int, help="seed this many households first")
    parser.add_argument("--year", type=int, default=2018)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    say(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    if args.households:
        started = time.monotonic()
        seed_registry(households=args.households, region_code=args.region, seed=args.seed)
        say(f"registry seeded: {args.households:,} households, {time.monotonic() - started:.1f} s")
    households = Household.objects.filter(village__code__startswith=args.region).count()
    members = Member.objects.filter(household__village__code__startswith=args.region).count()
    say(f"registry in scope: {households:,} households, {members:,} members")
    for run in range(1, args.repeat + 1):

        def progress(state: dict) -> None:
            say(
                f"  {state['step']}/{state['steps']} {state['ledger']}: "
                f"{state['rows']:,} rows, {state['seconds']:.1f} s"
            )

        started = time.monotonic()
        result = seed_ledgers(
            region_prefix=args.region, year=args.year, seed=args.seed, progress=progress
        )
        seconds = time.monotonic() - started
        for table, count in result["rows"].items():
            print(f"    {table}: {count:,}")
        print("    planted:", ", ".join(f"{k} {v:,}" for k, v in result["planted"].items()))
        say(
            f"run {run}: {result['total']:,} ledger rows in {seconds:.1f} s = "
            f"{result['total'] / seconds:,.0f} rows/s (measures: {result['measures']})"
        )


if __name__ == "__main__":
    main()
