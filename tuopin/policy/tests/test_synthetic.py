"""The national-scale generator: the engine's relations exactly, deterministic, and the
DuckDB engine evaluates them as the Python evaluator does (text and typed values seen)."""

import datetime
import math

import duckdb
import pytest

from tuopin.policy import henan2018
from tuopin.policy.engine import duck, synthetic
from tuopin.policy.engine import python as pyengine
from tuopin.policy.rules.ast import parse_clause
from tuopin.policy.rules.facts import HOUSEHOLD_FACTS
from tuopin.policy.rules.params import resolve_parameters, ymd
from tuopin.policy.rules.sqlcompile import PACKED_MAX_MEMBERS, Plan, derived_seen, seen_column
from tuopin.registry.analytic import sources

AS_OF = datetime.date(2018, 12, 31)
HOUSEHOLDS = 3000


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    directory = tmp_path_factory.mktemp("national")
    counts = synthetic.generate(directory, HOUSEHOLDS, threads=2)
    return directory, counts


def henan_plan() -> Plan:
    clauses = [
        (code, parse_clause(expression, HOUSEHOLD_FACTS, henan2018.PARAMETERS))
        for code, _title, _text, expression in henan2018.HOUSEHOLD_CLAUSES
    ]
    return Plan("household", clauses, resolve_parameters(henan2018.PARAMETERS, 2018, AS_OF))


def read_rows(directory) -> dict[str, list[dict]]:
    with duckdb.connect() as con:
        rows = {}
        for name in sources.RELATIONS:
            cursor = con.execute(f"SELECT * FROM read_parquet('{directory / name}.parquet')")
            columns = [d[0] for d in cursor.description]
            rows[name] = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        return rows


def test_relations_have_the_engine_schema(generated):
    directory, counts = generated
    assert counts["h"] == HOUSEHOLDS
    # Sizes 1–8 averaging about 3.35 members.
    assert 3.1 < counts["m"] / HOUSEHOLDS < 3.6
    with duckdb.connect() as con:
        for name, columns in sources.RELATIONS.items():
            described = con.execute(
                f"DESCRIBE SELECT * FROM read_parquet('{directory / name}.parquet')"
            ).fetchall()
            assert [(row[0], row[1]) for row in described] == columns
        sizes = con.execute(
            f"SELECT min(n), max(n) FROM (SELECT count(*) n FROM '{directory}/m.parquet' "
            "GROUP BY household_id)"
        ).fetchone()
        assert sizes == (1, 8)


def test_generation_is_deterministic(generated, tmp_path):
    directory, counts = generated
    assert synthetic.generate(tmp_path, HOUSEHOLDS, threads=1) == counts
    with duckdb.connect() as con:
        for name in sources.RELATIONS:
            query = "SELECT * FROM read_parquet('{}') EXCEPT ALL SELECT * FROM read_parquet('{}')"
            first, second = directory / f"{name}.parquet", tmp_path / f"{name}.parquet"
            assert con.execute(query.format(first, second)).fetchall() == []
            assert con.execute(query.format(second, first)).fetchall() == []


def test_duckdb_file_output_equals_the_python_evaluator(generated, tmp_path):
    directory, _counts = generated
    plan = henan_plan()
    as_of_ymd = ymd(AS_OF)
    expected = {
        facts["id"]: pyengine.evaluate(plan, facts, people)
        for facts, people in pyengine.household_facts(read_rows(directory), 2018, as_of_ymd)
    }
    letters = {value: letter for letter, value in pyengine.LETTERS.items()}
    for seen_as_columns in (False, True):
        out = tmp_path / f"results-{seen_as_columns}.parquet"
        rows = duck.household_to_file(
            plan, directory, as_of_ymd, out, threads=2, seen_as_columns=seen_as_columns
        )
        assert rows == HOUSEHOLDS
        with duckdb.connect() as con:
            cursor = con.execute(f"SELECT * FROM '{out}'")
            columns = [d[0] for d in cursor.description]
            got = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        results = set()
        for row in got:
            want = expected[row["id"]]
            results.add(row["result"])
            assert row["result"] == want["result"]
            assert row["clauses"] == "".join(letters[want["clauses"][c]] for c, _n in plan.clauses)
            if seen_as_columns:
                seen = {key: row[seen_column(key)] for key, _kind in plan.seen}
            else:
                seen = pyengine.decode_seen(plan.seen, row["seen"])
            for key, value in want["seen"].items():
                if isinstance(value, float):
                    assert math.isclose(seen[key], value, rel_tol=1e-12)
                else:
                    assert seen[key] == value, key
        # The generated registry exercises every outcome.
        assert results == {"pass", "fail", "unknown"}


def mixed_plan() -> Plan:
    """henan-2018 plus a clause mixing the household's own values with derived ones and a
    clause on own values no other clause reads: each way a clause may be compiled."""
    fact, op = henan2018.fact, henan2018.op
    extra = [
        (
            "mixed",
            op(
                "or",
                op("gt", fact("net_income"), henan2018.value(20000)),
                henan2018.is_true("has_sanitary_toilet"),
                op("lt", fact("exit_year"), henan2018.value(2017)),
            ),
        ),
        ("road", {"op": "in", "arg": fact("road_type"), "values": ["3", "4"]}),
    ]
    clauses = [
        (code, parse_clause(expression, HOUSEHOLD_FACTS, henan2018.PARAMETERS))
        for code, _title, _text, expression in henan2018.HOUSEHOLD_CLAUSES
    ] + [
        (code, parse_clause(expression, HOUSEHOLD_FACTS, henan2018.PARAMETERS))
        for code, expression in extra
    ]
    return Plan("household", clauses, resolve_parameters(henan2018.PARAMETERS, 2018, AS_OF))


