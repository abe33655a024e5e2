"""The Spark job: run one compiled evaluation query over h, m, i, me in Parquet.

This file is also the entry point given to `spark-submit` on a cluster, so it imports
nothing but pyspark and the standard library: the cluster needs neither Django nor the
registry, only the SQL that `tuopin spark-evaluate --write-job` renders (the same
`household_steps` every engine runs, in the Spark dialect) and the Parquet relations
(docs/analytics.md, "Spark"):

    spark-submit spark_job.py --sql household.sql \\
        --input s3a://bucket/registry/2018/ --output s3a://bucket/results/run-42/

`--input` holds h.parquet, m.parquet, i.parquet and me.parquet (files or directories of
part files); `--output` receives the results as a Parquet directory.
"""

import argparse
import sys

# The engine's input relations (tuopin.registry.analytic.sources.RELATIONS; a test keeps
# the two equal, this file may not import Django).
RELATIONS = ("h", "m", "i", "me")

# A local session small enough for a developer's machine and CI: two cores, a handful
# of shuffle partitions instead of 200, no web UI, and every socket on the loopback.
LOCAL_CONF = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.sql.shuffle.partitions": "4",
    "spark.default.parallelism": "4",
    "spark.sql.session.timeZone": "UTC",
}

# Every deployment: ANSI SQL (an overflow or a bad cast is an error, never a silent
# NULL that would read as "unknown"); Spark 4's default, set so that 3.5 behaves alike.
COMMON_CONF = {"spark.sql.ansi.enabled": "true"}


def session(master: str | None = "local[2]", app_name: str = "tuopin-evaluate", conf=None):
    """A Spark session: local (the default; loopback only, see LOCAL_CONF), another master,
    or with `master=None` the one spark-submit set."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(app_name)
    settings = dict(COMMON_CONF)
    if master is not None:
        builder = builder.master(master)
    if master is not None and master.startswith("local"):
        settings.update(LOCAL_CONF)
    settings.update(conf or {})
    for key, value in settings.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def register_relations(spark, input_uri: str) -> None:
    """h, m, i, me as temporary views over `<input_uri>/<name>.parquet`."""
    base = input_uri.rstrip("/")
    for name in RELATIONS:
        spark.read.parquet(f"{base}/{name}.parquet").createOrReplaceTempView(name)


def evaluate(spark, sql: str, input_uri: str, output_uri: str) -> int:
    """Run the query over the relations, write the answer as Parquet; returns its rows."""
    register_relations(spark, input_uri)
    spark.sql(sql).write.mode("overwrite").parquet(output_uri)
    # Parquet footers hold the row counts: counting reads no data.
    return spark.read.parquet(output_uri).count()


def read_sql(spark, location: str) -> str:
    """The query from a local file or, with a scheme (hdfs://, s3a://), through Spark."""
    if "://" in location and not location.startswith("file://"):
        return spark.read.text(location, wholetext=True).first()[0]
    with open(location.removeprefix("file://"), encoding="utf-8") as handle:
        return handle.read()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Tuopin exit evaluation on Spark")
    parser.add_argument(
        "--sql", required=True, help="the query (tuopin spark-evaluate --write-job)"
    )
    parser.add_argument("--input", required=True, help="directory of h, m, i, me .parquet")
    parser.add_argument("--output", required=True, help="directory for the results' Parquet")
    parser.add_argument(
        "--local", action="store_true", help="run in local[2] mode instead of spark-submit's master"
    )
    args = parser.parse_args(argv)
    spark = session("local[2]" if args.local else None)
    try:
        rows = evaluate(spark, read_sql(spark, args.sql), args.input, args.output)
    finally:
        spark.stop()
    print(f"{rows} households evaluated; results in {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
