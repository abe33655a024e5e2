"""Results stored at the bulk path read back exactly as every reader decodes them."""

import math

import pyarrow as pa
import pytest
from django.db import connection

from conftest import CITY, MINQUAN, RENHE, SUIXIAN, other_county_village
from tuopin.core.regioncodes import significant_prefix
from tuopin.policy import runs
from tuopin.policy.engine import db
from tuopin.policy.engine import python as pyengine
from tuopin.policy.export import result_rows
from tuopin.policy.models import Engine, EvaluationRun, HouseholdResult, PolicyVersion, RunStatus
from tuopin.policy.plans import build_plan
from tuopin.policy.results import household_results, stored_results
from tuopin.policy.rules.params import ymd
from tuopin.policy.runs import evaluation_run
from tuopin.policy.selectors import seen_values, stored_explanation
from tuopin.policy.storage import run_tables, store_query, store_results
from tuopin.policy.tests.test_henan import CASES, household
from tuopin.registry.analytic import sources
from tuopin.registry.models import Household

pytestmark = pytest.mark.django_db


@pytest.fixture
def henan():
    return PolicyVersion.objects.get(code="henan-2018", version=1)


def a_run(henan) -> EvaluationRun:
    return EvaluationRun.objects.create(
        policy=henan,
        level="household",
        year=2018,
        as_of="2018-12-31",
        region_id=RENHE,
        engine=Engine.DUCKDB,
        seen_keys=[
            ["per_capita_income", "number"],
            ["food_secure", "bool"],
            ["housing_grade", "text"],
        ],
    )


def test_store_results_keeps_every_value_and_the_empty_ones(henan):
    run = a_run(henan)
    answer = pa.table(
        {
            # CSV's own characters and a non-ASCII number survive the COPY.
            "id": pa.array([11, 12, 13], type=pa.int64()),
            "number": ["P,1", 'P"2', "贫困户3"],
            "region_code": ["411421001001"] * 3,
            "result": ["pass", "fail", "unknown"],
            "clauses": ["PP", "PF", "UP"],
            "seen": ["1246.6666666666667|1|A", "|0|", "2995.01||B"],
        }
    )
    store_results(run, answer)
    rows = {
        row.household_id: row
        for row in HouseholdResult.objects.filter(run=run).order_by("household_id")
    }
    assert [(r.household_number, r.result, r.clauses) for r in rows.values()] == [
        ("P,1", "pass", "PP"),
        ('P"2', "fail", "PF"),
        ("贫困户3", "unknown", "UP"),
    ]
    assert seen_values(run, rows[11].seen) == {
        "per_capita_income": 1246.6666666666667,
        "food_secure": True,
        "housing_grade": "A",
    }
    # Unknown stays unknown: never stored or read back as zero or "no".
    assert seen_values(run, rows[12].seen) == {
        "per_capita_income": None,
        "food_secure": False,
        "housing_grade": None,
    }
    assert seen_values(run, rows[13].seen)["food_secure"] is None


def test_store_query_stores_the_answer_of_a_query_inside_the_database(henan):
    run = a_run(henan)
    store_query(
        run,
        "SELECT 21 AS id, 'Q1' AS number, '411421001001' AS region_code, 'pass' AS result, "
        "'PPP' AS clauses, '3000.5|1|B' AS seen",
        [],
    )
    row = HouseholdResult.objects.get(run=run)
    assert (row.household_id, row.household_number, row.clauses) == (21, "Q1", "PPP")
    assert seen_values(run, row.seen)["per_capita_income"] == 3000.5


def _close(left, right) -> bool:
    if isinstance(left, float) or isinstance(right, float):
        return left is not None and right is not None and math.isclose(left, right)
    return left == right


def test_both_engines_store_what_the_evaluator_saw_and_explain_it_alike(henan):
    ids = [household(number, **arguments).pk for number, _c, _e, arguments in CASES]
    runs = [
        evaluation_run(acting_user=None, policy=henan, year=2018, region_code=RENHE, engine=e)
        for e in (Engine.DB, Engine.DUCKDB)
    ]
    plan = build_plan(henan, "household", 2018, runs[0].as_of)
    rows = sources.base_rows(RENHE, ids)
    expected = {
        facts["id"]: pyengine.evaluate(plan, facts, people)
        for facts, people in pyengine.household_facts(rows, 2018, ymd(runs[0].as_of))
    }
    stored = [
        {row.household_id: row for row in HouseholdResult.objects.filter(run=run)} for run in runs
    ]
    for pk, outcome in expected.items():
        for run, by_household in zip(runs, stored, strict=True):
            seen = seen_values(run, by_household[pk].seen)
            assert seen.keys() == outcome["seen"].keys()
            assert all(_close(seen[key], value) for key, value in outcome["seen"].items()), pk
        db_row, duck_row = stored[0][pk], stored[1][pk]
        assert (db_row.result, db_row.clauses) == (duck_row.result, duck_row.clauses)
        assert stored_explanation(runs[0], db_row) == stored_explanation(runs[1], duck_row)


