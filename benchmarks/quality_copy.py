"""Quality and coverage refreshes on the database vs on the analytic copy (issue 16).

Usage (a copy of the seeded city, e.g. `createdb -T tpl_city230k NAME_city`, migrated;
for the coverage checks with a year of ledgers, `seed_ledgers`, as benchmarks/ledger_checks.py):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME_city MEDIA_ROOT=/tmp/NAME_media \\
        .venv/bin/python benchmarks/quality_copy.py [--checks quality coverage] \\
        [--prefix 4114] [--year 2018] [--repeat 2]

For each kind of checks: times its refresh with every check on the database, then the
copy built once, then the refresh with the checks of its ON_COPY on the copy (brought
current first: nothing changed, so that is the check of what changed). Checks the
stored counts are equal. Prints wall, this process's CPU-s (DuckDB's threads included)
and PostgreSQL's backend CPU-s, with the load average. It writes only the stored counts.
"""

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.base")
os.environ.setdefault("TUOPIN_ENV", "development")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp())

import django  # noqa: E402

django.setup()

from benchmarks.server_cpu import server_cpu  # noqa: E402
from tuopin.assistance.coverage import on_copy as coverage_copy  # noqa: E402
from tuopin.assistance.coverage.snapshot import coverage_refresh  # noqa: E402
from tuopin.assistance.models import CoverageCount  # noqa: E402
from tuopin.registry import quality_copy  # noqa: E402
from tuopin.registry.analytic.analytic_copy import copy_rebuild  # noqa: E402
from tuopin.registry.models import QualityCount  # noqa: E402
from tuopin.registry.quality_snapshot import quality_refresh  # noqa: E402

# Each kind of checks: its refresh, the counts it stores, the checks run on the copy.
KINDS = {
    "quality": (quality_refresh, QualityCount, quality_copy.ON_COPY),
    "coverage": (coverage_refresh, CoverageCount, coverage_copy.ON_COPY),
}


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(label: str, function, **arguments) -> None:
    started, cpu_started, server_started = time.perf_counter(), cpu(), server_cpu()
    function(**arguments)
    server = server_cpu()
    server_part = f"{server - server_started:.2f}" if server is not None else "—"
    print(
        f"{label}: wall {time.perf_counter() - started:.2f} s, process CPU "
        f"{cpu() - cpu_started:.2f} s, PostgreSQL CPU {server_part} s, "
        f"load {os.getloadavg()[0]:.1f}",
        flush=True,
    )


def stored(model, year: int) -> list:
    return sorted(model.objects.filter(year=year).values_list("check_code", "region_code", "count"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefix", default="4114")
    parser.add_argument("--year", type=int, default=2018)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--checks", nargs="+", choices=list(KINDS), default=["quality"])
    args = parser.parse_args()
    arguments = dict(prefix=args.prefix, year=args.year)
    built = False
    for kind in args.checks:
        refresh, model, on_copy = KINDS[kind]
        print(f"{kind}: {len(on_copy)} of the checks on the copy", flush=True)
        for attempt in range(args.repeat):
            timed(
                f"{kind} refresh on the database ({attempt + 1})",
                refresh,
                **arguments,
                on_copy=False,
            )
        on_database = stored(model, args.year)
        if not built:
            timed("full build of the copy", copy_rebuild)
            built = True
        for attempt in range(args.repeat):
            timed(f"{kind} refresh on the copy ({attempt + 1})", refresh, **arguments)
        print(f"{kind} stored counts equal:", stored(model, args.year) == on_database, flush=True)


if __name__ == "__main__":
    main()
