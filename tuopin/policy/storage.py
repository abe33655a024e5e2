"""Household results into the results table at the database's bulk path.

Two ways in, one table: `store_results` takes an answer computed elsewhere (DuckDB's
Arrow table) and `store_query` stores the answer of an evaluation query run inside the
database itself. Both write the row layout every reader decodes (`HouseholdResult`:
the clause letters and the '|'-joined values seen, decoded with the run's `seen_keys`).

On PostgreSQL a county's or city's run is loaded into a table of its own that inherits
the results table (docs/adr/0014-run-results-tables.md): loaded before it has an index,
then indexed by a sorted build, then attached. Inserting each of 230,000 rows into the
indexes of a table that already holds every earlier run cost twice the whole load.
Readers see one table: a query on `HouseholdResult` reads the run tables too, and the
check constraint `run_id = <run>` lets the planner skip every other run's table.
"""

import io

import pyarrow as pa
import pyarrow.csv as pa_csv
from django.db import connection, transaction

from tuopin.core.db import analyze
from tuopin.policy.models import EvaluationRun, HouseholdResult
from tuopin.regions.enums import RegionLevel

RESULT_COLUMNS = "run_id, household_id, household_number, village_code, result, clauses, seen"
ANSWER_COLUMNS = ["id", "number", "region_code", "result", "clauses", "seen"]
# Runs over these get their own table. A township's or village's run (a case proposal
# evaluates one village, many times a day) goes into the shared table: a table per
# small run would leave thousands of tables for the household page to look through.
OWN_TABLE_LEVELS = (RegionLevel.CITY, RegionLevel.COUNTY)


def store_results(run: EvaluationRun, table: pa.Table) -> None:
    """An Arrow table with `ANSWER_COLUMNS` (the compiled query's output) into the run.

    PostgreSQL: one COPY of a CSV that Arrow writes in C++ (230,000 rows in 0.04 CPU-s;
    psycopg's binary `write_row` runs Python per row and took 3–4 s for the city). No
    column is ever NULL, so CSV quoting is all the format needs.
    SQLite: one `executemany` in one transaction, its fastest bulk path.
    """
    columns = table.select(ANSWER_COLUMNS)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            own = _own_table(run)
            if own:
                _create_run_table(cursor, run, own)
            columns = columns.add_column(
                0, "run_id", pa.array([run.pk] * columns.num_rows, type=pa.int64())
            )
            buffer = io.BytesIO()
            pa_csv.write_csv(columns, buffer, pa_csv.WriteOptions(include_header=False))
            target = f'"{own or _results_table()}" ({RESULT_COLUMNS})'
            with cursor.cursor.copy(f"COPY {target} FROM STDIN WITH (FORMAT csv)") as copy:
                copy.write(buffer.getbuffer())
            _index_and_attach(cursor, own)
        else:
            own = None
            rows = zip(*(column.to_pylist() for column in columns.columns), strict=True)
            cursor.executemany(
                f'INSERT INTO "{_results_table()}" ({RESULT_COLUMNS}) '
                "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [(run.pk, *row) for row in rows],
            )
    if not run.base_id:
        # A delta run's few thousand rows leave the shared table's statistics as they
        # were, near enough; ANALYZE of it samples every run's table.
        _analyze(own)


