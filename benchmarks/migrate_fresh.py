"""`tuopin migrate` of an empty database: what every test worker paid before its first test.

Creates a fresh SQLite file in a temporary folder, or, with --postgres URL, a new database
on that server (named PREFIX_migrate_bench_<pid>, dropped afterwards unless --keep),
migrates it in this process, and prints wall time, this process's CPU seconds and the
PostgreSQL backend's (docs/benchmarks.md, "Migrating a fresh database").

Usage: .venv/bin/python benchmarks/migrate_fresh.py
           [--postgres postgres://postgres@127.0.0.1:5432/postgres] [--prefix tuopin] [--keep]
"""

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--postgres", help="URL of a database on the server to create the new one")
parser.add_argument("--prefix", default="tuopin", help="start of the new database's name")
parser.add_argument("--keep", action="store_true", help="keep the database (its name is printed)")
args = parser.parse_args()

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.base")
os.environ.setdefault("TUOPIN_ENV", "development")
folder = Path(tempfile.mkdtemp(prefix="tuopin-migrate-bench-"))
name = f"{args.prefix}_migrate_bench_{os.getpid()}"
if args.postgres:
    import psycopg

    with psycopg.connect(args.postgres, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = args.postgres.rsplit("/", 1)[0] + "/" + name
else:
    os.environ.pop("DATABASE_URL", None)
    os.environ["TUOPIN_SQLITE_PATH"] = str(folder / "tuopin.sqlite3")
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.migrations.loader import MigrationLoader  # noqa: E402

from benchmarks.server_cpu import server_cpu  # noqa: E402


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


try:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    backend_before = server_cpu() or 0.0
    cpu_before, wall_before = cpu(), time.perf_counter()
    call_command("migrate", verbosity=0)
    wall, process = time.perf_counter() - wall_before, cpu() - cpu_before
    backend = server_cpu()
    print(
        f"{connection.vendor} ({name if args.postgres else folder}): "
        f"{len(loader.graph.nodes)} migrations in the graph; migrate "
        f"{wall:.1f} s wall, {process:.1f} CPU-s (process)"
        + (f", {backend - backend_before:.1f} CPU-s (PostgreSQL backend)" if backend else "")
        + f"; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
finally:
    connection.close()
    if args.postgres and not args.keep:
        with psycopg.connect(args.postgres, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
