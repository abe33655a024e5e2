"""The household page's 「帮扶台账」 panel at city scale (issue 13): p95 ≤ 300 ms.

Usage (SQLite: a database file to create or reuse; PostgreSQL: DATABASE_URL):
    .venv/bin/python benchmarks/ledger_panel.py --sqlite /tmp/ledgers/city.sqlite3 \\
        [--households 230000] [--requests 200]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tuopin_ledgers \\
        .venv/bin/python benchmarks/ledger_panel.py

The registry is seeded city-wide (`tuopin seed --households N --seed 1`) only when the
database holds none. The ledgers come from `tuopin.assistance.seed.seed_ledgers` (a year of
every ledger, about 3.5 million rows for the city). Each panel (and the API's household
ledgers) is then requested for `--requests` different households of 民权县, as the county
office (every ledger) and as a 卫健 sector user; prints p50, p95 and the slowest.
"""

import argparse
import os
import random
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
    parser.add_argument("--requests", type=int, default=200, help="households asked, per user")
    parser.add_argument("--year", type=int, default=2018)
    return parser.parse_args()


ARGS = arguments()
if "DATABASE_URL" not in os.environ:
    path = ARGS.sqlite or Path(tempfile.mkdtemp()) / "ledgers.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    os.environ["TUOPIN_SQLITE_PATH"] = str(path)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.base")
os.environ.setdefault("TUOPIN_ENV", "development")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp())

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

COUNTY = "411421"


def load() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def say(text: str) -> None:
    print(f"{text}  [{load()}]", flush=True)


def timed(label: str, function):
    start = time.perf_counter()
    result = function()
    say(f"{label}: {time.perf_counter() - start:.1f} s")
    return result


# ------------------------------------------------------------------ the data


def prepare() -> None:
    from tuopin.accounts.demo import demo_users_ensure
    from tuopin.assistance.models import HealthInsurance
    from tuopin.registry.models import Household

    call_command("migrate", verbosity=0)
    call_command("regions", "load", verbosity=0)
    demo_users_ensure()
    if not Household.objects.exists():
        timed(
            f"seed {ARGS.households:,} households",
            lambda: call_command("seed", households=ARGS.households, seed=1, verbosity=0),
        )
    if HealthInsurance.objects.exists():
        return
    from tuopin.assistance.seed import seed_ledgers

    timed("seed_ledgers", lambda: seed_ledgers(year=ARGS.year, seed=1))


# ------------------------------------------------------------------ the measurement


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(label: str, client: Client, paths: list[str]) -> float:
    for path in paths[:2]:
        assert client.get(path).status_code == 200, path
    samples = []
    for path in paths:
        start = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    p95 = percentile(samples, 0.95)
    say(
        f"{label:<44} n={len(samples)} p50 {statistics.median(samples):6.0f} ms  "
        f"p95 {p95:6.0f} ms  max {max(samples):6.0f} ms"
    )
    return p95


def main() -> None:
    from django.contrib.auth import get_user_model

    from tuopin.accounts.roles import Department
    from tuopin.assistance.models import (
        DoctorContract,
        EmploymentRecord,
        HealthInsurance,
        Payment,
        StudentEnrolment,
    )
    from tuopin.registry.models import Household, Member

    say(f"database: {connection.vendor}")
    prepare()
    counts = {
        model.__name__: model.objects.count()
        for model in (HealthInsurance, DoctorContract, EmploymentRecord, StudentEnrolment, Payment)
    }
    say(
        f"registry: {Household.objects.count():,} households, {Member.objects.count():,} "
        f"members; ledgers: {sum(counts.values()):,} rows in the five largest tables {counts}"
    )
    ids = list(
        Household.objects.filter(village__code__startswith=COUNTY).values_list("id", flat=True)
    )
    picked = random.Random(1).sample(ids, min(ARGS.requests, len(ids)))
    users = get_user_model().objects
    sector = users.get(username="sector")
    sector.assignments.update(department=Department.HEALTH)
    worst = 0.0
    for name, user in (("county", users.get(username="county")), ("sector (卫健)", sector)):
        client = Client()
        client.force_login(user)
        worst = max(
            worst,
            measure(
                f"household panel, {name}",
                client,
                [f"/ledgers/households/{pk}/ledgers/" for pk in picked],
            ),
        )
        measure(
            f"API household ledgers, {name}",
            client,
            [f"/api/v1/households/{pk}/ledgers" for pk in picked],
        )
    say(f"worst p95 of the household panel: {worst:.0f} ms (goal ≤ 300 ms)")
    # The ledger index counts each ledger over the user's scope (no goal in the issue).
    for name in ("city", "county"):
        client = Client()
        client.force_login(users.get(username=name))
        measure(f"ledger index, {name}", client, ["/ledgers/"] * 10)
        measure(f"ledger index for one year, {name}", client, [f"/ledgers/?year={ARGS.year}"] * 10)
        measure(f"insurance list, {name}", client, ["/ledgers/insurance/"] * 10)
    client = Client()
    client.force_login(sector)
    measure("home page with the ledger card, sector", client, ["/"] * 10)


if __name__ == "__main__":
    main()
