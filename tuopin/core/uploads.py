"""Bounds on every spreadsheet a user hands the platform (xlsx, xls, csv).

A probe showed that a 3 MB xlsx holding 53 million shared strings took an import worker
to 8.2 GB, and a 1 MB xlsx holding a 1 GiB string crashed it. Every reader of a
user-supplied file goes through this module: `check_file` refuses a file over a limit
before any parsing (file size; for a zip, each member's size, compression ratio, name and
compression method from the central directory, and the declared shared-string count; for
an .xls, the declared shared-string count and the cells, counted from its records), and
the streaming helpers (`XmlGuard`, `guard_part`, `csv_rows`, `check_row_number`,
`check_cells`) enforce what only the content can tell (a lying count, long cells, long
rows, too many rows). The xlsx reader (tuopin/registry/interchange/xlsxread.py) counts
the shared strings as they stream. The limits are Django settings
(config/base.py, `TUOPIN_UPLOAD_*`), read at each call so that tests and operators can
change them; each refusal is an `UnusableFile` naming the limit and the value found.
"""

import codecs
import csv
import re
import struct
import tempfile
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import ParseError, fromstring

import xlrd.compdoc
from django import forms
from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.translation import gettext_lazy as _

from tuopin.core.errors import TuopinError

CHUNK = 1 << 20
UTF8_BOM = b"\xef\xbb\xbf"
# Parts that neither the fast reader nor openpyxl in read-only mode parse whole: the
# worksheets are streamed; drawings, comments, pivots, tables, pictures and the like are
# not read at all. Only the zip limits apply to them; every other part (workbook, styles,
# theme, relationships, properties, external links) is parsed whole, so it has its own
# smaller limit (an 8 MB styles.xml of date formats took openpyxl 350 MB).
NOT_PARSED = re.compile(
    r"(?i)(^|/)(worksheets|chartsheets|drawings|charts|media|pivotCache|pivotTables|tables"
    r"|customXml|printerSettings|embeddings|activeX|ctrlProps|threadedComments|persons"
    r"|richData|queryTables|slicers|slicerCaches|timelines|timelineCaches|diagrams)/"
    r"|calcChain\.xml$|comments\d*\.xml$|\.(png|jpe?g|gif|bmp|emf|wmf|tiff?|bin|vml)$"
)
SHARED_STRINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)
CONTENT_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
SST_START = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?sst\b([^>]*)>")
COUNT_ATTRIBUTE = re.compile(rb"""\b(uniqueCount|count)\s*=\s*["']\s*([0-9]+)\s*["']""")


class UnusableFile(TuopinError):
    """The file cannot be read as a table at all, or is over a limit (CLI exit code 2)."""


@dataclass(frozen=True, slots=True)
class Limits:
    upload_bytes: int
    member_bytes: int
    total_bytes: int
    ratio: int
    shared_strings: int
    shared_strings_bytes: int
    part_bytes: int
    cell_chars: int
    rows: int
    row_bytes: int
    xls_cells: int


def limits() -> Limits:
    """The limits in force (settings are read each time: tests and operators change them)."""
    return Limits(
        upload_bytes=settings.TUOPIN_UPLOAD_MAX_BYTES,
        member_bytes=settings.TUOPIN_UPLOAD_MAX_MEMBER_BYTES,
        total_bytes=settings.TUOPIN_UPLOAD_MAX_TOTAL_BYTES,
        ratio=settings.TUOPIN_UPLOAD_MAX_RATIO,
        shared_strings=settings.TUOPIN_UPLOAD_MAX_SHARED_STRINGS,
        shared_strings_bytes=settings.TUOPIN_UPLOAD_MAX_SHARED_STRINGS_BYTES,
        part_bytes=settings.TUOPIN_UPLOAD_MAX_PART_BYTES,
        cell_chars=settings.TUOPIN_UPLOAD_MAX_CELL_CHARS,
        rows=settings.TUOPIN_UPLOAD_MAX_ROWS,
        row_bytes=settings.TUOPIN_UPLOAD_MAX_ROW_BYTES,
        xls_cells=settings.TUOPIN_UPLOAD_MAX_XLS_CELLS,
    )


def _zh_size(n: int) -> str:
    return f"{n:,} 字节" if n < 1 << 20 else f"{n / (1 << 20):,.1f} MiB（{n:,} 字节）"


