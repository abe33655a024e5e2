"""The Spark engine: the compiled household steps run by pyspark over Parquet relations.

For registries no single machine holds (a province, the nation), the same query every
engine runs (`household_steps`, rendered in the Spark dialect) is executed by Spark over
h, m, i, me as Parquet: written by `synthetic.generate`, by `duck.snapshot` for a real
region, or by a national export. Locally it runs in `local[2]` mode with no network
(spark_job.LOCAL_CONF); on a cluster the job (spark_job.py and the rendered SQL, see
`write_job`) is submitted with spark-submit (docs/analytics.md, "Spark").

pyspark comes with the `analytics` extra (`make analytics`, ADR 0004); importing this
module does not need it, running a query does.
"""

import shutil
from pathlib import Path

from tuopin.policy.engine import spark_job
from tuopin.policy.rules.sqlcompile import Plan, household_steps, render

JOB_SCRIPT = Path(spark_job.__file__)


def household_sql(plan: Plan, as_of_ymd: int, seen_as_columns: bool = False) -> str:
    return render(household_steps(plan, as_of_ymd, seen_as_columns), "spark")


def household_to_file(
    plan: Plan,
    directory: str | Path,
    as_of_ymd: int,
    out: str | Path,
    spark=None,
    seen_as_columns: bool = True,
) -> int:
    """Evaluate the relations under `directory` into the Parquet directory `out`.

    The values seen are typed columns (`seen_<key>`) as in DuckDB's Parquet output, or
    with `seen_as_columns=False` the '|'-joined text the results table stores. A session
    is started (local[2]) and stopped unless one is given. Returns the number of rows.
    """
    own = spark is None
    spark = spark or spark_job.session()
    try:
        sql = household_sql(plan, as_of_ymd, seen_as_columns)
        return spark_job.evaluate(spark, sql, str(directory), str(out))
    finally:
        if own:
            spark.stop()


def write_job(plan: Plan, as_of_ymd: int, directory: Path, seen_as_columns: bool = True) -> Path:
    """The files spark-submit needs: household.sql and spark_job.py; returns the SQL's path."""
    directory.mkdir(parents=True, exist_ok=True)
    sql_path = directory / "household.sql"
    sql_path.write_text(household_sql(plan, as_of_ymd, seen_as_columns) + "\n", encoding="utf-8")
    shutil.copyfile(JOB_SCRIPT, directory / JOB_SCRIPT.name)
    return sql_path
