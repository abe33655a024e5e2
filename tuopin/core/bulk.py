"""Inserting many new rows of a model with history, in a few statements per batch.

The rows go in with COPY on PostgreSQL (ids drawn from the table's sequence first, so
the caller gets them back) and with `bulk_create` elsewhere. Their history rows are then
copied from the stored rows by one INSERT ... SELECT per batch, on the database server:
they hold exactly what was stored, as `simple_history.utils.bulk_create_with_history`
would write them (type "+", the given user and reason), without a second round of
Python objects. At city scale that is the difference between minutes and seconds.
"""

import io
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from operator import itemgetter
from typing import NamedTuple

from django.conf import settings
from django.db import connection, connections
from django.db.models import Model
from django.utils import timezone
from psycopg import sql
from psycopg.copy import Copy, FileWriter
from simple_history.exceptions import NotHistoricalModelError
from simple_history.utils import (
    bulk_create_with_history,
    bulk_update_with_history,
    get_history_model_for_model,
)

from tuopin.core.copy_text import rows_text

BATCH = 2000  # rows per bulk_create statement
IN_BATCH = 500  # ids per IN (...) list where arrays are not available


def insert_with_history(
    model: type[Model], rows: list[dict], *, user=None, reason: str = "", use_copy=None
) -> list[int]:
    """Insert `rows` (attname -> value; absent fields take their defaults) and their
    history rows; returns the new ids in the order of `rows`.

    `use_copy`: None chooses COPY on PostgreSQL; False forces `bulk_create` (tests compare).
    """
    if not rows:
        return []
    history = get_history_model_for_model(model)
    if hasattr(history, "history_relation"):  # not a layout INSERT ... SELECT reproduces
        objects = bulk_create_with_history(
            [model(**row) for row in rows],
            model,
            batch_size=BATCH,
            default_user=user,
            default_change_reason=reason,
        )
        return [obj.pk for obj in objects]
    if use_copy is None:
        use_copy = connection.vendor == "postgresql"
    ids = _copy(model, rows) if use_copy else _bulk_create(model, rows)
    if getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        _history(model, history, ids, user or history.get_default_history_user(model()), reason)
    return ids


def update_with_history(
    rows: list[Model], model: type[Model], fields: list[str], *, user=None, reason: str = ""
) -> None:
    """Store `fields` of the changed instances `rows` and a history row ("~") for each.

    On PostgreSQL one UPDATE ... FROM unnest(arrays) and one INSERT ... SELECT of the
    history per call; elsewhere `bulk_update_with_history` in batches (one CASE statement
    over every row would be quadratic)."""
    if not rows:
        return
    history = get_history_model_for_model(model)
    if connection.vendor != "postgresql" or hasattr(history, "history_relation"):
        bulk_update_with_history(
            rows,
            model,
            fields,
            batch_size=BATCH // 2,
            default_user=user,
            default_change_reason=reason or None,
        )
        return
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), model._meta.pk
    columns = [model._meta.get_field(name) for name in fields]
    arrays = [[row.pk for row in rows]] + [
        [column.get_db_prep_save(getattr(row, column.attname), connection) for row in rows]
        for column in columns
    ]
    types = [pk.db_type(connection)] + [column.db_type(connection) for column in columns]
    names = ["pk_", *(quote(column.column) for column in columns)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {', '.join(f'{n} = v.{n}' for n in names[1:])} "
            f"FROM unnest({', '.join(f'%s::{t}[]' for t in types)}) AS v({', '.join(names)}) "
            f"WHERE {table}.{quote(pk.column)} = v.pk_",
            arrays,
        )
    if getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        user = user or history.get_default_history_user(model())
        _history(model, history, sorted(row.pk for row in rows), user, reason, kind="~")


