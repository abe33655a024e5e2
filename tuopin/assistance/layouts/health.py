"""卫健/医保 ledgers: insurance, family-doctor contracts, chronic-disease cards, hospital
settlements (the 医疗救助 settlement columns, domain-assistance §4)."""

from tuopin.assistance.enums import ChronicDisease
from tuopin.assistance.layouts.base import (
    NOTE,
    Layout,
    a_date,
    code,
    money,
    person,
    text,
    whole,
    yes_no,
)

INSURANCE = Layout(
    "insurance",
    "HealthInsurance",
    (
        *person(),
        yes_no(
            "basic_insured",
            "参加城乡居民基本医疗保险",
            "基本医疗保险",
            "是否参保",
            "参保",
            "参保状态",
        ),
        yes_no("serious_illness_cover", "大病保险", "参加大病保险"),
        yes_no("supplementary_cover", "困难群众大病补充保险", "大病补充保险", "补充保险"),
        money("personal_contribution", "个人缴费", "个人缴费金额"),
        money("subsidy_amount", "资助缴费金额", "资助金额", "代缴金额"),
        text("subsidy_source", "资助来源", "资助渠道"),
        NOTE,
    ),
    ("year", "id_number"),
)

DOCTOR_CONTRACT = Layout(
    "doctor_contract",
    "DoctorContract",
    (
        *person(),
        text("team", "签约团队", "家庭医生团队", "签约医生"),
        a_date("signed_on", "签约日期", "签约时间"),
        whole("follow_ups", "履约次数", "随访次数"),
        NOTE,
    ),
    ("year", "id_number"),
)

CHRONIC_CARD = Layout(
    "chronic_card",
    "ChronicCard",
    (
        *person(),
        code(
            "disease",
            "慢病类型",
            ChronicDisease,
            "慢性病种",
            "病种",
            words={"结核": "tuberculosis", "精神障碍": "mental", "严重精神病": "mental"},
        ),
        text("card_number", "慢病卡号", "慢性病卡号", distinct=True),
        text("special_treatment", "大病专项救治病种", "大病病种"),
        a_date("issued_on", "办卡日期", "发卡日期"),
        NOTE,
    ),
    ("year", "id_number", "disease"),
)

HOSPITAL = Layout(
    "hospital",
    "HospitalSettlement",
    (
        *person(),
        text("bill_number", "单号", "结算单号", "住院号", required=True, distinct=True),
        text("hospital", "医疗机构", "就诊医院", "医院"),
        a_date("admitted_on", "入院日期", "入院时间"),
        a_date("discharged_on", "出院日期", "出院时间"),
        yes_no("in_county", "县域内就诊", "是否县域内"),
        yes_no("one_stop", "一站式结算", "是否一站式结算", "先诊疗后付费"),
        money("total_cost", "费用合计", "总费用", "医疗总费用"),
        money("compliant_cost", "合规费用", "合理支出"),
        money("basic_insurance", "基本医保", "医保记账", "基本医保报销"),
        money("serious_illness_insurance", "大病保险", "大病保险报销"),
        money("supplementary_insurance", "困难群众大病补充保险", "大病补充保险"),
        money("medical_assistance", "医疗救助", "救助金额"),
        money("other_reimbursement", "其他报销", "其它报销项"),
        money("self_paid", "个人自付", "自付费用"),
        NOTE,
    ),
    ("bill_number",),
    year_from="discharged_on",
)

LAYOUTS = [INSURANCE, DOCTOR_CONTRACT, CHRONIC_CARD, HOSPITAL]
