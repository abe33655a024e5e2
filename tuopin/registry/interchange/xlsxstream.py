"""A streaming .xlsx (SpreadsheetML) writer of one sheet of plain values, in constant memory.

xlsxwriter in constant-memory mode topped out near 2,600 rows/s on the city export: it
formats each cell through several layers. Here a row becomes one string of XML, text as
inline strings (no shared-strings table that would grow with every name and ID number),
numbers as numbers, empty cells left out. The sheet part is deflated on a second
thread (zlib releases the GIL), fast level by default, and written as zip64: a city's
sheet is gigabytes of XML.
"""

import queue
import re
import threading
import zipfile
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from tuopin.core.spreadsheets import neutralise

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    "</Relationships>"
)
# The one style every cell uses; Excel wants a stylesheet even when nothing is styled.
STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "<sheetData>"
)
SHEET_TAIL = "</sheetData></worksheet>"

# Characters XML 1.0 cannot carry: written as Excel's _xHHHH_ escape. Text that merely
# looks like such an escape is left alone: openpyxl, which the importer reads with,
# does not decode escapes in inline strings, so escaping it would change it on re-import.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|^\s|\s$")
_CACHE_LIMIT = 200_000  # distinct texts remembered: bounds memory on a city's names
_BUFFER = 1 << 20  # characters of XML handed to the compressing thread at once
EMPTY = {None: "/>", "": "/>"}  # an empty cell: <c r="B7"/>
PLACEHOLDER = "\x00"  # stands for the row number in a reused segment; never in escaped text


def column_letters(count: int) -> list[str]:
    letters = []
    for index in range(count):
        name, n = "", index + 1
        while n:
            n, rest = divmod(n - 1, 26)
            name = chr(65 + rest) + name
        letters.append(name)
    return letters


def _cell_text(text: str) -> str:
    """The inline-string part of a cell: never a formula, escaped, control characters
    as _xHHHH_."""
    text = neutralise(text)
    if not _SPECIAL.search(text):  # the common case: nothing to escape
        return f' t="inlineStr"><is><t>{text}</t></is></c>'
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub(lambda m: f"_x{ord(m[0]):04X}_", text)
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f' t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'


class XlsxStream:
    """Write rows (lists of str, int, Decimal, float or None) to one sheet of a new file."""

    def __init__(self, path: Path | str, sheet_name: str, *, compresslevel: int = 1):
        self._zip = zipfile.ZipFile(
            path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel
        )
        name = quoteattr(sheet_name)
        workbook = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<sheets><sheet name={name} sheetId="1" r:id="rId1"/></sheets></workbook>'
        )
        for part, text in (
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", ROOT_RELS),
            ("xl/workbook.xml", workbook),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
            ("xl/styles.xml", STYLES),
        ):
            self._zip.writestr(part, text)
        self._rows = 0
        self._letters = column_letters(16384)
        self._cells_of: dict = dict(EMPTY)
        self._layouts: dict[tuple[int, int], str] = {}
        self._queue: queue.Queue = queue.Queue(maxsize=8)
        self._failure: BaseException | None = None
        self._sheet = self._zip.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        self._thread = threading.Thread(target=self._drain, daemon=True)
        self._thread.start()
        self._pending: list[str] = [SHEET_HEAD]  # XML not yet handed to the thread
        self._pending_size = len(SHEET_HEAD)

    def _drain(self) -> None:
        try:
            while (chunk := self._queue.get()) is not None:
                self._sheet.write(chunk)
        except BaseException as failure:  # noqa: BLE001 - reported by the writing thread
            self._failure = failure
            while self._queue.get() is not None:
                pass

    def _flush(self) -> None:
        if self._failure is not None:
            raise self._failure
        self._queue.put("".join(self._pending).encode("utf-8"))
        self._pending, self._pending_size = [], 0

    def _template(self, values: list, first_column: int) -> str:
        """The XML of consecutive cells from `first_column`, PLACEHOLDER for the row number.

        One str.format per run of cells: the references come from a format string made
        once per (first column, width), the contents from a per-value cache; an empty
        value is an empty cell `<c r="B7"/>`, which keeps every position explicit."""
        shape = (first_column, len(values))
        layout = self._layouts.get(shape)
        if layout is None:
            letters = self._letters[first_column : first_column + len(values)]
            layout = "".join(f'<c r="{letter}{PLACEHOLDER}"{{}}' for letter in letters)
            layout = self._layouts[shape] = layout
        cells, make = self._cells_of, self._cell
        # Only text is cached, so a number never finds an equal number's cell here.
        return layout.format(*[cells.get(value) or make(value) for value in values])

    def _cell(self, value) -> str:
        """A cell's XML after its reference; text is remembered (bounded), numbers are not:
        1 and Decimal("1.00") are equal keys but different cells."""
        kind = type(value)
        if kind is int or kind is Decimal or kind is float:
            return f"><v>{value}</v></c>"
        if kind is not str:
            return _cell_text(str(value))
        if len(self._cells_of) >= _CACHE_LIMIT:
            self._cells_of.clear()
            self._cells_of.update(EMPTY)
        cell = self._cells_of[value] = _cell_text(value)
        return cell

    def _append(self, line: str) -> None:
        self._pending.append(line)
        self._pending_size += len(line)
        if self._pending_size >= _BUFFER:
            self._flush()

    def write_rows(self, rows: Iterable[list]) -> None:
        for row in rows:
            self._rows += 1
            line = f'<row r="{PLACEHOLDER}">{self._template(row, 0)}</row>'
            self._append(line.replace(PLACEHOLDER, str(self._rows)))

    def write_segmented(self, rows: Iterable[tuple[list, ...]]) -> None:
        """Rows given as consecutive segments of cells (lists). A segment that is the very
        object of the previous row's segment at the same place reuses its XML, kept split
        at the row number: a household's 40 columns are repeated for each member."""
        previous: list = []  # per segment: (the list, its XML split at PLACEHOLDER)
        for segments in rows:
            self._rows += 1
            n = str(self._rows)
            parts, column = ['<row r="', n, '">'], 0
            for index, segment in enumerate(segments):
                if index < len(previous) and previous[index][0] is segment:
                    parts.append(n.join(previous[index][1]))
                else:
                    pieces = self._template(segment, column).split(PLACEHOLDER)
                    if index < len(previous):
                        previous[index] = (segment, pieces)
                    else:
                        previous.append((segment, pieces))
                    parts.append(n.join(pieces))
                column += len(segment)
            parts.append("</row>")
            self._append("".join(parts))

    def close(self) -> None:
        self._pending.append(SHEET_TAIL)
        self._flush()
        self._finish()

    def _finish(self) -> None:
        self._queue.put(None)
        self._thread.join()
        self._sheet.close()
        self._zip.close()
        if self._failure is not None:
            raise self._failure

    def __enter__(self) -> "XlsxStream":
        return self

    def __exit__(self, kind, error, traceback) -> None:
        if error is None:
            self.close()
        else:
            self._finish()