def insert_rows(
    model: type[Model], names: list[str], rows: list[tuple], *, user=None, reason: str = ""
) -> list[int]:
    """`insert_with_history` for rows given as tuples of the attnames `names` (already in
    the form the database stores; the other fields take their defaults): on PostgreSQL
    COPY writes the tuples as they are, without a dict or a model instance per row."""
    if not rows:
        return []
    history = get_history_model_for_model(model)
    if connection.vendor != "postgresql" or hasattr(history, "history_relation"):
        return insert_with_history(
            model, [dict(zip(names, row, strict=True)) for row in rows], user=user, reason=reason
        )
    table, pk = model._meta.db_table, model._meta.pk.column
    given = set(names)
    by_name = {field.attname: field.column for field in model._meta.concrete_fields}
    rest = [(name, column, default) for name, column, default in _columns(model)]
    rest = [(column, default) for name, column, default in rest if name not in given]
    tail = tuple(default for _column, default in rest)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk, len(rows)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        columns = [pk, *(by_name[name] for name in names), *(column for column, _d in rest)]
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(c) for c in columns)
        )
        with cursor.cursor.copy(statement) as copy:
            write = copy.write_row
            for new_id, row in zip(ids, rows, strict=True):
                write((new_id, *row, *tail))
    if getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        _history(model, history, ids, user or history.get_default_history_user(model()), reason)
    return ids


def insert_children(
    model: type[Model],
    names: list[str],
    rows: list[tuple],
    parent_ids: list[int],
    *,
    user=None,
    reason: str = "",
) -> None:
    """Insert `rows` (tuples of the attnames `names`, the first the key of the parent)
    when they are every child of the just inserted parents `parent_ids`, with their history
    rows if the model keeps history. On PostgreSQL: COPY without ids (the column's default
    draws them: no round trip of thousands of ids that only the history would need) and
    one INSERT ... SELECT of the history by the parents' ids; elsewhere as `insert_rows`
    (or `bulk_create` for a model without history, such as a many-to-many table)."""
    if not rows:
        return
    try:
        history = get_history_model_for_model(model)
    except NotHistoricalModelError:
        history = None
    if connection.vendor != "postgresql" or hasattr(history, "history_relation"):
        if history is not None:
            insert_rows(model, names, rows, user=user, reason=reason)
        else:
            objects = [model(**dict(zip(names, row, strict=True))) for row in rows]
            model.objects.bulk_create(objects, batch_size=BATCH)
        return
    statement, tail = _copy_statement(model, names)
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        write = copy.write_row
        if tail:
            for row in rows:
                write((*row, *tail))
        else:
            for row in rows:
                write(row)
    if history is not None and getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        user = user or history.get_default_history_user(model())
        _history(
            model, history, parent_ids, user, reason, by=model._meta.get_field(names[0]).column
        )


def _copy_statement(
    model: type[Model], names: list[str], *, with_key: bool = False
) -> tuple[sql.Composed, tuple]:
    """The COPY of `names` (attnames; the key first with `with_key`) and of every other
    field the table needs, and the defaults that fill those other fields on each row."""
    by_name = {field.attname: field.column for field in model._meta.concrete_fields}
    rest = [(column, default) for name, column, default in _columns(model) if name not in names]
    columns = [*(by_name[name] for name in names), *(column for column, _d in rest)]
    if with_key:
        columns.insert(0, model._meta.pk.column)
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    return statement, tuple(default for _column, default in rest)


class CopyData(NamedTuple):
    """The rows of a COPY into a model's table, formatted (COPY text) ahead of its sending."""

    model: type[Model]
    statement: sql.Composed
    data: bytes


def new_ids(model: type[Model], count: int) -> list[int]:
    """`count` ids drawn from the model's sequence (PostgreSQL), on this thread's
    connection: a sequence stands outside transactions, so ids drawn by the reading
    thread are the writer thread's to use (ADR 0025)."""
    if not count:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def copy_data(
    model: type[Model], names: list[str], rows: list[tuple], *, ids: list[int] | None = None
) -> CopyData:
    """`rows` (tuples of the attnames `names`; the other fields take their defaults, the
    key `ids` when given, else the column's default) as COPY text, formatted by psycopg
    with this thread's connection's adapters but sent nowhere: a reading thread prepares
    what the writer thread only sends (`copy_in`), so the writer's share of Python is the
    sending (PostgreSQL)."""
    statement, tail = _copy_statement(model, names, with_key=ids is not None)
    # A column at a time when every value is of a kind copy_text knows (psycopg's text).
    data = rows_text(rows, tail, ids=ids)
    if data is not None:
        return CopyData(model, statement, data)
    # Row by row by psycopg: the defaults repeat on every row, so in their text form once
    # (psycopg would dump the same timestamp for each row).
    tail = tuple(map(_as_text, tail))
    buffer = io.BytesIO()
    with connection.cursor() as cursor, Copy(cursor.cursor, writer=FileWriter(buffer)) as copy:
        write = copy.write_row
        if ids is not None:
            for new_id, row in zip(ids, rows, strict=True):
                write((new_id, *row, *tail))
        elif tail:
            for row in rows:
                write((*row, *tail))
        else:
            for row in rows:
                write(row)
    return CopyData(model, statement, buffer.getvalue())


