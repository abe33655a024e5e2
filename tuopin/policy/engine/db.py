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


def household_sql(
    plan: Plan, prefix: str, as_of_ymd: int, household_ids=None, id_range=None
) -> tuple[str, list]:
    """The evaluation as SQL for this database, with the ORM's parameters; with
    `id_range` (from `id_ranges`) only the region's households in that range of ids."""
    # A member's birth_ymd is three date_part calls; inlined, PostgreSQL computed it in
    # each of the eight uses of the member's age (half of the city's member aggregation).
    fenced = ("m",) if connection.vendor == "postgresql" else ()
    querysets = sources.base_querysets(prefix, household_ids)
    if id_range is not None:
        # The region's households in the range; their members, incomes and measures
        # found by household id in that set, not by a join with every household of the
        # region (each part would scan and hash all the region's households three times).
        scope = _within("h", querysets["h"], id_range)
        ids = scope.values("id")
        querysets = {
            "h": scope,
            **{
                name: _within(name, relation, id_range)
                for name, relation in sources.base_querysets("", ids).items()
                if name != "h"
            },
        }
    ctes, params = sources.base_ctes(querysets, fenced)
    steps = _household_steps_sql(plan, as_of_ymd, DIALECTS[connection.vendor])
    return steps.replace("WITH ", f"WITH {ctes}, ", 1), params


def id_ranges(prefix: str, parts: int) -> list[tuple[int | None, int | None]]:
    """The region's households in `parts` ranges of ids holding about as many each:
    (first id, id after the last), None for no bound. Evaluated apart, the ranges
    together are the region."""
    ids = sources.households(prefix).values_list("id", flat=True)
    sql, params = ids.query.sql_with_params()
    fractions = [k / parts for k in range(1, parts)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT percentile_disc(%s::float8[]) WITHIN GROUP (ORDER BY id) "
            f"FROM ({sql}) AS ids(id)",
            [fractions, *params],
        )
        bounds = [bound for bound in (cursor.fetchone()[0] or []) if bound is not None]
    edges = [None, *sorted(set(bounds)), None]
    return list(zip(edges[:-1], edges[1:], strict=True))


def _within(name: str, queryset, id_range: tuple[int | None, int | None]):
    """The relation's rows of the households whose id is in the range."""
    key = "pk" if name == "h" else "household_id"
    low, high = id_range
    if low is not None:
        queryset = queryset.filter(**{f"{key}__gte": low})
    if high is not None:
        queryset = queryset.filter(**{f"{key}__lt": high})
    return queryset


def household_rows(plan: Plan, prefix: str, as_of_ymd: int, household_ids=None) -> list[tuple]:
    sql, params = household_sql(plan, prefix, as_of_ymd, household_ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
