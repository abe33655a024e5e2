"""Quality refresh on the database vs on the analytic copy (issue 16, quality checks).

Usage (a copy of the seeded city, e.g. `createdb -T tpl_city230k NAME_city`, migrated):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME_city MEDIA_ROOT=/tmp/NAME_media \\
        .venv/bin/python benchmarks/quality_copy.py [--prefix 4114] [--year 2018] [--repeat 2]

Times `quality_refresh` with every check on the database, then the copy built once,
then `quality_refresh` with the checks of quality_copy.ON_COPY on the copy (brought
current first: nothing changed, so that is the check of what changed). Checks the
stored counts are equal. Prints wall, this process's CPU-s (DuckDB's threads included)
and PostgreSQL's backend CPU-s, with the load average. It writes only QualityCount rows.
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
from tuopin.registry.analytic.analytic_copy import copy_rebuild  # noqa: E402
from tuopin.registry.models import QualityCount  # noqa: E402
from tuopin.registry.quality_copy import ON_COPY  # noqa: E402
from tuopin.registry.quality_snapshot import quality_refresh  # noqa: E402


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(label: str, function) -> None:
    started, cpu_started, server_started = time.perf_counter(), cpu(), server_cpu()
    function()
    server = server_cpu()
    server_part = f"{server - server_started:.2f}" if server is not None else "—"
    print(
        f"{label}: wall {time.perf_counter() - started:.2f} s, process CPU "
        f"{cpu() - cpu_started:.2f} s, PostgreSQL CPU {server_part} s, "
        f"load {os.getloadavg()[0]:.1f}",
        flush=True,
    )


def stored(year: int) -> list:
    return sorted(
        QualityCount.objects.filter(year=year).values_list("check_code", "region_code", "count")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefix", default="4114")
    parser.add_argument("--year", type=int, default=2018)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    print(f"{len(ON_COPY)} of the checks on the copy", flush=True)
    refresh = dict(prefix=args.prefix, year=args.year)
    for attempt in range(args.repeat):
        timed(
            f"refresh on the database ({attempt + 1})",
            lambda: quality_refresh(**refresh, on_copy=False),
        )
    on_database = stored(args.year)
    timed("full build of the copy", copy_rebuild)
    for attempt in range(args.repeat):
        timed(f"refresh on the copy ({attempt + 1})", lambda: quality_refresh(**refresh))
    print("stored counts equal:", stored(args.year) == on_database, flush=True)


if __name__ == "__main__":
    main()
