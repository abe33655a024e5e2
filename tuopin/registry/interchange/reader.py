"""Opening a registry spreadsheet (xlsx, the older xls, or csv) and finding its header and
data rows.

`sheet_rows` is the one way the platform reads the rows of a user-supplied spreadsheet
(the registry import, and any other import that takes a table): every file goes through
the limits of tuopin/core/uploads.py, before parsing and while it streams."""

import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import ParseError

import openpyxl
import xlrd

from tuopin.core.uploads import (
    UnusableFile,
    check_cells,
    check_file,
    csv_rows,
    limits,
    refuse_rows,
)
from tuopin.registry.interchange.columns import HEADER_LOOKUP, Column, header_key
from tuopin.registry.interchange.values import key
from tuopin.registry.interchange.xlsxread import NotHandled, check_for_openpyxl, iter_sheet_rows

HEADER_SEARCH_ROWS = 30
TOTALS_WORDS = ("合计", "总计", "小计", "total")


__all__ = ["UnusableFile", "open_table", "sheet_rows"]  # UnusableFile: one for every reader


@dataclass(slots=True)
class SheetRow:
    number: int  # the row number Excel (or a text editor, for csv) shows
    raw: list  # the row as received, for the error report
    columns: dict  # position -> Column, shared by every row of the table

    @property
    def cells(self) -> dict[str, object]:
        """Column key -> raw value."""
        raw = self.raw
        return {
            column.key: (raw[position] if position < len(raw) else None)
            for position, column in self.columns.items()
        }


@dataclass
class Table:
    header_row: int
    header: list  # the header row as received
    columns: dict[int, Column]  # position -> column
    unknown_headers: list[str]
    rows: Iterator[SheetRow]
    typed: bool = True  # cells may be numbers, dates or booleans (xlsx); csv cells are text
    last_row: int | None = None  # about how many rows the file holds, for progress


def sheet_rows(path: Path | str, hint: dict | None = None) -> Iterator[tuple[int, list]]:
    """(row number, cells) of the first sheet of any spreadsheet a user supplied; refuses
    (`UnusableFile`) a file over a limit of tuopin/core/uploads.py, or unreadable.
    `hint["rows"]`: about how many rows. The file is checked at the call."""
    path = Path(path)
    if not path.is_file():
        raise UnusableFile("file_missing", f"找不到文件：{path}", f"file not found: {path}")
    _check_type(path)
    check_file(path)
    return _bounded(_rows_of(path, hint))


def _bounded(rows: Iterator[tuple[int, list]]) -> Iterator[tuple[int, list]]:
    most = limits().rows
    for number, row in rows:
        if number > most:
            raise refuse_rows(number, most)
        yield number, row


def _check_type(path: Path) -> None:
    if path.suffix.lower() not in (".xlsx", ".xlsm", ".xls", ".csv", ".txt"):
        raise UnusableFile(
            "file_type",
            f"不支持的文件类型：{path.suffix or '（无扩展名）'}，请上传 .xlsx、.xls 或 .csv",
            f"unsupported file type {path.suffix!r}; use .xlsx, .xls or .csv",
        )


def _rows_of(path: Path, hint: dict | None = None) -> Iterator[tuple[int, list]]:
    hint = {} if hint is None else hint
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm") or (suffix == ".xls" and _is_zip(path)):
        yield from _xlsx_rows(path, hint)  # an .xlsx saved under the old name is one
    elif suffix == ".xls":
        yield from _xls_rows(path, hint)
    else:
        yield from csv_rows(path, hint)


def _is_zip(path: Path) -> bool:
    with path.open("rb") as source:
        return source.read(2) == b"PK"


# What a damaged zip or XML raises while it is read: the file is unreadable, said plainly
# (a corrupt deflate stream, a CRC mismatch, a truncated member, broken XML).
BROKEN = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    ParseError,
    ValueError,
    IndexError,
    KeyError,
)
# openpyxl's typed descriptors raise these on a malformed value, too.
OPENPYXL_BROKEN = (*BROKEN, TypeError, AttributeError)


def _xlsx_rows(path: Path, hint: dict) -> Iterator[tuple[int, list]]:
    try:
        rows = iter_sheet_rows(path, hint)
    except (NotHandled, zipfile.BadZipFile, zlib.error, EOFError, OSError):
        rows = None  # openpyxl reads it, or reports why it cannot
    if rows is not None:
        try:
            yield from enumerate(rows, start=1)
        except BROKEN as error:
            # Broken XML or data inside a readable zip; openpyxl would fail on it too.
            raise _unreadable(path) from error
        return
    try:
        check_for_openpyxl(path)  # openpyxl holds the shared strings and each element
    except BROKEN as error:
        raise _unreadable(path) from error
    bounds = limits()
    with path.open("rb") as source:  # a file, not a name: openpyxl judges names by suffix
        try:
            workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
            sheet = workbook.worksheets[0]
            hint["rows"] = sheet.max_row
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                row = list(row)
                check_cells(row, number, bounds)
                yield number, row
        except OPENPYXL_BROKEN as error:
            raise _unreadable(path) from error
        workbook.close()


