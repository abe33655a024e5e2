"""The helpers and enterprises imports' writes, phase by phase: the PostgreSQL backend's
CPU of each kind of statement the import's writer runs (the inserts, updates and history
copies of each model, the foreign-key checks), for the file `people_import.py` would
import next, in one transaction that is rolled back (the database is left as it was, so
runs can alternate). Each argument that is not an option is an SQL statement run first
in that transaction (a variant: `DROP INDEX …`), so that a variant's cost is seen without
changing the database.

The import runs inside the transaction, so its writes are made one block after the
other at the end (`WriteBehind` unthreaded) with the foreign keys deferred; they are
checked by a final `SET CONSTRAINTS ALL IMMEDIATE`, timed on its own.

Usage (a database the people_import benchmark has seeded):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tuopin_bench_people \\
        .venv/bin/python benchmarks/people_writer.py --layout helpers ["DROP INDEX …" …]
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.db import connection, transaction  # noqa: E402

from benchmarks.people_import import (  # noqa: E402 (sets Django up)
    _run_number,
    enterprises,
    helpers,
    prepare,
    registry,
)
from benchmarks.server_cpu import server_cpu  # noqa: E402
from tuopin.core import bulk  # noqa: E402


class _Phases:
    """Backend and process CPU of each bulk write, by model and kind; a nested call (the
    history copy of an insert) is counted on its own, not twice."""

    def __init__(self):
        self.spent: dict[str, list[float]] = {}
        self._stack: list[list[float]] = []

    def wrap(self, kind: str, function, name_of):
        def timed(*args, **kwargs):
            frame = [0.0, 0.0]  # what nested calls spent
            self._stack.append(frame)
            backend, process = server_cpu(), time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                self._stack.pop()
                spent_backend = server_cpu() - backend
                spent_process = time.process_time() - process
                entry = self.spent.setdefault(f"{name_of(args)} {kind}", [0, 0.0, 0.0])
                entry[0] += 1
                entry[1] += spent_backend - frame[0]
                entry[2] += spent_process - frame[1]
                if self._stack:
                    self._stack[-1][0] += spent_backend
                    self._stack[-1][1] += spent_process

        return timed

    def print(self) -> None:
        total = sum(entry[1] for entry in self.spent.values())
        for name, (count, backend, process) in sorted(self.spent.items(), key=lambda i: -i[1][1]):
            print(f"  {backend:6.2f} s backend, {process:5.2f} s process {count:>4}x  {name}")
        print(f"  {total:6.2f} s backend in all")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--layout", choices=["helpers", "enterprises"], default="helpers")
    parser.add_argument("--households", type=int, default=60_000)
    parser.add_argument("variants", nargs="*", help="SQL statements run first")
    args = parser.parse_args()

    from tuopin.people import helpers_importer, importing
    from tuopin.people.helpers_importer import import_helpers
    from tuopin.people.orgs_importer import import_orgs

    prepare(args.households)
    homes, people, villages = registry()
    run = _run_number(villages[0])
    if args.layout == "helpers":
        path = helpers(homes, min(50_000, len(homes)), run)
        importer = import_helpers
    else:
        path = enterprises(villages, people, 2_000, 5, run)
        importer = lambda p: import_orgs("enterprises", p)  # noqa: E731

    phases = _Phases()
    model = lambda args: args[0].__name__  # noqa: E731
    history_model = lambda args: args[0].__name__  # noqa: E731
    patched = [
        (bulk, "_history", phases.wrap("history", bulk._history, history_model)),
        (bulk, "insert_with_history", phases.wrap("insert", bulk.insert_with_history, model)),
    ]
    for module in (helpers_importer, importing):
        for name, kind in (("insert_rows", "insert"), ("update_rows", "update")):
            if hasattr(module, name):
                patched.append((module, name, phases.wrap(kind, getattr(module, name), model)))
        if hasattr(module, "insert_with_history"):
            patched.append((module, "insert_with_history", patched[1][2]))
    saved = [(module, name, getattr(module, name)) for module, name, _f in patched]
    for module, name, function in patched:
        setattr(module, name, function)
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                for statement in args.variants:
                    cursor.execute(statement)
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            backend, process, wall = server_cpu(), time.process_time(), time.perf_counter()
            report = importer(path)
            assert not report.errors, [m.as_dict() for m in report.errors[:3]]
            whole = server_cpu() - backend
            checks = server_cpu()
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            phases.spent["foreign-key checks"] = [1, server_cpu() - checks, 0.0]
            transaction.set_rollback(True)
    finally:
        for module, name, function in saved:
            setattr(module, name, function)
    print(" ".join(args.variants) or "as stored", f"({args.layout}, {report.rows:,} rows)")
    phases.print()
    print(
        f"  import: {whole:.2f} s backend, {time.process_time() - process:.2f} s process, "
        f"{time.perf_counter() - wall:.2f} s wall"
    )
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(f"  load {load}")


if __name__ == "__main__":
    main()