def _en_size(n: int) -> str:
    return f"{n:,} bytes" if n < 1 << 20 else f"{n / (1 << 20):,.1f} MiB ({n:,} bytes)"


def refuse_size(code: str, what_zh: str, what_en: str, value: int, limit: int, setting: str):
    """A refusal over a size limit, naming the limit, its setting and the value found."""
    return UnusableFile(
        code,
        f"{what_zh}为 {_zh_size(value)}，超过上限 {_zh_size(limit)}（{setting}）",
        f"{what_en} is {_en_size(value)}, over the limit of {_en_size(limit)} ({setting})",
    )


def refuse_count(code: str, what_zh: str, what_en: str, value: int, limit: int, setting: str):
    return UnusableFile(
        code,
        f"{what_zh}为 {value:,}，超过上限 {limit:,}（{setting}）",
        f"{what_en} is {value:,}, over the limit of {limit:,} ({setting})",
    )


# --- Before parsing ---------------------------------------------------------------------


def check_file(path: Path | str, name: str | None = None) -> None:
    """Refuse `path` before parsing if it is over a limit. `name`: the name the user gave
    (an upload is stored under another); its suffix says what the file should be."""
    path = Path(path)
    name = name or path.name
    bounds = limits()
    size = path.stat().st_size
    if size > bounds.upload_bytes:
        raise refuse_size(
            "file_too_large",
            "文件大小",
            "the file",
            size,
            bounds.upload_bytes,
            "TUOPIN_UPLOAD_MAX_BYTES",
        )
    suffix = Path(name).suffix.lower()
    with path.open("rb") as source:
        magic = source.read(8)
    if magic[:2] == b"PK" or suffix in (".xlsx", ".xlsm"):
        check_xlsx(path, name, bounds)
    elif magic == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":  # an OLE compound file: .xls
        check_xls(path, name, bounds)


def _unsafe_name(member: str) -> bool:
    """A member name that would land outside a folder it were extracted to."""
    parts = re.split(r"[/\\]", member)
    return (
        member.startswith(("/", "\\"))
        or re.match(r"^[A-Za-z]:", member) is not None
        or ".." in parts
        or "\x00" in member
    )


def check_xlsx(path: Path, name: str, bounds: Limits | None = None) -> None:
    """The zip's central directory, then the shared-string count the workbook declares.

    The sizes come from the central directory before anything is inflated; Python's
    zipfile stops inflating a member at its declared size (and fails its CRC if the data
    goes on), so a member cannot inflate to more than the size checked here."""
    bounds = bounds or limits()
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        raise UnusableFile(
            "not_a_zip",
            f"{name} 不是有效的 Excel 工作簿：.xlsx 文件应是 zip 压缩包，而此文件不是（可能已损坏或只是改了扩展名）",
            f"{name} is not a valid Excel workbook: an .xlsx is a zip archive and this file "
            "is not one (damaged, or only renamed)",
        ) from error
    with archive:
        sst_part = _check_members(archive, bounds)
        if sst_part is not None:
            declared = _declared_shared_strings(archive, sst_part)
            if declared is not None and declared > bounds.shared_strings:
                raise refuse_count(
                    "too_many_shared_strings",
                    "工作簿声明的共享字符串数",
                    "the number of shared strings the workbook declares",
                    declared,
                    bounds.shared_strings,
                    "TUOPIN_UPLOAD_MAX_SHARED_STRINGS",
                )


