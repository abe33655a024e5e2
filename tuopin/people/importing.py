"""The one table reader of the 帮扶力量 imports (rosters, helper pairings, visits,
enterprises, workshops, ratings).

A layout is its columns: key, the documented Chinese header and its synonyms, whether
required. The file is read as every user file is (`reader.sheet_rows`: xlsx, xls or csv,
within the upload limits); the header is the first of the first 30 rows that names the
layout's marking columns; the rows below it that hold anything are the data, each as
(row number, column key -> cell). A cell's problem is a `Message` naming the row, the
column's header, a code and the Chinese and English text; `CellError` carries one out of
a parser. The imports share `finish` too: what all-or-nothing, partial and dry run mean
for the report. Each import keeps its own layout and rules."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from types import SimpleNamespace

from django.db import connection, transaction
from django.db.models import Model
from django.db.models.expressions import RawSQL

from tuopin.core.bulk import insert_rows, insert_with_history, update_rows, update_with_history
from tuopin.core.write_behind import WriteBehind
from tuopin.registry.interchange.columns import header_key
from tuopin.registry.interchange.reader import (
    HEADER_SEARCH_ROWS,
    TOTALS_WORDS,
    UnusableFile,
    sheet_rows,
)
from tuopin.registry.interchange.rows import Message
from tuopin.registry.interchange.values import BadValue, key, text

BLOCK = 5000  # rows resolved against the database per query


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the documented header, the one errors name
    synonyms: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class Layout:
    columns: tuple[Column, ...]
    marks: tuple[str, ...]  # the keys whose headers make a row the header row
    # Headers the layout does not know are kept as columns of their own, by their text
    # (the stars of a rating scheme); otherwise they are listed in `Table.unknown`.
    open_ended: bool = False

    def header(self, column_key: str) -> str:
        return next((c.header for c in self.columns if c.key == column_key), column_key)

    def lookup(self) -> dict[str, Column]:
        found: dict[str, Column] = {}
        for column in self.columns:
            for name in (column.header, *column.synonyms):
                found.setdefault(header_key(name), column)
        return found


@dataclass
class Table:
    header_row: int
    header: list  # as received, for the error report
    columns: dict[int, str]  # position -> column key
    unknown: list[str]
    # (row number, column key -> cell), rows with something; an iterator if read lazily
    rows: list[tuple[int, dict]] | Iterator[tuple[int, dict]]


class CellError(Exception):
    """A cell's problem, raised by a parser; `column` is the column's key."""

    def __init__(self, column: str, code: str, message_zh: str, message_en: str):
        super().__init__(message_zh)
        self.column, self.code = column, code
        self.message_zh, self.message_en = message_zh, message_en


def read_table(path: Path | str, layout: Layout, *, lazy: bool = False) -> Table:
    """The header and data rows of the file; `UnusableFile` when there is no header or
    the header lacks a required column. `lazy`: the rows as an iterator, read as they
    are taken (an import that writes behind its reading starts its writer before the
    whole file is parsed; a file over the row limit is then refused where it is met)."""
    lookup = layout.lookup()
    rows = sheet_rows(Path(path))
    for number, cells in rows:
        columns: dict[int, str] = {}
        unknown: list[str] = []
        for position, cell in enumerate(cells):
            column = lookup.get(header_key(cell)) if cell is not None else None
            if column is not None and column.key not in columns.values():
                columns[position] = column.key
            elif column is None and key(cell):
                if layout.open_ended:
                    columns[position] = text(cell)
                else:
                    unknown.append(text(cell))
        present = set(columns.values())
        if all(mark in present for mark in layout.marks):
            missing = [c.header for c in layout.columns if c.required and c.key not in present]
            if missing:
                raise UnusableFile(
                    "columns_missing",
                    f"第 {number} 行像是表头，但缺少必填列：{'、'.join(missing)}",
                    f"row {number} looks like the header but lacks: {', '.join(missing)}",
                )
            body = _body_rows(rows, columns)
            return Table(number, list(cells), columns, unknown, body if lazy else list(body))
        if number >= HEADER_SEARCH_ROWS:
            break
    marks = "”“".join(layout.header(mark) for mark in layout.marks)
    raise UnusableFile(
        "header_missing",
        f"找不到表头：前 {HEADER_SEARCH_ROWS} 行中没有含“{marks}”的行",
        f"no header row: none of the first {HEADER_SEARCH_ROWS} rows names {marks}",
    )


def _body_rows(
    rows: Iterable[tuple[int, list]], columns: dict[int, str]
) -> Iterator[tuple[int, dict]]:
    positions = list(columns.items())
    for number, cells in rows:
        first = key(cells[0]) if cells else ""
        if not first and not any(key(cell) for cell in cells):
            continue
        if first.startswith(TOTALS_WORDS[:2]):
            break  # 合计/总计: the end of the table
        width = len(cells)
        yield number, {k: (cells[p] if p < width else None) for p, k in positions}


def message(layout: Layout, row: int, error: CellError | BadValue, column: str = "") -> Message:
    """The Message of a cell's problem: CellError names its column; BadValue takes `column`."""
    column = getattr(error, "column", column)
    return Message(row, layout.header(column), error.code, error.message_zh, error.message_en)


