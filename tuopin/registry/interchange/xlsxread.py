"""A streaming reader of an xlsx file's first worksheet, yielding what openpyxl yields.

openpyxl's read-only reader spends about 430 µs of CPU on a 62-column row (a dict and a
descriptor-checked object per cell), which caps an xlsx import near 2,300 rows/s. This
reader walks the same XML with the C-accelerated ElementTree parser and converts each
cell inline, to the very values `load_workbook(path, read_only=True, data_only=True)
.worksheets[0].iter_rows(values_only=True)` gives (as lists): the same row numbering,
the same padding of rows to the sheet's declared width, the same empty rows for gaps.
The one-off parts (styles, date conversion, dimension parsing) reuse openpyxl's own
functions so that dates and odd dimensions come out exactly as before.

Anything this reader is not sure it reads like openpyxl raises `NotHandled` before the
first row is yielded, and the caller reads the file with openpyxl instead.

The limits of tuopin/core/uploads.py hold here too, while the parts stream: the shared
strings (their count, whatever the file declares, and each one's length), every text of
the sheet (scanned before the first row is parsed), the bytes of one row and the row
numbers. The zip's sizes and ratios are checked before (`uploads.check_file`).
"""

import posixpath
import re
import zipfile
from collections.abc import Iterator
from itertools import chain
from xml.etree.ElementTree import ParseError, XMLPullParser, fromstring

from openpyxl.styles.stylesheet import Stylesheet
from openpyxl.utils import column_index_from_string, coordinate_to_tuple, range_boundaries
from openpyxl.utils.datetime import CALENDAR_MAC_1904, WINDOWS_EPOCH, from_excel, from_ISO8601

from tuopin.core.uploads import (
    Limits,
    XmlGuard,
    guard_part,
    limits,
    refuse_cell,
    refuse_count,
    refuse_row_bytes,
    refuse_rows,
    shared_strings_part,
)

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
OFFICE_RELS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
WORKSHEET_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"

ROW, C, V, IS, T, R, SI = (MAIN + tag for tag in ("row", "c", "v", "is", "t", "r", "si"))
DIMENSION, SHEET_DATA = MAIN + "dimension", MAIN + "sheetData"
CHUNK = 1 << 20
DIGITS = "0123456789"
NAME = rb"(?:[A-Za-z_][\w.\-]*:)?"
SHEET_DATA_START = re.compile(rb"<(?:([A-Za-z_][\w.\-]*):)?sheetData\b[^>]*>")
ROOT_START = re.compile(rb"<(" + NAME + rb"worksheet)\b[^>]*>")
XML_DECLARATION = re.compile(rb"<\?xml[^>]*?(?:encoding=[\"']([^\"']*)[\"'])?[^>]*\?>")


class NotHandled(Exception):
    """The workbook is outside what this reader reproduces; read it with openpyxl."""


def _text_content(node) -> str:
    # openpyxl's `Text.content`: the last direct <t>, then every run's (last) <t>; <rPh>
    # phonetic runs are left out.
    plain, runs = None, []
    for child in node:
        if child.tag == T:
            plain = child.text
        elif child.tag == R:
            text = None
            for part in child:
                if part.tag == T:
                    text = part.text
            if text is not None:
                runs.append(text)
    if plain is not None:
        runs.insert(0, plain)
    return "".join(runs)