def _check_members(archive: zipfile.ZipFile, bounds: Limits) -> str | None:
    """Sizes, ratios and names of every member; returns the shared-strings part's name."""
    try:
        sst_part = shared_strings_part(archive)
    except (KeyError, ParseError):
        sst_part = None  # not a workbook the readers can open; they say so
    total = 0
    for info in archive.infolist():
        member = info.filename
        if _unsafe_name(member):
            raise UnusableFile(
                "zip_unsafe_name",
                f"压缩包内含不安全的路径名“{member[:200]}”（绝对路径或含 ..），拒绝读取",
                f"the archive holds an unsafe member name {member[:200]!r} "
                "(absolute, or with ..): refused",
            )
        if info.flag_bits & 0x1 or info.compress_type not in (
            zipfile.ZIP_STORED,
            zipfile.ZIP_DEFLATED,
        ):
            # Excel stores or deflates; anything else (encrypted, bzip2, lzma, deflate64)
            # is no workbook the readers can open, and would fail inside them.
            raise UnusableFile(
                "zip_member_unsupported",
                f"压缩包成员 {member} 已加密或使用了不支持的压缩方式（{info.compress_type}）",
                f"member {member} is encrypted or uses an unsupported compression "
                f"method ({info.compress_type})",
            )
        size = info.file_size
        if size > bounds.member_bytes:
            raise refuse_size(
                "zip_member_too_large",
                f"压缩包成员 {member} 解压后的大小",
                f"member {member} inflated",
                size,
                bounds.member_bytes,
                "TUOPIN_UPLOAD_MAX_MEMBER_BYTES",
            )
        total += size
        if total > bounds.total_bytes:
            raise refuse_size(
                "zip_total_too_large",
                "压缩包解压后的总大小（至此成员为止）",
                "the archive inflated (up to this member)",
                total,
                bounds.total_bytes,
                "TUOPIN_UPLOAD_MAX_TOTAL_BYTES",
            )
        # A tiny member may compress far (an empty sheet); a bomb is large and compresses
        # far, so the ratio counts from 1 MiB inflated on.
        if size > 1 << 20 and size > bounds.ratio * max(info.compress_size, 1):
            ratio = size / max(info.compress_size, 1)
            raise UnusableFile(
                "zip_ratio_too_high",
                f"压缩包成员 {member} 的压缩比为 {ratio:,.0f}:1，超过上限 {bounds.ratio}:1"
                "（TUOPIN_UPLOAD_MAX_RATIO；疑似“压缩炸弹”）",
                f"member {member} has a compression ratio of {ratio:,.0f}:1, over the limit "
                f"of {bounds.ratio}:1 (TUOPIN_UPLOAD_MAX_RATIO; a zip bomb?)",
            )
        if member == sst_part:
            if size > bounds.shared_strings_bytes:
                raise refuse_size(
                    "shared_strings_too_large",
                    "共享字符串表解压后的大小",
                    "the shared-strings table inflated",
                    size,
                    bounds.shared_strings_bytes,
                    "TUOPIN_UPLOAD_MAX_SHARED_STRINGS_BYTES",
                )
        elif (
            not member.endswith("/") and not NOT_PARSED.search(member) and size > bounds.part_bytes
        ):
            # Read whole into memory by the readers (workbook, styles, relationships...).
            raise refuse_size(
                "zip_part_too_large",
                f"工作簿部件 {member} 解压后的大小",
                f"workbook part {member} inflated",
                size,
                bounds.part_bytes,
                "TUOPIN_UPLOAD_MAX_PART_BYTES",
            )
    return sst_part


def shared_strings_part(archive: zipfile.ZipFile) -> str | None:
    """The shared-strings part's member name, found as openpyxl finds it: through
    [Content_Types].xml, not the workbook's relationships. Raises KeyError without that
    part, ParseError if it is broken."""
    info = archive.getinfo("[Content_Types].xml")
    limit = limits().part_bytes
    if info.file_size > limit:
        raise refuse_size(
            "zip_part_too_large",
            "工作簿部件 [Content_Types].xml 解压后的大小",
            "workbook part [Content_Types].xml inflated",
            info.file_size,
            limit,
            "TUOPIN_UPLOAD_MAX_PART_BYTES",
        )
    types = fromstring(archive.read(info))
    for item in types.iter(CONTENT_TYPES + "Override"):
        if item.get("ContentType") == SHARED_STRINGS_TYPE:
            return (item.get("PartName") or "").lstrip("/") or None
    return None


def _declared_shared_strings(archive: zipfile.ZipFile, part: str) -> int | None:
    """uniqueCount of <sst> (the strings held), else count (an upper bound of it)."""
    try:
        with archive.open(part) as source:
            head = source.read(64 << 10)
    except (KeyError, zipfile.BadZipFile, OSError):
        return None
    found = SST_START.search(head)
    if found is None:
        return None
    attributes = dict(COUNT_ATTRIBUTE.findall(found.group(1)))
    declared = attributes.get(b"uniqueCount", attributes.get(b"count"))
    return None if declared is None else int(declared)


