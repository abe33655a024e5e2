"""`tuopin import funds|payments`: bad rows named by row and column, all or nothing,
dry run, --partial, a re-import changes nothing, duplicates in a payment list are kept."""

import csv
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from conftest import CITY, MINQUAN, RENHE, first_village
from tuopin.accounts.roles import Role
from tuopin.projects.funds_import import import_funds, import_payments
from tuopin.projects.funds_selectors import balance_at
from tuopin.projects.models import Allocation, Disbursement, Fund, FundPayment
from tuopin.projects.tests.funds_factories import a_project
from tuopin.registry.services import household_register
from tuopin.registry.tests.factories import family

pytestmark = pytest.mark.django_db

FUND_HEADER = ["类型", "指标文件文号", "资金名称", "资金性质", "资金来源级次", "支出功能分类科目",
               "统筹整合", "年度", "文件日期", "金额（元）", "区划代码", "接收区划代码", "项目编号",
               "日期", "下达文号或拨付凭证号"]  # fmt: skip
DOC = "财农〔2018〕12号"


def _csv(path, header, rows):
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _ledger_rows(amount="1000000", passed="600000", disbursed="200000"):
    return [
        ["资金指标", DOC, "中央财政专项扶贫资金", "财政专项扶贫资金", "中央", "2130505", "是", "2018",
         "2018-01-10", amount, CITY, "", "", "2018-01-20", ""],
        ["分配下达", DOC, "", "", "", "", "", "", "", passed, CITY, MINQUAN, "", "2018-02-01",
         "商财农〔2018〕3号"],
        ["拨付项目", DOC, "", "", "", "", "", "", "", disbursed, MINQUAN, "", "MQ-2018-001",
         "2018-03-05", "PZ-001"],
    ]  # fmt: skip


