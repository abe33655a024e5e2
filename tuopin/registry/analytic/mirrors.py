"""Mirrors in the analytic copy: registry tables under their own table and column names.

A query the ORM compiles for the operational database reads these tables by name, so
once transpiled to DuckDB it runs on the copy unchanged (quality checks: see
registry/quality_copy.py). A mirror holds the columns whose types the copy can carry
(numbers, text, yes/no, dates); a query reading another column fails on the copy and is
run on the database instead.

Rows are kept current with the rest of the copy: by household (its row and the rows
keyed by it), by the ids of changed rows (a member moved to another household), and
for the few helpers and regions, by the ids of their changed rows.
"""

from pathlib import Path

import pyarrow as pa
from django.db import models

from tuopin.regions.models import Region
from tuopin.registry.analytic.transfer import append, relation_to_arrow, relation_to_parquet
from tuopin.registry.models import Helper, Household, HouseholdCause, Income, Member

# How each mirror's rows are found again: by household ("household_id"), by the
# household's own id ("id" of Household), or by their own id only (helpers, regions).
BY_HOUSEHOLD = {Household: "id", Member: "household_id", Income: "household_id"}
BY_HOUSEHOLD[HouseholdCause] = "household_id"
BY_OWN_ID = (Helper, Region)
MIRRORED = (*BY_HOUSEHOLD, *BY_OWN_ID)
# Ids sent to the database at a time (SQLite allows 32,766 parameters).
CHUNK = 10_000

_INTEGERS = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
}
_TEXT = {"CharField", "TextField", "SlugField", "EmailField"}


def duck_type(field: models.Field) -> str | None:
    """The DuckDB type of a column, or None for one the copy does not carry."""
    if isinstance(field, models.ForeignKey):
        return duck_type(field.target_field)
    kind = field.get_internal_type()
    if kind in _INTEGERS:
        return "BIGINT"
    if kind in _TEXT:
        return "VARCHAR"
    if kind == "BooleanField":
        return "BOOLEAN"
    if kind == "DateField":
        return "DATE"
    if kind == "DecimalField":
        return f"DECIMAL({field.max_digits}, {field.decimal_places})"
    return None


def mirrored_fields(model) -> list[models.Field]:
    return [field for field in model._meta.concrete_fields if duck_type(field)]


def columns(model) -> list[tuple[str, str]]:
    """(column, DuckDB type) of the mirror, in the order of its query."""
    return [(field.column, duck_type(field)) for field in mirrored_fields(model)]


def queryset(model, *, household_ids=None, ids=None):
    """The mirror's rows from the operational database: all, of households, or by id."""
    rows = model._base_manager.order_by()
    if household_ids is not None:
        rows = rows.filter(**{f"{BY_HOUSEHOLD[model]}__in": household_ids})
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return rows.values_list(*[field.attname for field in mirrored_fields(model)])


def changed_rows(since, member_ids: set[int], income_ids: set[int]) -> dict:
    """Ids of the mirrors' rows changed since `since`, by model (members and incomes
    as the copy's relations already found them). A changed cause needs no id: its
    household is among the changed ones (analytic_copy._changed_since) and is read again
    whole, and a cause never moves to another household."""
    changed = {Member: member_ids, Income: income_ids}
    for model in BY_OWN_ID:
        history = model.history.model.objects.filter(history_date__gte=since)
        changed[model] = set(history.values_list(model._meta.pk.attname, flat=True))
    return changed


def build(con, work: Path) -> None:
    """Every mirror afresh from the operational database (a full build of the copy)."""
    for model in MIRRORED:
        table = model._meta.db_table
        parquet = work / f"{table}.parquet"
        relation_to_parquet(queryset(model), columns(model), parquet)
        # A household's rows lie together, as in the copy's own relations.
        order = f" ORDER BY {BY_HOUSEHOLD[model]}" if model in BY_HOUSEHOLD else ""
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM read_parquet('{parquet}'){order}")


def reload(con, household_ids: list[int], changed: dict) -> None:
    """Delete and read again the rows of the changed households and the changed rows
    (inside the copy's transaction)."""
    con.register("changed_households", pa.table({"id": pa.array(household_ids, pa.int64())}))
    for model in MIRRORED:
        table, pk = model._meta.db_table, model._meta.pk.column
        conditions = []
        if model in BY_HOUSEHOLD:
            conditions.append(f"{BY_HOUSEHOLD[model]} IN (SELECT id FROM changed_households)")
        if changed.get(model):
            con.register("changed_rows", pa.table({"id": pa.array(sorted(changed[model]))}))
            conditions.append(f"{pk} IN (SELECT id FROM changed_rows)")
        if conditions:
            con.execute(f"DELETE FROM {table} WHERE {' OR '.join(conditions)}")
        if changed.get(model):
            con.unregister("changed_rows")
    con.unregister("changed_households")
    for start in range(0, len(household_ids), CHUNK):
        chunk = household_ids[start : start + CHUNK]
        for model in BY_HOUSEHOLD:
            append(con, model._meta.db_table, _read(model, household_ids=chunk))
    for model in BY_OWN_ID:
        ids = sorted(changed.get(model, ()))
        for start in range(0, len(ids), CHUNK):
            append(con, model._meta.db_table, _read(model, ids=ids[start : start + CHUNK]))


def _read(model, **filters) -> pa.Table:
    return relation_to_arrow(queryset(model, **filters), columns(model))
