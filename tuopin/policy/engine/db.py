"""The database engine: one query over the scope, run where the registry lives."""

import threading

from django.db import connection

from tuopin.policy.rules.sqlcompile import Plan, household_steps, render
from tuopin.registry.analytic import sources

DIALECTS = {"sqlite": "sqlite", "postgresql": "postgres"}

# Rendered evaluation steps by plan, date and dialect. Building them with sqlglot takes
# about a tenth of a second, and a case proposal evaluates one village (many times a
# day for the same policy and year). The key is the plan's repr: its clauses are frozen
# AST nodes and its parameters plain values, so equal reprs render the same SQL.
_RENDERED: dict[tuple[str, int, str], str] = {}
_RENDERED_MAX = 64
_RENDERED_LOCK = threading.Lock()


def _household_steps_sql(plan: Plan, as_of_ymd: int, dialect: str) -> str:
    key = (repr(plan), as_of_ymd, dialect)
    steps = _RENDERED.get(key)
    if steps is None:
        # Django formats the SQL with %s placeholders: literal percent signs are doubled.
        steps = render(household_steps(plan, as_of_ymd), dialect).replace("%", "%%")
        with _RENDERED_LOCK:
            if len(_RENDERED) >= _RENDERED_MAX:
                _RENDERED.pop(next(iter(_RENDERED)))  # the oldest entry
            _RENDERED[key] = steps
    return steps


def household_sql(plan: Plan, prefix: str, as_of_ymd: int, household_ids=None) -> tuple[str, list]:
    """The evaluation as SQL for this database, with the ORM's parameters."""
    # A member's birth_ymd is three date_part calls; inlined, PostgreSQL computed it in
    # each of the eight uses of the member's age (half of the city's member aggregation).
    fenced = ("m",) if connection.vendor == "postgresql" else ()
    ctes, params = sources.base_ctes(sources.base_querysets(prefix, household_ids), fenced)
    steps = _household_steps_sql(plan, as_of_ymd, DIALECTS[connection.vendor])
    return steps.replace("WITH ", f"WITH {ctes}, ", 1), params


def household_rows(plan: Plan, prefix: str, as_of_ymd: int, household_ids=None) -> list[tuple]:
    sql, params = household_sql(plan, prefix, as_of_ymd, household_ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