def _as_text(value):
    """A date, time or decimal as the text COPY reads it; anything else as it is."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def copy_in(prepared: CopyData) -> None:
    """Send rows `copy_data` formatted (on this thread's connection)."""
    if not prepared.data:
        return
    with connection.cursor() as cursor, cursor.cursor.copy(prepared.statement) as copy:
        copy.write(prepared.data)


def history_of(
    model: type[Model], ids: list[int], *, user=None, reason: str = "", by: str = ""
) -> None:
    """The history rows ("+") of the model's rows just inserted whose key (or the column
    of the attname `by`: the parent's key of children) is one of `ids`, copied from the
    stored rows on the server; nothing for a model without history."""
    if not ids or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    try:
        history = _history_model(model)
    except NotHistoricalModelError:
        return
    column = next(f.column for f in model._meta.concrete_fields if f.attname == by) if by else ""
    user = user or history.get_default_history_user(model())
    _history(model, history, ids, user, reason, by=column)


@cache
def _history_model(model: type[Model]) -> type[Model]:
    """`get_history_model_for_model`, once per model: simple-history's `model.history`
    builds a manager class on each access (`inspect.getmembers`), a third of the Python
    of the library import's writer thread, four times a block."""
    return get_history_model_for_model(model)


def update_rows(
    model: type[Model], names: list[str], rows: list[tuple], *, user=None, reason: str = ""
) -> None:
    """`update_with_history` for rows given as (pk, *values of the attnames `names`)
    tuples, without model instances: one UPDATE ... FROM unnest on PostgreSQL, an
    executemany UPDATE elsewhere; then one "~" history row per row, copied from the
    stored row on the server (INSERT ... SELECT)."""
    if not rows:
        return
    history = get_history_model_for_model(model)
    fields = [next(f for f in model._meta.concrete_fields if f.attname == n) for n in names]
    if hasattr(history, "history_relation"):  # simple-history's own objects, as before
        stored = model.objects.in_bulk([row[0] for row in rows])
        for pk, *values in rows:
            for field, value in zip(fields, values, strict=True):
                setattr(stored[pk], field.attname, value)
        objects = list(stored.values())
        update_with_history(objects, model, [f.name for f in fields], user=user, reason=reason)
        return
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), model._meta.pk
    columns = [_prepared(field, [row[i + 1] for row in rows]) for i, field in enumerate(fields)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = [_array([row[0] for row in rows]), *map(_array, columns)]
            types = [pk.db_type(connection)] + [f.db_type(connection) for f in fields]
            targets = ["pk_", *(quote(f.column) for f in fields)]
            cursor.execute(
                f"UPDATE {table} SET {', '.join(f'{n} = v.{n}' for n in targets[1:])} "
                f"FROM unnest({', '.join(f'%s::{t}[]' for t in types)}) "
                f"AS v({', '.join(targets)}) WHERE {table}.{quote(pk.column)} = v.pk_",
                arrays,
            )
        else:
            sets = ", ".join(f"{quote(f.column)} = %s" for f in fields)
            cursor.executemany(
                f"UPDATE {table} SET {sets} WHERE {quote(pk.column)} = %s",
                [[*values, row[0]] for row, *values in zip(rows, *columns, strict=True)],
            )
    if getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        user = user or history.get_default_history_user(model())
        _history(model, history, sorted(row[0] for row in rows), user, reason, kind="~")


def _array(values: list):
    """`values` as one array parameter of an `unnest`. psycopg quotes a list's elements
    one by one in Python (a regular expression each: 3 ms for 5,000 ids, 20 ms for
    5,000 timestamps, a tenth of the helpers import's writer thread): a list of whole
    numbers, dates or times (each distinct one written once) is given as the array's
    text instead, which the statement's cast reads; anything else is left to psycopg."""
    kinds = set(map(type, values))
    kinds.discard(type(None))
    if not kinds:
        return values
    if kinds == {int}:
        if None not in values:
            return "{" + ",".join(map(str, values)) + "}"
        return "{" + ",".join("NULL" if v is None else str(v) for v in values) + "}"
    if kinds == {datetime} or kinds == {date}:
        text = {None: "NULL"}
        for value in values:
            if value not in text:
                text[value] = f'"{value.isoformat()}"'
        return "{" + ",".join(map(text.__getitem__, values)) + "}"
    return values


def _prepared(field, values: list) -> list:
    """`values` of `field` in their database form, each distinct value prepared once (a
    column of an update holds a few values many times: a date, a reason, a user)."""
    db = connections[connection.alias]  # not the proxy: one attribute look-up less per value
    prep, seen, prepared = field.get_db_prep_save, {}, []
    for value in values:
        try:
            key = (type(value), value)
            found = seen.get(key, seen)
        except TypeError:  # unhashable: prepared each time
            prepared.append(prep(value, db))
            continue
        if found is seen:
            found = seen[key] = prep(value, db)
        prepared.append(found)
    return prepared


def _bulk_create(model: type[Model], rows: list[dict]) -> list[int]:
    objects = model.objects.bulk_create([model(**row) for row in rows], batch_size=BATCH)
    ids = [obj.pk for obj in objects]
    if None in ids:  # a database that cannot return ids from a bulk insert
        raise NotImplementedError(f"{connection.vendor} does not return ids of bulk inserts")
    return ids


def _columns(model: type[Model]) -> list[tuple[str, str, object]]:
    """(attname, column, default already in database form) of every stored field."""
    now = timezone.now()
    columns = []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            default = now
        else:
            default = field.get_db_prep_save(field.get_default(), connection)
        columns.append((field.attname, field.column, default))
    return columns


def _copy(model: type[Model], rows: list[dict]) -> list[int]:
    table, pk = model._meta.db_table, model._meta.pk.column
    columns = _columns(model)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk, len(rows)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table),
            sql.SQL(", ").join(sql.Identifier(c) for c in [pk, *(c for _, c, _ in columns)]),
        )
        # A row's values in column order: its own over the defaults, picked in C.
        defaults = {name: default for name, _, default in columns}
        names = [name for name, _, _ in columns]
        values = itemgetter(*names) if len(names) > 1 else lambda row: (row[names[0]],)
        with cursor.cursor.copy(statement) as copy:
            write = copy.write_row
            for new_id, row in zip(ids, rows, strict=True):
                write((new_id, *values({**defaults, **row})))
    return ids


