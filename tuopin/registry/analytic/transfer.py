"""An ORM query into Arrow or Parquet, typed by a list of (column, DuckDB type).

The query is the ORM's own SQL: PostgreSQL streams it out with COPY (DuckDB types and
compresses the CSV); SQLite goes through the cursor into Arrow in batches.
"""

import datetime
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from django.db import connection, transaction

BATCH = 50_000


def decimal_value(value, places: int) -> Decimal | None:
    """SQLite hands a decimal column back as a float: its shortest repr is the number."""
    if value is None or isinstance(value, Decimal):
        return value
    return round(Decimal(str(value)), places)


def relation_to_parquet(queryset, columns, path: Path) -> int:
    """One relation (an ORM query and its column names and types) into a Parquet file."""
    if connection.vendor == "postgresql":
        return _copy_to_parquet(queryset, columns, path)
    return _fetch_to_parquet(queryset, columns, path)


def relation_to_arrow(queryset, columns) -> pa.Table:
    """A few thousand rows straight into Arrow (no file): the analytic copy's changes."""
    schema = _schema(columns)
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return _rows_to_arrow(cursor.fetchall(), schema)


@contextmanager
def reading_by_index():
    """PostgreSQL: plan the reads by id for pages in memory (random_page_cost 1.1, as for
    an SSD; the default 4 has the planner scan whole tables rather than look up 2,300
    households) in this one backend (no parallel workers)."""
    if connection.vendor != "postgresql":
        yield
        return
    names = ["random_page_cost", "max_parallel_workers_per_gather"]
    # One round trip each way: set_config(..., true) is SET LOCAL; the values before are
    # read in the same statement to be put back.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting(%s), current_setting(%s), "
            "set_config(%s, '1.1', true), set_config(%s, '0', true)",
            names + names,
        )
        before = cursor.fetchone()[:2]
        yield
        # Inside a caller's transaction a local setting would last until that ends (a
        # failure rolls back to the savepoint, which undoes it).
        cursor.execute(
            "SELECT set_config(%s, %s, true), set_config(%s, %s, true)",
            [names[0], before[0], names[1], before[1]],
        )


def append(con: duckdb.DuckDBPyConnection, table: str, rows: pa.Table) -> None:
    """Rows read by `relation_to_arrow` appended to a table of the copy."""
    if rows.num_rows:
        con.register("fresh", rows)
        con.execute(f"INSERT INTO {table} SELECT * FROM fresh")
        con.unregister("fresh")


def _rows_to_arrow(rows, schema: pa.Schema) -> pa.Table:
    if not rows:
        return schema.empty_table()
    # psycopg hands back yes/no, decimals and dates already typed: Arrow takes them as
    # they are (a value-by-value pass was a third of the time, 12 ms for the mirrors of
    # 4,600 households).
    typed = connection.vendor == "postgresql"
    arrays = [
        pa.array(column if typed else _values(column, field.type), type=field.type)
        for column, field in zip(zip(*rows, strict=True), schema, strict=True)
    ]
    return pa.Table.from_arrays(arrays, schema=schema)


def _values(column, kind: pa.DataType) -> list:
    """SQLite's values as Arrow takes them: 0/1 as yes/no, a decimal column's floats as
    decimals, a date's text as a date."""
    if kind == pa.bool_():
        return [None if v is None else bool(v) for v in column]
    if pa.types.is_decimal(kind):
        return [decimal_value(v, kind.scale) for v in column]
    if kind == pa.date32():
        return [datetime.date.fromisoformat(v) if isinstance(v, str) else v for v in column]
    return list(column)


def _schema(columns) -> pa.Schema:
    return pa.schema([(column, _arrow_type(kind)) for column, kind in columns])


def _arrow_type(kind: str) -> pa.DataType:
    simple = {
        "BIGINT": pa.int64(),
        "INTEGER": pa.int32(),
        "VARCHAR": pa.string(),
        "BOOLEAN": pa.bool_(),
        "DATE": pa.date32(),
    }
    if kind in simple:
        return simple[kind]
    precision, scale = kind.removeprefix("DECIMAL(").removesuffix(")").split(",")
    return pa.decimal128(int(precision), int(scale))


def _fetch_to_parquet(queryset, columns, path: Path) -> int:
    schema = _schema(columns)
    sql, params = queryset.query.sql_with_params()
    total = 0
    with connection.cursor() as cursor, pq.ParquetWriter(path, schema) as writer:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(BATCH):
            writer.write_table(_rows_to_arrow(rows, schema))
            total += len(rows)
    return total


def _copy_to_parquet(queryset, columns, path: Path) -> int:
    """PostgreSQL: COPY the query out as CSV and let DuckDB type and compress it."""
    sql, params = queryset.query.sql_with_params()
    csv_path = path.with_suffix(".csv")
    with connection.cursor() as cursor, open(csv_path, "wb") as out:
        raw = cursor.cursor  # psycopg's own cursor: COPY needs it
        with raw.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy:
            for chunk in copy:
                out.write(chunk)
    types = ", ".join(f"'{column}': '{kind}'" for column, kind in columns)
    with duckdb.connect() as duck:
        duck.execute(
            f"COPY (SELECT * FROM read_csv('{csv_path}', header=false, columns={{{types}}}, "
            f"auto_detect=false, quote='\"', nullstr='', allow_quoted_nulls=false)) TO '{path}' (FORMAT parquet)"
        )
        total = duck.execute(f"SELECT count(*) FROM read_parquet('{path}')").fetchone()[0]
    csv_path.unlink()
    return total
