"""docs/formats/ledgers.md, written from the layouts themselves (a test keeps the two the
same), and the sample file of every kind under docs/formats/samples/."""

from datetime import date
from pathlib import Path

from django.utils import translation

from tuopin.assistance.kinds import KINDS
from tuopin.assistance.layouts import LAYOUTS
from tuopin.assistance.layouts.base import (
    CHILD,
    HOUSEHOLD,
    MEMBER,
    VILLAGE,
    Column,
    Layout,
    fact,
    percent,
)
from tuopin.assistance.layouts.education import in_province
from tuopin.assistance.layouts.payments import period
from tuopin.core.spreadsheets import csv_writer
from tuopin.registry.idnumbers import make_id_number
from tuopin.registry.interchange import values as v

MATCH_ZH = {
    MEMBER: "按身份证号与建档立卡库中的人比对（户随人）",
    HOUSEHOLD: "按户编号与建档立卡库中的户比对（多个村有同一户编号时按所填的村）",
    CHILD: "按所列各列找到上级台账中的记录（须先导入上级台账）",
    VILLAGE: "按所填的村（行政区划代码或县、乡镇、村名称）",
}


def kind_of(column: Column) -> str:
    parse = column.parse
    if isinstance(parse, v.CodeList):
        with translation.override("zh-hans"):
            labels = [str(label) for code, label in parse.choices.choices if label]
        return "代码：" + " / ".join(labels)
    return {
        v.text: "文本",
        v.amount: "金额（元，可带千分位和“元”）",
        v.a_date: "日期（2018-03-15、2018/3/15、2018年3月15日、20180315 或 Excel 日期）",
        fact: "是 / 否（也可写 已参保 / 未参保、已签约 / 未签约 等）",
        percent: "百分比（4.35、4.35% 或 0.0435）",
        period: "发放期间（2018、2018年第一季度、2018年3月、2018年春季 / 秋季）",
        in_province: "省内 / 省外（或 是 / 否）",
    }.get(parse, "整数")


def layouts_markdown() -> str:
    lines = [
        "# 行业台账导入格式 (sector ledger layouts)",
        "",
        "由 `tuopin/assistance/layouts/` 生成，勿手改（`tuopin/assistance/tests/"
        "test_import_docs.py` 检查两者一致）。Generated from the layouts; a test keeps "
        "this file and them the same.",
        "",
        "导入：`tuopin import ledger KIND FILE [--year 2018] [--dry-run] [--partial] [--json] "
        "[--report 结果.xlsx]`，或网页“导入行业台账”（后台任务）。",
        "",
        "通用规则 (every kind):",
        "",
        "- 表头可在前 30 行内：第一个含本台账全部必填列的行；表头可写下列任一名称，"
        "不分全角半角和空格。标题行、空行、合计行及其后的说明行不读。",
        "- 每行按原样保存（身份证号规范为 18 位；残疾人证号取前 18 位为身份证号）。"
        "不在建档立卡库中的人（户）照样保存，计为“不在建档立卡库中”，列在导入结果的提示中。"
        "这类行的所属区划：所填的村；未填村时为身份证号前 6 位所示的县；网页导入时为导入范围。",
        "- 年度：本行“年度”列；未填时由日期或发放期间推出；再没有时用 `--year`。",
        "- 任一行有错误时整个文件不写入（`--partial` 只写入没有错误的行）；"
        "`--dry-run` 只校验。错误和提示都写明 Excel 行号、列和中英文说明；"
        "`--report` 写出原表加两列（错误、提示）。退出码：0 无错误，1 有错误，2 文件不可用。",
        "- 同一文件再导入一次，各行都是“未变”；有改动的行更新并留历史（改动后回到“待审核”）。",
        "- 发放明细可以重复（重复发放是核查要找的问题）：同一人、项目、期间、单号的第 n 行"
        "对应已存的第 n 条。",
        "",
        "Sample files: `docs/formats/samples/KIND.csv`.",
        "",
    ]
    for code, layout in LAYOUTS.items():
        kind = KINDS.get(code)
        title = f"{kind.label_zh} ({kind.label_en})" if kind else code
        key = "、".join(_key_header(layout, name) for name in layout.natural_key)
        lines += [
            f"## `{code}` {title}",
            "",
            f"- 比对 (matching): {MATCH_ZH[layout.match]}",
            f"- 识别同一条记录的列 (natural key): {key}",
        ]
        if layout.parent:
            lines.append(f"- 上级记录 (parent): {layout.parent.label_zh}")
        if kind and kind.measure:
            lines.append("- 本台账的记录生成该户当年的帮扶措施（来源为本台账）。")
        lines += ["", "| 表头 | 必填 | 取值 | 也可写作 |", "|---|---|---|---|"]
        for column in layout.columns:
            required = "必填" if column.required else ""
            synonyms = "、".join(column.synonyms)
            lines.append(f"| {column.header} | {required} | {kind_of(column)} | {synonyms} |")
        lines.append("")
    return "\n".join(lines)