def _shared_strings(archive: zipfile.ZipFile, bounds: Limits) -> list[str]:
    """The shared-strings table, bounded as it streams: the declared count may lie, so the
    strings are counted as they come; each chunk is guarded before the parser holds it."""
    # openpyxl finds the table through [Content_Types].xml, not the workbook's rels.
    part = shared_strings_part(archive)
    if part is None:
        return []
    strings: list[str] = []
    parser = XMLPullParser(("start", "end"))
    guard = XmlGuard(bounds, spans=True)
    most, longest = bounds.shared_strings, bounds.cell_chars
    root = None
    with archive.open(part) as source:
        while chunk := source.read(CHUNK):
            guard.feed(chunk)
            parser.feed(chunk)
            for event, node in parser.read_events():
                if event == "start":
                    if root is None:
                        root = node
                elif node.tag == SI:
                    # openpyxl drops the escape prefix of a literal "_x...._" here only.
                    string = _text_content(node).replace("x005F_", "")
                    if len(string) > longest:  # a CDATA section the guard cannot see into
                        raise refuse_cell(len(string), longest)
                    strings.append(string)
            # The <si> elements read are dropped from the root, or millions of them would
            # stay (about 100 bytes each beside the strings); one still open is kept by
            # the parser and completes as usual.
            if root is not None:
                root.clear()
            if len(strings) > most:
                raise refuse_count(
                    "too_many_shared_strings",
                    "工作簿的共享字符串数（读到此处）",
                    "the number of shared strings in the workbook (read so far)",
                    len(strings),
                    most,
                    "TUOPIN_UPLOAD_MAX_SHARED_STRINGS",
                )
    parser.close()
    return strings


def check_for_openpyxl(path) -> None:
    """Before openpyxl reads a workbook this reader leaves to it: openpyxl holds the whole
    shared-strings table and each element it parses, so both are bounded first."""
    bounds = limits()
    with zipfile.ZipFile(path) as archive:
        _shared_strings(archive, bounds)
        shared = shared_strings_part(archive)
        for info in archive.infolist():  # the worksheets too: openpyxl parses them
            if info.filename.endswith((".xml", ".rels")) and info.filename != shared:
                guard_part(archive, info.filename, bounds)


def _date_styles(archive: zipfile.ZipFile) -> tuple[set, set]:
    # openpyxl's own stylesheet reading decides which styles are dates and durations,
    # so custom formats are judged exactly as before (styles.xml is small).
    try:
        source = archive.read("xl/styles.xml")
    except KeyError:
        return set(), set()
    stylesheet = Stylesheet.from_tree(fromstring(source))
    if not stylesheet.cell_styles:
        return set(), set()
    return stylesheet.date_formats, stylesheet.timedelta_formats


def _first_sheet(archive: zipfile.ZipFile) -> tuple[str, object]:
    workbook = fromstring(archive.read("xl/workbook.xml"))
    properties = workbook.find(MAIN + "workbookPr")
    date1904 = properties is not None and properties.get("date1904") in ("1", "true")
    sheets = workbook.find(MAIN + "sheets")
    first = sheets[0] if sheets is not None and len(sheets) else None
    if first is None:
        raise NotHandled("no sheet")
    relation = first.get(OFFICE_RELS + "id")
    rels = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for rel in rels.iter(RELS + "Relationship"):
        if rel.get("Id") == relation:
            break
    else:
        raise NotHandled("the first sheet has no relationship")
    # A chartsheet or a dialog sheet first: openpyxl skips it, this reader does not try.
    if rel.get("Type") != WORKSHEET_TYPE or rel.get("TargetMode") == "External":
        raise NotHandled("the first sheet is not a plain worksheet")
    target = rel.get("Target", "")
    path = target[1:] if target.startswith("/") else posixpath.normpath("xl/" + target)
    if path not in archive.NameToInfo:
        raise NotHandled("the first sheet's part is missing")
    return path, CALENDAR_MAC_1904 if date1904 else WINDOWS_EPOCH


def _cast_number(text: str):
    # openpyxl's rule: a point or an exponent makes a float, anything else an int.
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)


def iter_sheet_rows(path, hint: dict | None = None) -> Iterator[list]:
    """The first worksheet's rows, as openpyxl's read-only `iter_rows(values_only=True)`.

    The workbook parts are read (and `NotHandled` raised) at the call, before iterating.
    `hint["rows"]` receives the sheet's declared last row (None if it declares none)."""
    archive = zipfile.ZipFile(path)
    bounds = limits()
    try:
        sheet_path, epoch = _first_sheet(archive)
        strings = _shared_strings(archive, bounds)
        dates, durations = _date_styles(archive)
        layout = _sheet_layout(archive, sheet_path, bounds)
    except NotHandled:
        archive.close()
        raise
    except BaseException:  # a refusal (UnusableFile) above all
        archive.close()
        raise
    except (KeyError, ValueError, TypeError, AttributeError, IndexError, ParseError) as error:
        archive.close()
        raise NotHandled(f"unexpected workbook structure: {error}") from error
    if hint is not None:
        hint["rows"] = layout[4]
    return _rows(archive, sheet_path, layout, epoch, strings, dates, durations, bounds)


