"""The streaming xlsx writer: what openpyxl reads back is what was written."""

import csv
import zipfile
from decimal import Decimal

import openpyxl

from conftest import MINQUAN
from tuopin.registry.interchange import xlsxstream
from tuopin.registry.interchange.exporter import export_registry, households_under
from tuopin.registry.interchange.xlsxstream import XlsxStream, column_letters
from tuopin.registry.seed import seed_registry


def read_back(path) -> list[tuple]:
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = [tuple(row) for row in workbook.active.iter_rows(values_only=True)]
    workbook.close()
    return rows


def test_column_letters_follow_excel():
    letters = column_letters(703)
    assert (letters[0], letters[25], letters[26], letters[51], letters[701], letters[702]) == (
        "A",
        "Z",
        "AA",
        "AZ",
        "ZZ",
        "AAA",
    )


def test_text_numbers_and_gaps_read_back_as_written(tmp_path):
    tricky = [
        "姓名",
        "A&B <c> \"d\" 'e'",
        " leading and trailing ",
        "_x0041_ stays literal",
        "411421196805010012",
        "41142119680501001X",
    ]
    rows = [
        tricky,
        [1, Decimal("9000.50"), 2.5, None, "", "end"],
        [f"c{n}" for n in range(60)],  # past column Z
    ]
    path = tmp_path / "plain.xlsx"
    with XlsxStream(path, "人口信息") as sheet:
        sheet.write_rows(rows)
    back = read_back(path)
    assert back[0] == tuple(tricky)
    assert back[1][:6] == (1, 9000.5, 2.5, None, None, "end")
    assert back[2] == tuple(f"c{n}" for n in range(60))
    assert openpyxl.load_workbook(path).sheetnames == ["人口信息"]
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        assert "xl/styles.xml" in archive.namelist()


def test_reused_segments_give_the_same_sheet_as_plain_rows(tmp_path, monkeypatch):
    # A tiny text cache and buffer, so eviction and many hand-overs to the thread happen.
    monkeypatch.setattr(xlsxstream, "_CACHE_LIMIT", 3)
    monkeypatch.setattr(xlsxstream, "_BUFFER", 100)
    household = ["商丘市", "", "4114"]
    tail = [2018, Decimal("1.10"), "是"]
    members = [["张三", 1], ["李四", None], ["王五", 3]]
    segmented = [(household, member, tail) for member in members]
    other = ["睢县", "x", "4114"]
    segmented.append((other, ["赵六", 4], tail))
    plain = [a + b + c for a, b, c in segmented]
    with XlsxStream(tmp_path / "segmented.xlsx", "s") as sheet:
        sheet.write_segmented(segmented)
    with XlsxStream(tmp_path / "plain.xlsx", "s") as sheet:
        sheet.write_rows(plain)
    assert read_back(tmp_path / "segmented.xlsx") == read_back(tmp_path / "plain.xlsx")
    assert read_back(tmp_path / "segmented.xlsx")[3][:4] == ("睢县", "x", "4114", "赵六")


def test_the_xlsx_export_holds_the_same_cells_as_the_csv_export(shangqiu, tmp_path):
    seed_registry(households=25, region_code=MINQUAN, seed=7)
    rows = export_registry(households_under("411421"), tmp_path / "r.xlsx")
    assert export_registry(households_under("411421"), tmp_path / "r.csv") == rows > 25
    with (tmp_path / "r.csv").open(encoding="utf-8-sig", newline="") as handle:
        as_csv = list(csv.reader(handle))
    as_xlsx = read_back(tmp_path / "r.xlsx")
    assert len(as_xlsx) == len(as_csv) == rows + 1

    def text(value) -> str:
        if value is None:
            return ""
        if isinstance(value, float):
            return f"{value:.2f}"
        return str(value)

    def normal(cell: str) -> str:
        # csv writes amounts with their two decimals, years and counts as integers.
        try:
            return f"{float(cell):.2f}" if "." in cell else cell
        except ValueError:
            return cell

    for csv_row, xlsx_row in zip(as_csv, as_xlsx, strict=True):
        assert [normal(c) for c in csv_row] == [text(c) for c in xlsx_row[: len(csv_row)]]
    id_column = as_csv[0].index("证件号码")
    assert all(isinstance(row[id_column], str) and len(row[id_column]) == 18 for row in as_xlsx[1:])