def _key_header(layout: Layout, name: str) -> str:
    if layout.parent and name == layout.parent.fk:
        return layout.parent.label_zh.split("（")[0]
    if name == "village_id":
        return "所在村"
    column = layout.by_key.get(name)
    return column.header if column else {"kind": "发放类别"}.get(name, name)


SAMPLE_PEOPLE = [
    ("王建国", make_id_number("411421", date(1968, 5, 1), 11, "1")),
    ("李秀英", make_id_number("411421", date(1970, 8, 9), 12, "2")),
    ("王小明", make_id_number("411421", date(2008, 1, 20), 13, "1")),
]
SAMPLE_VALUES = {
    "year": 2018,
    "village_code": "411421101201",
    "county": "民权县",
    "township": "人和镇",
    "village": "朱寨村",
    "note": "",
    "bank": "民权农商银行",
    "drawn_on": "2018-03-15",
    "course_started_on": "2018-05-02",
    "course_name": "电工技能培训",
    "institution": "民权县职业教育中心",
    "name": None,
    "bill_number": "ZY2018000123",
    "period": "2018年秋季",
    "amount": 625,
    "capacity_kw": 300,
}


def sample_rows(layout: Layout) -> list[list]:
    rows = [[column.header for column in layout.columns]]
    for index, (name, number) in enumerate(SAMPLE_PEOPLE[:2]):
        row = []
        for column in layout.columns:
            row.append(_sample_value(layout, column, index, name, number))
        rows.append(row)
    return rows


TEXTS = {
    "relation_to_head": ("户主", "配偶"),
    "status_at_drawdown": ("未脱贫", "已脱贫"),
    "credit_rating": ("三星", "四星"),
    "credit_institution": ("民权农商银行", "民权农商银行"),
    "school": ("人和镇第一初级中学", "民权县第二高级中学"),
    "employer": ("郑州某电子厂", "人和镇扶贫车间"),
    "work_province": ("广东省", "河南省"),
    "team": ("人和镇卫生院一组", "人和镇卫生院二组"),
    "hospital": ("民权县人民医院", "民权县中医院"),
    "staff": ("赵社保", "赵社保"),
    "checker": ("孙金融", "孙金融"),
    "finding": ("用于养牛", "用于种植大棚"),
    "assessment": ("合格", "合格"),
    "subsidy_source": ("医疗救助资金", "医疗救助资金"),
    "reason": ("厌学", "外出务工"),
    "responsible": ("周老师", "周老师"),
    "steps": ("上门劝返三次", "联系家长"),
    "assessor": ("民权县住建局", "民权县住建局"),
    "place": ("县职教中心", "县职教中心"),
    "category": ("电工", "电工"),
    "item": ("第一批", "第二批"),
    "reference": ("", ""),
    "grade": ("初二", "高一"),
}
BY_KIND = {
    ("loan", "amount"): 50000,
    ("loan", "due_on"): "2021-03-15",
    ("loan", "balance"): 50000,
    ("loan_repayment", "amount"): 1000,
    ("loan_repayment", "date"): "2018-12-20",
    ("student", "stage"): "初中",
    ("student_aid", "item"): "生活补助",
}


def _sample_value(layout: Layout, column: Column, index: int, name: str, number: str):
    key = column.key
    if (layout.kind, key) in BY_KIND:
        return BY_KIND[layout.kind, key]
    if key == "id_number":
        return number
    if key == "name":
        return f"朱寨村光伏电站{index + 1}" if layout.match == VILLAGE else name
    if key == "household_number":
        return f"41142110120100010{index + 1}"
    if key == "bill_number":
        return f"ZY20180001{index}"
    if key in SAMPLE_VALUES and SAMPLE_VALUES[key] is not None:
        if layout.kind == "social_payment" and key == "period":
            return "2018年第一季度"
        return SAMPLE_VALUES[key]
    parse = column.parse
    if isinstance(parse, v.CodeList):
        with translation.override("zh-hans"):
            labels = [str(label) for code, label in parse.choices.choices if code]
        return labels[index % len(labels)]
    if parse is v.amount:
        return 180 if index == 0 else 2000
    if parse is v.a_date:
        return f"2018-0{index + 4}-1{index}"
    if parse is fact:
        return "是" if index == 0 else "否"
    if parse is percent:
        return "4.35%"
    if parse is in_province:
        return "省内"
    if parse is v.text:
        return TEXTS.get(key, ("", ""))[index]
    return 12 if key != "term_months" else 36


def write_samples(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for code, layout in LAYOUTS.items():
        path = directory / f"{code}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            csv_writer(handle).writerows(sample_rows(layout))
        written.append(path)
    return written
