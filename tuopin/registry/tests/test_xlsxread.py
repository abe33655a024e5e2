"""The fast sheet reader yields exactly what openpyxl's read-only reader yields."""

import datetime
import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tuopin.registry.interchange import reader as reader_module
from tuopin.registry.interchange import xlsxread
from tuopin.registry.interchange.xlsxread import NotHandled, iter_sheet_rows
from tuopin.registry.interchange.xlsxstream import XlsxStream

SAMPLE = "tuopin/registry/tests/data/registry-sample.xlsx"


def openpyxl_rows(path) -> list[list]:
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    workbook.close()
    return rows


def assert_same(path):
    expected = openpyxl_rows(path)
    got = list(iter_sheet_rows(path))
    assert got == expected
    # Equal is not enough: 1 == 1.0 == True, and the importer treats them differently.
    assert [[type(value) for value in row] for row in got] == [
        [type(value) for value in row] for row in expected
    ]
    return got


def with_sheet_xml(source, target, sheet_xml: str) -> None:
    """A copy of `source` whose first sheet's XML is replaced, for hand-written cases."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml.encode()
            new.writestr(item, data)


def test_the_vendored_sample_reads_the_same():
    assert assert_same(SAMPLE)


def test_an_openpyxl_workbook_with_every_kind_of_cell(tmp_path, path_kind):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["户编号", "姓名", "日期", "数字", "布尔"])
    sheet.append(["41142100010001", "张三", datetime.date(2018, 5, 1), 3, True])
    sheet.append([None, " spaced ", datetime.datetime(2020, 1, 2, 3, 4, 5), 2.5, False])
    sheet["A5"] = "after a gap"
    sheet["H5"] = 1e20
    sheet["C6"] = datetime.datetime(1900, 3, 1)
    sheet["C6"].number_format = "yyyy年m月d日"
    sheet["D6"] = 44000
    sheet["D6"].number_format = "0.00"
    sheet["E6"] = 44000.25
    sheet["E6"].number_format = "mm-dd-yy h:mm"
    sheet["F6"] = datetime.time(13, 30)
    sheet["G6"] = datetime.timedelta(hours=30)
    sheet["B7"] = "=A1&B1"  # a formula: no cached value, openpyxl reads None
    sheet["C7"] = 'A&B <c> "d"\r\nline'
    sheet["D7"] = -0.0
    sheet["E7"] = 12345678901234567890
    sheet["A10"] = "last"
    path = tmp_path / "openpyxl.xlsx"
    workbook.save(path)
    rows = assert_same(path)
    assert rows[3] == [None] * 8  # the empty row 4, padded to the declared width


def test_an_xlsxwriter_workbook_with_shared_rich_and_formula_strings(tmp_path, path_kind):
    path = tmp_path / "xlsxwriter.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("人口")
    bold = book.add_format({"bold": True})
    dated = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, ["户编号", "姓名", "出生日期", "人口数"])
    sheet.write_row(1, 0, ["41142100010001", "张三", None, 4])
    sheet.write_datetime(1, 2, datetime.datetime(1968, 5, 1), dated)
    sheet.write_rich_string(2, 1, "李", bold, "四", "!")
    sheet.write_formula(2, 3, "=D2+1", None, 5)
    sheet.write_formula(2, 4, '="a"&"b"', None, "ab")
    sheet.write_formula(2, 5, "=NA()", None, "#N/A")
    sheet.write_boolean(2, 6, True)
    sheet.write_number(5, 8, 1.5)
    sheet.write_string(6, 0, "张三")  # a repeated shared string
    book.close()
    rows = assert_same(path)
    assert rows[2][1] == "李四!"


@pytest.fixture(params=["patterns", "elementtree"])
def path_kind(request, monkeypatch):
    """Both ways of reading a batch, the second by making the patterns never cover one."""
    if request.param == "elementtree":
        monkeypatch.setattr(xlsxread, "CELL_FIND", re.compile(b"(<)()()()()()never"))
    return request.param


def test_our_exporter_file(tmp_path, path_kind):
    path = tmp_path / "export.xlsx"
    rows = [
        ["户编号", "姓名", "A&B <c>", " lead", "_x0041_"],
        ["41142100010001", "张三", 1, Decimal("9000.50"), 2.5, None, ""],
        [f"c{n}" for n in range(60)],
    ]
    with XlsxStream(path, "人口信息") as sheet:
        sheet.write_rows(rows)
    assert_same(path)


@pytest.mark.parametrize(
    "cells",
    [
        # no r on rows or cells: positions follow one another
        '<row><c t="inlineStr"><is><t>a</t></is></c><c><v>1</v></c></row>'
        '<row><c><v>2.50</v></c><c t="b"><v>0</v></c><c t="e"><v>#DIV/0!</v></c></row>',
        # rows out of order, a repeated row, an empty row element, a self-closing one
        '<row r="3"><c r="B3" t="str"><v>x</v></c></row><row r="2"><c r="A2"><v>1</v></c>'
        '</row><row r="5"/><row r="6"></row><row r="7"><c r="C7"><v>1E3</v></c></row>',
        # inline rich text, an empty inline string, a value-less cell, a t="d" cell
        '<row r="1"><c r="A1" t="inlineStr"><is><r><t>a</t></r><r><t xml:space="preserve">'
        ' b</t></r></is></c><c r="B1" t="inlineStr"><is><t/></is></c><c r="C1"/>'
        '<c r="D1" t="d"><v>2020-01-02T03:04:05</v></c><c r="E1" s="0"><v>7</v></c></row>',
    ],
)
@pytest.mark.parametrize("dimension", ["", '<dimension ref="A1:C4"/>', '<dimension ref="A1"/>'])
def test_hand_written_sheets(tmp_path, cells, dimension, path_kind):
    source = tmp_path / "source.xlsx"
    openpyxl.Workbook().save(source)
    path = tmp_path / "hand.xlsx"
    with_sheet_xml(
        source,
        path,
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{dimension}<sheetData>{cells}</sheetData></worksheet>",
    )
    assert_same(path)


def test_a_head_longer_than_a_read_chunk(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsxread, "CHUNK", 16)
    assert_same(SAMPLE)


def test_a_prefixed_sheet(tmp_path):
    source = tmp_path / "source.xlsx"
    openpyxl.Workbook().save(source)
    path = tmp_path / "prefixed.xlsx"
    with_sheet_xml(
        source,
        path,
        '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<x:sheetData><x:row r="2"><x:c r="B2" t="inlineStr"><x:is><x:t>k</x:t></x:is></x:c>'
        "</x:row></x:sheetData></x:worksheet>",
    )
    assert assert_same(path) == [[], [None, "k"]]


def test_a_sheet_with_a_comment_is_left_to_openpyxl(tmp_path):
    source = tmp_path / "source.xlsx"
    openpyxl.Workbook().save(source)
    path = tmp_path / "comment.xlsx"
    with_sheet_xml(
        source,
        path,
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><!-- </row> --><row r="1"><c r="A1"><v>1</v></c></row></sheetData>'
        "</worksheet>",
    )
    with pytest.raises(NotHandled):
        iter_sheet_rows(path)
    assert list(reader_module._rows_of(path)) == [(1, [1])]


def test_a_broken_zip_still_reports_an_unusable_file(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(reader_module.UnusableFile):
        list(reader_module._rows_of(path))


values = st.one_of(
    st.none(),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=8),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=datetime.datetime(1900, 3, 1), max_value=datetime.datetime(9999, 1, 1)),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(grid=st.lists(st.lists(values, max_size=8), max_size=8))
def test_random_grids_written_by_openpyxl_and_xlsxwriter(tmp_path, grid):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for number, row in enumerate(grid, start=1):
        for column, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(number * 2, column * 2 - 1, value)  # gaps in rows and columns
    workbook.save(tmp_path / "grid.xlsx")
    assert_same(tmp_path / "grid.xlsx")
    book = xlsxwriter.Workbook(tmp_path / "grid-xw.xlsx")
    xw = book.add_worksheet()
    dated = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    for number, row in enumerate(grid):
        for column, value in enumerate(row):
            if isinstance(value, datetime.datetime):
                xw.write_datetime(number, column * 2, value, dated)
            elif value is not None:
                xw.write(number, column * 2, value)
    book.close()
    assert_same(tmp_path / "grid-xw.xlsx")


def test_common_writers_take_the_pattern_path(tmp_path, monkeypatch):
    """The speed is in the pattern path: our exporter's, openpyxl's and xlsxwriter's
    sheets must not fall back to ElementTree batches."""
    workbook = openpyxl.Workbook()
    for _ in range(5):
        workbook.active.append(["a&b", 1, 2.5, datetime.date(2020, 1, 1), True, None, "=A1"])
    workbook.save(tmp_path / "openpyxl.xlsx")
    book = xlsxwriter.Workbook(tmp_path / "xlsxwriter.xlsx")
    sheet = book.add_worksheet()
    for row in range(5):
        sheet.write_row(row, 0, ["a", 1, 2.5, True, None])
        sheet.write_formula(row, 5, "=A1", None, "a")
    book.close()
    with XlsxStream(tmp_path / "ours.xlsx", "s") as ours:
        ours.write_rows([["a <&> b", 1, Decimal("2.50"), None, ""]] * 5)
    batches = []
    monkeypatch.setattr(xlsxread, "_tree_batch", lambda *args: batches.append(args) or [])
    for name in ("openpyxl.xlsx", "xlsxwriter.xlsx", "ours.xlsx"):
        assert len(list(iter_sheet_rows(tmp_path / name))) == 5
    assert len(list(iter_sheet_rows(SAMPLE))) == 9
    assert batches == []