def test_a_county_run_reads_back_alike_from_its_own_table_and_the_shared_one(henan):
    """PostgreSQL keeps a county's or city's run in a table of its own (ADR 0014); every
    reader still finds it through HouseholdResult, equal to a village run's rows."""
    ids = [household(number, **arguments).pk for number, _c, _e, arguments in CASES]
    runs = {
        code: evaluation_run(acting_user=None, policy=henan, year=2018, region_code=code, engine=e)
        for code, e in ((RENHE, Engine.DB), (MINQUAN, Engine.DB), (CITY, Engine.DUCKDB))
    }
    rows = {
        code: {
            row.household_id: (row.household_number, row.village_code, row.result, row.clauses)
            for row in HouseholdResult.objects.filter(run=run)
        }
        for code, run in runs.items()
    }
    assert set(rows[RENHE]) == set(ids)
    assert rows[MINQUAN] == rows[RENHE] == rows[CITY]
    assert runs[MINQUAN].counts == runs[RENHE].counts == runs[CITY].counts
    exported = {code: list(result_rows(run)) for code, run in runs.items()}
    assert exported[MINQUAN] == exported[RENHE] == exported[CITY]
    assert len(exported[CITY]) == 1 + len(ids)
    # One household's results across the runs (its page): one row per run.
    mine = HouseholdResult.objects.filter(household_id=ids[0]).order_by("-run_id")
    assert [row.run_id for row in mine] == sorted((run.pk for run in runs.values()), reverse=True)
    # Ids stay unique across the tables (one sequence).
    every = list(HouseholdResult.objects.values_list("id", flat=True))
    assert len(every) == len(set(every)) == 3 * len(ids)
    own = [f"policy_householdresult_run{runs[code].pk}" for code in (MINQUAN, CITY)]
    assert run_tables() == (sorted(own) if connection.vendor == "postgresql" else [])


def test_a_deleted_runs_table_goes_with_the_next_county_run(henan):
    household("D1")
    first = evaluation_run(acting_user=None, policy=henan, year=2018, region_code=MINQUAN)
    first.delete()
    assert not HouseholdResult.objects.filter(run_id=first.pk).exists()
    second = evaluation_run(acting_user=None, policy=henan, year=2018, region_code=MINQUAN)
    expected = [f"policy_householdresult_run{second.pk}"]
    assert run_tables() == (expected if connection.vendor == "postgresql" else [])
    assert HouseholdResult.objects.filter(run=second).count() == 1


def _rows(run) -> set[tuple]:
    return set(
        stored_results(run).values_list(
            "household_id", "household_number", "village_code", "result", "clauses", "seen"
        )
    )


