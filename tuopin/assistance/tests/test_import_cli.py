"""`tuopin import ledger KIND FILE [--year] [--dry-run] [--partial] [--json] [--report]`."""

import json
from io import StringIO

import openpyxl
import pytest
from django.core.management import call_command

from conftest import RENHE, first_village
from tuopin.accounts.roles import Role
from tuopin.assistance.models import HealthInsurance, LedgerImport
from tuopin.assistance.tests.factories_import import registered, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(make_user):
    village = first_village(RENHE)
    return registered(make_user(Role.VILLAGE, village.code), village, "411421101001000301")


def run(*args) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("import", "ledger", *map(str, args), stdout=out, stderr=out)
    except SystemExit as exit:
        return exit.code, out.getvalue()
    return 0, out.getvalue()


def test_the_cli_reports_json_writes_the_error_report_and_exits_1(tmp_path, family):
    household, ids = family
    path = write_csv(
        tmp_path / "参保.csv",
        [
            ["身份证号", "姓名", "是否参保", "个人缴费"],
            [ids[0], "张大山", "是", 180],
            [ids[1], "刘桂兰", "可能", "一百"],
        ],
    )
    report_path = tmp_path / "结果.xlsx"
    code, out = run("insurance", path, "--year", 2018, "--json", "--report", report_path)
    result = json.loads(out)
    assert code == 1 and result["written"] is False and HealthInsurance.objects.count() == 0
    assert [(e["row"], e["column"]) for e in result["errors"]] == [(3, "是否参保"), (3, "个人缴费")]
    sheet = openpyxl.load_workbook(report_path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == (
        "Excel 行号",
        "错误（未导入）",
        "提示（已按原值导入，请核实）",
        "身份证号",
    )
    assert rows[2][0] == 3 and "是否参保" in rows[2][1] and "yes/no" in rows[2][1]
    assert rows[2][3:] == (ids[1], "刘桂兰", "可能", "一百")  # the row as received

    code, out = run("insurance", path, "--year", 2018, "--partial")
    assert code == 1 and "新增 1" in out and "拒绝 1" in out
    assert HealthInsurance.objects.get().year == 2018
    batch = LedgerImport.objects.get()
    assert (batch.kind, batch.created, batch.rejected) == ("insurance", 1, 1)


def test_the_cli_dry_run_and_an_unusable_file(tmp_path, family):
    household, ids = family
    path = write_csv(
        tmp_path / "参保.csv", [["年度", "身份证号", "姓名"], [2018, ids[0], "张大山"]]
    )
    code, out = run("insurance", path, "--dry-run")
    assert code == 0 and "试运行" in out and HealthInsurance.objects.count() == 0
    assert LedgerImport.objects.count() == 0
    code, out = run("insurance", tmp_path / "missing.xlsx", "--json")
    assert code == 2 and json.loads(out)["errors"][0]["code"] == "file_missing"


def test_the_registry_subcommand_still_lives(tmp_path):
    path = write_csv(tmp_path / "空.csv", [["户编号", "姓名"]])
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("import", "registry", str(tmp_path / "none.csv"), "--json", stdout=out)
    assert json.loads(out.getvalue())["errors"][0]["code"] == "file_missing"
    assert path.exists()
