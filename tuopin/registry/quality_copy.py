"""Quality checks counted on the analytic copy (issue 16; docs/analytics.md, ADR 0016).

A check stays one ORM queryset. For the copy, Django compiles it for PostgreSQL (also
when the operational database is SQLite: one source dialect, so one list of faithful
checks), sqlglot transpiles that SQL to DuckDB, and DuckDB runs it on the copy's
mirrors of the registry tables (same table and column names, analytic/mirrors.py).

Only the checks in ON_COPY run there: a test counts every check both ways over a
seeded region, on SQLite and on PostgreSQL, and ON_COPY holds exactly those whose
per-village counts are equal. The others stay on the database (DATABASE_ONLY says why).
Listing offenders (the pages) always reads the database.
"""

import re
from functools import cache

import sqlglot
from django.db import connection
from django.db.models import QuerySet
from django.db.utils import load_backend

from tuopin.registry.quality import CHECKS

# Checks whose counts on the copy equal the database's (tests/test_quality_copy.py).
DATABASE_ONLY: dict[str, str] = {}
ON_COPY: frozenset[str] = frozenset(CHECKS) - set(DATABASE_ONLY)


@cache
def _compile_only_postgresql():
    """A PostgreSQL backend that only compiles (it never connects)."""
    backend = load_backend("django.db.backends.postgresql")
    settings = {**connection.settings_dict, "ENGINE": "django.db.backends.postgresql"}
    return backend.DatabaseWrapper(settings, alias="quality_copy_sql")


def _postgresql():
    return connection if connection.vendor == "postgresql" else _compile_only_postgresql()


def duckdb_sql(queryset: QuerySet) -> tuple[str, list]:
    """The queryset's SQL for DuckDB, with positional parameters $1, $2, …"""
    sql, params = queryset.query.get_compiler(connection=_postgresql()).as_sql()
    numbers = iter(range(1, len(params) + 1))
    # psycopg's placeholders: %s is a parameter, %% a percent sign (the modulo operator).
    sql = re.sub(r"%(%|s)", lambda m: "%" if m[1] == "%" else f"${next(numbers)}", sql)
    return sqlglot.transpile(sql, read="postgres", write="duckdb")[0], list(params)


def rows_on_copy(copy, queryset: QuerySet) -> list[tuple]:
    """The queryset's rows, read from the analytic copy (an open `analytic_connection`)."""
    sql, params = duckdb_sql(queryset)
    return copy.connection.execute(sql, params).fetchall()
