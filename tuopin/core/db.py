"""Database housekeeping shared by the apps."""

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Field, ForeignObject, Lookup


def analyze(*models) -> None:
    """Refresh planner statistics after a bulk load.

    Right after hundreds of thousands of rows arrive, PostgreSQL still believes the tables
    are tiny and picks sort-based plans that made a city export 100x slower; autovacuum
    catches up only later. SQLite's planner uses the same statistics (sqlite_stat1).
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # A full ANALYZE reads every row while holding SQLite's one write lock (seconds
            # over a city registry); sampled statistics plan as well and keep it short.
            cursor.execute("PRAGMA analysis_limit=1000")
        for model in models:
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')


class AnyOf(Lookup):
    """`field__any_of=[...]`: `IN (...)` for long lists of values.

    On PostgreSQL the list travels as one array parameter (`= ANY(%s)`): Django's `__in`
    prepares every element on its own, which costs seconds over the hundreds of
    thousands of keys of a city-scale import. Elsewhere it is a plain IN list, so keep
    the lists within the database's parameter limit there (SQLite: 32,766).
    """

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs.values if isinstance(self.rhs, Keys) else self.rhs)
        if not values:
            raise EmptyResultSet  # no query at all, as for `__in=[]`
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, array_literal(values)]
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]


class Keys:
    """Values for `__any_of` that Django passes through whole. A list or tuple is walked
    element by element while the filter is built (`Query.resolve_lookup_value`, and for
    a relation `check_related_objects`): 3 ms of Python per filter on 7,000 household
    ids, paid by each of the analytic copy's reads after a change. No `__iter__` on
    purpose: Django walks anything iterable."""

    __slots__ = ("values",)

    def __init__(self, values) -> None:
        self.values = values


def array_literal(values: list) -> str | list:
    """A PostgreSQL array literal ('{1,2}', '{"a","b"}') of whole numbers or texts, built
    by `str.join` in C: psycopg adapts a list element by element in Python, which took a
    third of a second per 100,000 keys of an import. Other lists are returned as they are.
    """
    kinds = set(map(type, values))
    if kinds == {int}:
        return "{" + ",".join(map(str, values)) + "}"
    if kinds == {str}:
        body = '","'.join(values)
        # Only when no element holds a quote or backslash (they would need escaping).
        if "\\" not in body and body.count('"') == 2 * (len(values) - 1):
            return '{"' + body + '"}'
    return values


Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)  # relations keep a lookup list of their own
