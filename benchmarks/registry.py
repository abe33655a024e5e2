"""Registry benchmark at city scale: seed, export, import, list/search latency, quality.

Usage (an empty, throw-away database; PostgreSQL for the recorded figures):
    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE tuopin_bench"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tuopin_bench \\
        .venv/bin/python benchmarks/registry.py [--households 230000] [--skip-seed]

Prints one line per figure.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if "DATABASE_URL" not in os.environ:
    os.environ["TUOPIN_SQLITE_PATH"] = str(Path(tempfile.mkdtemp()) / "bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.base")
os.environ.setdefault("TUOPIN_ENV", "development")  # the development key; no SECRET_KEY needed

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

OUT = Path(tempfile.mkdtemp())
PORT = 8765


def timed(label: str, function, unit_count: int | None = None, unit: str = "rows"):
    start = time.perf_counter()
    result = function()
    elapsed = time.perf_counter() - start
    rate = f", {unit_count / elapsed:,.0f} {unit}/s" if unit_count else ""
    print(f"{label}: {elapsed:.1f} s{rate}", flush=True)
    return result


def empty_registry() -> None:
    tables = [
        "registry_memberevent",
        "registry_member",
        "registry_income",
        "registry_measure",
        "registry_householdcause",
        "registry_household",
        "registry_helper",
    ]
    history = [f"registry_historical{t.split('_', 1)[1]}" for t in tables if "event" not in t]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables + history)} CASCADE")
        else:
            for table in tables + history:
                cursor.execute(f"DELETE FROM {table}")


def latency(cookie: str, paths: list[str], clients: int = 10, requests: int = 30) -> list[float]:
    samples: list[float] = []
    lock = threading.Lock()

    def client(index: int):
        for n in range(requests):
            path = paths[(index + n) % len(paths)]
            request = urllib.request.Request(
                f"http://127.0.0.1:{PORT}{quote(path, safe='/?=&')}", headers={"Cookie": cookie}
            )
            start = time.perf_counter()
            with urllib.request.urlopen(request, timeout=60) as response:
                response.read()
            with lock:
                samples.append(time.perf_counter() - start)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(samples)


def load() -> str:
    """The machine's load: figures taken while other work runs read as upper bounds."""
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def transfer(members: int, files: Path | None = None, *, imports: bool = True) -> None:
    from tuopin.registry.interchange.exporter import export_registry, households_under
    from tuopin.registry.interchange.importer import import_registry

    folder = files or OUT
    csv_path, xlsx_path = folder / "city.csv", folder / "city.xlsx"
    for path, label in ((csv_path, "export csv"), (xlsx_path, "export xlsx")):
        if files is None or not path.exists():  # --files: reuse an earlier export
            print(load(), flush=True)
            timed(label, lambda p=path: export_registry(households_under("4114"), p), members)
    print(f"{load()}; xlsx file {xlsx_path.stat().st_size / 2**20:,.0f} MiB", flush=True)
    if not imports:
        return
    timed("import csv, unchanged file", lambda: import_registry(csv_path, partial=True), members)
    empty_registry()
    timed(
        "import csv into an empty registry",
        lambda: import_registry(csv_path, partial=True),
        members,
    )
    empty_registry()
    timed(
        "import xlsx into an empty registry",
        lambda: import_registry(xlsx_path, partial=True),
        members,
    )


def delete_households_under(prefix: str) -> None:
    """Remove a region's households and what hangs on them, in a few statements (a
    throw-away benchmark database: other apps' rows must not refer to them)."""
    under = "SELECT id FROM registry_household WHERE village_id LIKE %s"
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM registry_memberevent WHERE member_id IN (SELECT id FROM "
            f"registry_member WHERE household_id IN ({under}))",
            [prefix + "%"],
        )
        for table in ("registry_householdcause", "registry_income", "registry_measure"):
            cursor.execute(f"DELETE FROM {table} WHERE household_id IN ({under})", [prefix + "%"])
        cursor.execute(
            f"DELETE FROM registry_member WHERE household_id IN ({under})", [prefix + "%"]
        )
        cursor.execute("DELETE FROM registry_household WHERE village_id LIKE %s", [prefix + "%"])
        if connection.vendor == "postgresql":
            for table in ("registry_household", "registry_member", "registry_income"):
                cursor.execute(f"VACUUM ANALYZE {table}")


