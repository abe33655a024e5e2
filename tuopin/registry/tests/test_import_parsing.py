"""The import's fast paths read exactly what the plain, cell-by-cell code reads."""

import csv
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuopin.registry.idnumbers import _normalise_typed_text, check_digit, normalise_id_text
from tuopin.registry.interchange.columns import MEMBER
from tuopin.registry.interchange.reader import has_text, open_table
from tuopin.registry.interchange.rows import RowParser
from tuopin.registry.interchange.values import BadValue, _text, key, text
from tuopin.registry.tests.test_import import HEADER, family, person, write_xlsx

# A copy of ../shared/samples/registry-sample.xlsx: tests never read outside the project.
SAMPLE = Path(__file__).resolve().parent / "data" / "registry-sample.xlsx"
CELLS = st.one_of(
    st.none(),
    st.text(st.sampled_from("0123456789xXeE+-.' \u3000\u200b１ｘ,是否")),
    st.text(),
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
)


def _reference(table) -> list[tuple[dict, set]]:
    """Every row parsed cell by cell, as the importer first did: (values, bad columns)."""
    parsed = []
    for sheet in table.rows:
        values, bad = {}, set()
        for column_key, raw in sheet.cells.items():
            column = next(c for c in table.columns.values() if c.key == column_key)
            if column.parse is None:
                values[column_key] = raw
                continue
            try:
                values[column_key] = column.parse(raw)
            except BadValue:
                bad.add(column.header)
        parsed.append((values, bad))
    return parsed


def _parsed(path) -> list[tuple[dict, set]]:
    table = open_table(path)
    rows = RowParser(table.columns, typed=table.typed).parse(table.rows)
    return [(row.values, {e.column for e in row.errors if e.code == "bad_value"}) for row in rows]


def _messy_rows() -> list:
    rows = [*family(), *family("411421101201002")]
    rows[1]["家庭人口数"] = 3.0  # the same number as 3 on the row before, as a float
    rows[2]["饮水是否安全"] = "也许"  # a bad yes/no on one row of a household
    rows[3]["出生日期"] = datetime(1968, 3, 12)
    rows[4]["民族"] = "火星族"  # a bad code on a member column
    rows[5]["饮水是否安全"] = True  # a boolean where the row before has text
    rows[5]["工资性收入"] = "9,000元"  # text where the row before has a number
    rows.append(person("", "无户号", "男", "", "1990-01-01", "户主", size=1))
    return rows


def test_the_parser_reads_the_sample_as_cell_by_cell_parsing_does():
    assert _parsed(SAMPLE) == _reference(open_table(SAMPLE))


def test_the_parser_reads_a_messy_xlsx_and_its_csv_as_cell_by_cell_parsing_does(tmp_path):
    xlsx = write_xlsx(tmp_path / "messy.xlsx", _messy_rows())
    assert _parsed(xlsx) == _reference(open_table(xlsx))
    with (tmp_path / "messy.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for row in openpyxl.load_workbook(xlsx).active.iter_rows(min_row=4, values_only=True):
            writer.writerow(["" if cell is None else cell for cell in row])
    assert _parsed(tmp_path / "messy.csv") == _reference(open_table(tmp_path / "messy.csv"))


def test_household_cells_are_kept_apart_from_member_cells(tmp_path):
    table = open_table(write_xlsx(tmp_path / "in.xlsx", family()))
    [row, *_] = RowParser(table.columns, typed=True).parse(table.rows)
    assert set(row.member) == {c.key for c in table.columns.values() if c.level == MEMBER}
    assert "number" in row.household and "name" not in row.household


@given(CELLS)
def test_has_text_is_a_non_empty_key(value):
    assert has_text(value) == bool(key(value))


@given(st.text())
def test_text_of_plain_ascii_is_the_normalised_text(value):
    assert text(value) == _text(value)


@given(st.text(st.sampled_from("0123456789xXeEbB+-.'")))
def test_id_numbers_of_letters_and_digits_normalise_as_any_other_text(value):
    assert normalise_id_text(value) == _normalise_typed_text(value)


@given(st.text(st.sampled_from("0123456789"), min_size=17, max_size=17))
def test_the_check_digit_is_the_iso_7064_fold(body):
    total = 0
    for digit in body:
        total = (total + int(digit)) * 2 % 11
    assert check_digit(body) == "0123456789X"[(12 - total) % 11]


@pytest.mark.django_db
def test_a_yes_no_or_infinite_cell_in_a_money_column_is_a_row_error_not_a_crash(tmp_path):
    from tuopin.registry.interchange.importer import import_registry
    from tuopin.registry.interchange.values import amount

    for value in (True, False, float("inf")):
        with pytest.raises(BadValue):
            amount(value)
    rows = family(工资性收入=True)  # an Excel TRUE cell on every member row of the household
    report = import_registry(write_xlsx(tmp_path / "bool.xlsx", rows), dry_run=True)
    assert report.errors and {e.column for e in report.errors} == {"工资性收入"}
    assert report.households.created == 0 and report.households.rejected == 1
