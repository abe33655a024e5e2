"""The one way the platform writes spreadsheets and CSV files for people to open.

A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is taken by
Excel, WPS and LibreOffice for a formula when the file is opened or the cell edited
(CSV/formula injection: a name typed as `=HYPERLINK(...)` in a village becomes a link
in the city office). Every text cell written here starts with an apostrophe in that
case, the convention these programs show as the text itself; `restore` takes it off
again when the platform reads its own file back, so an export still re-imports as
unchanged. Numbers are numbers and never touched: a negative income stays a number.

Writers: `workbook()` (xlsxwriter, for styled reports), `csv_writer()`, and the fast
`XlsxStream` of the registry export, which calls `neutralise` on each text it writes.
A test in tuopin/core/tests walks the source for any other spreadsheet writer.
"""

import csv
from typing import IO, Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet program would take for a formula, as plain text."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return QUOTE + value
    return value


def restore(text: str) -> str:
    """The text `neutralise` was given: for reading the platform's own files back."""
    if text[:1] == QUOTE and text[1:2] in FORMULA_STARTS:
        return text[1:]
    return text


class SafeWorksheet(Worksheet):
    """Every text cell goes through `_write_string`, whichever public method wrote it."""

    def _write_string(self, row, col, string, cell_format=None):
        return super()._write_string(row, col, neutralise(string), cell_format)


class SafeWorkbook(xlsxwriter.Workbook):
    def add_worksheet(self, name=None, worksheet_class=None):
        return super().add_worksheet(name, worksheet_class or SafeWorksheet)


def workbook(target: str | IO[bytes], *, in_memory: bool = False) -> SafeWorkbook:
    """A new xlsx workbook in constant memory whose text is never a formula, link or
    number by accident: what was given as text is written as text."""
    options = {
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    }
    options["in_memory" if in_memory else "constant_memory"] = True
    return SafeWorkbook(target if not hasattr(target, "__fspath__") else str(target), options)


class _SafeCsv:
    def __init__(self, handle: IO[str], **options):
        self._writer = csv.writer(handle, **options)

    def writerow(self, row) -> None:
        self._writer.writerow([neutralise(value) for value in row])

    def writerows(self, rows) -> None:
        self._writer.writerows([neutralise(value) for value in row] for row in rows)


def csv_writer(handle: IO[str], **options) -> _SafeCsv:
    """`csv.writer` whose text cells are never formulas."""
    return _SafeCsv(handle, **options)
