"""Hostile spreadsheets are refused with a message naming the limit and the value, before
they can take the server's memory, and nothing reaches the registry.

Every file here is built for real (zipfile, openpyxl, xlwt, the exporter's writer); the
limits are made small through the `settings` fixture so that each test stays fast, and
the tests at the default limits build the bombs at a size that still builds in a moment.
"""

import csv
import json
import os
import time
import zipfile
from io import StringIO
from pathlib import Path

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from conftest import MINQUAN
from tuopin.core.models import Job
from tuopin.core.uploads import UnusableFile
from tuopin.registry.interchange.importer import import_registry
from tuopin.registry.interchange.reader import sheet_rows
from tuopin.registry.interchange.xlsxstream import XlsxStream
from tuopin.registry.models import Household, Member
from tuopin.registry.tests.test_import import HEADER, family, person, write_xlsx
from tuopin.registry.tests.test_import_edges import write_xls
from tuopin.registry.tests.test_views import login

SHEET = "xl/worksheets/sheet1.xml"
SST = "xl/sharedStrings.xml"


def rezip(source: Path, target: Path, *, replace=None, add=None, level=6) -> Path:
    """A copy of the workbook `source` with members replaced or added; a member's content
    may be bytes or an iterable of byte chunks (streamed: bombs are never held whole)."""
    replace, add = replace or {}, add or {}
    with (
        zipfile.ZipFile(source) as original,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as copy,
    ):
        for info in original.infolist():
            content = replace.get(info.filename, original.read(info))
            _write(copy, info.filename, content)
        for name, content in add.items():
            _write(copy, name, content)
    return target


def _write(archive: zipfile.ZipFile, name: str, content) -> None:
    if isinstance(content, bytes):
        archive.writestr(name, content)
        return
    with archive.open(name, "w", force_zip64=True) as member:
        for chunk in content:
            member.write(chunk)