# BIFF records of one cell each (NUMBER, RK, LABELSST, LABEL, RSTRING, BOOLERR, FORMULA);
# MULRK holds several. Blank cells are not read (xlrd skips them without formatting).
XLS_CELL_RECORDS = {0x0203, 0x027E, 0x00FD, 0x0204, 0x00D6, 0x0205, 0x0006}
XLS_MULRK = 0x00BD


def check_xls(path: Path, name: str, bounds: Limits | None = None) -> None:
    """What xlrd would hold, from the records before it reads them: the shared-string
    count the SST record declares (xlrd reads exactly as many strings), and the cells of
    every sheet (xlrd holds a sheet whole, about 48 bytes a cell; a 6-byte MULRK entry
    per cell lets a 512 MiB file hold 80 million)."""
    bounds = bounds or limits()
    data = path.read_bytes()  # bounded by the upload size; xlrd reads it whole too
    try:
        document = xlrd.compdoc.CompDoc(data, logfile=_Discard())
        stream, base, length = document.locate_named_stream("Workbook")
        if stream is None:
            stream, base, length = document.locate_named_stream("Book")
    except Exception:  # noqa: BLE001 - xlrd reports a broken file itself, clearly
        return
    if stream is None:
        return
    position, end = base, base + length
    cells, most = 0, bounds.xls_cells
    while position + 4 <= end:
        kind, size = struct.unpack_from("<HH", stream, position)
        if kind in XLS_CELL_RECORDS:
            cells += 1
        elif kind == XLS_MULRK:
            cells += max(0, (size - 6) // 6)
        elif kind == 0x00FC and position + 12 <= end:  # SST: total, then unique strings
            unique = struct.unpack_from("<I", stream, position + 8)[0]
            if unique > bounds.shared_strings:
                raise refuse_count(
                    "too_many_shared_strings",
                    "工作簿声明的共享字符串数",
                    "the number of shared strings the workbook declares",
                    unique,
                    bounds.shared_strings,
                    "TUOPIN_UPLOAD_MAX_SHARED_STRINGS",
                )
        if cells > most:
            raise refuse_count(
                "too_many_cells",
                ".xls 工作簿的单元格数（读到此处）",
                "the cells of the .xls workbook (counted so far)",
                cells,
                most,
                "TUOPIN_UPLOAD_MAX_XLS_CELLS",
            )
        position += 4 + size


class _Discard:
    def write(self, text: str) -> None:
        pass


# --- While streaming --------------------------------------------------------------------


def refuse_rows(number: int, limit: int) -> UnusableFile:
    return UnusableFile(
        "too_many_rows",
        f"表格行数超过上限 {limit:,} 行（TUOPIN_UPLOAD_MAX_ROWS），读到第 {number:,} 行时拒绝",
        f"the table has more than the limit of {limit:,} rows (TUOPIN_UPLOAD_MAX_ROWS); "
        f"refused on reaching row {number:,}",
    )


def refuse_cell(
    chars: int, limit: int, row: int | None = None, *, at_least: bool = False
) -> UnusableFile:
    """`at_least`: the cell goes on past what was read (it is refused before it ends)."""
    where_zh = f"第 {row:,} 行有" if row else "表中有"
    where_en = f"row {row:,} has" if row else "the file has"
    more_zh, more_en = ("至少", "at least ") if at_least else ("", "")
    return UnusableFile(
        "cell_too_long",
        f"{where_zh}单元格长{more_zh} {chars:,} 个字符，超过上限 {limit:,}"
        "（TUOPIN_UPLOAD_MAX_CELL_CHARS）",
        f"{where_en} a cell of {more_en}{chars:,} characters, over the limit of {limit:,} "
        "(TUOPIN_UPLOAD_MAX_CELL_CHARS)",
        row=row,
    )


def refuse_row_bytes(size: int, limit: int, row: int | None = None) -> UnusableFile:
    what_zh = f"第 {row:,} 行的内容" if row else "一行（或一个 XML 元素）的内容"
    what_en = f"row {row:,}" if row else "one row (or XML element)"
    error = refuse_size(
        "row_too_large", what_zh, what_en, size, limit, "TUOPIN_UPLOAD_MAX_ROW_BYTES"
    )
    error.row = row
    return error


def check_row_number(number: int, bounds: Limits) -> None:
    if number > bounds.rows:
        raise refuse_rows(number, bounds.rows)


def check_cells(row: list, number: int, bounds: Limits) -> None:
    """Every text cell of a row within the cell length (for readers that hand over whole
    cells: openpyxl, xlrd, the shared strings)."""
    limit = bounds.cell_chars
    for value in row:
        if type(value) is str and len(value) > limit:
            raise refuse_cell(len(value), limit, number)


ENTITY = re.compile(r"&#?[A-Za-z0-9]+;")


def _characters(raw: bytes) -> int:
    """The characters of XML text `raw` (an entity is one), as far as it is complete."""
    text = raw.decode("utf-8", "ignore")
    return len(ENTITY.sub("x", text)) if "&" in text else len(text)


class XmlGuard:
    """Watches the bytes of an XML part go by, a chunk at a time, and refuses a text node
    longer than the cell limit (and, with `spans`, any stretch of `row_bytes` without a
    '>', i.e. a giant tag, attribute, comment or CDATA section) before a parser holds it.

    Text starts after a '>': one regular-expression scan with that literal prefix finds a
    run of more bytes than the cell may have characters (about 1.3 ms per MB); only such a
    run is decoded and counted (UTF-8 and entities make bytes outnumber characters). The
    tail that may continue in the next chunk is kept, and it is bounded: a run still
    within the limit is at most ten bytes a character (the longest entity)."""

    def __init__(self, bounds: Limits, *, spans: bool = False):
        self.limit = bounds.cell_chars
        self.row_bytes = bounds.row_bytes
        self.long_text = re.compile(rb">[^<]{%d}" % (self.limit + 1))
        self.long_span = re.compile(rb">[^>]{%d}" % (self.row_bytes + 1)) if spans else None
        self.carry = b""
        self.span_carry = 0  # bytes since the last '>' at the end of the previous chunk

    def feed(self, chunk: bytes) -> None:
        if self.long_span is not None:
            self._spans(chunk)
        data = self.carry + chunk if self.carry else chunk
        position = 0
        while (found := self.long_text.search(data, position)) is not None:
            end = data.find(b"<", found.end())
            run = data[found.start() + 1 : None if end < 0 else end]
            chars = _characters(run)
            if chars > self.limit:
                raise refuse_cell(chars, self.limit, at_least=end < 0)
            if end < 0:  # within the limit so far, and it goes on in the next chunk
                if len(run) > 10 * (self.limit + 1):
                    raise refuse_cell(len(run) // 10, self.limit, at_least=True)
                self.carry = data[found.start() :]
                return
            position = end
        last = data.rfind(b">")
        self.carry = data[last:] if last >= 0 and data.find(b"<", last) < 0 else b""

    def _spans(self, chunk: bytes) -> None:
        last = chunk.rfind(b">")
        if last < 0:
            self.span_carry += len(chunk)
            if self.span_carry > self.row_bytes:
                raise refuse_row_bytes(self.span_carry, self.row_bytes)
            return
        first = chunk.find(b">")
        if self.span_carry + first > self.row_bytes or self.long_span.search(chunk, first):
            raise refuse_row_bytes(self.row_bytes + 1, self.row_bytes)
        self.span_carry = len(chunk) - last - 1


def guard_part(archive: zipfile.ZipFile, part: str, bounds: Limits) -> None:
    """Stream one part through an `XmlGuard` with spans (a reader that holds elements,
    such as openpyxl, will then hold none larger than the limits); in a worksheet, also
    the bytes from one row's end to the next (openpyxl holds a row whole)."""
    guard = XmlGuard(bounds, spans=True)
    rows = "worksheets/" in part
    since = 0  # bytes since the last row end
    with archive.open(part) as source:
        while chunk := source.read(CHUNK):
            guard.feed(chunk)
            if rows:
                since = _row_gaps(chunk, since, bounds.row_bytes)


def _row_gaps(chunk: bytes, since: int, limit: int) -> int:
    """Refuses a row of more than `limit` bytes; returns the bytes after the last row end
    ("row>" ends </row> and </x:row>; a <row> without attributes only shortens a gap)."""
    start = 0
    while (found := chunk.find(b"row>", start)) >= 0:
        if since + found - start > limit:
            raise refuse_row_bytes(since + found - start, limit)
        since, start = 0, found + 4
    since += len(chunk) - start
    if since > limit:
        raise refuse_row_bytes(since, limit)
    return since


# --- CSV --------------------------------------------------------------------------------


def csv_encoding(path: Path) -> tuple[str, int]:
    """(encoding, line count) of a CSV: UTF-8 (with or without a byte-order mark) or GBK
    (GB 18030), read a chunk at a time; a file that starts with a UTF-8 byte-order mark
    but is GBK says exactly that."""
    with path.open("rb") as source:
        bom = source.read(3) == UTF8_BOM
        lines = _decodes(source, "utf-8-sig")
        if lines is not None:
            return "utf-8-sig", lines
        if bom:
            source.seek(3)
            if _decodes(source, "gb18030") is not None:
                raise UnusableFile(
                    "file_encoding_bom",
                    "CSV 文件以 UTF-8 字节顺序标记（BOM）开头，内容却是 GBK 编码："
                    "请在 Excel 中另存为“CSV UTF-8”，或删除开头的 BOM 后按 GBK 保存",
                    "the CSV starts with a UTF-8 byte-order mark (BOM) but its content is "
                    "GBK: save it as 'CSV UTF-8' in Excel, or remove the BOM and keep it GBK",
                )
        else:
            lines = _decodes(source, "gb18030")
            if lines is not None:
                return "gb18030", lines
    raise UnusableFile(
        "file_encoding",
        "CSV 文件编码无法识别（应为 UTF-8 或 GBK）",
        "the CSV is neither UTF-8 nor GBK",
    )


def _decodes(source, encoding: str) -> int | None:
    """The line count if the rest of `source` (from the start, or from where it was put
    for gb18030) decodes in `encoding`, else None; a chunk at a time."""
    if encoding == "utf-8-sig":
        source.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)()
    lines = 0
    try:
        while chunk := source.read(CHUNK):
            decoder.decode(chunk)
            lines += chunk.count(b"\n")
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return None
    return lines + 1


def csv_rows(path: Path | str, hint: dict | None = None) -> Iterator[tuple[int, list]]:
    """(row number, cells) of a CSV, streamed: a line longer than the row limit, a cell
    longer than the cell limit and a row past the row limit are refused as they come."""
    path = Path(path)
    bounds = limits()
    encoding, lines = csv_encoding(path)
    if hint is not None:
        hint["rows"] = lines  # more than the rows if cells hold line breaks
    with path.open("rb") as source:
        lines_read = _bounded_lines(source, encoding, bounds)
        if csv.field_size_limit() <= bounds.cell_chars:
            csv.field_size_limit(bounds.cell_chars + 1)  # raised only: the bound is global
        reader = csv.reader(lines_read)
        number = 0
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                if "field larger than field limit" in str(error):
                    # A quoted cell running over many lines, each short.
                    raise refuse_cell(
                        csv.field_size_limit(), bounds.cell_chars, number + 1, at_least=True
                    ) from error
                raise UnusableFile(
                    "file_unreadable",
                    f"CSV 第 {number + 1} 行无法读取：{error}",
                    f"CSV row {number + 1} cannot be read: {error}",
                    row=number + 1,
                ) from error
            number += 1
            check_row_number(number, bounds)
            yield number, row


def _bounded_lines(source, encoding: str, bounds: Limits) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder(encoding)()
    number = 0
    limit = bounds.cell_chars
    while line := source.readline(bounds.row_bytes + 1):
        number += 1
        if len(line) > bounds.row_bytes:
            raise refuse_row_bytes(len(line), bounds.row_bytes, number)
        text = decoder.decode(line)
        if len(text) > limit:  # only then can a cell be too long
            for cell in next(csv.reader([text]), []):
                if len(cell) > limit:
                    raise refuse_cell(len(cell), limit, number)
        yield text


# --- Web uploads ------------------------------------------------------------------------


class BoundedUploadHandler(FileUploadHandler):
    """Stops receiving a file past TUOPIN_UPLOAD_MAX_BYTES, before it fills the disk: the
    file is skipped (the rest of the body is read and dropped) and the request says why
    (`request.upload_refused`), for the form to show."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        self.limit = settings.TUOPIN_UPLOAD_MAX_BYTES

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.request.upload_refused = refuse_size(
                "file_too_large",
                "上传文件大小（已收到）",
                "the upload (received so far)",
                self.received,
                self.limit,
                "TUOPIN_UPLOAD_MAX_BYTES",
            )
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None


UPLOAD_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv")


class SpreadsheetUploadForm(forms.Form):
    """A form with a `file` of a spreadsheet a user supplies, checked as every such file
    is (type, size, zip directory, declared counts, CSV encoding) before it is saved or
    a job queued; what only reading the rows can tell fails the reading, which writes
    nothing. Subclasses declare `file` (with its label) and their other fields."""

    def __init__(self, *args, upload_refused: TuopinError | None = None, **kwargs):
        """`upload_refused`: why the upload handler dropped the file while receiving it
        (BoundedUploadHandler, `request.upload_refused`), to be said instead of "required"."""
        super().__init__(*args, **kwargs)
        self.upload_refused = upload_refused
        self.fields["file"].widget.attrs["accept"] = ",".join(UPLOAD_SUFFIXES)

    def clean_file(self):
        """The file's type, size and structure (zip directory, declared counts) are
        checked here, before it is saved or a job queued; what only reading the rows can
        tell (long cells, too many rows) fails the job, which writes nothing."""
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(UPLOAD_SUFFIXES):
            raise forms.ValidationError(_("请上传 .xlsx、.xls 或 .csv 文件。"))
        most = limits().upload_bytes
        if upload.size > most:
            error = refuse_size(
                "file_too_large",
                "文件大小",
                "the file",
                upload.size,
                most,
                "TUOPIN_UPLOAD_MAX_BYTES",
            )
            raise forms.ValidationError(error.message, code=error.code)
        try:
            if hasattr(upload, "temporary_file_path"):
                _check_upload(Path(upload.temporary_file_path()), upload.name)
            else:  # under FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB): held in memory
                with tempfile.NamedTemporaryFile(suffix=Path(upload.name).suffix) as handle:
                    for chunk in upload.chunks():
                        handle.write(chunk)
                    handle.flush()
                    _check_upload(Path(handle.name), upload.name)
                upload.seek(0)
        except TuopinError as error:
            raise forms.ValidationError(error.message, code=error.code) from error
        return upload

    def clean(self):
        if self.upload_refused is not None:
            self.errors.pop("file", None)  # "required": the file was dropped for its size
            self.add_error("file", self.upload_refused.message)
        return super().clean()


def _check_upload(path: Path, name: str) -> None:
    check_file(path, name)
    if name.lower().endswith(".csv"):
        csv_encoding(path)  # one pass, a chunk at a time: says "BOM but GBK" on the form


# --- Attachments ------------------------------------------------------------------------

# A photo of the notice board, the minutes of a village meeting, a signed form: images and
# PDF only, told by their first bytes as well as their name (a renamed file is refused).
ATTACHMENT_TYPES = {
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".pdf": (b"%PDF-",),
}


def check_attachment(upload) -> None:
    """Refuse an attachment that is not a JPEG, PNG or PDF, or is over
    TUOPIN_ATTACHMENT_MAX_BYTES, before anything is saved."""
    name = getattr(upload, "name", "") or ""
    suffix = Path(name).suffix.lower()
    if suffix not in ATTACHMENT_TYPES:
        raise UnusableFile(
            "attachment_type",
            "附件只能是 .jpg、.png 或 .pdf 文件",
            "an attachment is a .jpg, .png or .pdf file",
        )
    most = settings.TUOPIN_ATTACHMENT_MAX_BYTES
    if upload.size > most:
        raise refuse_size(
            "attachment_too_large",
            "附件大小",
            "the attachment",
            upload.size,
            most,
            "TUOPIN_ATTACHMENT_MAX_BYTES",
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(ATTACHMENT_TYPES[suffix]):
        raise UnusableFile(
            "attachment_content",
            f"附件内容不是 {suffix} 文件",
            f"the attachment's content is not a {suffix} file",
        )


def upload_store(upload) -> str:
    """Keep an uploaded spreadsheet for the job that imports it: under MEDIA_ROOT/uploads/,
    named by a random id (never by the sender's file name), keeping only its suffix. The
    path returned, relative to MEDIA_ROOT, is what an import job's parameters may name."""
    relative = Path("uploads") / f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return str(relative)