def income_plan() -> Plan:
    """One clause on a derived value: no clause on the household's row, no quantifier."""
    plan = henan_plan()
    return Plan("household", plan.clauses[:1], plan.params)


@pytest.mark.parametrize("make_plan", [henan_plan, mixed_plan, income_plan])
def test_compact_answer_read_back_is_the_full_answer(generated, tmp_path, make_plan):
    """The compact file (ADR 0032) holds only the masks and the derived values seen; read
    back joined with the households it is the full answer, row for row."""
    directory, _counts = generated
    plan = make_plan()
    as_of_ymd = ymd(AS_OF)
    compact, full = tmp_path / "compact.parquet", tmp_path / "full.parquet"
    assert duck.household_to_file(plan, directory, as_of_ymd, compact, threads=2) == HOUSEHOLDS
    duck.household_to_file(
        plan, directory, as_of_ymd, full, threads=2, seen_as_columns=True, compact=False
    )
    with duckdb.connect() as con:
        stored = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM '{compact}'").fetchall()]
        assert stored == ["id", "failed", "unknown"] + [
            seen_column(key) for key, _kind in derived_seen(plan)
        ]
        # The household's own values are not stored again.
        assert "seen_food_secure" not in stored and "number" not in stored
        con.execute(f"CREATE VIEW back AS {duck.results_sql(plan, directory, compact)}")
        assert (
            con.execute("DESCRIBE back").fetchall()
            == con.execute(f"DESCRIBE SELECT * FROM '{full}'").fetchall()
        )
        for first, second in (("back", f"'{full}'"), (f"'{full}'", "back")):
            difference = f"SELECT * FROM {first} EXCEPT ALL SELECT * FROM {second}"
            assert con.execute(f"SELECT count(*) FROM ({difference})").fetchone()[0] == 0
        # Every outcome and every letter occur, so the masks are exercised both ways.
        outcomes = con.execute(
            f"SELECT DISTINCT {duck.RESULT_OF_MASKS} FROM '{compact}'"
        ).fetchall()
        assert {row[0] for row in outcomes} == {"pass", "fail", "unknown"}
        letters = con.execute("SELECT string_agg(DISTINCT clauses, '') FROM back").fetchone()[0]
        assert set(letters) == {"P", "F", "U"}


def test_compact_answer_refuses_more_clauses_than_a_mask_holds():
    plan = henan_plan()
    plan.clauses = plan.clauses * 8
    with pytest.raises(ValueError):
        duck.household_sql(plan, ymd(AS_OF), compact=True)


def test_compact_answer_stops_on_a_household_too_large_for_its_packed_counts(generated, tmp_path):
    """Member counts are packed in 10 bits each: 1,024 current members stop the query
    with an error instead of giving wrong counts; 1,023 still count exactly."""
    directory, _counts = generated
    plan = henan_plan()
    for members, fails in ((PACKED_MAX_MEMBERS, False), (PACKED_MAX_MEMBERS + 1, True)):
        crowded = tmp_path / f"crowded-{members}"
        crowded.mkdir()
        with duckdb.connect() as con:
            con.execute(
                f"COPY (SELECT * FROM '{directory}/h.parquet' WHERE id = 1) TO '{crowded}/h.parquet'"
            )
            con.execute(
                f"COPY (SELECT m.* REPLACE ('1' AS status) FROM '{directory}/m.parquet' m, "
                f"range({members}) WHERE household_id = 1 LIMIT {members}) TO '{crowded}/m.parquet'"
            )
            for name in ("i", "me"):
                con.execute(
                    f"COPY (SELECT * FROM '{directory}/{name}.parquet' WHERE household_id = 1) "
                    f"TO '{crowded}/{name}.parquet'"
                )
        out = tmp_path / f"out-{members}.parquet"
        if fails:
            with pytest.raises(duckdb.Error, match="more than 1023 current members"):
                duck.household_to_file(plan, crowded, ymd(AS_OF), out, threads=2)
            continue
        duck.household_to_file(plan, crowded, ymd(AS_OF), out, threads=2)
        full = tmp_path / "full.parquet"
        duck.household_to_file(
            plan, crowded, ymd(AS_OF), full, threads=2, seen_as_columns=True, compact=False
        )
        with duckdb.connect() as con:
            back = con.execute(duck.results_sql(plan, crowded, out)).fetchall()
            assert back == con.execute(f"SELECT * FROM '{full}'").fetchall()
            # Every member is the same one: each count is 0 or all 1,023 (the field's top).
            counts = con.execute(
                f"SELECT seen_q1_t + seen_q1_n, seen_q2_t + seen_q2_n FROM '{out}'"
            ).fetchone()
            assert counts[0] <= PACKED_MAX_MEMBERS and counts[1] <= PACKED_MAX_MEMBERS
            insured = con.execute(
                f"SELECT count(*) FILTER (has_basic_medical_insurance) FROM '{crowded}/m.parquet'"
            ).fetchone()[0]
            assert con.execute(f"SELECT seen_q1_t FROM '{out}'").fetchone()[0] == insured
