"""Bringing the analytic copy current, and a delta run, in CPU seconds per step (issue 16).

Usage (a migrated copy of the seeded city; it WRITES: 1 % of the households changed
per round, and evaluation runs):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME_city MEDIA_ROOT=/tmp/NAME_media \\
        .venv/bin/python benchmarks/copy_current.py --what delta [--rounds 3] [--offset 10]

The first use of a MEDIA_ROOT builds the copy and makes the base run (a full DuckDB run
of the city). Then per round, for `--what`:
- `nothing`: the copy brought current with nothing changed;
- `mirrors`: the same with the mirrors (what every quality, coverage, 帮扶力量 and funds
  refresh pays first);
- `change`: 1 % of the households changed (through `update_with_history`, a different 1 %
  each round from `--offset`), then the copy brought current;
- `mirrors-change`: the same with the mirrors;
- `delta`: 1 % changed, then a DuckDB run of the city (a delta on the base: ADR 0021).

Prints wall, this process's CPU-s (DuckDB's threads included) and its PostgreSQL
backend's, per round and per step of bringing it current (`Copy.steps`' names), and for
`delta` per phase of the run. It reads main's and a branch's code alike (run it from
either tree: the code measured is the working directory's when it holds `tuopin/`), so
both can be measured on copies of one database at about the same time.
"""

import argparse
import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path

# The tree run from: another tree's code (main's) is measured by running this file with
# that tree as the working directory.
ROOT = Path.cwd() if (Path.cwd() / "tuopin").is_dir() else Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.base")
os.environ.setdefault("TUOPIN_ENV", "development")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp())

import django  # noqa: E402

django.setup()

from benchmarks.server_cpu import server_cpu  # noqa: E402
from tuopin.core.bulk import update_with_history  # noqa: E402
from tuopin.core.regioncodes import significant_prefix  # noqa: E402
from tuopin.policy import deltas, runs  # noqa: E402
from tuopin.policy.models import PolicyVersion  # noqa: E402
from tuopin.registry.analytic import analytic_copy  # noqa: E402
from tuopin.registry.analytic.analytic_copy import (  # noqa: E402
    analytic_connection,
    copy_path,
    copy_rebuild,
)
from tuopin.registry.models import Household  # noqa: E402

CITY = "411400000000"


def cpu() -> tuple[float, float]:
    return time.process_time(), server_cpu() or 0.0


def spent(since: tuple[float, float]) -> tuple[float, float]:
    now = cpu()
    return round(now[0] - since[0], 3), round(now[1] - since[1], 3)


class CpuStopwatch(analytic_copy.Stopwatch):
    """The copy's stopwatch, also keeping CPU-s (process, backend) per step."""

    made: list = []

    def __init__(self) -> None:
        super().__init__()
        self.cpu: dict[str, tuple[float, float]] = {}
        self._cpu = cpu()
        CpuStopwatch.made.append(self)

    def lap(self, step: str) -> None:
        super().lap(step)
        process, backend = spent(self._cpu)
        before = self.cpu.get(step, (0.0, 0.0))
        self.cpu[step] = (round(before[0] + process, 3), round(before[1] + backend, 3))
        self._cpu = cpu()


phases: dict = {}


def timed(name: str, function):
    def measured(*args, **kwargs):
        started = cpu()
        try:
            return function(*args, **kwargs)
        finally:
            phases[name] = spent(started)

    return measured


@contextlib.contextmanager
def timed_connection(*args, **kwargs):
    started = cpu()
    opened = analytic_connection(*args, **kwargs)
    copy = opened.__enter__()
    phases["bring current"] = spent(started)
    started = cpu()
    try:
        yield copy
    finally:
        phases["evaluate (DuckDB)"] = spent(started)
        started = cpu()
        opened.__exit__(None, None, None)
        phases["close the copy"] = spent(started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--what",
        choices=["nothing", "mirrors", "change", "mirrors-change", "delta"],
        default="delta",
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--offset", type=int, default=10, help="which 1 %% the first round changes")
    args = parser.parse_args()
    analytic_copy.Stopwatch = CpuStopwatch
    runs.analytic_connection = timed_connection
    runs.deltas.differences = timed("differences", deltas.differences)
    runs.store_results = timed("store", runs.store_results)
    policy = PolicyVersion.objects.get(code="henan-2018", version=1)
    prefix = significant_prefix(CITY)
    if not copy_path().exists():
        copy_rebuild()
        runs.evaluation_run(
            acting_user=None,
            policy=policy,
            year=2018,
            region_code=CITY,
            engine="duckdb",
            full=True,
        )
        print("copy built and base run made", flush=True)
    ids = list(
        Household.objects.filter(village__code__startswith=prefix)
        .order_by("id")
        .values_list("id", flat=True)
    )
    for round_ in range(args.rounds):
        if args.what in ("change", "mirrors-change", "delta"):
            changed = list(Household.objects.filter(pk__in=ids[args.offset + round_ :: 100]))
            for household in changed:
                household.food_secure = None if household.food_secure is not False else True
            update_with_history(changed, Household, ["food_secure"], reason="benchmark")
        CpuStopwatch.made.clear()
        phases.clear()
        wall, started = time.perf_counter(), cpu()
        if args.what == "delta":
            run = runs.evaluation_run(
                acting_user=None, policy=policy, year=2018, region_code=CITY, engine="duckdb"
            )
            what = f"timings {run.timings}"
        else:
            with analytic_connection(prefix, mirrors=args.what.startswith("mirrors")) as copy:
                what = f"{copy.changed_households:,} households reloaded"
        wall = time.perf_counter() - wall
        process, backend = spent(started)
        print(
            f"{args.what} {round_ + 1}: {wall:.2f} s, CPU {process:.3f} + {backend:.3f} = "
            f"{process + backend:.3f} s (process + backend), {what}  "
            f"[load {os.getloadavg()[0]:.1f}]",
            flush=True,
        )
        if phases:
            print(f"    phases (CPU process, backend): {phases}", flush=True)
        for watch in CpuStopwatch.made:
            print(f"    steps (CPU process, backend): {watch.cpu}", flush=True)


if __name__ == "__main__":
    main()