def repeated(piece: bytes, total: int, *, head=b"", tail=b""):
    """`head`, then `piece` repeated to `total` bytes, then `tail`, a MiB at a time."""
    yield head
    block = piece * max(1, (1 << 20) // len(piece))
    left = total
    while left > 0:
        yield block[:left]
        left -= len(block)
    yield tail


def sheet_xml(rows: list[list[str]]) -> bytes:
    """A worksheet of inline strings (as the exporter writes them)."""
    body = "".join(
        f'<row r="{n}">'
        + "".join(f'<c t="inlineStr"><is><t>{value}</t></is></c>' for value in row)
        + "</row>"
        for n, row in enumerate(rows, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{body}</sheetData></worksheet>"
    ).encode()


def refused(path, code: str) -> UnusableFile:
    """The import refuses `path` with `code`, and the registry is untouched."""
    with pytest.raises(UnusableFile) as caught:
        import_registry(path)
    assert caught.value.code == code, caught.value
    assert not Household.objects.exists() and not Member.objects.exists()
    return caught.value


def family_xlsx(tmp_path, name="family.xlsx", rows=None) -> Path:
    """A valid workbook as Excel saves one: text in a shared-strings table (xlsxwriter)."""
    path = tmp_path / name
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("人口信息")
    sheet.write_row(0, 0, HEADER)
    for number, row in enumerate(rows if rows is not None else family(), start=1):
        sheet.write_row(number, 0, [row.get(column) for column in HEADER])
    workbook.close()
    return path


# --- Before parsing: the zip's directory and what the workbook declares -----------------


def test_a_zip_bomb_member_is_refused_by_its_compression_ratio(shangqiu, tmp_path):
    bomb = rezip(
        family_xlsx(tmp_path),
        tmp_path / "bomb.xlsx",
        add={"xl/media/image1.png": repeated(b"\0", 64 << 20)},
        level=9,
    )
    assert bomb.stat().st_size < 1 << 20  # 64 MiB inflated from under a MiB
    error = refused(bomb, "zip_ratio_too_high")
    assert "xl/media/image1.png" in error.message_zh and "100:1" in error.message_zh
    assert "TUOPIN_UPLOAD_MAX_RATIO" in error.message_en and "zip bomb" in error.message_en


def test_a_member_over_the_inflated_size_limits_is_refused(shangqiu, tmp_path, settings):
    settings.TUOPIN_UPLOAD_MAX_MEMBER_BYTES = 4 << 20
    big = rezip(
        family_xlsx(tmp_path),
        tmp_path / "big.xlsx",
        add={"xl/media/image1.png": repeated(b"\1\2\3\4\5\6\7", 5 << 20)},
    )
    error = refused(big, "zip_member_too_large")
    assert "4.0 MiB" in error.message_zh and "5.0 MiB" in error.message_en
    settings.TUOPIN_UPLOAD_MAX_MEMBER_BYTES = 8 << 20
    settings.TUOPIN_UPLOAD_MAX_TOTAL_BYTES = 4 << 20
    error = refused(big, "zip_total_too_large")
    assert "TUOPIN_UPLOAD_MAX_TOTAL_BYTES" in error.message_zh


def test_a_huge_shared_string_count_in_a_tiny_file_is_refused_before_parsing(
    shangqiu, tmp_path, settings
):
    settings.TUOPIN_UPLOAD_MAX_SHARED_STRINGS = 1000
    source = family_xlsx(tmp_path)
    with zipfile.ZipFile(source) as original:
        real = original.read(SST)
    declared = real.replace(b'uniqueCount="', b'uniqueCount="53000000" old="', 1)
    path = rezip(source, tmp_path / "sst.xlsx", replace={SST: declared})
    assert path.stat().st_size < 20_000
    error = refused(path, "too_many_shared_strings")
    assert "53,000,000" in error.message_zh and "1,000" in error.message_zh
    assert "TUOPIN_UPLOAD_MAX_SHARED_STRINGS" in error.message_en


def test_a_lying_count_attribute_is_caught_while_the_strings_stream(shangqiu, tmp_path, settings):
    settings.TUOPIN_UPLOAD_MAX_SHARED_STRINGS = 10
    strings = b"".join(b"<si><t>s%d</t></si>" % n for n in range(50))
    sst = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'count="3" uniqueCount="3">' + strings + b"</sst>"
    )
    path = rezip(family_xlsx(tmp_path), tmp_path / "lying.xlsx", replace={SST: sst})
    error = refused(path, "too_many_shared_strings")
    assert "50" in error.message_zh and "读到此处" in error.message_zh
    assert "read so far" in error.message_en


def test_an_xlsx_that_is_not_a_zip_is_refused_clearly(shangqiu, tmp_path):
    path = tmp_path / "renamed.xlsx"
    path.write_text("户编号,姓名\n1,张三\n", encoding="utf-8")
    error = refused(path, "not_a_zip")
    assert "zip" in error.message_zh and "not a valid Excel workbook" in error.message_en


def test_a_zip_with_a_path_traversal_member_is_refused(shangqiu, tmp_path):
    path = rezip(
        family_xlsx(tmp_path),
        tmp_path / "traversal.xlsx",
        add={"../../etc/cron.d/evil": b"* * * * * root true\n"},
    )
    error = refused(path, "zip_unsafe_name")
    assert "../../etc/cron.d/evil" in error.message_zh and "unsafe" in error.message_en


def test_an_xls_declaring_too_many_shared_strings_is_refused_before_xlrd_reads_it(
    shangqiu, tmp_path, settings
):
    settings.TUOPIN_UPLOAD_MAX_SHARED_STRINGS = 5
    error = refused(write_xls(tmp_path / "old.xls", family()), "too_many_shared_strings")
    assert "5（TUOPIN_UPLOAD_MAX_SHARED_STRINGS）" in error.message_zh


def test_an_xls_with_more_cells_than_the_limit_is_refused_before_xlrd_reads_it(
    shangqiu, tmp_path, settings
):
    import xlwt

    settings.TUOPIN_UPLOAD_MAX_XLS_CELLS = 5_000
    path = write_xls(tmp_path / "ok.xls", family())
    assert import_registry(path, dry_run=True).errors == []  # 3 rows: within the limit
    book = xlwt.Workbook()
    for name in ("人口信息", "附表"):  # the cells of every sheet count
        sheet = book.add_sheet(name)
        for number in range(50):
            for column in range(60):
                sheet.write(number, column, number * 100 + column)
    book.save(str(tmp_path / "cells.xls"))
    error = refused(tmp_path / "cells.xls", "too_many_cells")
    assert "5,000（TUOPIN_UPLOAD_MAX_XLS_CELLS）" in error.message_zh


def test_an_xls_row_is_not_padded_to_the_widest_row(shangqiu, tmp_path):
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("s")
    sheet.write(0, 0, "户编号")
    sheet.write(1, 200, "far")
    book.save(str(tmp_path / "ragged.xls"))
    rows = dict(sheet_rows(tmp_path / "ragged.xls"))
    assert rows[1] == ["户编号"] and len(rows[2]) == 201


def test_a_part_read_whole_is_bounded_but_a_part_never_read_is_not(shangqiu, tmp_path, settings):
    settings.TUOPIN_UPLOAD_MAX_PART_BYTES = 64 << 10
    source = family_xlsx(tmp_path)
    picture = rezip(
        source, tmp_path / "picture.xlsx", add={"xl/media/image1.png": os.urandom(100 << 10)}
    )
    assert import_registry(picture, dry_run=True).errors == []
    with zipfile.ZipFile(source) as original:
        styles = original.read("xl/styles.xml")
    padded = styles.replace(b"<fonts", b"<!--" + b" " * (100 << 10) + b"--><fonts", 1)
    assert len(padded) > 100 << 10
    error = refused(
        rezip(source, tmp_path / "styles.xlsx", replace={"xl/styles.xml": padded}),
        "zip_part_too_large",
    )
    assert (
        "xl/styles.xml" in error.message_zh and "TUOPIN_UPLOAD_MAX_PART_BYTES" in error.message_en
    )


def test_a_damaged_or_encrypted_member_is_refused_plainly_not_with_a_traceback(shangqiu, tmp_path):
    source = family_xlsx(tmp_path)
    with zipfile.ZipFile(source) as original:
        info = original.getinfo(SHEET)
        offset = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data = bytearray(source.read_bytes())
    for position in range(offset + 20, offset + 60):  # inside the deflated sheet
        data[position] ^= 0x5A
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(bytes(data))
    error = refused(damaged, "file_unreadable")
    assert "damaged.xlsx" in error.message_zh
    with (
        zipfile.ZipFile(source) as original,
        zipfile.ZipFile(tmp_path / "bzip2.xlsx", "w", zipfile.ZIP_BZIP2) as copy,
    ):
        for member in original.infolist():
            copy.writestr(member.filename, original.read(member))
    error = refused(tmp_path / "bzip2.xlsx", "zip_member_unsupported")
    assert "不支持的压缩方式" in error.message_zh


def test_the_openpyxl_fallback_holds_no_row_over_the_row_size(shangqiu, tmp_path, settings):
    settings.TUOPIN_UPLOAD_MAX_ROW_BYTES = 64 << 10
    wide = sheet_xml([HEADER, ["户"] * 16_000]).replace(b"<sheetData>", b"<!-- x --><sheetData>")
    path = rezip(family_xlsx(tmp_path), tmp_path / "wide.xlsx", replace={SHEET: wide})
    error = refused(path, "row_too_large")
    assert "TUOPIN_UPLOAD_MAX_ROW_BYTES" in error.message_en


def test_a_file_over_the_upload_size_is_refused_before_it_is_opened(shangqiu, tmp_path, settings):
    settings.TUOPIN_UPLOAD_MAX_BYTES = 1000
    error = refused(family_xlsx(tmp_path), "file_too_large")
    assert "1,000 字节" in error.message_zh and "TUOPIN_UPLOAD_MAX_BYTES" in error.message_en


# --- At the default limits: the probe's kind of file, refused at once -------------------


def test_a_100_mib_string_compressed_small_is_refused_at_once_at_the_default_limits(
    shangqiu, tmp_path
):
    size = 100 << 20
    head = sheet_xml([HEADER]).replace(b"</sheetData></worksheet>", b"")
    cell = b'<row r="2"><c t="inlineStr"><is><t>'
    path = rezip(
        family_xlsx(tmp_path),
        tmp_path / "string.xlsx",
        replace={
            SHEET: repeated(
                b"a", size, head=head + cell, tail=b"</t></is></c></row></sheetData></worksheet>"
            )
        },
        level=9,
    )
    assert path.stat().st_size < 1 << 20
    started = time.perf_counter()
    error = refused(path, "zip_ratio_too_high")
    assert time.perf_counter() - started < 2, "refused from the zip directory, not by parsing"
    assert SHEET in error.message_zh


def test_the_same_string_less_compressed_is_refused_while_streaming(shangqiu, tmp_path, settings):
    """Past the zip checks (a ratio allowed), the sheet's text is guarded before a row
    is parsed: the 20 MiB cell is never held whole."""
    settings.TUOPIN_UPLOAD_MAX_RATIO = 100_000
    head = sheet_xml([HEADER]).replace(b"</sheetData></worksheet>", b"")
    path = rezip(
        family_xlsx(tmp_path),
        tmp_path / "string.xlsx",
        replace={
            SHEET: repeated(
                b"x",
                20 << 20,
                head=head + b'<row r="2"><c t="inlineStr"><is><t>',
                tail=b"</t></is></c></row></sheetData></worksheet>",
            )
        },
    )
    error = refused(path, "cell_too_long")
    assert "32,767" in error.message_zh and "TUOPIN_UPLOAD_MAX_CELL_CHARS" in error.message_en


# --- While streaming: rows, cells, row size -----------------------------------------


def _many_rows(count: int) -> list[dict]:
    return [
        person(f"4114211012010{n:02d}", "独居", "男", "", "1950-01-01", "户主", size=1)
        for n in range(count)
    ]


def _write_csv(path: Path, rows: list[dict], encoding="utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.DictWriter(handle, HEADER)
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.mark.parametrize("kind", ["xlsx", "csv", "xls"])
def test_more_rows_than_the_limit_are_refused(shangqiu, tmp_path, settings, kind):
    settings.TUOPIN_UPLOAD_MAX_ROWS = 10
    rows = _many_rows(20)
    if kind == "xlsx":
        path = write_xlsx(tmp_path / "rows.xlsx", rows, title=False, totals=False)
    elif kind == "csv":
        path = _write_csv(tmp_path / "rows.csv", rows)
    else:
        path = write_xls(tmp_path / "rows.xls", rows)
    error = refused(path, "too_many_rows")
    assert "10 行" in error.message_zh and "row 11" in error.message_en


def test_a_row_number_far_beyond_the_limit_is_refused_without_filling_the_gap(
    shangqiu, tmp_path, settings
):
    settings.TUOPIN_UPLOAD_MAX_ROWS = 1000
    sheet = sheet_xml([HEADER]).replace(
        b"</sheetData>",
        b'<row r="999999999"><c t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
    )
    path = rezip(family_xlsx(tmp_path), tmp_path / "gap.xlsx", replace={SHEET: sheet})
    started = time.perf_counter()
    error = refused(path, "too_many_rows")
    assert time.perf_counter() - started < 2
    assert "999,999,999" in error.message_zh


def _long_name_rows():
    rows = family()
    rows[1]["姓名"] = "王" * 150
    return rows


@pytest.mark.parametrize("kind", ["shared", "inline", "csv", "xls", "openpyxl"])
def test_a_cell_longer_than_the_limit_is_refused(shangqiu, tmp_path, settings, kind):
    settings.TUOPIN_UPLOAD_MAX_CELL_CHARS = 100
    rows = _long_name_rows()
    if kind == "shared":  # as Excel saves: text in the shared-strings table
        path = family_xlsx(tmp_path, "long.xlsx", rows)
    elif kind == "inline":  # the exporter's writer: inline strings
        path = tmp_path / "long.xlsx"
        with XlsxStream(path, "人口信息") as stream:
            stream.write_rows([HEADER, *([row.get(c) for c in HEADER] for row in rows)])
    elif kind == "csv":
        path = _write_csv(tmp_path / "long.csv", rows)
    elif kind == "xls":
        path = write_xls(tmp_path / "long.xls", rows)
    else:  # a comment in the sheet: the fast reader leaves the file to openpyxl
        source = tmp_path / "source.xlsx"
        with XlsxStream(source, "人口信息") as stream:
            stream.write_rows([HEADER, *([row.get(c) for c in HEADER] for row in rows)])
        with zipfile.ZipFile(source) as original:
            sheet = original.read(SHEET).replace(b"<sheetData>", b"<!-- x --><sheetData>")
        path = rezip(source, tmp_path / "long.xlsx", replace={SHEET: sheet})
    error = refused(path, "cell_too_long")
    assert "150 个字符" in error.message_zh and "limit of 100" in error.message_en


def test_a_row_over_the_row_size_is_refused(shangqiu, tmp_path, settings):
    settings.TUOPIN_UPLOAD_MAX_ROW_BYTES = 64 << 10
    wide = [HEADER, ["户"] * 16_000]  # 16,000 short cells: no cell too long, the row is
    path = rezip(family_xlsx(tmp_path), tmp_path / "wide.xlsx", replace={SHEET: sheet_xml(wide)})
    error = refused(path, "row_too_large")
    assert "TUOPIN_UPLOAD_MAX_ROW_BYTES" in error.message_zh
    path = _write_csv(tmp_path / "wide.csv", [])
    path.write_text(",".join(HEADER) + "\n" + ",".join(["户"] * 40_000) + "\n")
    error = refused(path, "row_too_large")
    assert error.row == 2 and "第 2 行" in error.message_zh


def test_every_reader_goes_through_the_same_checks(shangqiu, tmp_path, settings):
    """The indicator import reads through `sheet_rows` too."""
    from tuopin.policy.indicators import indicators_import

    assert [n for n, _ in sheet_rows(_write_csv(tmp_path / "ok.csv", family()))] == [1, 2, 3, 4]
    settings.TUOPIN_UPLOAD_MAX_ROWS = 3
    path = tmp_path / "indicators.csv"
    path.write_text("县,村,村集体经济收入\n" + "民权县,朱寨村,1\n" * 5, encoding="utf-8")
    with pytest.raises(UnusableFile) as caught:
        indicators_import(acting_user=None, path=path, year=2018)
    assert caught.value.code == "too_many_rows"


# --- Encodings --------------------------------------------------------------------------


def test_a_gbk_csv_that_starts_with_a_utf8_byte_order_mark_says_so(shangqiu, tmp_path):
    text = StringIO()
    writer = csv.DictWriter(text, HEADER)
    writer.writeheader()
    writer.writerows(family())
    path = tmp_path / "gbk-bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.getvalue().encode("gbk"))
    error = refused(path, "file_encoding_bom")
    assert "BOM" in error.message_zh and "GBK" in error.message_zh
    assert "byte-order mark" in error.message_en and "GBK" in error.message_en
    # The same file without the mark, and as UTF-8 with it, load.
    path.write_bytes(text.getvalue().encode("gbk"))
    assert import_registry(path, dry_run=True).errors == []
    path.write_bytes(b"\xef\xbb\xbf" + text.getvalue().encode("utf-8"))
    assert import_registry(path, dry_run=True).errors == []


# --- The CLI and the web upload ---------------------------------------------------------


def test_the_cli_exits_2_with_the_usual_json_for_a_refused_file(shangqiu, tmp_path, settings):
    settings.TUOPIN_UPLOAD_MAX_CELL_CHARS = 100
    path = write_xlsx(tmp_path / "long.xlsx", _long_name_rows())
    out = StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("import", "registry", str(path), "--json", stdout=out)
    assert exit_.value.code == 2
    result = json.loads(out.getvalue())
    assert result["rows"] == 0 and result["households"]["created"] == 0
    [message] = result["errors"]
    assert message["code"] == "cell_too_long" and "150" in message["message"]
    assert "TUOPIN_UPLOAD_MAX_CELL_CHARS" in message["message_en"]
    assert result["error"]["code"] == "cell_too_long"
    assert not Household.objects.exists()


def _post(client, name: str, content: bytes):
    return client.post(
        reverse("registry:import"),
        {"file": SimpleUploadedFile(name, content), "region": MINQUAN},
    )


def test_the_web_upload_stops_receiving_a_file_over_the_size_limit(office, tmp_path, settings):
    settings.TUOPIN_UPLOAD_MAX_BYTES = 4096
    content = family_xlsx(tmp_path).read_bytes()
    assert len(content) > 4096
    response = _post(login(office), "人和镇.xlsx", content)
    assert response.status_code == 200
    page = response.content.decode()
    # Said by the upload handler, which stopped receiving the file ("received so far").
    assert "TUOPIN_UPLOAD_MAX_BYTES" in page and "4,096 字节" in page and "已收到" in page
    assert not Job.objects.exists()
    uploads = Path(settings.MEDIA_ROOT) / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())


@pytest.mark.parametrize(
    ("name", "build", "code_text"),
    [
        ("bomb.xlsx", "bomb", "100:1"),
        ("renamed.xlsx", "not_zip", "zip"),
        ("gbk.csv", "bom", "BOM"),
    ],
)
def test_the_web_form_refuses_a_hostile_file_before_saving_or_queuing_it(
    office, tmp_path, settings, name, build, code_text
):
    if build == "bomb":
        path = rezip(
            family_xlsx(tmp_path),
            tmp_path / name,
            add={"xl/media/image1.png": repeated(b"\0", 16 << 20)},
            level=9,
        )
        content = path.read_bytes()
    elif build == "not_zip":
        content = "户编号,姓名\n".encode()
    else:
        content = b"\xef\xbb\xbf" + "户编号,姓名\n1,张三\n".encode("gbk")
    response = _post(login(office), name, content)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="error-file"' in page and code_text in page
    assert not Job.objects.exists() and not Household.objects.exists()
    uploads = Path(settings.MEDIA_ROOT) / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())


