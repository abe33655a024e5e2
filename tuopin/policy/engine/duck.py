"""The DuckDB engine: the input relations as a Parquet snapshot, evaluated in DuckDB.

The snapshot is taken through the ORM's own SQL (PostgreSQL streams it with COPY;
SQLite through the cursor into Arrow), so every engine reads the same relations.
DuckDB's downloadable extensions are not available here: only built-in Parquet.
"""

import shutil
from pathlib import Path

import duckdb
import pyarrow as pa

from tuopin.policy.rules.sqlcompile import (
    Plan,
    expanded_steps,
    household_steps,
    render,
    result_of_masks,
)
from tuopin.registry.analytic import sources
from tuopin.registry.analytic.transfer import relation_to_parquet

PERFECT_HASH_BITS = 26  # DuckDB's default is 12 (4,096 groups)
# 'pass', 'fail' or 'unknown' of a row of a compact answer (its `failed` and `unknown`).
RESULT_OF_MASKS = result_of_masks().sql(dialect="duckdb")


def snapshot(prefix: str, directory: Path, household_ids=None) -> dict[str, int]:
    """Write h, m, i, me as Parquet files; returns the row count of each."""
    directory.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, queryset in sources.base_querysets(prefix, household_ids).items():
        path = directory / f"{name}.parquet"
        counts[name] = relation_to_parquet(queryset, sources.RELATIONS[name], path)
    return counts


def connect(directory: Path, threads: int | None = None) -> duckdb.DuckDBPyConnection:
    duck = duckdb.connect()
    if threads:
        duck.execute(f"SET threads = {int(threads)}")
    for name in sources.RELATIONS:
        duck.execute(
            f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{directory / name}.parquet')"
        )
    return duck


def household_sql(
    plan: Plan, as_of_ymd: int, seen_as_columns: bool = False, compact: bool = False
) -> str:
    return render(household_steps(plan, as_of_ymd, seen_as_columns, compact), "duckdb")


def household_table(plan: Plan, directory: Path, as_of_ymd: int) -> pa.Table:
    with connect(directory) as duck:
        return duck.sql(household_sql(plan, as_of_ymd)).to_arrow_table()


def household_to_file(
    plan: Plan,
    directory: Path,
    as_of_ymd: int,
    out: Path,
    threads=None,
    memory_limit: str | None = None,
    seen_as_columns: bool | None = None,
    compact: bool | None = None,
) -> int:
    """Evaluate straight to Parquet or CSV (for scales no database should hold).

    Parquet gets the compact answer unless told otherwise (ADR 0032: id, failed and
    unknown clauses as bit masks, the derived values seen; `results_sql` gives the full
    answer back with the households' own values); asked for the full answer, Parquet gets
    the values seen as typed columns (`seen_<key>`) and CSV the same '|'-joined text the
    results table stores.
    """
    parquet = out.suffix == ".parquet"
    fmt = "parquet" if parquet else "csv, header true"
    if compact is None:
        compact = parquet and seen_as_columns is None
    seen_as_columns = parquet if seen_as_columns is None else seen_as_columns
    spill = out.parent / f"{out.name}.spill"
    with connect(directory, threads) as duck:
        # Row order is meaningless here (every row carries its id) and keeping it makes
        # DuckDB buffer the whole answer; hash tables for 30 million households may
        # need to spill, next to the output rather than in memory.
        duck.execute("SET preserve_insertion_order = false")
        # Household ids are dense integers, and Parquet's statistics tell DuckDB their
        # range: up to 2^26 of them (the nation is 30 million) it then aggregates members,
        # incomes and measures into an array indexed by id instead of a hash table, with
        # no hashing and, the files being in id order, no random access.
        duck.execute(f"SET perfect_ht_threshold = {PERFECT_HASH_BITS}")
        duck.execute(f"SET temp_directory = '{spill}'")
        if memory_limit:
            duck.execute(f"SET memory_limit = '{memory_limit}'")
        sql = household_sql(plan, as_of_ymd, seen_as_columns, compact)
        duck.execute(f"COPY ({sql}) TO '{out}' (FORMAT {fmt})")
        rows = duck.execute(f"SELECT count(*) FROM '{out}'").fetchone()[0]
    shutil.rmtree(spill, ignore_errors=True)
    return rows


def results_sql(plan: Plan, directory: Path, results: Path) -> str:
    """The full answer (the columns of `household_to_file(..., compact=False)`, values seen
    as typed columns) of a compact answer file, each row joined by id with the
    household's own row in `directory`: filter it by id to explain a few households."""
    base = (
        f"r AS (SELECT * FROM read_parquet('{results}')), "
        f"h AS (SELECT * FROM read_parquet('{directory / 'h'}.parquet'))"
    )
    return render(expanded_steps(plan), "duckdb", base)
