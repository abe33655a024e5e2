"""Spark engine benchmark (issue 16): a generated national sample on pyspark local[2] and
on DuckDB, the same compiled query, results compared row for row.

Usage (needs the analytics extra: make analytics):
    .venv/bin/python benchmarks/spark.py [--households 20000] [--quick-jvm] [--keep DIR]

Prints the session start, each evaluation (values seen as '|'-joined text, then as typed
columns), wall and CPU seconds (this process, and Spark's JVM read from /proc before it
stops), the number of rows that differ from DuckDB's, and the load average. The sample is
generated under /tmp and deleted afterwards unless --keep names a directory.
"""

import argparse
import datetime
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.base")
os.environ.setdefault("TUOPIN_ENV", "development")

import django  # noqa: E402

django.setup()

import duckdb  # noqa: E402

from tuopin.policy import henan2018  # noqa: E402
from tuopin.policy.engine import duck, spark_job, synthetic  # noqa: E402
from tuopin.policy.engine import spark as spark_engine  # noqa: E402
from tuopin.policy.rules.ast import parse_clause  # noqa: E402
from tuopin.policy.rules.facts import HOUSEHOLD_FACTS  # noqa: E402
from tuopin.policy.rules.params import resolve_parameters, ymd  # noqa: E402
from tuopin.policy.rules.sqlcompile import Plan  # noqa: E402

AS_OF = datetime.date(2018, 12, 31)
# The same settings as the tests' session (tuopin/policy/tests/test_spark.py).
QUICK_JVM = {
    "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
    "spark.sql.adaptive.enabled": "false",
}


def load() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def say(text: str) -> None:
    print(f"{text}  [{load()}]", flush=True)


def children_cpu() -> float:
    """CPU seconds of this process's descendants still running (Spark's JVM)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pending = [os.getpid()]
    while pending:
        parent = pending.pop()
        try:
            kids = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        except OSError:
            continue
        for kid in kids:
            try:
                fields = Path(f"/proc/{kid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
            pending.append(int(kid))
    return total


def henan_plan() -> Plan:
    clauses = [
        (code, parse_clause(expression, HOUSEHOLD_FACTS, henan2018.PARAMETERS))
        for code, _title, _text, expression in henan2018.HOUSEHOLD_CLAUSES
    ]
    return Plan("household", clauses, resolve_parameters(henan2018.PARAMETERS, 2018, AS_OF))


def differing_rows(first: str, second: str) -> int:
    query = "SELECT count(*) FROM (SELECT * FROM {} EXCEPT ALL SELECT * FROM {})"
    with duckdb.connect() as con:
        return sum(
            con.execute(query.format(a, b)).fetchone()[0]
            for a, b in ((first, second), (second, first))
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=20_000)
    parser.add_argument("--quick-jvm", action="store_true", help="the tests' JVM settings")
    parser.add_argument("--driver-memory", default="2g")
    parser.add_argument("--keep", help="generate into (and keep) this directory")
    args = parser.parse_args()
    directory = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="spark-bench-"))
    try:
        if not (directory / "h.parquet").exists():
            started = time.perf_counter()
            counts = synthetic.generate(directory, args.households, threads=2)
            say(f"generate: {time.perf_counter() - started:.1f} s for {counts}")
        plan, as_of_ymd = henan_plan(), ymd(AS_OF)
        conf = {"spark.driver.memory": args.driver_memory}
        conf.update(QUICK_JVM if args.quick_jvm else {})
        cpu, started = time.process_time(), time.perf_counter()
        spark = spark_job.session("local[2]", conf=conf)
        say(
            f"spark session: {time.perf_counter() - started:.1f} s wall, "
            f"JVM {children_cpu():.1f} CPU-s, python {time.process_time() - cpu:.1f} CPU-s"
        )
        try:
            for seen_as_columns in (False, True):
                kind = "seen as columns" if seen_as_columns else "seen as text"
                out = directory / f"spark-{seen_as_columns}"
                jvm, started = children_cpu(), time.perf_counter()
                rows = spark_engine.household_to_file(
                    plan, directory, as_of_ymd, out, spark=spark, seen_as_columns=seen_as_columns
                )
                say(
                    f"spark evaluate ({kind}): {time.perf_counter() - started:.1f} s wall, "
                    f"JVM {children_cpu() - jvm:.1f} CPU-s, {rows} rows"
                )
                duck_out = directory / f"duck-{seen_as_columns}.parquet"
                cpu, started = time.process_time(), time.perf_counter()
                duck.household_to_file(
                    plan, directory, as_of_ymd, duck_out, threads=2, seen_as_columns=seen_as_columns
                )
                say(
                    f"duckdb evaluate ({kind}): {time.perf_counter() - started:.1f} s wall, "
                    f"{time.process_time() - cpu:.1f} CPU-s"
                )
                mismatches = differing_rows(
                    f"read_parquet('{out}/*.parquet')", f"read_parquet('{duck_out}')"
                )
                say(f"rows differing between Spark and DuckDB ({kind}): {mismatches}")
            say(f"spark JVM total: {children_cpu():.1f} CPU-s")
        finally:
            spark.stop()
    finally:
        if not args.keep:
            shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