def test_a_refusal_found_only_by_reading_fails_the_job_and_writes_nothing(
    office, tmp_path, settings
):
    """A cell too long passes the form's checks (they read no rows); the job refuses the
    file with the same message, and nothing reaches the registry."""
    from tuopin.core.jobs import worker_loop
    from tuopin.core.models import JobStatus

    settings.TUOPIN_UPLOAD_MAX_CELL_CHARS = 100
    path = family_xlsx(tmp_path, "long.xlsx", _long_name_rows())
    response = _post(login(office), "人和镇.xlsx", path.read_bytes())
    assert response.status_code == 302
    worker_loop(once=True, heartbeat=False)
    job = Job.objects.get(kind="registry.import")
    assert job.status == JobStatus.FAILED
    assert "TUOPIN_UPLOAD_MAX_CELL_CHARS" in job.error and "150" in job.error
    assert not Household.objects.exists() and not Member.objects.exists()


def test_a_file_within_the_limits_still_uploads(office, tmp_path):
    response = _post(login(office), "人和镇.xlsx", family_xlsx(tmp_path).read_bytes())
    assert response.status_code == 302 and Job.objects.count() == 1


# --- Field lengths: a row error, never a failed insert ------------------------------------


def test_text_longer_than_its_field_is_a_row_error_and_nothing_is_half_written(shangqiu, tmp_path):
    good = person("411421101201002", "刘桂兰", "女", "", "1948-01-20", "户主", size=1)
    rows = family()
    rows[1]["姓名"] = "王" * 300  # Member.name holds 50
    rows[0]["联系电话"] = "1" * 31  # Household.phone holds 30 (a household column)
    header = [*HEADER, "联系电话"]
    path = write_xlsx(tmp_path / "long.xlsx", [*rows, good], header=header)
    report = import_registry(path)
    errors = {(e.row, e.column, e.code): e for e in report.errors}
    name = errors[(5, "姓名", "value_too_long")]
    assert "300 个字符" in name.message_zh and "limit of 50" in name.message_en
    assert (4, "联系电话", "value_too_long") in errors
    assert not report.written and not Household.objects.exists() and not Member.objects.exists()
    partial = import_registry(path, partial=True)
    assert partial.households.created == 1 and partial.households.rejected == 1
    assert list(Member.objects.values_list("name", flat=True)) == ["刘桂兰"]
    assert not Household.objects.filter(number="411421101201001").exists()


def test_the_lengths_come_from_the_model_fields():
    from tuopin.registry.interchange.rows import max_lengths
    from tuopin.registry.models import Helper, Household, Member

    lengths = max_lengths()
    assert lengths["name"] == Member._meta.get_field("name").max_length
    assert lengths["bank_account"] == Household._meta.get_field("bank_account").max_length
    assert lengths["helper_name"] == Helper._meta.get_field("name").max_length
    assert "sex" not in lengths  # coded: the parser gives a code


def test_a_long_helper_name_in_csv_is_refused_too(shangqiu, tmp_path):
    rows = family()
    for row in rows:
        row["帮扶责任人"] = "李" * 51
    report = import_registry(_write_csv(tmp_path / "helper.csv", rows))
    assert {(e.column, e.code) for e in report.errors} == {("帮扶责任人", "value_too_long")}
    assert not Household.objects.exists()


def test_default_limits_let_a_normal_file_through(shangqiu, tmp_path):
    report = import_registry(family_xlsx(tmp_path))
    assert report.errors == [] and report.households.created == 1