def _all_run_tables() -> dict[str, bool]:
    """Every run table, attached to the results table or not (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, EXISTS (SELECT FROM pg_inherits WHERE inhrelid = c.oid) "
            "FROM pg_class c WHERE relkind = 'r' AND relname LIKE 'policy_householdresult_run%%'"
        )
        return dict(cursor.fetchall())


@pytest.fixture
def no_tables_left():
    """A transactional test commits its run tables, which Django's flush empties but
    leaves: drop them for the tests that count the run tables."""
    yield
    with connection.cursor() as cursor:
        for name in _all_run_tables():
            cursor.execute(f'DROP TABLE "{name}"')


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="parts need PostgreSQL")
def test_a_db_run_in_parts_stores_what_one_query_stores(henan, monkeypatch, no_tables_left):
    """Outside a transaction a county's or city's `db` run is evaluated and stored in
    parts, each on a connection of its own: the same rows and counts as one query, every
    reader alike, and no part visible before all are in."""
    ids = [household(number, **arguments).pk for number, _c, _e, arguments in CASES]
    in_parts = evaluation_run(acting_user=None, policy=henan, year=2018, region_code=CITY)
    assert run_tables() == [
        f"policy_householdresult_run{in_parts.pk}",
        f"policy_householdresult_run{in_parts.pk}p1",
    ]
    for name in run_tables():  # both parts hold households
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT COUNT(*) FROM "{name}"')
            assert cursor.fetchone()[0] > 0
    monkeypatch.setattr(runs, "parts_possible", lambda run: False)
    whole = evaluation_run(acting_user=None, policy=henan, year=2018, region_code=CITY)
    assert len(run_tables()) == 3
    assert _rows(in_parts) == _rows(whole) and len(_rows(whole)) == len(ids)
    assert in_parts.counts == whole.counts == runs.run_counts(in_parts)
    assert in_parts.timings.keys() == {"evaluate_and_store"}
    exported = [list(result_rows(run)) for run in (in_parts, whole)]
    assert exported[0] == exported[1]
    mine = household_results(ids[0])
    assert [row.run_id for row in mine] == [whole.pk, in_parts.pk]
    assert stored_explanation(in_parts, mine[1]) == stored_explanation(whole, mine[0])


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="parts need PostgreSQL")
def test_a_failed_part_leaves_no_part_of_the_run(henan, monkeypatch, no_tables_left):
    """A part that fails after the other has committed its table: the run fails, and
    no row and no table of it is left."""
    from tuopin.policy import storage

    for number, _c, _e, arguments in CASES[:6]:
        household(number, **arguments)
    load_part = storage._load_part

    def second_fails(cursor, run, name, sql, params):
        if name.endswith("p1"):
            raise RuntimeError("disk full")
        return load_part(cursor, run, name, sql, params)

    monkeypatch.setattr(storage, "_load_part", second_fails)
    with pytest.raises(RuntimeError, match="disk full"):
        evaluation_run(acting_user=None, policy=henan, year=2018, region_code=CITY)
    failed = EvaluationRun.objects.get()
    assert failed.status == RunStatus.FAILED and "disk full" in failed.error
    assert _all_run_tables() == {}
    assert not HouseholdResult.objects.filter(run=failed).exists()

    # A table left unattached by a run that stopped (a process that died between a
    # part's commit and the attach) goes with the next run with tables of its own.
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE policy_householdresult_run{failed.pk}p1 (LIKE policy_householdresult)"
        )
    monkeypatch.setattr(storage, "_load_part", load_part)
    done = evaluation_run(acting_user=None, policy=henan, year=2018, region_code=MINQUAN)
    assert _all_run_tables() == {
        f"policy_householdresult_run{done.pk}": True,
        f"policy_householdresult_run{done.pk}p1": True,
    }
    assert stored_results(done).count() == 6


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="parts need PostgreSQL")
def test_a_county_run_in_parts_keeps_the_other_countys_households_out(
    henan, monkeypatch, no_tables_left
):
    """Households of two counties alternate by id, so each part's range holds both: the
    county's run in parts stores its own households' rows only, as one query does, both
    when its parts look up the county's households and when they take every household
    in their range (as they do when the region is the whole registry) and leave the
    other county's out by the join with the county's households."""
    ids = [household(number, **arguments).pk for number, _c, _e, arguments in CASES]
    elsewhere = ids[1::2]
    Household.objects.filter(pk__in=elsewhere).update(village=other_county_village(SUIXIAN))
    ranges = db.id_ranges(significant_prefix(MINQUAN), 2)
    assert len(ranges) == 2 and not any(part.whole_registry for part in ranges)
    assert all(part.whole_registry for part in db.id_ranges(significant_prefix(CITY), 2))
    looked_up = evaluation_run(acting_user=None, policy=henan, year=2018, region_code=MINQUAN)
    id_ranges = db.id_ranges
    monkeypatch.setattr(
        db,
        "id_ranges",
        lambda prefix, parts: [
            part._replace(whole_registry=True) for part in id_ranges(prefix, parts)
        ],
    )
    by_range = evaluation_run(acting_user=None, policy=henan, year=2018, region_code=MINQUAN)
    monkeypatch.setattr(runs, "parts_possible", lambda run: False)
    whole = evaluation_run(acting_user=None, policy=henan, year=2018, region_code=MINQUAN)
    assert len(run_tables()) == 5  # two parts each, and the one query's table
    assert {row[0] for row in _rows(whole)} == set(ids) - set(elsewhere)
    assert _rows(looked_up) == _rows(by_range) == _rows(whole)
    assert looked_up.counts == by_range.counts == whole.counts == runs.run_counts(by_range)
