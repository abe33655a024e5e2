"""Project library import benchmark: rows per second of `tuopin import projects` from CSV.

Loads the regions (and seeds a few households of 民权县 for beneficiary lists unless the
database holds some), writes a CSV of N projects spread over the villages of the city's
counties (each with two fundings, one or two villages, an entry of the library and, one
in five, beneficiary households), then times the import twice: the first run (every
project created with its fundings, villages, entry, step and history) and the re-import
of the same file (every row unchanged, nothing written). Prints rows/s and the load.

Usage (an empty, throw-away database; PostgreSQL for the recorded figures):
    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE lib15_bench"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lib15_bench \\
        .venv/bin/python benchmarks/projects_import.py [--projects 5000]
Without DATABASE_URL it runs on a new SQLite file (for information).

Target (issue 15): >= 10,000 rows/s from CSV; 5,000 projects is the city's scale.
"""

import argparse
import csv
import os
import resource
import sys
import tempfile
import time
from datetime import date
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
from django.db import connection  # noqa: E402

from benchmarks.server_cpu import OtherBackends, server_cpu  # noqa: E402

OUT = Path(tempfile.mkdtemp())
CATEGORIES = ["产业发展", "基础设施", "就业扶贫", "危房改造", "公共服务"]


def prepare(households: int) -> None:
    from tuopin.regions.services import regions_load
    from tuopin.registry.models import Household
    from tuopin.registry.seed import seed_registry

    call_command("migrate", verbosity=0)
    regions_load()
    if not Household.objects.exists():
        seed_registry(households=households, region_code="411421000000", seed=1)


def write_file(projects: int, run: int) -> Path:
    from tuopin.projects.library_import import LAYOUT
    from tuopin.regions.models import Region
    from tuopin.registry.models import Household

    villages = list(
        Region.objects.filter(level="village").order_by("code").values_list("code", flat=True)
    )
    homes: dict[str, list[str]] = {}
    for number, village in Household.objects.values_list("number", "village_id"):
        homes.setdefault(village, []).append(number)
    header = [column.header for column in LAYOUT.columns]
    path = OUT / f"projects-{run}.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for n in range(projects):
            village = villages[(n * 7) % len(villages)]
            other = villages[(n * 7 + 1) % len(villages)]
            places = village if other[:6] != village[:6] else f"{village}、{other}"
            beneficiaries = "、".join(homes.get(village, [])[:3]) if n % 5 == 0 else ""
            row = {
                "项目编号": f"B{run}-{n:06d}",
                "项目名称": f"基准项目{n}",
                "申报年度": "2018",
                "项目类别": CATEGORIES[n % len(CATEGORIES)],
                "建设性质": "新建",
                "申报单位区划代码": village,
                "实施地点": places,
                "计划开工日期": "2018-03-01",
                "计划完工日期": "2018-10-31",
                "实施单位": "村民委员会",
                "责任人": "王建设",
                "建设任务": f"建设任务{n}",
                "项目总投资（元）": "300000",
                "中央资金（元）": "200000",
                "县级资金（元）": "100000",
                "绩效目标": "受益贫困户 30 户",
                "带贫减贫机制": "优先雇用贫困户",
                "计划带动贫困户数": "30",
                "所处环节": "已入库",
                "入库日期": "2018-01-20",
                "入库文号": "扶组〔2018〕1号",
                "受益户编号": beneficiaries,
            }
            writer.writerow([row.get(column, "") for column in header])
    return path


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def importer():
    """The system administrator (keeps the library of every county the file spreads over):
    as a real import runs, with a user on each project, step and history row."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    found = users.filter(username="bench_projects").first()
    return found or users.create_superuser("bench_projects", password="Shangqiu#2018")


def timed(label: str, path: Path, expected: str, user=None) -> None:
    from tuopin.projects.library_import import import_projects

    server = server_cpu()
    writers = OtherBackends().start()  # the import's writer thread has a backend of its own
    start, used = time.perf_counter(), cpu()
    report = import_projects(path, acting_user=user)
    elapsed, used = time.perf_counter() - start, cpu() - used
    writer = writers.stop()
    assert not report.errors, report.errors[:3]
    assert getattr(report, expected) == report.rows, (expected, report.as_dict())
    server = None if server is None else server_cpu() - server + writer
    of_server = "" if server is None else f", of the database server {server:.2f} s"
    if writer:
        of_server += f" (of it the writer's connection {writer:.2f} s)"
    print(
        f"{label:<10} {report.rows:>7,} rows {elapsed:7.2f} s {report.rows / elapsed:>9,.0f} "
        f"rows/s (CPU of this process {used:.2f} s{of_server}; load {os.getloadavg()[0]:.1f})",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=5_000)
    parser.add_argument("--households", type=int, default=2_000)
    parser.add_argument(
        "--user", action="store_true", help="import as a user (else as no user: the CLI's default)"
    )
    args = parser.parse_args()
    prepare(args.households)
    from tuopin.projects.models import Project

    run = Project.objects.count()
    path = write_file(args.projects, run)
    print(f"{connection.vendor}: {args.projects:,} projects; {date.today()}", flush=True)
    user = importer() if args.user else None
    timed("created", path, "created", user)
    timed("unchanged", path, "unchanged", user)


if __name__ == "__main__":
    main()