def parse_cells(
    layout: Layout, row: int, cells: dict, parsers: dict[str, Callable]
) -> tuple[dict, list[Message]]:
    """Every parser on its cell: (values, messages); a failing cell has no value."""
    values, problems = {}, []
    for column, parser in parsers.items():
        try:
            values[column] = parser(cells.get(column))
        except CellError as error:
            error.column = column
            problems.append(message(layout, row, error))
        except BadValue as bad:
            problems.append(message(layout, row, bad, column))
    return values, problems


def finish(report, *, partial: bool, dry_run: bool, write: Callable[[], None]):
    """All or nothing unless `partial`; a dry run writes nothing. With errors and not
    partial nothing is counted as done (nothing is); `write` runs in one transaction."""
    if _settled(report, partial=partial, dry_run=dry_run):
        with transaction.atomic():
            write()
        report.written = bool(report.created or report.updated)
    return report


def accepting(report, *, partial: bool, dry_run: bool) -> bool:
    """Whether the rows checked so far will be kept: not in a dry run, and not once a
    row has failed unless `partial`. An import that writes behind its reading
    (`write_behind.WriteBehind`) hands over no more blocks once this is false."""
    return not dry_run and (partial or not report.errors)


def finish_behind(report, writer: WriteBehind, *, partial: bool, dry_run: bool):
    """`finish` for an import whose blocks were handed to `writer` as they were checked:
    what was written is committed when the whole file may be kept (`accepting` at its
    end), else rolled back."""
    keep = _settled(report, partial=partial, dry_run=dry_run)
    writer.close(keep=keep)
    report.written = keep and bool(report.created or report.updated)
    return report


def _settled(report, *, partial: bool, dry_run: bool) -> bool:
    """The report made final (errors by row; with errors and not partial nothing is
    counted as done); whether its rows are to be kept."""
    report.errors.sort(key=lambda m: m.row)
    report.dry_run = dry_run
    if report.errors and not partial:
        report.created = report.updated = report.unchanged = 0
    return accepting(report, partial=partial, dry_run=dry_run)


class Row(SimpleNamespace):
    """A stored or planned row as an import needs it: its values, not a model instance
    (`pk` None until a new row is written)."""


