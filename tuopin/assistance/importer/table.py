"""Finding a ledger layout's header and data rows in a department spreadsheet.

The file is read as every user file is (`reader.sheet_rows`: xlsx, xls or csv, within
the upload limits); the header is the first of the first 30 rows that names every
required column of the layout, by its header or a synonym."""

from pathlib import Path

from tuopin.assistance.layouts import Column, Layout
from tuopin.registry.interchange.columns import header_key
from tuopin.registry.interchange.reader import (
    HEADER_SEARCH_ROWS,
    Table,
    UnusableFile,
    data_rows,
    sheet_rows,
)
from tuopin.registry.interchange.values import key


def header_lookup(layout: Layout) -> dict[str, Column]:
    lookup: dict[str, Column] = {}
    for column in layout.columns:
        for name in column.headers:
            lookup.setdefault(header_key(name), column)
    return lookup


def open_ledger_table(path: Path | str, layout: Layout) -> Table:
    path = Path(path)
    lookup = header_lookup(layout)
    required = {column.key for column in layout.columns if column.required}
    hint: dict = {}
    rows = sheet_rows(path, hint)
    best: tuple[int, set[str]] = (0, set())
    for number, row in rows:
        found = {
            lookup[header_key(cell)].key
            for cell in row
            if cell is not None and header_key(cell) in lookup
        }
        if found >= required and len(found) >= 2:
            columns, unknown = {}, []
            for position, cell in enumerate(row):
                column = lookup.get(header_key(cell)) if cell is not None else None
                if column is not None and column not in columns.values():
                    columns[position] = column
                elif cell is not None and key(cell):
                    unknown.append(str(cell))
            identifying = tuple(required | {"id_number", "name", "household_number"})
            typed = path.suffix.lower() not in (".csv", ".txt")
            data = data_rows(rows, columns, identifying)
            return Table(number, row, columns, unknown, data, typed, hint.get("rows"))
        if len(found) > len(best[1]):
            best = (number, found)
        if number >= HEADER_SEARCH_ROWS:
            break
    by_key = layout.by_key
    if len(best[1]) >= 2:
        missing = [by_key[k].header for k in sorted(required - best[1])]
        raise UnusableFile(
            "columns_missing",
            f"第 {best[0]} 行像是表头，但缺少必填列：{'、'.join(missing)}",
            f"row {best[0]} looks like the header but lacks the required columns: "
            + ", ".join(missing),
        )
    needed = "、".join(by_key[k].header for k in sorted(required))
    raise UnusableFile(
        "header_missing",
        f"找不到表头：前 30 行中没有含“{needed}”的行（可能不是这种台账）",
        f"no header row: none of the first 30 rows names {needed} (is this the right ledger?)",
    )