def _xls_rows(path: Path, hint: dict) -> Iterator[tuple[int, list]]:
    """The first sheet of an Excel 97-2003 workbook, its cells as openpyxl gives an
    xlsx's: whole numbers as int, date-formatted numbers as datetime, error codes as
    their text. xlrd reads a sheet whole: its cells were counted before
    (`check_xls`), only the first sheet is read (on demand), and each row is as long as
    its last cell rather than padded to the widest row (one cell at IV65536 would
    otherwise make 16.7 million)."""
    try:
        book = xlrd.open_workbook(str(path), on_demand=True, ragged_rows=True)
        sheet = book.sheet_by_index(0)
    except (xlrd.XLRDError, OSError, ValueError, AssertionError, IndexError) as error:
        raise _unreadable(path) from error
    hint["rows"] = sheet.nrows
    bounds = limits()
    try:
        for index in range(sheet.nrows):
            row = [_xls_value(cell, book.datemode) for cell in sheet.row(index)]
            check_cells(row, index + 1, bounds)
            yield index + 1, row
    finally:
        book.release_resources()


def _xls_value(cell, datemode: int):
    kind, value = cell.ctype, cell.value
    if kind == xlrd.XL_CELL_NUMBER:
        return int(value) if value.is_integer() else value
    if kind == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate_as_datetime(value, datemode)
        except (xlrd.xldate.XLDateError, OverflowError, ValueError):
            return "#VALUE!"
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(value)
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(value, "#ERROR!")
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    return value


def _unreadable(path: Path) -> UnusableFile:
    return UnusableFile(
        "file_unreadable",
        f"无法读取 Excel 文件：{path.name}",
        f"cannot read the Excel file {path.name}",
    )


def _is_header(row: list) -> bool:
    found = {
        HEADER_LOOKUP[header_key(cell)].key
        for cell in row
        if cell is not None and header_key(cell) in HEADER_LOOKUP
    }
    return "number" in found and "name" in found


def open_table(path: Path | str) -> Table:
    """The first row holding both 户编号 and 姓名 (or synonyms) is the header."""
    path = Path(path)
    hint: dict = {}
    rows = sheet_rows(path, hint)
    for number, row in rows:
        if _is_header(row):
            columns, unknown = {}, []
            for position, cell in enumerate(row):
                column = HEADER_LOOKUP.get(header_key(cell)) if cell is not None else None
                if column is not None and column not in columns.values():
                    columns[position] = column
                elif cell is not None and key(cell):
                    unknown.append(str(cell))
            typed = path.suffix.lower() not in (".csv", ".txt")
            data = data_rows(rows, columns)
            return Table(number, row, columns, unknown, data, typed, hint.get("rows"))
        if number >= HEADER_SEARCH_ROWS:
            break
    raise UnusableFile(
        "header_missing",
        "找不到表头：前 30 行中没有同时含“户编号”和“姓名”的行",
        "no header row: none of the first 30 rows has both 户编号 and 姓名",
    )


def has_text(value) -> bool:
    """`key(value) != ""`, without normalising the common plain-ASCII text."""
    if value is None or value == "":
        return False
    if type(value) is str and value.isascii():
        # NFKC leaves ASCII alone and `key` drops exactly the characters `strip` drops.
        return not value.isspace()
    return bool(key(value))


IDENTIFYING = ("number", "name", "id_number")


def data_rows(
    rows, columns: dict[int, Column], identifying_keys: tuple[str, ...] = IDENTIFYING
) -> Iterator[SheetRow]:
    """The data rows below a header: blank rows, notes and what follows a totals row are
    left out. `columns`: position -> anything with a `key` (a ledger layout's columns
    too); a row with none of `identifying_keys` filled is a note."""
    # Blank-row, totals-row and note-row tests look at only a few cells of a normal row.
    identifying = [
        position for position, column in columns.items() if column.key in identifying_keys
    ]
    # cell -> (has text, begins the totals row): a row's first cell repeats (商丘市).
    verdicts: dict = {None: (False, False), "": (False, False)}
    for number, row in rows:
        for value in row:
            verdict = verdicts.get(value)
            if verdict is None:
                found = has_text(value)
                verdict = (found, found and key(value).lower().startswith(TOTALS_WORDS))
                if len(verdicts) < 10_000:
                    verdicts[value] = verdict
            if verdict[0]:
                break
        else:
            continue  # a blank row in the middle
        if verdict[1]:
            break  # the totals row; only notes follow it
        if not any(position < len(row) and has_text(row[position]) for position in identifying):
            continue  # a note or a stray cell below the data
        yield SheetRow(number, row if type(row) is list else list(row), columns)