class Keyed:
    """The rows of a model by natural key: the stored ones the caller loaded (`load`: one
    query per block, as values), and the import's plan for them. A row is compared
    before it is changed, so an import of what is stored changes nothing. `write`
    inserts the new rows (`insert_rows`: COPY on PostgreSQL) and updates the changed
    ones (`update_rows`): a few statements whatever the size. A new row's parent
    (`parent`: the foreign key's name) may be new too: it is written first, its id
    taken when the row is.

    An import that writes behind its reading hands over each block's rows instead:
    `take()` (the rows planned since the last take), then `write_taken(taken, user)` on
    the writer, in order. A new row taken once and changed by a later block is
    updated by that block's write; `token` names a row within the import whether or
    not the writer has given it its id yet."""

    def __init__(self, model: type[Model], fields: list[str], parent: str = ""):
        self.model, self.parent = model, parent
        self.fields = [model._meta.get_field(name).attname for name in fields]
        self.stored: dict = {}
        self.created: dict = {}
        self.changed: dict = {}
        self._fresh: list = []  # natural keys of the rows created since the last take
        self._taken: set = set()  # natural keys of created rows already taken

    def load(self, query, key: Callable[[Row], object], *extra: str) -> None:
        """The rows of `query` (their compared fields and `extra`), stored by `key`."""
        names = ["pk", *self.fields, *extra]
        for values in query.values_list(*names):
            row = Row(**dict(zip(names, values, strict=True)))
            self.stored[key(row)] = row

    def get(self, natural_key):
        return self.created.get(natural_key) or self.stored.get(natural_key)

    def token(self, natural_key) -> int:
        """The row's id if stored, else a number of its own for this import (a new
        row's id is drawn when it is written, maybe on the writer thread)."""
        row = self.created.get(natural_key)
        return id(row) if row is not None else self.stored[natural_key].pk

    def save(self, natural_key, values: dict, fixed: dict, parent=None) -> str:
        """created / updated / unchanged; `fixed`: the fields of a new row besides `values`."""
        row = self.get(natural_key)
        if row is None:
            row = Row(pk=None, _parent=parent, **{**fixed, **values})
            self.created[natural_key] = row
            self._fresh.append(natural_key)
            return "created"
        if all(getattr(row, k) == v for k, v in values.items()):
            return "unchanged"
        for k, v in values.items():
            setattr(row, k, v)
        if natural_key not in self.created or natural_key in self._taken:
            self.changed[natural_key] = row
        return "updated"

    def take(self) -> tuple[list[Row], list[Row]]:
        """(new, changed): the rows planned since the last take, for `write_taken`."""
        new = [self.created[natural_key] for natural_key in self._fresh]
        changed = list(self.changed.values())
        self._taken.update(self._fresh)
        self._fresh, self.changed = [], {}
        return new, changed

    def write(self, user) -> None:
        self.write_taken(self.take(), user)

    def write_taken(self, taken: tuple[list[Row], list[Row]], user) -> None:
        new, changed = taken
        if new:
            names = [name for name in vars(new[0]) if name not in ("pk", "_parent")]
            if self.parent:  # the parent may have been new: its id is known only now
                column = f"{self.parent}_id"
                if column not in names:  # a caller may have named it among the fixed fields
                    names.append(column)
                for row in new:
                    setattr(row, column, row._parent.pk)
            values = [tuple(getattr(row, name) for name in names) for row in new]
            for row, pk in zip(new, insert_rows(self.model, names, values, user=user), strict=True):
                row.pk = pk
        rows = [(row.pk, *(getattr(row, k) for k in self.fields)) for row in changed]
        update_rows(self.model, self.fields, rows, user=user)


def insert_objects(rows: list, model: type[Model], user) -> None:
    """New model instances inserted with their history (`insert_with_history`: COPY on
    PostgreSQL); each gets its id."""
    fields = [  # auto_now ones take the database's default (insert_with_history)
        f
        for f in model._meta.concrete_fields
        if not f.primary_key
        and not (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False))
    ]
    values = [{f.attname: getattr(row, f.attname) for f in fields} for row in rows]
    for row, pk in zip(rows, insert_with_history(model, values, user=user), strict=True):
        row.pk = pk


def memo(parser: Callable) -> Callable:
    """`parser`, remembering its value for each distinct text (or empty) cell: dates, ID
    numbers, codes and labels repeat down a file, each is parsed once. Made per import
    (a parser may depend on the day); a failing cell is parsed again, so its error is
    raised afresh. The values are shared: callers do not change them."""
    seen: dict = {}

    def parse(cell):
        if cell is not None and type(cell) is not str:
            return parser(cell)
        try:
            return seen[cell]
        except KeyError:
            value = seen[cell] = parser(cell)
            return value

    return parse


def among(values, db_type: str = "text"):
    """The right-hand side of an `__in` filter over many values: on PostgreSQL one array
    parameter (`IN (SELECT unnest(%s))`; psycopg takes a second to parse a statement of
    tens of thousands of placeholders), elsewhere the list itself."""
    values = list(values)
    if connection.vendor == "postgresql":
        return RawSQL(f"SELECT unnest(%s::{db_type}[])", [values])
    return values


@contextmanager
def collection_paused() -> Iterator[None]:
    """Python's cycle collector paused for an import: it allocates hundreds of thousands
    of objects (cells, values, rows) and none in cycles, and each full collection walks
    them all: a third of the CPU of the project library's import. Reference counting
    still frees everything; the collector runs again on the way out."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def blocks(rows, size: int = BLOCK, *, first: int | None = None):
    """The rows (a list, or an iterator: a lazily read file is parsed as they are taken)
    in lists of `size`, the first of `first` when given and smaller: a writer waiting for
    the first block starts after a small one is read and checked, not after a whole one."""
    rows = iter(rows)
    step = min(first, size) if first else size
    while block := list(islice(rows, step)):
        yield block
        step = size


__all__ = [
    "BLOCK",
    "accepting",
    "among",
    "CellError",
    "Column",
    "Keyed",
    "Layout",
    "Row",
    "Table",
    "UnusableFile",
    "blocks",
    "collection_paused",
    "finish",
    "finish_behind",
    "insert_objects",
    "update_with_history",
    "memo",
    "message",
    "parse_cells",
    "read_table",
]
