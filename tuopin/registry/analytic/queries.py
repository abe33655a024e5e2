"""ORM querysets run on the analytic copy's mirrors (ADR 0016).

A city-wide check stays one ORM queryset. For the copy, Django compiles it for
PostgreSQL (also when the operational database is SQLite: one source dialect, so one
list of checks proven faithful), sqlglot transpiles that SQL to DuckDB, and DuckDB runs
it on the mirrors, which carry the tables' own names (analytic/mirrors.py). Used by the
registry's quality refresh and the sector ledgers' coverage refresh.
"""

import logging
import re
from collections.abc import Callable, Iterable
from functools import cache

import duckdb
import sqlglot
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.db.utils import load_backend

from tuopin.registry.analytic.analytic_copy import analytic_connection

logger = logging.getLogger(__name__)


@cache
def _compile_only_postgresql():
    """A PostgreSQL backend that only compiles (it never connects)."""
    backend = load_backend("django.db.backends.postgresql")
    settings = {**connection.settings_dict, "ENGINE": "django.db.backends.postgresql"}
    return backend.DatabaseWrapper(settings, alias="analytic_copy_sql")


def _postgresql():
    return connection if connection.vendor == "postgresql" else _compile_only_postgresql()


def duckdb_sql(queryset: QuerySet) -> tuple[str, list]:
    """The queryset's SQL for DuckDB, with positional parameters $1, $2, …"""
    sql, params = queryset.query.get_compiler(connection=_postgresql()).as_sql()
    return duckdb_of_postgresql(sql, params)


def duckdb_of_postgresql(sql: str, params) -> tuple[str, list]:
    """SQL written for PostgreSQL with psycopg's placeholders, for DuckDB: %s become
    $1, $2, …, %% a percent sign (the modulo operator), then sqlglot transpiles it."""
    numbers = iter(range(1, len(params) + 1))
    sql = re.sub(r"%(%|s)", lambda m: "%" if m[1] == "%" else f"${next(numbers)}", sql)
    return sqlglot.transpile(sql, read="postgres", write="duckdb")[0], list(params)


def sql_rows_on_copy(copy, sql: str, params) -> list[tuple]:
    """The rows of a query written by hand for PostgreSQL (the funds' warning rules),
    read from the analytic copy (an open `analytic_connection`)."""
    sql, params = duckdb_of_postgresql(sql, params)
    return copy.connection.execute(sql, params).fetchall()


def rows_on_copy(copy, queryset: QuerySet, around: str = "{}") -> list[tuple]:
    """The queryset's rows, read from the analytic copy (an open `analytic_connection`).

    `around` wraps its SQL (`{}`) in an outer DuckDB query, e.g. a count grouped by a
    column of every shape of queryset a caller has (grouped ones included): the caller
    then writes the same wrapper around the database's SQL."""
    try:
        sql, params = duckdb_sql(queryset)
    except EmptyResultSet:
        return []  # a condition no row can meet: Django answers without a query too
    return copy.connection.execute(around.format(sql), params).fetchall()


def rows_of_checks_on_copy(
    prefix: str,
    codes: Iterable[str],
    queryset_of: Callable[[str], QuerySet],
    around: str = "{}",
) -> dict[str, list[tuple]]:
    """Each check's rows (`queryset_of(code)`) read from the copy, its mirrors current.

    A check DuckDB cannot run is left out (logged), for the caller to run on the
    database: never a count made up (a newer sqlglot or DuckDB may write it otherwise)."""
    found = {}
    # The copy is locked while it is open: only the checks run inside.
    with analytic_connection(prefix, mirrors=True) as copy:
        for code in codes:
            try:
                found[code] = rows_on_copy(copy, queryset_of(code), around)
            except duckdb.Error:
                logger.exception("check %s failed on the analytic copy", code)
    return found
