"""The fund reports as xlsx (tuopin.core.spreadsheets): the fund ledger of a region, the
integration report per county with the city's totals, and the payments list (ID numbers
and accounts masked). Every download is logged in the access log as an export."""

from __future__ import annotations

import tempfile
from decimal import Decimal

from tuopin.audit.downloads import logged_xlsx_download
from tuopin.core.errors import OutOfScope
from tuopin.core.spreadsheets import workbook as new_workbook
from tuopin.projects.funds_selectors import (
    fund_ledger,
    integration,
    ledger_row_figures,
    ledger_totals,
    payment_search,
)
from tuopin.registry.idnumbers import mask_id_number
from tuopin.registry.personal import mask_bank_account

UNKNOWN = "未填报"


def _yes_no(value) -> str:
    return UNKNOWN if value is None else ("是" if value else "否")


def _share(value) -> str:
    return "—" if value is None else f"{value}%"


def ledger_sheet(user, region, year):
    rows = list(fund_ledger(user, region, year))
    header = ["指标文件文号", "资金名称", "资金性质", "资金来源级次", "支出功能分类科目",
              "统筹整合", "年度", "到达金额（元）", "本级下达（元）", "拨付到项目（元）",
              "已支付（元）", "结余（元）"]  # fmt: skip
    lines = []
    for row in rows:
        f = ledger_row_figures(row)
        lines.append([row.document, row.name, row.get_nature_display(), row.get_level_display(),
                      row.functional_class or UNKNOWN, _yes_no(row.integrated), row.year,
                      f["received"], f["allocated"], f["disbursed"], f["paid"], f["balance"]])  # fmt: skip
    t = ledger_totals(rows)
    lines.append(["合计", "", "", "", "", "", "", t["received"], t["allocated"], t["disbursed"],
                  t["paid"], t["balance"]])  # fmt: skip
    return "扶贫资金台账", header, lines


def integration_sheet(user, region, year):
    counties, total = integration(user, region, year)
    header = ["县（区）", "区划代码", "统筹整合资金（元）", "已拨付（元）", "拨付进度",
              "已支付（元）", "支付进度"]  # fmt: skip
    lines = [
        [c["name"], c["code"], c["received"], c["disbursed"], _share(c["disbursed_share"]),
         c["paid"], _share(c["paid_share"])]
        for c in counties
    ]  # fmt: skip
    lines.append([f"{region.name}合计", region.code, total["received"], total["disbursed"],
                  _share(total["disbursed_share"]), total["paid"], _share(total["paid_share"])])  # fmt: skip
    return "统筹整合涉农资金进度", header, lines


def payments_sheet(user, region, year):
    rows = (
        payment_search(user, prefix=region.prefix)
        .filter(paid_on__year=year)
        .select_related("fund", "project")
        .order_by("paid_on", "id")
    )
    header = ["支付日期", "指标文件文号", "项目编号", "项目名称", "支付对象类型", "收款人",
              "身份证号", "统一社会信用代码", "收款账号", "支付事项", "所属期间", "金额（元）",
              "支付凭证号", "区划代码", "在建档立卡库中"]  # fmt: skip
    lines = (
        [p.paid_on, p.fund.document if p.fund else "无法追溯", p.project.code if p.project else "无法追溯",
         p.project.name if p.project else "", p.get_payee_kind_display(), p.payee,
         mask_id_number(p.id_number), p.credit_code, mask_bank_account(p.account), p.item,
         p.period, p.amount, p.voucher, p.region_id,
         ("是" if p.member_id else "否") if p.payee_kind == "person" else ""]
        for p in rows.iterator(chunk_size=2000)
    )  # fmt: skip
    return "资金支付明细", header, lines


SHEETS = {"ledger": ledger_sheet, "integration": integration_sheet, "payments": payments_sheet}


def funds_download_response(request, what: str, region, year: int):
    if what not in SHEETS:
        raise OutOfScope("download", what)
    title, header, lines = SHEETS[what](request.user, region, year)
    output = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    book = new_workbook(output)
    sheet = book.add_worksheet(title)
    bold = book.add_format({"bold": True})
    sheet.write_string(0, 0, f"{region.name}{title}（{year}）", bold)
    for column, label in enumerate(header):
        sheet.write_string(1, column, label, bold)
    written = 0
    for written, line in enumerate(lines, start=1):
        for column, value in enumerate(line):
            if isinstance(value, Decimal | int) and not isinstance(value, bool):
                sheet.write_number(1 + written, column, float(value))
            else:
                sheet.write_string(1 + written, column, str(value))
    book.close()
    return logged_xlsx_download(
        request,
        output,
        filename=f"funds-{what}-{region.code}-{year}.xlsx",
        region_code=region.code,
        object_type="funds",
        object_id=what,
        detail=f"{title} {year} 年，{written} 条",
    )
