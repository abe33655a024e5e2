"""The enterprises (or workshops) import's CPU by thread: the reading thread, the writer
thread (ADR 0018) and the PostgreSQL backend of each, with two decimals, for the file
`people_import.py` would import next, created then unchanged.

`people_import.py` prints the process's CPU and the database's to a tenth of a second;
on a loaded machine the writer's backend is the side that moved (ADR 0028), and a
tenth is the whole of some differences. `--profile` adds cProfile of both threads.

Usage (a database the people_import benchmark has seeded; a fresh copy for each run
makes every run a first import into empty tables):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tuopin_bench_people \\
        .venv/bin/python benchmarks/orgs_threads.py [enterprises|workshops] [--profile]
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.people_import import (  # noqa: E402 (sets Django up)
    _run_number,
    enterprises,
    prepare,
    registry,
    workshops,
)
from benchmarks.server_cpu import OtherBackends, server_cpu  # noqa: E402


def _printed(profile: cProfile.Profile, title: str, lines: int) -> None:
    text = io.StringIO()
    pstats.Stats(profile, stream=text).sort_stats("cumulative").print_stats(lines)
    print(title, text.getvalue()[:8000])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("layout", nargs="?", choices=["enterprises", "workshops"])
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    layout = args.layout or "enterprises"

    from tuopin.core import writer_thread
    from tuopin.people.orgs_importer import import_orgs

    prepare(60_000)
    homes, people, villages = registry()
    run = _run_number(villages[0])
    if layout == "enterprises":
        path = enterprises(villages, people, 2_000, 5, run)
    else:
        path = workshops(villages, people, 1_000, 20, run)

    writer: dict = {}
    run_writer = writer_thread.WriterThread._run

    def timed_run(thread) -> None:
        start = time.thread_time()
        profile = cProfile.Profile() if args.profile else None
        if profile:
            profile.enable()
        try:
            run_writer(thread)
        finally:
            if profile:
                profile.disable()
                writer["profile"] = profile
            writer["cpu"] = time.thread_time() - start

    writer_thread.WriterThread._run = timed_run
    for expected in ("created", "unchanged"):
        writer.clear()
        backend, others = server_cpu(), OtherBackends().start()
        wall, process, reading = time.perf_counter(), time.process_time(), time.thread_time()
        profile = cProfile.Profile() if args.profile else None
        if profile:
            profile.enable()
        report = import_orgs(layout, path)
        if profile:
            profile.disable()
        wall, process = time.perf_counter() - wall, time.process_time() - process
        reading = time.thread_time() - reading
        writer_backend, backend = others.stop(), server_cpu() - backend
        assert not report.errors and getattr(report, expected) == report.rows, report.as_dict()
        print(
            f"{layout} {expected}: {report.rows:,} rows {wall:.2f} s "
            f"{report.rows / wall:,.0f} rows/s; CPU process {process:.2f} s (reading thread "
            f"{reading:.2f}, writer thread {writer.get('cpu', 0):.2f}), backends: reading "
            f"{backend:.2f}, writer {writer_backend:.2f}; load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        if profile:
            _printed(profile, "READING", 40)
        if "profile" in writer:
            _printed(writer["profile"], "WRITER", 25)


if __name__ == "__main__":
    main()
