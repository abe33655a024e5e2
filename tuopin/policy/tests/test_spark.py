"""Spark executes the compiled clauses: on a generated national sample its results equal
DuckDB's row for row (result, clause letters, values seen), in text and typed form.

Needs pyspark and a Java runtime (the `analytics` extra, `make analytics`, which `make
test` runs). Without pyspark the Spark tests are skipped on a developer's machine; in CI
(CI=true) they fail instead, so that CI never passes without running them.
"""

import ast
import datetime
import io
import json
import os
from collections import Counter

import duckdb
import pytest
from django.core.management import call_command

from tuopin.policy import henan2018
from tuopin.policy.engine import duck, spark_job, synthetic
from tuopin.policy.engine import spark as spark_engine
from tuopin.policy.models import Level, PolicyStatus, PolicyVersion
from tuopin.policy.plans import build_plan
from tuopin.policy.rules.ast import parse_clause
from tuopin.policy.rules.facts import HOUSEHOLD_FACTS
from tuopin.policy.rules.params import resolve_parameters, ymd
from tuopin.policy.rules.sqlcompile import Plan
from tuopin.policy.tests.test_henan import CASES, household
from tuopin.policy.tests.test_synthetic import henan_plan
from tuopin.registry.analytic import sources

AS_OF = datetime.date(2018, 12, 31)
HOUSEHOLDS = 20_000

# One worker runs them all (make test: --dist loadgroup), so one JVM starts, not two.
pytestmark = pytest.mark.xdist_group("spark")

if os.environ.get("CI"):
    import pyspark  # noqa: F401  (CI installs the analytics extra: never skip there)
else:
    pytest.importorskip("pyspark", reason="pyspark is in the analytics extra: make analytics")

# Short jobs on a small sample: the JVM's first compiler tier only (half the CPU of a
# 20,000-household run goes to optimising code that then runs for a second) and no
# adaptive re-planning between stages.
TEST_CONF = {
    "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
    "spark.sql.adaptive.enabled": "false",
}


@pytest.fixture(scope="session")
def spark():
    session = spark_job.session("local[2]", app_name="tuopin-tests", conf=TEST_CONF)
    yield session
    session.stop()


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    directory = tmp_path_factory.mktemp("national-sample")
    synthetic.generate(directory, HOUSEHOLDS, threads=2)
    return directory


def wide_plan() -> Plan:
    """Every construct a clause can use (arithmetic, not, in, known/missing, each member
    quantifier, text and number facts) and so every piece of SQL the Spark dialect renders."""
    clauses = {
        "ratio": {
            "op": "ge",
            "args": [
                {"op": "div", "args": [{"fact": "net_income"}, {"fact": "size"}]},
                {"param": "poverty_line"},
            ],
        },
        "arith": {
            "op": "lt",
            "args": [
                {
                    "op": "sub",
                    "args": [
                        {"op": "mul", "args": [{"fact": "measure_count"}, {"value": 2}]},
                        {"op": "add", "args": [{"fact": "income_measure_count"}, {"value": 1}]},
                    ],
                },
                {"value": 2.5},
            ],
        },
        "codes": {
            "op": "or",
            "args": [
                {"op": "in", "arg": {"fact": "main_cause"}, "values": ["01", "02", "99"]},
                {"op": "not", "arg": {"op": "eq", "args": [{"fact": "road_type"}, {"value": "3"}]}},
            ],
        },
        "presence": {
            "op": "and",
            "args": [
                {"op": "known", "arg": {"fact": "housing_grade"}},
                {"op": "missing", "arg": {"fact": "exit_year"}},
            ],
        },
        "any_child": {
            "op": "any",
            "over": "members",
            "where": {"op": "lt", "args": [{"fact": "age"}, {"value": 6}]},
        },
        "none_dibao": {
            "op": "none",
            "over": "members",
            "where": {
                "op": "and",
                "args": [
                    {"op": "eq", "args": [{"fact": "receives_dibao"}, {"value": True}]},
                    {"op": "gt", "args": [{"fact": "work_months"}, {"value": 6}]},
                ],
            },
        },
        "all_insured": {
            "op": "all",
            "over": "members",
            "where": {
                "op": "eq",
                "args": [{"fact": "has_basic_medical_insurance"}, {"value": True}],
            },
        },
        "workers": {
            "op": "ge",
            "args": [
                {
                    "op": "count",
                    "over": "members",
                    "where": {"op": "in", "arg": {"fact": "labour"}, "values": ["1", "2"]},
                },
                {"value": 1},
            ],
        },
        "toilet": {"op": "eq", "args": [{"fact": "has_sanitary_toilet"}, {"value": False}]},
    }
    params = henan2018.PARAMETERS
    return Plan(
        "household",
        [(code, parse_clause(rule, HOUSEHOLD_FACTS, params)) for code, rule in clauses.items()],
        resolve_parameters(params, 2018, AS_OF),
    )


def rows(path_glob: str) -> list[tuple]:
    with duckdb.connect() as con:
        return con.execute(f"SELECT * FROM read_parquet('{path_glob}') ORDER BY id").fetchall()


def columns(path_glob: str) -> list[tuple]:
    with duckdb.connect() as con:
        return con.execute(f"DESCRIBE SELECT * FROM read_parquet('{path_glob}')").fetchall()


def assert_same_results(duck_out, spark_out, households=HOUSEHOLDS) -> list[tuple]:
    """The same columns with the same types, and every row equal (the values seen as text
    too: the stored form must not depend on the engine). Returns Spark's rows."""
    spark_glob = f"{spark_out}/*.parquet"
    assert columns(spark_glob) == columns(str(duck_out))
    expected, got = rows(str(duck_out)), rows(spark_glob)
    assert len(got) == households
    assert [(a, b) for a, b in zip(expected, got, strict=True) if a != b] == []
    return got


