"""Formula injection: no file the platform writes holds a cell a spreadsheet program would
run, whichever download wrote it; and the platform's own export still re-imports."""

import ast
import csv
from pathlib import Path

import openpyxl
import pytest

from conftest import MINQUAN
from tuopin.accounts.roles import Role
from tuopin.core.spreadsheets import FORMULA_STARTS, csv_writer, neutralise, restore, workbook
from tuopin.registry.interchange.exporter import export_registry, households_under
from tuopin.registry.interchange.importer import import_registry
from tuopin.registry.interchange.report import write_error_report
from tuopin.registry.tests.test_import import family, write_xlsx

HOSTILE = ['=HYPERLINK("http://evil","点我")', "+1+2", "-3+cmd|' /C calc'!A0", "@SUM(1)"]
ROOT = Path(__file__).resolve().parent.parent / "tuopin"
# The modules allowed to open a spreadsheet or CSV writer of their own.
WRITERS = {"core/spreadsheets.py", "registry/interchange/xlsxstream.py"}


def _xlsx_cells(path) -> list:
    sheet = openpyxl.load_workbook(path, read_only=False).active
    return [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]


def _assert_inert_xlsx(path) -> list[str]:
    cells = _xlsx_cells(path)
    assert all(cell.data_type != "f" for cell in cells)
    texts = [cell.value for cell in cells if isinstance(cell.value, str)]
    assert not [text for text in texts if text[:1] in FORMULA_STARTS]
    return texts


def test_neutralise_quotes_each_formula_start_and_restore_takes_it_off():
    for start in FORMULA_STARTS:
        text = f"{start}1+1"
        assert neutralise(text) == "'" + text
        assert restore(neutralise(text)) == text
    assert neutralise(-3) == -3 and neutralise("张三") == "张三" and neutralise("") == ""
    assert restore("'张三") == "'张三"  # a quote before ordinary text is the text's own


def test_no_module_writes_spreadsheets_past_the_one_writer():
    """Every download goes through tuopin.core.spreadsheets: a new writer elsewhere fails."""
    offenders = []
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if "/tests/" in f"/{relative}" or relative in WRITERS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [alias.name for alias in node.names]
                if "xlsxwriter" in names or (getattr(node, "module", "") or "") == "xlsxwriter":
                    offenders.append(f"{relative}:{node.lineno} xlsxwriter")
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                called = f"{node.value.id}.{node.attr}"
                if called in ("csv.writer", "csv.DictWriter", "openpyxl.Workbook"):
                    offenders.append(f"{relative}:{node.lineno} {called}")
    assert offenders == []


def test_styled_workbook_and_csv_write_text_as_inert_text(tmp_path):
    out = tmp_path / "report.xlsx"
    book = workbook(out)
    sheet = book.add_worksheet("表")
    sheet.write_row(0, 0, HOSTILE)
    sheet.write(1, 0, HOSTILE[0])
    sheet.write_string(1, 1, HOSTILE[1])
    sheet.write_row(2, 0, [-5, 3.5])
    book.close()
    texts = _assert_inert_xlsx(out)
    assert [restore(text) for text in texts] == [*HOSTILE, HOSTILE[0], HOSTILE[1]]
    assert [c.value for c in _xlsx_cells(out) if not isinstance(c.value, str)] == [-5, 3.5]

    with (tmp_path / "list.csv").open("w", newline="", encoding="utf-8") as handle:
        csv_writer(handle).writerows([HOSTILE, [-5, "\t1"]])
    rows = list(csv.reader((tmp_path / "list.csv").open(encoding="utf-8")))
    assert rows == [["'" + text for text in HOSTILE], ["-5", "'\t1"]]


@pytest.mark.django_db
def test_registry_export_error_report_and_quality_list_are_inert(tmp_path, client, make_user):
    rows = family("411421101201001", 帮扶责任人="")  # listed by household_without_helper
    # openpyxl would store a leading "=" as a formula; the others arrive as text.
    rows[0]["姓名"], rows[1]["姓名"] = HOSTILE[1], HOSTILE[3]
    source = write_xlsx(tmp_path / "in.xlsx", rows)
    assert import_registry(source).households.created == 1

    for suffix in ("xlsx", "csv"):
        out = tmp_path / f"export.{suffix}"
        export_registry(households_under("411421"), out)
        if suffix == "xlsx":
            texts = _assert_inert_xlsx(out)
        else:
            texts = [cell for row in csv.reader(out.open(encoding="utf-8-sig")) for cell in row]
            assert not [text for text in texts if text[:1] in FORMULA_STARTS]
        assert {"'" + HOSTILE[1], "'" + HOSTILE[3]} <= set(texts)
        # The platform's own file reads back as it was written: nothing changes.
        report = import_registry(out, dry_run=True)
        assert report.errors == [] and report.households.unchanged == 1

    broken = family("411421101201002")
    broken[0]["性别"] = HOSTILE[2]  # an error row: the report repeats its cells
    bad = write_xlsx(tmp_path / "bad.xlsx", broken)
    report = import_registry(bad, dry_run=True)
    assert report.errors
    write_error_report(bad, report, tmp_path / "report.xlsx")
    assert "'" + HOSTILE[2] in _assert_inert_xlsx(tmp_path / "report.xlsx")

    client.force_login(make_user(Role.COUNTY_OFFICE, MINQUAN))
    response = client.get(
        "/quality/household_without_helper/download/", {"region": MINQUAN, "year": 2018}
    )
    assert response.status_code == 200
    (tmp_path / "quality.xlsx").write_bytes(b"".join(response.streaming_content))
    assert "'" + HOSTILE[1] in _assert_inert_xlsx(tmp_path / "quality.xlsx")  # the head
