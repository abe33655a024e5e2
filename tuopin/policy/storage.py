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
import re
import threading
from collections import Counter

import pyarrow as pa
import pyarrow.csv as pa_csv
from django.db import connection, transaction

from tuopin.core.db import analyze
from tuopin.policy.models import EvaluationRun, HouseholdResult, RunStatus
from tuopin.regions.enums import RegionLevel

RESULT_COLUMNS = "run_id, household_id, household_number, village_code, result, clauses, seen"
ANSWER_COLUMNS = ["id", "number", "region_code", "result", "clauses", "seen"]
# A city's or county's `db` run is evaluated and stored in this many parts at once, each
# a range of household ids on a connection of its own (`store_query_in_parts`): the
# machine has two cores, and one query uses one of them from the scan to the index build.
PARTS = 2
# Runs over these get their own table. A township's or village's run (a case proposal
# evaluates one village, many times a day) goes into the shared table: a table per
# small run would leave thousands of tables for the household page to look through.
OWN_TABLE_LEVELS = (RegionLevel.CITY, RegionLevel.COUNTY)
# The columns readers filter, join, group or count by (results.py, selectors, runs'
# counts): the only ones a run's own table is analyzed for. The values seen (the widest
# column), the number and the id are only read back, never planned on; leaving them out
# halves the ANALYZE of a run's table.
ANALYZED_COLUMNS = "run_id, household_id, village_code, result, clauses"


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
                _drop_tables_of_deleted_runs(cursor)
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
                _drop_tables_of_deleted_runs(cursor)
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


def parts_possible(run: EvaluationRun) -> bool:
    """Whether the run may be stored in parts (`store_query_in_parts`): PostgreSQL, a
    run with tables of its own, and no transaction of the caller's (another connection
    does not see its uncommitted rows, nor could its rows join the caller's transaction:
    the test suite, a service that evaluates inside its own transaction)."""
    return (
        connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and _own_table(run) is not None
    )


def store_query_in_parts(run: EvaluationRun, queries: list[tuple[str, list]]) -> Counter:
    """The answers of the evaluation queries (`ANSWER_COLUMNS`, each over its own range
    of households: engine.db.id_ranges) into the run, each loaded and indexed by its own
    connection at the same time, in a table of its own; the run's (result, letters)
    patterns counted. Only where `parts_possible`.

    Every part reads the registry as of one snapshot (the first part's, exported to the
    others), so the run sees the registry as one query would. Each part commits its
    table unattached, where no reader looks; once all have, one transaction attaches
    them all to the results table, so a reader sees the whole run or none of it. If a
    part fails, the tables of the others are dropped and its failure raised.
    """
    own = _own_table(run)
    # `p`, not `_`, before the part: code before parts read the run after `_run` with
    # int(), which takes "15_1" for run 151 and would drop the table as a deleted run's.
    names = [own if index == 0 else f"{own}p{index}" for index in range(len(queries))]
    with connection.cursor() as cursor:
        _drop_tables_of_deleted_runs(cursor)
    counted: list[Counter | None] = [None] * len(queries)
    failures: dict[int, BaseException] = {}
    snapshot: list[str] = []
    exported = threading.Event()
    imported = [threading.Event() for _query in queries]

    def load(index: int) -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                # REPEATABLE READ: one snapshot for the whole transaction, the one the
                # first part exports and the others import before reading anything.
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                if index == 0:
                    cursor.execute("SELECT pg_export_snapshot()")
                    snapshot.append(cursor.fetchone()[0])
                    exported.set()
                else:
                    exported.wait()
                    if not snapshot:
                        return  # the first part failed before exporting it
                    cursor.execute(f"SET TRANSACTION SNAPSHOT '{snapshot[0]}'")
                    imported[index].set()
                counted[index] = _load_part(cursor, run, names[index], *queries[index])
                if index == 0:
                    # An exported snapshot can be imported only while the transaction
                    # that exported it is open.
                    for event in imported[1:]:
                        event.wait()
        except BaseException as failure:
            failures[index] = failure
        finally:
            exported.set()
            imported[index].set()
            if index:
                connection.close()  # the thread's own connection

    threads = [
        threading.Thread(target=load, args=(index,), name=f"run-{run.pk}-part-{index}")
        for index in range(1, len(queries))
    ]
    for thread in threads:
        thread.start()
    load(0)
    for thread in threads:
        thread.join()
    with transaction.atomic(), connection.cursor() as cursor:
        for name in names:
            if failures:
                cursor.execute(f'DROP TABLE IF EXISTS "{name}"')
            else:
                cursor.execute(f'ALTER TABLE "{name}" INHERIT "{_results_table()}"')
    if failures:
        raise failures[min(failures)]
    return sum(counted, Counter())