def test_the_spark_job_reads_the_engines_relations():
    # spark_job.py is submitted alone to a cluster and may not import Django.
    assert tuple(sources.RELATIONS) == spark_job.RELATIONS
    tree = ast.parse(spark_engine.JOB_SCRIPT.read_text())
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert {name.split(".")[0] for name in imported} <= {"argparse", "sys", "pyspark"}


# Henan's standard with the values seen as typed columns is the command's case (below);
# every pair costs a Spark job of several seconds.
@pytest.mark.parametrize(
    ("plan_name", "seen_as_columns"),
    [("henan", False), ("wide", False), ("wide", True)],
    ids=["henan-seen-text", "wide-seen-text", "wide-seen-columns"],
)
def test_spark_equals_duckdb_row_for_row(spark, national, tmp_path, plan_name, seen_as_columns):
    plan = henan_plan() if plan_name == "henan" else wide_plan()
    as_of_ymd = ymd(AS_OF)
    duck_out = tmp_path / "duck.parquet"
    spark_out = tmp_path / "spark"
    assert (
        duck.household_to_file(
            plan, national, as_of_ymd, duck_out, threads=2, seen_as_columns=seen_as_columns
        )
        == HOUSEHOLDS
    )
    assert (
        spark_engine.household_to_file(
            plan, national, as_of_ymd, spark_out, spark=spark, seen_as_columns=seen_as_columns
        )
        == HOUSEHOLDS
    )
    got = assert_same_results(duck_out, spark_out)
    # The sample exercises every outcome, so equal rows mean equal logic.
    assert {row[3] for row in got} == {"pass", "fail", "unknown"}
    for index in range(len(plan.clauses)):
        assert {row[4][index] for row in got} >= {"P", "F"}, plan.clauses[index][0]


@pytest.mark.django_db
def test_the_command_runs_the_published_standard_on_spark(spark, national, tmp_path):
    """`tuopin spark_evaluate` over the Parquet gives DuckDB's rows (Henan's standard as
    published, the values seen as typed columns as in national output)."""
    policy = PolicyVersion.objects.get(code="henan-2018", status=PolicyStatus.PUBLISHED)
    plan = build_plan(policy, Level.HOUSEHOLD, 2018, AS_OF)
    out = tmp_path / "results"
    stdout = io.StringIO()
    call_command(
        "spark_evaluate",
        *("--policy", "henan-2018", "--year", "2018", "--json"),
        *("--parquet", str(national), "--out", str(out)),
        stdout=stdout,
    )
    summary = json.loads(stdout.getvalue())
    duck_out = tmp_path / "duck.parquet"
    # Spark writes the full answer; DuckDB's file is compact unless asked (ADR 0032).
    duck.household_to_file(plan, national, ymd(AS_OF), duck_out, threads=2, compact=False)
    got = assert_same_results(duck_out, out)
    assert summary["households"] == HOUSEHOLDS
    assert summary["results"] == dict(Counter(row[3] for row in got))
    # The test's session is the command's: used, not stopped.
    assert spark.sql("SELECT 1").collect()[0][0] == 1


@pytest.mark.django_db
def test_the_command_evaluates_a_region_of_the_registry(spark, tmp_path):
    """--region: the registry's own rows (the edge cases of Henan's clauses, test_henan)
    snapshotted and evaluated on Spark, each clause as expected and every row DuckDB's."""
    for number, _clause, _expected, arguments in CASES:
        household(number, **arguments)
    out = tmp_path / "results"
    call_command(
        "spark_evaluate",
        *("--policy", "henan-2018", "--year", "2018", "--region", "411421101"),
        *("--out", str(out), "--seen", "text"),
        stdout=io.StringIO(),
    )
    policy = PolicyVersion.objects.get(code="henan-2018", status=PolicyStatus.PUBLISHED)
    plan = build_plan(policy, Level.HOUSEHOLD, 2018, AS_OF)
    duck.snapshot("411421101", tmp_path / "snapshot")
    duck_out = tmp_path / "duck.parquet"
    duck.household_to_file(plan, tmp_path / "snapshot", ymd(AS_OF), duck_out, seen_as_columns=False)
    got = {row[1]: row for row in assert_same_results(duck_out, out, households=len(CASES))}
    codes = [code for code, _node in plan.clauses]
    letter = {"pass": "P", "fail": "F", "unknown": "U"}
    for number, clause, expected, _arguments in CASES:
        assert got[number][4][codes.index(clause)] == letter[expected], number


@pytest.mark.django_db
def test_the_command_writes_the_job_spark_submit_runs(tmp_path):
    policy = PolicyVersion.objects.get(code="henan-2018", status=PolicyStatus.PUBLISHED)
    plan = build_plan(policy, Level.HOUSEHOLD, 2018, AS_OF)
    job = tmp_path / "job"
    call_command(
        "spark_evaluate",
        *("--policy", "henan-2018", "--year", "2018", "--write-job", str(job)),
        stdout=io.StringIO(),
    )
    assert (job / "spark_job.py").read_bytes() == spark_engine.JOB_SCRIPT.read_bytes()
    # What the entry point reads is the query every engine runs, in the Spark dialect.
    sql = spark_job.read_sql(None, f"file://{job / 'household.sql'}")
    assert sql.strip() == spark_engine.household_sql(plan, ymd(AS_OF), seen_as_columns=True)