def _history(
    model: type[Model],
    history: type[Model],
    ids: list[int],
    user,
    reason: str,
    kind: str = "+",
    by: str = "",
):
    """History rows copied from the stored rows whose `by` column (the key, unless
    named) is one of `ids` (distinct)."""
    quote = connection.ops.quote_name
    tracked = [quote(field.column) for field in history.tracked_fields]
    # history_date as simple-history sets it: the time of writing (one instant per batch).
    statement = (
        f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(tracked)}, history_date, "
        f"history_change_reason, history_type, history_user_id) "
        f"SELECT {', '.join(tracked)}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
    )
    order = f" ORDER BY {quote(model._meta.pk.column)}"
    pk = quote(by or model._meta.pk.column)
    head = [timezone.now(), reason or "", kind, getattr(user, "pk", None)]
    with connection.cursor() as cursor:
        if len(ids) == max(ids) - min(ids) + 1:  # one run of ids: all of them are these
            bounds = [min(ids), max(ids)]
            cursor.execute(f"{statement} WHERE {pk} BETWEEN %s AND %s{order}", [*head, *bounds])
            return
        if connection.vendor == "postgresql":
            cursor.execute(f"{statement} WHERE {pk} = ANY(%s){order}", [*head, ids])
            return
        for start in range(0, len(ids), IN_BATCH):
            chunk = ids[start : start + IN_BATCH]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"{statement} WHERE {pk} IN ({marks}){order}", [*head, *chunk])
