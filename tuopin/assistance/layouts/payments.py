"""发放明细: one layout per paying ledger, all into the one Payment table."""

import re
from datetime import date, datetime

from tuopin.assistance.enums import AidItem, DisabilitySubsidy, PaymentKind, PvDistributionMode
from tuopin.assistance.layouts.base import (
    NOTE,
    Column,
    Layout,
    a_date,
    code,
    money,
    person,
    text,
)
from tuopin.registry.interchange import values as v

NUMERALS = {"一": "1", "二": "2", "三": "3", "四": "4"}
PERIOD_PATTERNS = [
    (re.compile(r"^(\d{4})年?$"), lambda y, _: y),
    (re.compile(r"^(\d{4})(?:年|-)?(?:第)?([1-4一二三四])季度?$"), lambda y, q: f"{y}Q{q}"),
    (re.compile(r"^(\d{4})-?Q([1-4])$"), lambda y, q: f"{y}Q{q}"),
    (re.compile(r"^(\d{4})S([12])$"), lambda y, s: f"{y}S{s}"),
    (re.compile(r"^(\d{4})年?(春|春季|春季学期)$"), lambda y, _: f"{y}S1"),
    (re.compile(r"^(\d{4})年?(秋|秋季|秋季学期)$"), lambda y, _: f"{y}S2"),
    (re.compile(r"^(\d{4})(?:年|[-./])(\d{1,2})月?$"), lambda y, m: f"{y}-{int(m):02d}"),
]


def period(value) -> str:
    """发放期间 as stored: 2018 (a year), 2018Q1 (a quarter), 2018-03 (a month), 2018S1 /
    2018S2 (spring / autumn term); files write 2018年第一季度, 2018年3月, 2018年秋季 ..."""
    if value is None or v.key(value) == "":
        return ""
    if isinstance(value, datetime | date):  # Excel turned 2018-03 into a date
        return f"{value.year}-{value.month:02d}"
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number and float(value).is_integer() and 1980 <= value <= 2100:
        return str(int(value))
    word = v.key(value).upper()
    for pattern, form in PERIOD_PATTERNS:
        match = pattern.match(word)
        if match:
            first, second = match.group(1), (match.group(2) if pattern.groups > 1 else "")
            second = NUMERALS.get(second, second)
            if second.isdigit() and "-" in form(first, "1") and not 1 <= int(second) <= 12:
                break
            return form(first, second)
    raise v.BadValue(
        f"“{v.text(value)}”不是发放期间（如 2018、2018年第一季度、2018年3月、2018年秋季）",
        f"'{v.text(value)}' is not a period (2018, 2018Q1, 2018-03, 2018S1 spring, 2018S2 autumn)",
    )


def _payment(
    kind: str, payment_kind: str, item: Column | None, *id_synonyms, kinds: Column | None = None
):
    columns = [
        *person(*id_synonyms, name_synonyms=("领取人姓名", "享受人姓名")),
        *([item] if item else []),
        *([kinds] if kinds else []),
        # Required unless the payment date says it (engine: the term, quarter or month).
        Column("period", "发放期间", period, ("发放时段", "学期", "季度", "月份", "所属期")),
        money(
            "amount",
            "发放金额",
            "金额",
            "补助金额",
            "补贴金额",
            "资助金额",
            "金额(元)",
            "发放金额(元)",
            "资助金额(元)",
            required=True,
        ),
        a_date("paid_on", "发放日期", "发放时间"),
        text("account", "发放卡号", "一卡通账号", "银行卡号", "社保卡号", distinct=True),
        text("voucher", "发放单号", "凭证号", "单号", distinct=True),
        text("reference", "关联台账", "岗位", "电站名称"),
        NOTE,
    ]
    return Layout(
        kind,
        "Payment",
        tuple(columns),
        ("kind", "id_number", "item", "period", "voucher"),
        fixed={"kind": payment_kind},
        year_from="period",
        repeatable=True,
    )


