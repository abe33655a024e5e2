"""Home and region pages at city scale (issue 12): p95 of every demo role's home page and
of a region page at each level, which read the stored totals, never the registry.

Usage (SQLite: a database file to create or reuse; PostgreSQL: DATABASE_URL):
    .venv/bin/python benchmarks/pages.py --sqlite /tmp/pages/city.sqlite3 \\
        [--households 230000] [--cases 3000] [--requests 40]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tuopin_pages \\
        .venv/bin/python benchmarks/pages.py

The registry is seeded city-wide (`tuopin seed --households N --seed 1`) only when the
database holds none; a second run reuses it. Open exit cases spread over
the city's villages at every step (direct rows, so the task lists and the case figures
have something to count) and the stored quality counts of the city (one refresh, as the
`registry.quality` job does) are added once. Each page is requested through Django's test
client in this process, after two warm-up requests, `--requests` times; prints p50, p95
and the slowest, with the load average.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def arguments():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sqlite", type=Path, help="SQLite file to create or reuse")
    parser.add_argument("--households", type=int, default=230_000)
    parser.add_argument("--cases", type=int, default=3_000, help="open exit cases to plant")
    parser.add_argument("--requests", type=int, default=40, help="requests per page")
    parser.add_argument("--year", type=int, default=2018)
    return parser.parse_args()


ARGS = arguments()
if "DATABASE_URL" not in os.environ:
    path = ARGS.sqlite or Path(tempfile.mkdtemp()) / "pages.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    os.environ["TUOPIN_SQLITE_PATH"] = str(path)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.base")
os.environ.setdefault("TUOPIN_ENV", "development")  # the development key; no SECRET_KEY needed
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp())

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

CITY, COUNTY, TOWNSHIP, VILLAGE = "411400000000", "411421000000", "411421101000", "411421101201"
DEMO_USERS = ("city", "county", "township", "village", "sector", "inspector", "hotline", "auditor")


def load() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def say(text: str) -> None:
    print(f"{text}  [{load()}]", flush=True)


def timed(label: str, function):
    start = time.perf_counter()
    result = function()
    say(f"{label}: {time.perf_counter() - start:.1f} s")
    return result


def prepare() -> None:
    from tuopin.accounts.demo import demo_users_ensure
    from tuopin.registry.models import Household, QualitySnapshot, RegionYearTotal
    from tuopin.registry.totals import totals_refresh

    call_command("migrate", verbosity=0)
    call_command("regions", "load", verbosity=0)
    demo_users_ensure()
    if not Household.objects.exists():
        timed(
            f"seed {ARGS.households:,} households",
            lambda: call_command("seed", households=ARGS.households, seed=1, verbosity=0),
        )
    if not RegionYearTotal.objects.exists():  # a registry seeded before the year totals
        timed("refresh the stored totals, city", lambda: totals_refresh(prefix=""))
    plant_cases()
    if not QualitySnapshot.objects.filter(prefix="", year=ARGS.year).exists():
        from tuopin.registry.quality_snapshot import quality_refresh

        timed("quality counts stored, city", lambda: quality_refresh(prefix="", year=ARGS.year))


def plant_cases() -> None:
    """Open exit cases over the city, cycling through the route's steps."""
    from django.contrib.auth import get_user_model

    from tuopin.cases.enums import CaseKind
    from tuopin.cases.models import Case
    from tuopin.cases.services import current_route
    from tuopin.registry.enums import PovertyStatus
    from tuopin.registry.models import Household

    have = Case.objects.count()
    if have >= ARGS.cases:
        return
    route = current_route(CaseKind.EXIT)
    proposer = get_user_model().objects.get(username="village")
    households = Household.objects.filter(status=PovertyStatus.PRE_EXIT).order_by("id")
    every = max(1, households.count() // ARGS.cases)
    picked = list(households.values_list("id", "village_id")[::every][: ARGS.cases - have])
    Case.objects.bulk_create(
        [
            Case(
                kind=CaseKind.EXIT,
                route=route,
                region_id=village,
                household_id=household,
                year=ARGS.year,
                step_index=index % len(route.steps),
                proposer=proposer,
                reason="benchmark",
            )
            for index, (household, village) in enumerate(picked)
        ],
        batch_size=2000,
    )
    say(f"planted {len(picked):,} open exit cases")


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(label: str, client: Client, path: str) -> float:
    for _ in range(2):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    samples = []
    for _ in range(ARGS.requests):
        start = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    p95 = percentile(samples, 0.95)
    say(
        f"{label:<34} {path:<24} p50 {statistics.median(samples):6.0f} ms  "
        f"p95 {p95:6.0f} ms  max {max(samples):6.0f} ms"
    )
    return p95


def main() -> None:
    from django.contrib.auth import get_user_model

    from tuopin.cases.models import Case
    from tuopin.registry.models import Household, Member

    say(f"database: {connection.vendor}")
    prepare()
    say(
        f"registry: {Household.objects.count():,} households, "
        f"{Member.objects.count():,} members, {Case.objects.count():,} cases"
    )
    users = get_user_model().objects
    city = Client()
    city.force_login(users.get(username="city"))
    # A light page through the same middleware, to read the others against the load.
    measure("reference: account page, city", city, "/accounts/profile/")
    worst = 0.0
    for name in DEMO_USERS:
        client = Client()
        client.force_login(users.get(username=name))
        worst = max(worst, measure(f"home page, {name}", client, "/"))
    for level, code in (
        ("city", CITY),
        ("county", COUNTY),
        ("township", TOWNSHIP),
        ("village", VILLAGE),
    ):
        worst = max(worst, measure(f"region page, {level}", city, f"/regions/{code}/"))
    measure("county summary, city", city, "/policy/counties/")
    say(f"worst p95 of the home and region pages: {worst:.0f} ms")


if __name__ == "__main__":
    main()
