"""Ledger import benchmark: rows per second of `tuopin import ledger`, CSV and xlsx.

Seeds a registry (one county by default), writes a department spreadsheet from its
members (参保台账 and 学生资助发放, with a share of people outside the registry), then
times: a first import (every row created, with history and measures), the re-import of
the same file (every row unchanged), and the same for an xlsx file.

Usage (an empty, throw-away database; PostgreSQL for the recorded figures):
    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE tuopin_bench_ledgers"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tuopin_bench_ledgers \\
        .venv/bin/python benchmarks/ledger_import.py [--households 20000] [--rows 100000]

Targets (issue 13): >= 10,000 rows/s CSV, >= 3,000 rows/s xlsx. Prints one line per figure.
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
COUNTY = "411421000000"  # 民权县


def timed(label: str, function, rows: int):
    start, cpu = time.perf_counter(), time.process_time()
    result = function()
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    load = os.getloadavg()[0]
    print(
        f"{label}: {elapsed:.1f} s, {rows / elapsed:,.0f} rows/s "
        f"(this process's CPU {cpu:.1f} s = {rows / cpu:,.0f} rows/s; load {load:.1f})",
        flush=True,
    )
    return result


def prepare(households: int) -> list[tuple[str, str]]:
    from tuopin.regions.services import regions_load
    from tuopin.registry.models import Member
    from tuopin.registry.seed import seed_registry

    call_command("migrate", verbosity=0)
    regions_load()
    if not Member.objects.exists():
        start = time.perf_counter()
        seed_registry(households=households, region_code=COUNTY, seed=1)
        print(f"seed {households} households: {time.perf_counter() - start:.1f} s", flush=True)
    return list(Member.objects.exclude(id_number="").values_list("id_number", "name"))


def strangers(count: int) -> list[tuple[str, str]]:
    from tuopin.registry.idnumbers import make_id_number

    return [
        (make_id_number("411423", date(1960, 1, 1) + timedelta(days=n), 900, "1"), f"外来{n}")
        for n in range(count)
    ]


def insurance_rows(people, rows: int) -> list[list]:
    header = [
        "年度",
        "身份证号",
        "姓名",
        "是否参保",
        "大病保险",
        "个人缴费",
        "资助缴费金额",
        "资助来源",
    ]
    body = []
    for n in range(rows):
        number, name = people[n % len(people)]
        year = 2018 - n // len(people)  # more rows than people: earlier years
        body.append([year, number, name, "是", "是" if n % 3 else "否", 180, 180, "医疗救助"])
    return [header, *body]


def aid_rows(people, rows: int) -> list[list]:
    header = ["学生身份证号", "姓名", "资助项目", "学期", "发放金额", "发放日期", "发放卡号"]
    items = ["生活补助", "营养改善计划", "国家助学金"]
    body = []
    for n in range(rows):
        number, name = people[n % len(people)]
        term = "2018年秋季" if n % 2 else "2018年春季"
        body.append([number, name, items[n % 3], term, 625, "2018-10-09", f"6217{n:012d}"])
    return [header, *body]


def write_csv(path: Path, rows: list[list]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list]) -> Path:
    from tuopin.registry.interchange.xlsxstream import XlsxStream

    stream = XlsxStream(path, "台账")
    stream.write_rows(rows)
    stream.close()
    return path


def empty(model) -> None:
    from simple_history.utils import get_history_model_for_model

    tables = [model._meta.db_table, get_history_model_for_model(model)._meta.db_table]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {table}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=20_000)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()

    from tuopin.assistance.importer import import_ledger
    from tuopin.assistance.models import HealthInsurance, Payment

    people = prepare(args.households)
    people += strangers(max(1, len(people) // 50))  # 2 % outside the registry
    print(f"{connection.vendor}: {len(people)} people, {args.rows} rows a file", flush=True)
    for kind, model, make in (
        ("insurance", HealthInsurance, insurance_rows),
        ("student_aid", Payment, aid_rows),
    ):
        rows = make(people, args.rows)
        for suffix, write in (("csv", write_csv), ("xlsx", write_xlsx)):
            empty(model)
            path = write(OUT / f"{kind}.{suffix}", rows)
            report = timed(
                f"{kind} {suffix} first import",
                lambda p=path, k=kind: import_ledger(k, p),
                args.rows,
            )
            assert not report.errors, report.errors[:3]
            assert report.created == args.rows, report.as_dict()
            report = timed(
                f"{kind} {suffix} re-import", lambda p=path, k=kind: import_ledger(k, p), args.rows
            )
            assert report.unchanged == args.rows, (report.created, report.updated)


if __name__ == "__main__":
    main()