AID_WORDS = {
    "保教费": AidItem.CARE_FEE,
    "保教费减免": AidItem.CARE_FEE,
    "生活补助": AidItem.LIVING_ALLOWANCE,
    "寄宿生生活补助": AidItem.LIVING_ALLOWANCE,
    "生活费补助": AidItem.LIVING_ALLOWANCE,
    "营养餐": AidItem.NUTRITION,
    "营养改善": AidItem.NUTRITION,
    "学杂费减免": AidItem.FEE_WAIVER,
    "免学费": AidItem.FEE_WAIVER,
    "助学金": AidItem.NATIONAL_GRANT,
    "雨露计划扶贫助学补助": AidItem.YULU,
    "助学贷款": AidItem.STUDENT_LOAN,
    "保教费补助": AidItem.CARE_FEE,
    "生活费": AidItem.LIVING_ALLOWANCE,
    "营养餐补助": AidItem.NUTRITION,
    "学杂费": AidItem.FEE_WAIVER,
    "雨露计划补助": AidItem.YULU,
}
PV_WORDS = {
    "公益岗": PvDistributionMode.POST,
    "公益岗位扶贫": PvDistributionMode.POST,
    "公益事业": PvDistributionMode.PUBLIC_WORKS,
    "奖补": PvDistributionMode.REWARD,
    "奖励": PvDistributionMode.REWARD,
    "无劳力补助": PvDistributionMode.NO_LABOUR_SUBSIDY,
    "无劳动能力": PvDistributionMode.NO_LABOUR_SUBSIDY,
}
DISABILITY_WORDS = {
    "生活补贴": DisabilitySubsidy.LIVING,
    "护理补贴": DisabilitySubsidy.CARE,
    "重度护理补贴": DisabilitySubsidy.CARE,
}


class SocialPaymentKind:
    """The two payment kinds of the 民政 payment sheet (a CodeList reads `.choices`)."""

    choices = [
        (PaymentKind.DIBAO, PaymentKind.DIBAO.label),
        (PaymentKind.TEKUN, PaymentKind.TEKUN.label),
    ]


SOCIAL_WORDS = {
    "低保": PaymentKind.DIBAO,
    "农村低保": PaymentKind.DIBAO,
    "特困": PaymentKind.TEKUN,
    "特困供养": PaymentKind.TEKUN,
    "五保": PaymentKind.TEKUN,
}

PAYMENT_LAYOUTS = [
    _payment(
        "student_aid",
        PaymentKind.STUDENT_AID,
        code(
            "item",
            "资助项目",
            AidItem,
            "资助类型",
            "项目",
            "资助名称",
            "补助项目",
            words=AID_WORDS,
            required=True,
        ),
        "学生身份证号",
        "学生身份证号码",
    ),
    _payment("post_pay", PaymentKind.POST_PAY, None, "上岗人身份证号"),
    _payment(
        "training_allowance",
        PaymentKind.TRAINING_ALLOWANCE,
        text("item", "补贴项目", "补贴类型"),
        "学员身份证号",
    ),
    _payment(
        "housing_subsidy",
        PaymentKind.HOUSING_SUBSIDY,
        text("item", "拨付批次", "拨付阶段"),
        "户主身份证号",
    ),
    _payment(
        "pv_income",
        PaymentKind.PV_INCOME,
        code("item", "分配方式", PvDistributionMode, "收益分配方式", words=PV_WORDS),
        "受益人身份证号",
    ),
    _payment("ranger_pay", PaymentKind.RANGER_PAY, None, "护林员身份证号"),
    _payment(
        "disability_subsidy",
        PaymentKind.DISABILITY_SUBSIDY,
        code(
            "item", "补贴类型", DisabilitySubsidy, "补贴项目", words=DISABILITY_WORDS, required=True
        ),
        "残疾人身份证号",
    ),
    _payment(
        "social_payment",
        PaymentKind.DIBAO,
        None,
        "申请人身份证号",
        kinds=code("kind", "救助类别", SocialPaymentKind, "保障类别", words=SOCIAL_WORDS),
    ),
]
