"""Work-team checks and the roster import at city scale.

Usage (a throw-away PostgreSQL database):
    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE tuopin_bench_teams"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tuopin_bench_teams \\
        .venv/bin/python benchmarks/team_checks.py [--months 1] [--skip-seed]

Seeds a team of three in every village of the city (4,834 villages, about 14,500
postings) with `--months` months of daily attendance (about 440,000 rows a month),
marks every tenth village poor with one of ten without a team, then times each check
over the city, the scorecard's per-county counts, and the roster import of one county
from CSV (created, then re-imported unchanged).
"""

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if "DATABASE_URL" not in os.environ:
    os.environ["TUOPIN_SQLITE_PATH"] = str(Path(tempfile.mkdtemp()) / "bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.base")
os.environ.setdefault("TUOPIN_ENV", "development")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

YEAR = 2018


def seed(months: int) -> None:
    from tuopin.people.models import Attendance, Posting, WorkTeam
    from tuopin.regions.models import Region
    from tuopin.regions.services import regions_load
    from tuopin.registry.idnumbers import make_id_number
    from tuopin.registry.models import Helper

    call_command("migrate", verbosity=0)
    if not Region.objects.exists():
        regions_load()
    if WorkTeam.objects.exists():
        return
    started = time.perf_counter()
    rng = random.Random(1)
    villages = list(Region.objects.filter(level="village").order_by("code"))
    Region.objects.filter(code__in=[v.code for v in villages[::10]]).update(is_poor_village=True)
    teams = [
        WorkTeam(village=v, sending_unit="县直单位", started_on=date(YEAR - 1, 3, 1))
        for i, v in enumerate(villages)
        if i % 100 != 0  # one poor village in ten without a team
    ]
    WorkTeam.objects.bulk_create(teams, batch_size=5000)
    cadres, postings = [], []
    for n, team in enumerate(teams):
        for k, role in enumerate(("secretary", "member", "member")):
            seq = n * 3 + k
            cadres.append(
                Helper(
                    region_id=team.village_id[:6].ljust(12, "0"),
                    name=f"干部{seq}",
                    id_number=make_id_number(
                        team.village_id[:6],
                        date(1960 + seq % 40, 1 + seq % 12, 1 + seq % 28),
                        seq % 500,
                        "1",
                    ),
                )
            )
            postings.append((team, len(cadres) - 1, role))
    Helper.objects.bulk_create(cadres, batch_size=5000)
    rows = [
        Posting(team=t, cadre=cadres[i], role=r, started_on=date(YEAR - 1, 3, 1))
        for t, i, r in postings
    ]
    Posting.objects.bulk_create(rows, batch_size=5000)
    first = date(YEAR, 1, 1)
    for m in range(months):
        start = date(YEAR, 1 + m, 1)
        days = [
            start + timedelta(d) for d in range(31) if (start + timedelta(d)).month == start.month
        ]
        batch = [
            Attendance(
                posting=p,
                day=d,
                status="present"
                if rng.random() < 0.85
                else ("leave" if rng.random() < 0.5 else "absent"),
                reason="事假",
            )
            for p in rows
            for d in days
        ]
        Attendance.objects.bulk_create(batch, batch_size=10000)
    print(
        f"seed: {len(teams):,} teams, {len(rows):,} postings, "
        f"{Attendance.objects.count():,} attendance rows since {first} "
        f"in {time.perf_counter() - started:.1f} s",
        flush=True,
    )


def city_user():
    from django.contrib.auth import get_user_model

    from tuopin.accounts.roles import Role
    from tuopin.accounts.services import user_create
    from tuopin.regions.models import Region

    user = get_user_model().objects.filter(username="bench_city").first()
    return user or user_create(
        acting_user=None,
        username="bench_city",
        password="Shangqiu#2018",
        role=Role.CITY_OFFICE,
        region=Region.objects.get(code="411400000000"),
    )


def time_checks() -> None:
    from tuopin.people.team_checks import CHECKS, finding_codes

    user = city_user()

    total = 0.0
    for check in CHECKS:
        started = time.perf_counter()
        found = len(finding_codes(check.function(user, "4114", YEAR)))
        took = time.perf_counter() - started
        total += took
        print(f"{check.code:24} {found:>8,} findings  {took:6.2f} s", flush=True)
    print(f"all checks, city: {total:.2f} s", flush=True)


def time_import() -> None:
    from tuopin.people.models import Posting
    from tuopin.people.teams_import import import_teams

    rows = list(
        Posting.objects.filter(team__village__code__startswith="411421").select_related(
            "team", "cadre"
        )
    )
    token = str(time.time_ns())[-6:]  # new cadres on every run
    path = Path(tempfile.mkdtemp()) / "roster.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(
            ["村代码", "派出单位", "姓名", "身份证号", "队内职务", "进驻日期", "期满日期"]
        )
        label = {"secretary": "第一书记", "leader": "队长", "member": "队员"}
        for p in rows:
            writer.writerow(
                [
                    p.team.village_id,
                    "新派单位",
                    p.cadre.name + token,
                    "",
                    label[p.role],
                    "2019-03-01",
                    "",
                ]
            )
    for what in ("created", "unchanged"):
        started = time.perf_counter()
        report = import_teams(path)
        took = time.perf_counter() - started
        print(
            f"roster import ({what}): {report.rows:,} rows in {took:.1f} s = "
            f"{report.rows / took:,.0f} rows/s; errors {len(report.errors)}",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--months", type=int, default=1)
    parser.add_argument("--skip-seed", action="store_true")
    parser.add_argument("--skip-import", action="store_true")
    options = parser.parse_args()
    if not options.skip_seed:
        seed(options.months)
    time_checks()
    if not options.skip_import:
        time_import()


if __name__ == "__main__":
    main()