def test_the_ledger_imports_and_a_reimport_changes_nothing(tmp_path):
    project = a_project()
    path = _csv(tmp_path / "funds.csv", FUND_HEADER, _ledger_rows())
    dry = import_funds(path, dry_run=True)
    assert (dry.created, dry.errors, Fund.objects.count()) == (3, [], 0)
    done = import_funds(path)
    assert (done.created, done.written) == (3, True)
    fund = Fund.objects.get()
    assert fund.integrated is True and fund.level == "central" and fund.nature == "special"
    assert balance_at(fund, CITY) == Decimal("400000")
    assert balance_at(fund, MINQUAN) == Decimal("400000")
    assert Disbursement.objects.get().project == project
    again = import_funds(path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    changed = _ledger_rows(disbursed="250000")
    updated = import_funds(_csv(tmp_path / "f2.csv", FUND_HEADER, changed))
    assert (updated.updated, updated.unchanged) == (1, 2)
    assert Disbursement.objects.get().history.count() == 2


def test_bad_ledger_rows_are_named_and_nothing_is_written(tmp_path):
    a_project()
    rows = _ledger_rows(passed="600000", disbursed="700000")  # more than arrived
    rows.append(["分配下达", DOC, "", "", "", "", "", "", "", "100", CITY, first_village(RENHE).code,
                 "", "2018-02-01", ""])  # fmt: skip
    rows.append(["发放", DOC, "", "", "", "", "", "", "", "1", CITY, "", "", "2018-02-01", ""])
    rows.append(["拨付项目", "无此文号", "", "", "", "", "", "", "", "5", MINQUAN, "", "MQ-2018-001",
                 "2018-03-05", ""])  # fmt: skip
    result = import_funds(_csv(tmp_path / "bad.csv", FUND_HEADER, rows))
    found = {(m.row, m.column, m.code) for m in result.errors}
    assert found == {
        (4, "金额（元）", "over_balance"),
        (5, "接收区划代码", "not_a_child"),
        (6, "类型", "bad_kind"),
        (7, "指标文件文号", "fund_unknown"),
    }
    assert all(m.message_zh and m.message_en for m in result.errors)
    assert not result.written and not Fund.objects.exists()
    partial = import_funds(tmp_path / "bad.csv", partial=True)
    assert (partial.created, partial.rejected) == (2, 4)
    assert Allocation.objects.count() == 1 and not Disbursement.objects.exists()


PAYMENT_HEADER = ["指标文件文号", "项目编号", "支付对象类型", "收款人", "身份证号", "统一社会信用代码",
                  "收款账号", "支付事项", "所属期间", "金额（元）", "支付日期", "支付凭证号", "区划代码"]  # fmt: skip


def test_a_payment_list_is_traced_kept_with_its_duplicates_and_reimported_unchanged(
    tmp_path, make_user
):
    a_project()
    import_funds(_csv(tmp_path / "funds.csv", FUND_HEADER, _ledger_rows()))
    village = first_village(RENHE)
    household = household_register(acting_user=make_user(Role.COUNTY_OFFICE, MINQUAN),
                                   village_code=village.code, number="FK-1", attributes={},
                                   members=family())  # fmt: skip
    person = household.members.order_by("pk").first()
    paid = [DOC, "MQ-2018-001", "个人", person.name, person.id_number, "", "6228480012345678",
            "产业奖补", "2018-06", "1500", "2018-06-10", "V1", ""]  # fmt: skip
    stranger = [DOC, "MQ-2018-001", "个人", "陌生人", "11010519491231002X", "",
                "6228480099999999", "产业奖补", "2018-06", "800", "2018-06-10", "V2", ""]  # fmt: skip
    firm = [DOC, "MQ-2018-001", "企业", "民权县某公司", "", "91411421MA3X5Q2K0L", "",
            "工程款", "", "50000", "2018-06-12", "V3", ""]  # fmt: skip
    untraced = ["不存在的文号", "", "项目实施单位", "人和镇政府", "", "", "", "材料费", "", "300",
                "2018-06-12", "V4", RENHE]  # fmt: skip
    path = _csv(tmp_path / "pay.csv", PAYMENT_HEADER, [paid, paid, stranger, firm, untraced])
    result = import_payments(path)
    assert (result.created, result.errors, result.not_registered) == (5, [], 1)
    assert FundPayment.objects.filter(member=person).count() == 2  # the duplicate is kept
    mine = FundPayment.objects.filter(member=person).first()
    assert mine.region_id == village.code and mine.disbursement and mine.household == household
    lost = FundPayment.objects.get(voucher="V4")
    assert lost.fund is None and lost.disbursement is None and lost.region_id == RENHE
    assert {w.code for w in result.warnings} == {"not_registered", "fund_unknown"}
    again = import_payments(path)
    assert (again.created, again.unchanged) == (0, 5) and FundPayment.objects.count() == 5


def test_bad_payment_rows_are_named_and_the_command_reports_json(tmp_path, capsys):
    rows = [
        ["", "", "个人", "某人", "411421196805011234", "", "62284800", "补助", "", "10",
         "2018-06-01", "", RENHE],
        ["", "", "企业", "某公司", "", "91411421MA3X5Q2K0X", "", "工程款", "", "10",
         "2018-06-01", "", RENHE],
        ["", "", "个人", "某人", "11010519491231002X", "", "", "补助", "", "-5",
         "2018-06-01", "", RENHE],
        ["", "", "项目实施单位", "单位", "", "", "", "补助", "", "5", "2018-06-01", "", ""],
    ]  # fmt: skip
    path = _csv(tmp_path / "bad.csv", PAYMENT_HEADER, rows)
    with pytest.raises(SystemExit) as exit_code:
        call_command("import", "payments", str(path), "--json")
    assert exit_code.value.code == 1
    answer = json.loads(capsys.readouterr().out)
    found = {(e["row"], e["column"]) for e in answer["errors"]}
    assert found == {(2, "身份证号"), (3, "统一社会信用代码"), (4, "收款账号"), (4, "金额（元）"),
                     (5, "区划代码")}  # fmt: skip
    assert answer["written"] is False and not FundPayment.objects.exists()
