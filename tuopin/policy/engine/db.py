"""The database engine: one query over the scope, run where the registry lives."""

import threading
from typing import NamedTuple

from django.db import connection

from tuopin.policy.rules.sqlcompile import Plan, household_steps, render
from tuopin.registry.analytic import sources
from tuopin.registry.models import Household

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


class IdRange(NamedTuple):
    """The households with `first <= id < after` (None: no bound)."""

    first: int | None
    after: int | None
    # Every household of the registry is in the region (a city's own registry): the
    # households in the range are then all the region's.
    whole_registry: bool = False


def household_sql(
    plan: Plan, prefix: str, as_of_ymd: int, household_ids=None, id_range: IdRange | None = None
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
        if id_range.whole_registry and household_ids is None:
            # Then the range alone finds the same rows, without looking up the region's
            # households for each relation (0.13 of a city part's 0.82 CPU-s). Were a
            # household of another region added meanwhile, its rows would be aggregated
            # and then left out by the join with `h`, which holds the region's only.
            ids = None
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


def id_ranges(prefix: str, parts: int) -> list[IdRange]:
    """The region's households in `parts` ranges of ids holding about as many each.
    Evaluated apart, the ranges together are the region."""
    ids = sources.households(prefix).values_list("id", flat=True)
    sql, params = ids.query.sql_with_params()
    fractions = [k / parts for k in range(1, parts)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT percentile_disc(%s::float8[]) WITHIN GROUP (ORDER BY id), "
            f'COUNT(*) = (SELECT COUNT(*) FROM "{Household._meta.db_table}") '
            f"FROM ({sql}) AS ids(id)",
            [fractions, *params],
        )
        bounds, whole_registry = cursor.fetchone()
    bounds = [bound for bound in (bounds or []) if bound is not None]
    edges = [None, *sorted(set(bounds)), None]
    return [
        IdRange(first, after, whole_registry)
        for first, after in zip(edges[:-1], edges[1:], strict=True)
    ]


def _within(name: str, queryset, id_range: IdRange):
    """The relation's rows of the households whose id is in the range."""
    key = "pk" if name == "h" else "household_id"
    if id_range.first is not None:
        queryset = queryset.filter(**{f"{key}__gte": id_range.first})
    if id_range.after is not None:
        queryset = queryset.filter(**{f"{key}__lt": id_range.after})
    return queryset


def household_rows(plan: Plan, prefix: str, as_of_ymd: int, household_ids=None) -> list[tuple]:
    sql, params = household_sql(plan, prefix, as_of_ymd, household_ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