def _sheet_layout(archive, sheet_path, bounds: Limits) -> tuple:
    """(the sheet's start tags down to <sheetData>, the closing tags, a row's end tag,
    the declared last column and row).

    Rows are parsed a batch at a time by cutting the bytes after a row's end tag and
    wrapping the batch in the sheet's own start tags (they carry the namespaces): whole
    batches go through the C parser, which costs a fraction of one Python event per
    element. The cut is only safe in plain markup, so a sheet with a comment, CDATA or
    processing instruction after its XML declaration, or not in UTF-8, is left to openpyxl.

    The same pass guards every text of the sheet (`XmlGuard`): a cell over the length
    limit is refused before the first row is parsed.
    """
    guard = XmlGuard(bounds)
    with archive.open(sheet_path) as source:
        head = source.read(CHUNK)
        while (found := SHEET_DATA_START.search(head)) is None:
            more = source.read(CHUNK)
            if not more:
                raise NotHandled("no <sheetData>")
            head += more
            if len(head) > bounds.row_bytes:  # what comes before the rows is small
                raise refuse_row_bytes(len(head), bounds.row_bytes)
        # One pass over the inflated bytes (about 2 ms per MB) to rule out "<!" and "<?".
        declaration = XML_DECLARATION.match(head)
        if (
            declaration
            and declaration.group(1)
            and declaration.group(1).lower()
            not in (
                b"utf-8",
                b"utf8",
            )
        ):
            raise NotHandled("not UTF-8")
        if head.startswith(b"\xef\xbb\xbf"):
            raise NotHandled("byte-order mark")
        body = head[declaration.end() if declaration else 0 :]
        previous = b""
        for chunk in chain((body,), iter(lambda: source.read(CHUNK), b"")):
            joined = previous[-1:] + chunk
            if b"<!" in joined or b"<?" in joined:
                raise NotHandled("comment, CDATA or processing instruction in the sheet")
            guard.feed(chunk)
            previous = chunk
    root = ROOT_START.search(head, declaration.end() if declaration else 0)
    if root is None or root.start() > found.start():
        raise NotHandled("no root element")
    prefix = found.group(1) + b":" if found.group(1) else b""
    sheet_data_name = prefix + b"sheetData"
    opening = head[root.start() : root.end()] + found.group(0)
    closing = b"</" + sheet_data_name + b"></" + root.group(1) + b">"
    if found.group(0).endswith(b"/>"):
        closing = b"</" + root.group(1) + b">"
    # openpyxl's iter_rows() asks for rows 1..max_row and columns 1..max_column of the
    # declared <dimension> (only one before <sheetData> counts); without one, each row
    # is as wide as its last cell and nothing is padded.
    try:
        sheet_head = fromstring(head[: found.start()] + closing[closing.rindex(b"</") :])
    except ParseError as error:
        raise NotHandled("unreadable sheet head") from error
    dimension = sheet_head.find(DIMENSION)
    max_col = max_row = None
    if dimension is not None and dimension.get("ref"):
        _min_col, _min_row, max_col, max_row = range_boundaries(dimension.get("ref"))
    return opening, closing, b"</" + prefix + b"row>", max_col, max_row


