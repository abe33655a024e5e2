"""Logins on SQLite while the worker imports a county file and recounts quality.

The incident of ADR 0008, measured: a fresh SQLite file (WAL, as deployed) with a seeded
county, the county exported to csv and removed, then the import job (and the quality
recount it queues) run by a real `tuopin worker` process while threads of this process
log in and out through Django's test client. Prints how long the jobs took and how long
logins waited (p50/p95/max), and every failure.

Usage: .venv/bin/python benchmarks/sqlite_logins.py [--households 20000] [--clients 4]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDER = Path(tempfile.mkdtemp(prefix="tuopin-sqlite-logins-"))
os.environ.pop("DATABASE_URL", None)
os.environ["TUOPIN_SQLITE_PATH"] = str(FOLDER / "tuopin.sqlite3")
os.environ["MEDIA_ROOT"] = str(FOLDER / "media")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.base")
os.environ.setdefault("TUOPIN_ENV", "development")  # the development key; no SECRET_KEY needed
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from tests.test_jobs_beside_logins import forget_county  # noqa: E402

COUNTY = "411421000000"  # 民权县


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    from django.contrib.auth import get_user_model

    from tuopin.accounts.demo import DEMO_PASSWORD, demo_users_ensure
    from tuopin.core.models import Job, JobStatus
    from tuopin.core.services import job_enqueue
    from tuopin.registry.interchange.exporter import export_registry, households_under
    from tuopin.registry.seed import seed_registry

    call_command("migrate", verbosity=0)
    call_command("regions", "load", verbosity=0)
    demo_users_ensure()
    seed_registry(households=args.households, region_code=COUNTY, seed=1)
    name = f"uploads/{uuid.uuid4().hex}.csv"  # as the upload form names it
    upload = Path(settings.MEDIA_ROOT) / name
    upload.parent.mkdir(parents=True, exist_ok=True)
    rows = export_registry(households_under(COUNTY[:6]), upload)
    forget_county(COUNTY[:6])
    print(f"file: {args.households:,} households, {rows:,} rows; database {FOLDER}", flush=True)

    waits: list[float] = []
    failures: list[str] = []
    stop = threading.Event()
    lock = threading.Lock()

    def log_in_and_out() -> None:
        try:
            while not stop.is_set():
                client = Client()
                begin = time.perf_counter()
                try:
                    response = client.post(
                        "/accounts/login/", {"username": "village", "password": DEMO_PASSWORD}
                    )
                    problem = None if response.status_code == 302 else response.status_code
                except Exception as error:  # noqa: BLE001 - the figure is the failures
                    problem = f"{type(error).__name__}: {error}"
                took = time.perf_counter() - begin
                with lock:
                    waits.append(took)
                    if problem:
                        failures.append(f"after {took:.1f} s: {problem}")
                client.post("/accounts/logout/")
                time.sleep(0.2)
        finally:
            connection.close()

    owner = get_user_model().objects.get(username="county")
    job = job_enqueue(
        acting_user=owner,
        kind="registry.import",
        region_code=COUNTY,
        params={"upload": name, "partial": True},
    )
    connection.close()
    threads = [threading.Thread(target=log_in_and_out) for _ in range(args.clients)]
    for thread in threads:
        thread.start()
    time.sleep(1)
    began = time.perf_counter()
    worker = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "tuopin"), "worker"], cwd=ROOT, env=os.environ.copy()
    )
    try:
        while True:
            time.sleep(0.5)
            kinds = dict(Job.objects.values_list("kind", "status"))
            connection.close()
            if kinds.get("registry.quality") in (JobStatus.SUCCEEDED, JobStatus.FAILED):
                break
            if kinds.get("registry.import") == JobStatus.FAILED:
                break
            if worker.poll() is not None:
                raise SystemExit("the worker stopped")
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        worker.terminate()
        worker.wait()
    elapsed = time.perf_counter() - began
    for done in Job.objects.order_by("id"):
        took = (done.finished_at - done.started_at).total_seconds() if done.finished_at else None
        print(f"job {done.kind}: {done.status}, {took:.1f} s", flush=True)
    ordered = sorted(waits)
    print(
        f"{len(waits)} logins by {args.clients} clients over {elapsed:.1f} s of jobs: "
        f"p50 {statistics.median(ordered) * 1000:.0f} ms, "
        f"p95 {ordered[int(len(ordered) * 0.95) - 1] * 1000:.0f} ms, max {ordered[-1]:.1f} s; "
        f"{len(failures)} failed; load {os.getloadavg()[0]:.2f}"
    )
    for failure in failures[:10]:
        print("  failed", failure)
    del job


if __name__ == "__main__":
    main()
