"""Mirrors in the analytic copy: registry tables under their own table and column names.

A query the ORM compiles for the operational database reads these tables by name, so
once transpiled to DuckDB it runs on the copy unchanged (quality checks: see
registry/quality_copy.py). A mirror holds the columns whose types the copy can carry
(numbers, text, yes/no, dates); a query reading another column fails on the copy and is
run on the database instead.

Rows are kept current with the rest of the copy: by household (its row and the rows
keyed by it), by the ids of changed rows (a member moved to another household), and
for the few helpers and regions, by the ids of their changed rows.

Apps above registry add the tables their own city-wide checks read (`register`, from
their AppConfig.ready: the sector ledgers for the coverage checks), found again by the
ids their history names, or, for append-only tables without history, by ids above the
copy's highest. A mirror whose row count then differs from the database's was written
without history (a seed, SQL by hand): the copy is built afresh rather than read wrong.
"""

import hashlib
from pathlib import Path

import pyarrow as pa
from django.db import models

from tuopin.core.db import Keys  # and the any_of lookup
from tuopin.regions.models import Region
from tuopin.registry.analytic.transfer import append, relation_to_arrow, relation_to_parquet
from tuopin.registry.models import (
    Helper,
    Household,
    HouseholdCause,
    Income,
    Measure,
    Member,
    MemberEvent,
)

# How each mirror's rows are found again: by household ("household_id"), by the
# household's own id ("id" of Household), by their own id as their history names it
# (helpers, regions, the tables apps register), or as rows added since (append-only).
BY_HOUSEHOLD = {Household: "id", Member: "household_id", Income: "household_id"}
BY_HOUSEHOLD[HouseholdCause] = BY_HOUSEHOLD[Measure] = "household_id"
BY_OWN_ID: list = [Helper, Region]
APPEND_ONLY: list = [MemberEvent]


def register(*models, append_only: bool = False) -> None:
    """Mirror an app's tables too (from its AppConfig.ready, so every process agrees on
    the copy's layout): with history, or append-only without."""
    kind = APPEND_ONLY if append_only else BY_OWN_ID
    kind.extend(model for model in models if model not in kind)


def mirrored() -> list:
    return [*BY_HOUSEHOLD, *BY_OWN_ID, *APPEND_ONLY]


def layout() -> str:
    """What the mirrors hold (tables and their columns): another layout is built afresh,
    so a migration or a newly registered table never meets an older file."""
    tables = sorted(f"{model._meta.db_table}({columns(model)})" for model in mirrored())
    return hashlib.sha256("|".join(tables).encode()).hexdigest()[:16]


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
    """The mirror's rows from the operational database: all, of households, or by id
    (the ids as one array, read by index inside transfer.reading_by_index)."""
    rows = model._base_manager.order_by()
    if household_ids is not None:
        rows = rows.filter(**{f"{BY_HOUSEHOLD[model]}__any_of": Keys(household_ids)})
    if ids is not None:
        rows = rows.filter(pk__any_of=Keys(ids))
    return rows.values_list(*[field.attname for field in mirrored_fields(model)])


def changed_rows(con, since, member_ids: set[int], income_ids: set[int]) -> dict:
    """Ids of the mirrors' rows changed since `since`, by model (members and incomes
    as the copy's relations already found them). A changed cause or measure needs no id:
    its household is among the changed ones (analytic_copy._changed_since) and is read
    again whole, and neither moves to another household. Append-only tables: the rows
    above the copy's highest id."""
    changed = {Member: member_ids, Income: income_ids}
    for model in BY_OWN_ID:
        history = model.history.model.objects.filter(history_date__gte=since)
        changed[model] = set(history.values_list(model._meta.pk.attname, flat=True))
    for model in APPEND_ONLY:
        table, pk = model._meta.db_table, model._meta.pk.column
        highest = con.execute(f"SELECT coalesce(max({pk}), 0) FROM {table}").fetchall()[0][0]
        changed[model] = set(
            model._base_manager.filter(pk__gt=highest).values_list("pk", flat=True)
        )
    return changed


def counted() -> list:
    """The mirrors whose row count is compared with their table's (found again by id)."""
    return [*BY_OWN_ID, *APPEND_ONLY]


def counts_agree(con, unchanged: set[str] = frozenset()) -> bool:
    """Every mirror found again by id holds as many rows as its table: else rows were
    written or deleted without history, and only a full build reads them right. A table
    in `unchanged` (its fingerprint as when the copy last agreed: fingerprints.py) is
    not counted."""
    for model in counted():
        table = model._meta.db_table
        if table in unchanged:
            continue
        held = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
        if held != model._base_manager.count():
            return False
    return True


def build(con, work: Path) -> None:
    """Every mirror afresh from the operational database (a full build of the copy)."""
    for model in mirrored():
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
    for model in mirrored():
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
    for model in (*BY_OWN_ID, *APPEND_ONLY):
        ids = sorted(changed.get(model, ()))
        for start in range(0, len(ids), CHUNK):
            append(con, model._meta.db_table, _read(model, ids=ids[start : start + CHUNK]))


def _read(model, **filters) -> pa.Table:
    return relation_to_arrow(queryset(model, **filters), columns(model))
