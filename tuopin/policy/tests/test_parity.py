"""Every engine and the Python evaluator give the same clause values on random registries.

Each example writes a small random registry (inside a savepoint, rolled back after),
evaluates the shipped henan-2018 clauses plus random rules with the database engine
(this run's database: SQLite or PostgreSQL), with DuckDB on a Parquet snapshot and
with the Python evaluator, and compares every clause of every household.
"""

import math

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import RENHE, first_village
from tuopin.policy import henan2018
from tuopin.policy.engine import db, duck
from tuopin.policy.engine import python as pyengine
from tuopin.policy.rules.ast import parse_clause
from tuopin.policy.rules.facts import HOUSEHOLD_FACTS
from tuopin.policy.rules.params import resolve_parameters, ymd
from tuopin.policy.rules.sqlcompile import Plan
from tuopin.policy.tests import strategies
from tuopin.registry.analytic import sources
from tuopin.registry.models import Household, Income, Measure, Member

HENAN = [
    (code, parse_clause(expression, HOUSEHOLD_FACTS, henan2018.PARAMETERS))
    for code, _title, _text, expression in henan2018.HOUSEHOLD_CLAUSES
]


def write_registry(village, households: list[dict]) -> list[int]:
    ids = []
    for index, data in enumerate(households):
        household = Household.objects.create(
            village=village, number=f"P{index:04d}", **data["facts"]
        )
        ids.append(household.pk)
        Member.objects.bulk_create(
            Member(household=household, name=f"成员{n}", **member)
            for n, member in enumerate(data["members"])
        )
        Income.objects.bulk_create(
            Income(household=household, year=year, **amounts)
            for year, amounts in data["incomes"].items()
        )
        Measure.objects.bulk_create(
            Measure(household=household, category="01", year=year, raises_income=raises)
            for year, raises in data["measures"]
        )
    return ids


def evaluate_everywhere(plan: Plan, prefix: str, as_of, ids, directory):
    as_of_ymd = ymd(as_of)
    by_db = {row[0]: row for row in db.household_rows(plan, prefix, as_of_ymd, ids)}
    duck.snapshot(prefix, directory, ids)
    by_duck = {
        row["id"]: row for row in duck.household_table(plan, directory, as_of_ymd).to_pylist()
    }
    rows = sources.base_rows(prefix, ids)
    by_python = {
        facts["id"]: pyengine.evaluate(plan, facts, people)
        for facts, people in pyengine.household_facts(rows, plan.params["year"], as_of_ymd)
    }
    return by_db, by_duck, by_python


def same_seen(left: dict, right: dict) -> bool:
    for key, value in left.items():
        other = right[key]
        if isinstance(value, float) or isinstance(other, float):
            if value is None or other is None or not math.isclose(value, other, rel_tol=1e-12):
                return False
        elif value != other:
            return False
    return True


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=st.data(),
    as_of=strategies.as_of_dates(),
    rules=st.lists(strategies.household_rules, min_size=1, max_size=3),
)
def test_engines_and_python_agree(data, as_of, rules, tmp_path_factory):
    village = first_village(RENHE)
    registry = data.draw(st.lists(strategies.households(as_of), min_size=1, max_size=6))
    random_clauses = [
        (f"r{index}", parse_clause(rule, HOUSEHOLD_FACTS, henan2018.PARAMETERS))
        for index, rule in enumerate(rules)
    ]
    plan = Plan(
        "household",
        HENAN + random_clauses,
        resolve_parameters(henan2018.PARAMETERS, 2018, as_of),
    )
    savepoint = transaction.savepoint()
    try:
        ids = write_registry(village, registry)
        by_db, by_duck, by_python = evaluate_everywhere(
            plan, village.code, as_of, ids, tmp_path_factory.mktemp("snapshot")
        )
    finally:
        transaction.savepoint_rollback(savepoint)
    assert set(by_db) == set(by_duck) == set(by_python) == set(ids)
    for household_id in ids:
        expected = by_python[household_id]
        for engine, row in (("db", by_db[household_id]), ("duckdb", by_duck[household_id])):
            _id, _number, _village, result, letters, seen = (
                row
                if engine == "db"
                else [row[k] for k in ("id", "number", "region_code", "result", "clauses", "seen")]
            )
            clauses, seen_values = pyengine.decode(plan, letters, seen)
            assert clauses == expected["clauses"], (engine, household_id)
            assert result == expected["result"], (engine, household_id)
            assert same_seen(expected["seen"], seen_values), (engine, expected["seen"], seen_values)
