"""Foundation benchmark: region loading, scoped pages and API, the job queue.

Usage:
    .venv/bin/python benchmarks/foundation.py                 # a fresh SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tuopin_bench .venv/bin/python \
        benchmarks/foundation.py                              # an empty PostgreSQL database

Prints one line per figure. The database is migrated and filled by the script; use an
empty or throw-away database.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
if "DATABASE_URL" not in os.environ:
    os.environ["TUOPIN_SQLITE_PATH"] = str(Path(tempfile.mkdtemp()) / "bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.base")
os.environ.setdefault("TUOPIN_ENV", "development")  # the development key; no SECRET_KEY needed
os.environ["MEDIA_ROOT"] = tempfile.mkdtemp()

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

settings.ALLOWED_HOSTS = ["testserver"]


def timed(label: str, function, repeat: int = 1):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    if repeat == 1:
        print(f"{label}: {samples[0] * 1000:.0f} ms")
    else:
        samples.sort()
        p95 = samples[int(len(samples) * 0.95) - 1]
        print(
            f"{label}: p50 {statistics.median(samples) * 1000:.1f} ms, "
            f"p95 {p95 * 1000:.1f} ms over {repeat}"
        )
    return samples


def main() -> None:
    print(f"database: {connection.vendor}")
    call_command("migrate", verbosity=0)
    from tuopin.accounts.demo import demo_users_ensure
    from tuopin.core.jobs import worker_loop
    from tuopin.core.services import job_enqueue
    from tuopin.regions.selectors import region_stats
    from tuopin.regions.services import regions_load

    timed("regions load, empty database (5,045 divisions)", regions_load)
    timed("regions load, unchanged file", regions_load)
    timed("regions stats (city)", lambda: region_stats(""), repeat=50)
    demo_users_ensure()
    from django.contrib.auth import get_user_model

    users = {u.username: u for u in get_user_model().objects.all()}
    city, village = Client(), Client()
    city.force_login(users["city"])
    village.force_login(users["village"])
    timed(
        "page /regions/<city>/ as city office",
        lambda: city.get("/regions/411400000000/"),
        repeat=100,
    )
    timed(
        "page /regions/<county>/ as city office",
        lambda: city.get("/regions/411421000000/"),
        repeat=100,
    )
    timed(
        "API /api/v1/regions?q=村 as city office (limit 500)",
        lambda: city.get("/api/v1/regions", {"q": "村", "limit": 500}),
        repeat=100,
    )
    timed(
        "API /api/v1/regions?q=村 as village user",
        lambda: village.get("/api/v1/regions", {"q": "村"}),
        repeat=100,
    )

    for _ in range(20):
        job_enqueue(acting_user=users["city"], kind="regions.export", region_code="411400000000")
    start = time.perf_counter()
    ran = worker_loop(once=True, heartbeat=False)
    elapsed = time.perf_counter() - start
    print(
        f"job queue: {ran} city-wide region exports (5,045 rows xlsx each) in "
        f"{elapsed:.2f} s = {elapsed / ran * 1000:.0f} ms per job"
    )


if __name__ == "__main__":
    main()
