import datetime
import json as jsonlib
import shutil
import tempfile
import time
from pathlib import Path

import duckdb
from django.core.management.base import BaseCommand, CommandError

from tuopin.core.errors import TuopinError
from tuopin.core.regioncodes import significant_prefix
from tuopin.policy.engine import duck, spark_job
from tuopin.policy.engine import spark as spark_engine
from tuopin.policy.management.commands.evaluate import (
    _policy,
    _region_code,
    add_standard_arguments,
)
from tuopin.policy.models import Level
from tuopin.policy.plans import build_plan
from tuopin.policy.rules.params import ymd
from tuopin.policy.runs import default_as_of


class Command(BaseCommand):
    help = (
        "用 Spark 按退出标准评估户 (evaluate households on Spark, local mode, over Parquet): "
        "tuopin spark_evaluate --policy henan-2018 --year 2018 --parquet DIR --out DIR"
    )

    def add_arguments(self, parser):
        add_standard_arguments(parser)
        source = parser.add_mutually_exclusive_group()
        source.add_argument(
            "--parquet", help="输入目录：h、m、i、me 四个 Parquet（本地路径或 hdfs://、s3a://）"
        )
        source.add_argument("--region", help="先导出该区划的快照再评估（区划代码）")
        parser.add_argument("--out", help="结果目录（Parquet，Spark 写出多个分片文件）")
        parser.add_argument(
            "--seen",
            choices=("columns", "text"),
            default="columns",
            help="所见数值：每项一列 (columns) 或与结果表相同的 '|' 连接文本 (text)",
        )
        parser.add_argument("--master", default="local[2]", help="Spark master，默认 local[2]")
        parser.add_argument(
            "--driver-memory", default="2g", help="本地模式下 Spark 进程的内存，默认 2g"
        )
        parser.add_argument(
            "--write-job",
            metavar="DIR",
            help="不运行，只写出集群作业：household.sql 和 spark_job.py（spark-submit 用）",
        )
        parser.add_argument("--json", action="store_true", help="以 JSON 输出摘要")

    def handle(self, *args, policy, year, as_of, parquet, region, out, seen, json, **options):
        try:
            as_of_date = datetime.date.fromisoformat(as_of) if as_of else default_as_of(year)
        except ValueError as error:
            raise CommandError(f"日期无效：{as_of} (invalid date)") from error
        try:
            plan = build_plan(_policy(policy), Level.HOUSEHOLD, year, as_of_date)
        except TuopinError as error:
            raise CommandError(str(error)) from error
        seen_as_columns = seen == "columns"
        if options["write_job"]:
            sql_path = spark_engine.write_job(
                plan, ymd(as_of_date), Path(options["write_job"]), seen_as_columns
            )
            self.stdout.write(
                f"已写出作业 (job written): {sql_path} 和 {spark_engine.JOB_SCRIPT.name}"
            )
            return
        if not (parquet or region) or not out:
            raise CommandError(
                "需要 --parquet 或 --region，以及 --out (give --parquet or --region, and --out)"
            )
        timings = {}
        snapshot_dir = None
        try:
            if region:
                snapshot_dir = Path(tempfile.mkdtemp(prefix="spark-snapshot-"))
                started = time.perf_counter()
                duck.snapshot(significant_prefix(_region_code(region)), snapshot_dir)
                timings["snapshot"] = round(time.perf_counter() - started, 3)
                parquet = str(snapshot_dir)
            started = time.perf_counter()
            # A session already running in this process (a test's) is used and left running.
            own = _active_session() is None
            spark = spark_job.session(
                options["master"], conf={"spark.driver.memory": options["driver_memory"]}
            )
            timings["session"] = round(time.perf_counter() - started, 3)
            try:
                started = time.perf_counter()
                rows = spark_engine.household_to_file(
                    plan,
                    parquet,
                    ymd(as_of_date),
                    out,
                    spark=spark,
                    seen_as_columns=seen_as_columns,
                )
                timings["evaluate"] = round(time.perf_counter() - started, 3)
            finally:
                if own:
                    spark.stop()
        finally:
            if snapshot_dir is not None:
                shutil.rmtree(snapshot_dir, ignore_errors=True)
        # Counted here only when the results are on this machine; never shown as zeros.
        results = _results(out) if "://" not in out else None
        summary = {"households": rows, "results": results, "out": out, "timings": timings}
        if json:
            self.stdout.write(jsonlib.dumps(summary, ensure_ascii=False))
            return
        counted = ""
        if results is not None:
            counted = (
                f"，达标 {results.get('pass', 0)}，未达标 {results.get('fail', 0)}，"
                f"待核实 {results.get('unknown', 0)}"
            )
        self.stdout.write(f"Spark 评估（{year} 年）：共 {rows}{counted}；结果在 {out}")


def _active_session():
    try:
        from pyspark.sql import SparkSession
    except ImportError as error:
        raise CommandError(
            "未安装 pyspark，请先运行 make analytics (pyspark is missing: make analytics)"
        ) from error
    return SparkSession.getActiveSession()


def _results(out: str) -> dict[str, int]:
    """Households by result, read from the Parquet Spark wrote (a local directory)."""
    with duckdb.connect() as con:
        counted = con.execute(
            f"SELECT result, count(*) FROM read_parquet('{out}/*.parquet') GROUP BY result"
        ).fetchall()
    return {result: n for result, n in counted}
