"""Funds import benchmark: rows per second of `tuopin import payments` (CSV), and of
`tuopin import funds` for the ledger the payments follow.

Seeds a registry (one county), a few hundred projects, a fund ledger of 2018 (funds at
the city, allocations to 民权县, disbursements to every project), then a payment list of
--payments rows to registry people (2 % strangers, a share to enterprises and units) and
times: the ledger import, the first payments import (every row created, with history),
and its re-import (every row unchanged).

Usage (an empty, throw-away database; PostgreSQL for the recorded figures):
    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE funds15_bench"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/funds15_bench \\
        .venv/bin/python benchmarks/funds_import.py [--households 20000] [--payments 200000]

Target (issue 15): >= 10,000 rows/s CSV. Prints one line per figure.
"""

import argparse
import csv
import os
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
from django.db import connection  # noqa: E402

OUT = Path(tempfile.mkdtemp())
CITY, COUNTY = "411400000000", "411421000000"
PROJECTS = 300
CREDIT = "91411421MA3X5Q2K0L"


def timed(label: str, function, rows: int):
    from benchmarks.server_cpu import server_cpu

    server = server_cpu()
    start, cpu = time.perf_counter(), time.process_time()
    result = function()
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    server = None if server is None else server_cpu() - server
    both = "" if server is None else f", of the database server {server:.2f} s"
    print(
        f"{label}: {elapsed:.2f} s, {rows / elapsed:,.0f} rows/s "
        f"(this process's CPU {cpu:.2f} s = {rows / cpu:,.0f} rows/s{both}; "
        f"load {os.getloadavg()[0]:.1f})",
        flush=True,
    )
    return result


def prepare(households: int):
    from tuopin.projects.enums import ProjectCategory, ProjectNature, ProjectStage
    from tuopin.projects.models import Project
    from tuopin.regions.services import regions_load
    from tuopin.registry.models import Member
    from tuopin.registry.seed import seed_registry

    call_command("migrate", verbosity=0)
    regions_load()
    if not Member.objects.exists():
        start = time.perf_counter()
        seed_registry(households=households, region_code=COUNTY, seed=1)
        print(f"seed {households} households: {time.perf_counter() - start:.1f} s", flush=True)
    if not Project.objects.exists():
        Project.objects.bulk_create(
            Project(county_id=COUNTY, region_id=COUNTY, code=f"B-{n:04d}", year=2018,
                    name=f"项目{n}", category=ProjectCategory.INDUSTRY, nature=ProjectNature.NEW,
                    unit="单位", person="某人", tasks="任务", amount=1_000_000, targets="目标",
                    stage=ProjectStage.IMPLEMENTING)
            for n in range(PROJECTS)
        )  # fmt: skip
    return list(Member.objects.exclude(id_number="").values_list("id_number", "name"))


def ledger_rows() -> list[list]:
    header = ["类型", "指标文件文号", "资金名称", "资金性质", "资金来源级次", "统筹整合", "年度",
              "金额（元）", "区划代码", "接收区划代码", "项目编号", "日期"]  # fmt: skip
    body = []
    for f in range(10):
        doc = f"财农〔2018〕{f + 1}号"
        body.append(["资金指标", doc, "专项扶贫资金", "财政专项扶贫资金", "中央", "是", 2018,
                     400_000_000, CITY, "", "", "2018-01-20"])  # fmt: skip
        body.append(
            ["分配下达", doc, "", "", "", "", "", 300_000_000, CITY, COUNTY, "", "2018-02-01"]
        )
        for n in range(PROJECTS):
            body.append(["拨付项目", doc, "", "", "", "", "", 900_000, COUNTY, "", f"B-{n:04d}",
                         "2018-03-01"])  # fmt: skip
    return [header, *body]


def payment_rows(people, rows: int) -> list[list]:
    from tuopin.registry.idnumbers import make_id_number

    header = ["指标文件文号", "项目编号", "支付对象类型", "收款人", "身份证号", "统一社会信用代码",
              "收款账号", "支付事项", "所属期间", "金额（元）", "支付日期", "支付凭证号"]  # fmt: skip
    strangers = [
        (make_id_number("411423", date(1960, 1, 1) + timedelta(days=n), 900, "1"), f"外来{n}")
        for n in range(max(1, len(people) // 50))
    ]
    people = people + strangers
    items = ["产业奖补", "务工交通补助", "光伏收益分配", "雨露计划补助"]
    body = []
    for n in range(rows):
        doc, project = f"财农〔2018〕{n % 10 + 1}号", f"B-{n % PROJECTS:04d}"
        paid_on = (date(2018, 4, 1) + timedelta(days=n % 200)).isoformat()
        if n % 20 == 0:
            body.append([doc, project, "企业", "民权县某公司", "", CREDIT, "", "工程款", "",
                         5000 + n % 100, paid_on, f"V{n}"])  # fmt: skip
            continue
        number, name = people[n % len(people)]
        period = f"2018-{n // len(people) % 12 + 1:02d}"
        body.append([doc, project, "个人", name, number, "", f"6228{n % len(people):012d}",
                     items[n % 4], period, 200 + n % 50 * 10, paid_on, f"V{n}"])  # fmt: skip
    return [header, *body]


def write_csv(path: Path, rows: list[list]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def empty(model) -> None:
    """The table and its history emptied by SQL (the ORM would write history per row)."""
    from simple_history.utils import get_history_model_for_model

    tables = [model._meta.db_table, get_history_model_for_model(model)._meta.db_table]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {table}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=20_000)
    parser.add_argument("--payments", type=int, default=200_000)
    args = parser.parse_args()

    from tuopin.projects.funds_import import import_funds, import_payments
    from tuopin.projects.models import FundPayment

    people = prepare(args.households)
    print(f"{connection.vendor}: {len(people)} people, {args.payments} payments", flush=True)
    ledger = ledger_rows()
    path = write_csv(OUT / "funds.csv", ledger)
    report = timed("funds csv import", lambda: import_funds(path), len(ledger) - 1)
    assert not report.errors, report.errors[:3]
    empty(FundPayment)
    path = write_csv(OUT / "payments.csv", payment_rows(people, args.payments))
    report = timed("payments csv first import", lambda: import_payments(path), args.payments)
    assert not report.errors and report.created == args.payments, report.errors[:3]
    report = timed("payments csv re-import", lambda: import_payments(path), args.payments)
    assert report.unchanged == args.payments, report.as_dict()["created"]


if __name__ == "__main__":
    main()