def county_imports(prefix: str, files: Path | None, repeat: int) -> None:
    """A county's export into the city registry: created (after deleting the county's
    households) and then unchanged, csv and xlsx, `repeat` times each."""
    from tuopin.registry.interchange.exporter import export_registry, households_under
    from tuopin.registry.interchange.importer import import_registry

    folder = files or OUT
    for suffix in ("csv", "xlsx"):
        path = folder / f"{prefix}.{suffix}"
        if not path.exists():
            export_registry(households_under(prefix), path)
        for _ in range(repeat):
            for label in ("created", "unchanged"):
                if label == "created":
                    delete_households_under(prefix)
                print(load(), flush=True)
                start, cpu = time.perf_counter(), time.process_time()
                report = import_registry(path, partial=True)
                elapsed = time.perf_counter() - start
                counts = report.households if label == "created" else report.members
                assert getattr(counts, label) > 0, vars(counts)
                print(
                    f"import {suffix} of {prefix}, {label}: {elapsed:.1f} s, "
                    f"{report.rows / elapsed:,.0f} rows/s ({report.rows:,} rows, "
                    f"{time.process_time() - cpu:.1f} s CPU)",
                    flush=True,
                )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=230_000)
    parser.add_argument("--skip-seed", action="store_true")
    parser.add_argument(
        "--export-only", action="store_true", help="of export and import, run only the exports"
    )
    parser.add_argument("--skip-quality", action="store_true", help="skip the quality checks")
    parser.add_argument(
        "--skip-transfer",
        action="store_true",
        help="skip export and import: only the quality checks and the list latency",
    )
    parser.add_argument(
        "--only",
        choices=["import", "county-import"],
        help="import: only the city import figures, then stop; county-import: a county's "
        "file into the city registry, created and unchanged (--county, --repeat)",
    )
    parser.add_argument("--county", default="411421", help="for county-import (民权县)")
    parser.add_argument("--repeat", type=int, default=3, help="for county-import")
    parser.add_argument(
        "--files", type=Path, help="folder of city.csv/city.xlsx to reuse (exported if missing)"
    )
    args = parser.parse_args()
    print(f"database: {connection.vendor}")
    call_command("migrate", verbosity=0)
    call_command("regions", "load", verbosity=0)
    from tuopin.accounts.demo import demo_users_ensure
    from tuopin.registry.models import Household, Member
    from tuopin.registry.quality import quality_counts

    demo_users_ensure()
    if not args.skip_seed:
        empty_registry()
        timed(
            f"seed {args.households:,} households",
            lambda: call_command("seed", households=args.households, seed=1, verbosity=0),
        )
    members = Member.objects.count()
    print(f"registry: {Household.objects.count():,} households, {members:,} members")
    if args.only == "county-import":
        county_imports(args.county, args.files, args.repeat)
        from tuopin.registry.totals import totals_refresh

        totals_refresh(prefix="")
        return
    if not args.skip_transfer:
        transfer(members, args.files, imports=not args.export_only)
        # The imports above call import_registry itself, not the command or job that
        # recount the list totals afterwards.
        from tuopin.registry.totals import totals_refresh

        totals_refresh(prefix="")
    if args.only == "import":
        return
    if not args.skip_quality:
        from tuopin.registry.quality_snapshot import quality_refresh

        timed("all quality checks, city", lambda: quality_counts(None, region_prefix="4114"))
        # What the scorecard then reads: the same checks grouped by village, stored.
        timed(
            "quality counts stored by village, city, 2018",
            lambda: quality_refresh(prefix="", year=2018),
        )

    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    user = get_user_model().objects.get(username="city")
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    some = Member.objects.order_by("id")[1000]
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "config.wsgi",
            "-w",
            "2",
            "--threads",
            "4",
            "-b",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
    )
    try:
        time.sleep(4)
        paths = [
            "/registry/households/",
            "/registry/households/?status=1",
            f"/registry/households/?q={some.name}",
            f"/registry/households/?q={some.id_number}",
            f"/registry/households/?q={some.household.number}",
            "/registry/households/?region=411421&identified_year=2016",
        ]
        cookie = f"sessionid={session.session_key}"
        api = [
            "/api/v1/households",
            "/api/v1/households?status=1",
            f"/api/v1/households?q={some.name}",
            f"/api/v1/households?q={some.id_number}",
            f"/api/v1/households?q={some.household.number}",
            "/api/v1/households?region=411421",
        ]
        from tuopin.registry.quality_snapshot import covering_snapshot

        figures = [("household list and search", paths), ("household list API", api)]
        # Without stored counts the scorecard runs all checks live: 20 s a request.
        if covering_snapshot("4114", 2018) is not None:
            scorecard = ["/quality/?region=411400000000", "/quality/?region=411421000000"]
            figures.append(("quality scorecard (stored counts)", scorecard))
        for label, urls in figures:
            print(load(), flush=True)
            samples = latency(cookie, urls)
            p95 = samples[int(len(samples) * 0.95) - 1]
            print(
                f"{label}, 10 concurrent clients, {len(samples)} requests: "
                f"p50 {statistics.median(samples) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms; {load()}",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