# The fast path: a batch made only of these plain shapes (unprefixed tags, double-quoted
# attributes without references, one <t> per inline string, at most a <f> before <v>) is
# read with regular expressions, which costs a fraction of building ElementTree elements;
# any other batch goes through ElementTree. Both give the same cells (tests compare).
_ATTRS = rb'(?:\s+[\w:.\-]+="[^"&<]*")*\s*'
_TEXT = rb"(?:[^<&\r]|&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)*"
_FORMULA = rb"(?:<f\b[^>]*?(?:/>|>[^<]*</f>))?"
_CELL = (
    rb"<c(?: r=\"([A-Z]{1,3})[0-9]+\")?("
    + _ATTRS
    + rb")(?:/>|>"
    + _FORMULA
    + rb"(?:<v>([^<&\r]*)</v>|<v\s*/>|<is>(<t"
    + _ATTRS
    + rb"(?:/>|>("
    + _TEXT
    + rb")</t>))</is>)?</c>)"
)
# A row's content runs to the first </row> (no CDATA or comments, see _sheet_layout);
# the matches must cover the batch and each row's content exactly, or the batch is
# read with ElementTree: a cell these patterns do not know is never skipped.
ROW_FIND = re.compile(rb"(<row(" + _ATTRS + rb")(?:/>|>(.*?)</row>))", re.S)
CELL_FIND = re.compile(rb"(" + _CELL + rb")")
ATTR_FIND = re.compile(rb'([\w:.\-]+)="([^"]*)"')
ENTITY = re.compile(r"&(?:(amp|lt|gt|quot|apos)|#([0-9]+)|#x([0-9a-fA-F]+));")
NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def _unescape(match) -> str:
    named, decimal, hexadecimal = match.groups()
    if named:
        return NAMED[named]
    return chr(int(decimal) if decimal else int(hexadecimal, 16))


def _plain_text(raw: bytes) -> str:
    text = raw.decode()
    return ENTITY.sub(_unescape, text) if "&" in text else text


def _tree_batch(opening: bytes, batch: bytes, closing: bytes):
    """A batch of rows the patterns do not cover, as an element holding <row> elements;
    wrapped in the sheet's own start tags, which declare the namespaces."""
    return fromstring(opening + batch + closing)[0]


def _check_row_sizes(batch: bytes, row_end: bytes, row_bytes: int) -> None:
    start = 0
    while start < len(batch):
        stop = batch.find(row_end, start)
        stop = len(batch) if stop < 0 else stop + len(row_end)
        if stop - start > row_bytes:
            raise refuse_row_bytes(stop - start, row_bytes)
        start = stop