def _load_part(cursor, run: EvaluationRun, name: str, sql: str, params: list) -> Counter:
    """One part of `store_query_in_parts` into its table, indexed and analyzed."""
    cursor.execute("SET LOCAL jit = off")  # as in store_query
    cursor.execute("SET LOCAL work_mem = '128MB'")
    # A part's households are a range of ids, and its members, incomes and measures all
    # come from indexes that lead with the household id: sorted (in memory, within the
    # work_mem above), each is aggregated in one pass and merged with the households in
    # id order. The planner prefers hash tables of 115,000 groups each, which cost a
    # quarter more of the part's CPU (docs/benchmarks.md, db16c).
    cursor.execute("SET LOCAL enable_hashagg = off")
    cursor.execute("SET LOCAL enable_hashjoin = off")
    _create_run_table(cursor, run, name)
    cursor.execute(
        f'INSERT INTO "{name}" ({RESULT_COLUMNS}) '
        f"SELECT {int(run.pk)}, {', '.join(ANSWER_COLUMNS)} FROM ({sql}) AS answer_rows",
        params,
    )
    _index(cursor, name)
    # Inside the transaction, which ANALYZE allows: it counts the transaction's own new
    # rows, and the part's table is analyzed while the other part still works.
    cursor.execute(f'ANALYZE "{name}" ({ANALYZED_COLUMNS})')
    cursor.execute(f'SELECT result, clauses, COUNT(*) FROM "{name}" GROUP BY 1, 2')
    return Counter({(result, letters): n for result, letters, n in cursor.fetchall()})


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
    _index(cursor, own)
    cursor.execute(f'ALTER TABLE "{own}" INHERIT "{_results_table()}"')


def _index(cursor, own: str) -> None:
    """The results table's primary key and indexes, column for column, on a run's table."""
    cursor.execute(f'ALTER TABLE "{own}" ADD PRIMARY KEY (id)')
    for index in HouseholdResult._meta.indexes:
        columns = [HouseholdResult._meta.get_field(name).column for name in index.fields]
        cursor.execute(
            f'CREATE INDEX "{own}_{"_".join(columns)}" ON "{own}" ({", ".join(columns)})'
        )


def _analyze(own: str | None) -> None:
    """Planner statistics after the load (core.db.analyze), of the run's own table alone
    when it has one: ANALYZE of the results table samples every run's table."""
    if not own:
        analyze(HouseholdResult)
        return
    with connection.cursor() as cursor:
        cursor.execute(f'ANALYZE "{own}" ({ANALYZED_COLUMNS})')


def _drop_tables_of_deleted_runs(cursor) -> None:
    """Deleting a run deletes its rows (the ORM's cascade) and leaves its empty tables;
    the next run with a table of its own drops those, and the unattached tables of a
    run no longer running (its parts failed, or the process stopped between a part's
    commit and the attach: `store_query_in_parts`)."""
    parent = _results_table()
    cursor.execute(
        "SELECT c.relname, EXISTS (SELECT FROM pg_inherits WHERE inhrelid = c.oid) "
        "FROM pg_class c WHERE c.relkind = 'r' "
        "AND c.relnamespace = (SELECT relnamespace FROM pg_class WHERE oid = %s::regclass) "
        "AND c.relname LIKE %s",
        [parent, f"{parent}_run%"],
    )
    tables = {}
    for name, attached in cursor.fetchall():
        match = re.fullmatch(rf"{parent}_run(\d+)(?:p\d+)?", name)
        if match:
            tables[name] = (int(match[1]), attached)
    status = dict(
        EvaluationRun.objects.filter(pk__in={pk for pk, _a in tables.values()}).values_list(
            "pk", "status"
        )
    )
    for name, (pk, attached) in tables.items():
        if pk not in status or (not attached and status[pk] != RunStatus.RUNNING):
            cursor.execute(f'DROP TABLE "{name}"')
