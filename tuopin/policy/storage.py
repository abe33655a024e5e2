"""Household results into the results table at the database's bulk path.

Two ways in, one table: `store_results` takes an answer computed elsewhere (DuckDB's
Arrow table) and `store_query` stores the answer of an evaluation query run inside the
database itself. Both write the row layout every reader decodes (`HouseholdResult`:
the clause letters and the '|'-joined values seen, decoded with the run's `seen_keys`).
"""

import io

import pyarrow as pa
import pyarrow.csv as pa_csv
from django.db import connection, transaction

from tuopin.policy.models import EvaluationRun, HouseholdResult

RESULT_COLUMNS = "run_id, household_id, household_number, village_code, result, clauses, seen"
ANSWER_COLUMNS = ["id", "number", "region_code", "result", "clauses", "seen"]


def store_results(run: EvaluationRun, table: pa.Table) -> None:
    """An Arrow table with `ANSWER_COLUMNS` (the compiled query's output) into the run.

    PostgreSQL: one COPY of a CSV that Arrow writes in C++ (230,000 rows in a few
    tenths of a second; psycopg's binary `write_row` runs Python per row and took 3–4 s
    for the city). No column is ever NULL, so CSV quoting is all the format needs.
    SQLite: one `executemany` in one transaction, its fastest bulk path.
    """
    columns = table.select(ANSWER_COLUMNS)
    target = f"{HouseholdResult._meta.db_table} ({RESULT_COLUMNS})"
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            columns = columns.add_column(
                0, "run_id", pa.array([run.pk] * columns.num_rows, type=pa.int64())
            )
            buffer = io.BytesIO()
            pa_csv.write_csv(columns, buffer, pa_csv.WriteOptions(include_header=False))
            with cursor.cursor.copy(f"COPY {target} FROM STDIN WITH (FORMAT csv)") as copy:
                copy.write(buffer.getbuffer())
            return
        rows = zip(*(column.to_pylist() for column in columns.columns), strict=True)
        cursor.executemany(
            f"INSERT INTO {target} VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [(run.pk, *row) for row in rows],
        )


def store_query(run: EvaluationRun, sql: str, params: list) -> None:
    """The answer of the evaluation query `sql` (`ANSWER_COLUMNS`) into the run, without
    leaving the database."""
    insert = (
        f"INSERT INTO {HouseholdResult._meta.db_table} ({RESULT_COLUMNS}) "
        f"SELECT {int(run.pk)}, {', '.join(ANSWER_COLUMNS)} FROM "
    )
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # JIT compiles ~80 expression functions per run (0.4 s of an 8 s city run)
            # and gains nothing on a query that touches each row once.
            cursor.execute("SET LOCAL jit = off")
            # With the default 4 MB the member aggregation sorts on disk; in memory it
            # hashes 764,166 members into 230,000 groups (about 60 MB for the city).
            cursor.execute("SET LOCAL work_mem = '128MB'")
        # Straight into the table: the answer used to go through a temporary table
        # because CREATE TABLE AS may aggregate members in parallel and INSERT never
        # does, but with each member's birth date computed once (engine/db.py) the plan
        # is serial either way and the detour only wrote every row twice.
        cursor.execute(f"{insert} ({sql}) AS answer_rows", params)