def _rows(
    archive, sheet_path, layout, epoch, strings, dates, durations, bounds: Limits
) -> Iterator[list]:
    opening, closing, row_end, max_col, max_row = layout
    most_rows, row_bytes = bounds.rows, bounds.row_bytes
    plain = row_end == b"</row>"  # the fast path knows unprefixed tags only
    columns: dict = {}  # "BJ" / b"BJ" -> 62, filled as letters turn up
    kinds: dict = {}  # a cell's attributes other than a leading r -> (t, s, r)

    def column_of(ref) -> int:
        letters = ref.rstrip(DIGITS)
        position = columns.get(letters)
        if position is None:
            position = columns[letters] = coordinate_to_tuple(ref)[1]
        return position

    def value_of(kind: str, style: int, value, inline):
        """openpyxl's parse_cell, data_only: `value` is <v>'s text, `inline` <is>'s."""
        if kind == "inlineStr":
            return inline
        if not value:
            return None
        if kind == "n":
            value = _cast_number(value)
            if style in dates:
                try:
                    return from_excel(value, epoch, timedelta=style in durations)
                except (OverflowError, ValueError):
                    return "#VALUE!"  # what openpyxl substitutes for an impossible date
            return value
        if kind == "s":
            return strings[int(value)]
        if kind == "b":
            return bool(int(value))
        if kind == "d":
            return from_ISO8601(value)
        return value  # "str" (a formula's text), "e" (the error text, e.g. "#N/A")

    def tree_rows(rows) -> Iterator[tuple]:
        for element in rows:
            cells, position = [], 0
            for cell in element:
                ref = cell.get("r")
                position = column_of(ref) if ref else position + 1
                inline = cell.find(IS) if cell.get("t") == "inlineStr" else None
                style = cell.get("s")
                cells.append(
                    (
                        position,
                        value_of(
                            cell.get("t", "n"),
                            int(style) if style else 0,
                            cell.findtext(V),
                            None if inline is None else _text_content(inline),
                        ),
                    )
                )
            yield element.get("r"), cells

    def plain_rows(batch: bytes) -> list | None:
        rows, covered = [], 0
        for whole, attributes, content in ROW_FIND.findall(batch):
            covered += len(whole)
            number = None
            if attributes:
                number = dict(ATTR_FIND.findall(attributes)).get(b"r")
                number = None if number is None else number.decode()
            cells, position, inside = [], 0, 0
            for cell, letters, other, value, inline, text in CELL_FIND.findall(content):
                inside += len(cell)
                kind = kinds.get(other)
                if kind is None:
                    found = dict(ATTR_FIND.findall(other))
                    style = found.get(b"s")
                    ref = found.get(b"r")
                    kind = (
                        found.get(b"t", b"n").decode(),
                        int(style) if style else 0,
                        ref.decode() if ref else None,
                    )
                    if len(kinds) > 1000:  # only when r is not first and varies
                        kinds.clear()
                    kinds[other] = kind
                if letters:
                    position = columns.get(letters)
                    if position is None:
                        position = columns[letters] = column_index_from_string(letters.decode())
                elif kind[2]:
                    position = column_of(kind[2])
                else:
                    position += 1
                # The common cells inline; the rest as openpyxl's parse_cell does.
                if kind[0] == "inlineStr":
                    cells.append((position, _plain_text(text) if inline else None))
                elif not value:
                    cells.append((position, None))
                elif kind[0] == "n" and kind[1] not in dates:
                    cells.append((position, _cast_number(value.decode())))
                else:
                    cells.append((position, value_of(kind[0], kind[1], value.decode(), None)))
            if inside != len(content):
                return None  # something in the row the patterns do not know
            rows.append((number, cells))
        # Rows written back to back, as every writer we know does; whitespace between
        # rows would fail this test and send the batch to ElementTree, still correct.
        return rows if covered == len(batch.strip()) and batch[:1] == b"<" else None

    def batches() -> Iterator:
        if not closing.startswith(b"</" + row_end[2:-4] + b"sheetData"):  # <sheetData/>
            return
        sheet_data_end = closing[: closing.rindex(b"</")]
        with archive.open(sheet_path) as source:
            buffer = b""
            started = False
            while chunk := source.read(CHUNK):
                buffer += chunk
                if not started:
                    # The head before <sheetData> may span chunks (_sheet_layout found it).
                    found = SHEET_DATA_START.search(buffer)
                    if found is None:
                        continue
                    buffer = buffer[found.end() :]
                    started = True
                end = buffer.find(sheet_data_end, max(0, len(buffer) - len(chunk) - 64))
                cut = end if end >= 0 else buffer.rfind(row_end)
                if cut < 0:
                    if len(buffer) > row_bytes:  # one row (or tag) this large: refused
                        raise refuse_row_bytes(len(buffer), row_bytes)
                    continue
                if end < 0:
                    cut += len(row_end)
                batch = buffer[:cut]
                if len(batch) > row_bytes:  # never so for a real file's rows (< 10 KB each)
                    _check_row_sizes(batch, row_end, row_bytes)
                rows = plain_rows(batch) if plain else None
                if rows is None:
                    rows = tree_rows(_tree_batch(opening, batch, closing))
                yield rows
                if end >= 0:
                    return
                buffer = buffer[cut:]
        raise ParseError("the sheet ends inside <sheetData>")

    empty = [None] * max_col if max_col is not None else []
    counter, number = 1, 0
    with archive:
        for batch in batches():
            for r, cells in batch:
                if r is None:
                    number += 1
                else:
                    try:
                        number = int(r)
                    except ValueError:
                        whole = float(r)
                        if not whole.is_integer():
                            raise ValueError(f"{r} is not a valid row number") from None
                        number = int(whole)
                if number > most_rows:  # before filling a gap up to a row number of 10^9
                    raise refuse_rows(number, most_rows)
                if max_row is not None and number > max_row:
                    # openpyxl stops here, first filling the rows up to max_row.
                    for _ in range(counter, max_row + 1):
                        yield empty.copy()
                    return
                while counter < number:  # missing rows come out empty
                    counter += 1
                    yield empty.copy()
                if counter > number:  # a repeated or out-of-order row: openpyxl drops it
                    continue
                counter += 1
                if not cells and not max_col:
                    yield []
                    continue
                width = max_col or cells[-1][0]
                row = [None] * width
                for position, value in cells:
                    if position <= width:
                        row[position - 1] = value
                yield row