def store_query(run: EvaluationRun, sql: str, params: list) -> None:
    """The answer of the evaluation query `sql` (`ANSWER_COLUMNS`) into the run, without
    leaving the database."""
    with transaction.atomic(), connection.cursor() as cursor:
        own = None
        if connection.vendor == "postgresql":
            # JIT compiles ~80 expression functions per run (0.4 s of an 8 s city run)
            # and gains nothing on a query that touches each row once.
            cursor.execute("SET LOCAL jit = off")
            # With the default 4 MB the member aggregation sorts on disk; in memory it
            # hashes 764,166 members into 230,000 groups (about 60 MB for the city).
            cursor.execute("SET LOCAL work_mem = '128MB'")
            own = _own_table(run)
            if own:
                _create_run_table(cursor, run, own)
        # Straight into the table: the answer used to go through a temporary table
        # because CREATE TABLE AS may aggregate members in parallel and INSERT never
        # does, but with each member's birth date computed once (engine/db.py) the plan
        # is serial either way and the detour only wrote every row twice.
        cursor.execute(
            f'INSERT INTO "{own or _results_table()}" ({RESULT_COLUMNS}) '
            f"SELECT {int(run.pk)}, {', '.join(ANSWER_COLUMNS)} FROM ({sql}) AS answer_rows",
            params,
        )
        _index_and_attach(cursor, own)
    _analyze(own)


def run_tables() -> list[str]:
    """PostgreSQL: the names of the runs' own tables (empty elsewhere)."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits JOIN pg_class c ON c.oid = inhrelid "
            "WHERE inhparent = %s::regclass ORDER BY 1",
            [_results_table()],
        )
        return [name for (name,) in cursor.fetchall()]


def _results_table() -> str:
    return HouseholdResult._meta.db_table


def _own_table(run: EvaluationRun) -> str | None:
    # A delta run's few rows (docs/adr/0021-delta-runs.md) go into the shared table: a
    # table with three indexes for a few thousand rows costs more than it saves.
    if run.base_id or run.region.level not in OWN_TABLE_LEVELS:
        return None
    return f"{_results_table()}_run{int(run.pk)}"


def _create_run_table(cursor, run: EvaluationRun, name: str) -> None:
    """An empty table with the results table's columns, holding this run only."""
    parent = _results_table()
    _drop_tables_of_deleted_runs(cursor)
    # INCLUDING CONSTRAINTS: INHERIT refuses a table without the results table's checks.
    cursor.execute(
        f'CREATE TABLE "{name}" (LIKE "{parent}" INCLUDING CONSTRAINTS, '
        f'CONSTRAINT "{name}_run" CHECK (run_id = {int(run.pk)}))'
    )
    # The ids come from the results table's own sequence, so they stay unique across
    # every table (LIKE copies the column, not its identity).
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [parent])
    sequence = cursor.fetchone()[0]
    cursor.execute(f"ALTER TABLE \"{name}\" ALTER id SET DEFAULT nextval('{sequence}'::regclass)")


def _index_and_attach(cursor, own: str | None) -> None:
    """Index the run's own table, all rows in, by a sorted build (the results table's
    indexes, column for column), then make it part of the results table."""
    if not own:
        return
    cursor.execute(f'ALTER TABLE "{own}" ADD PRIMARY KEY (id)')
    for index in HouseholdResult._meta.indexes:
        columns = [HouseholdResult._meta.get_field(name).column for name in index.fields]
        cursor.execute(
            f'CREATE INDEX "{own}_{"_".join(columns)}" ON "{own}" ({", ".join(columns)})'
        )
    cursor.execute(f'ALTER TABLE "{own}" INHERIT "{_results_table()}"')


def _analyze(own: str | None) -> None:
    """Planner statistics after the load (core.db.analyze), of the run's own table alone
    when it has one: ANALYZE of the results table samples every run's table."""
    if not own:
        analyze(HouseholdResult)
        return
    with connection.cursor() as cursor:
        cursor.execute(f'ANALYZE "{own}"')


def _drop_tables_of_deleted_runs(cursor) -> None:
    """Deleting a run deletes its rows (the ORM's cascade) and leaves its empty table;
    the next run with a table of its own drops those."""
    prefix = f"{_results_table()}_run"
    tables = {
        int(name.removeprefix(prefix)): name for name in run_tables() if name.startswith(prefix)
    }
    alive = set(EvaluationRun.objects.filter(pk__in=tables).values_list("pk", flat=True))
    for pk, name in tables.items():
        if pk not in alive:
            cursor.execute(f'DROP TABLE "{name}"')
