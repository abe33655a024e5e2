"""The ledger parameters: every amount, threshold, age limit and deadline the coverage
checks use (domain-assistance §1–§9), with the shipped default and where it comes from.

`confirmed=False` marks a default for which no Henan 2018 source was found: the page that
lists parameters labels it 「默认值，待核实」 and a county sets its own (LedgerParameter).
A value is resolved for (code, year, region): the row of the most specific region on the
region's path with the latest start year not after `year`; else the default.
"""

from tuopin.core.parameters import Parameter
from tuopin.core.parameters import parameter as _p

__all__ = ["PARAMETERS", "Parameter", "UNCONFIRMED", "parameter_department"]

UNCONFIRMED = "未找到河南2018年依据，默认值待县级核定"

PARAMETERS: dict[str, Parameter] = {
    p.code: p
    for p in [
        # Coverage of measures (精准帮扶).
        _p(
            "income_measures_min",
            "每户增收措施不少于",
            "Income-raising measures per household at least",
            "项",
            2,
            "工作方案",
        ),
        # Employment and training (§1).
        _p("working_age_min", "劳动年龄下限", "Working age from", "岁", 16, "人社部发〔2018〕46号"),
        _p(
            "working_age_max",
            "劳动年龄上限",
            "Working age to",
            "岁",
            60,
            "吉人社联字〔2018〕20号（男）",
            False,
        ),
        _p(
            "training_daily_allowance",
            "培训生活补助",
            "Training living allowance",
            "元/天",
            30,
            "河南省人社厅2018重点任务",
        ),
        _p(
            "training_travel_allowance",
            "县外培训交通补贴",
            "Travel allowance outside the county",
            "元",
            300,
            "河南省人社厅2018重点任务",
        ),
        _p(
            "post_monthly_pay",
            "公益性岗位月补贴",
            "Public-welfare post monthly pay",
            "元/月",
            300,
            UNCONFIRMED,
            False,
        ),
        _p(
            "posts_per_poor_village",
            "每个未退出贫困村公益岗位不少于",
            "Posts per poor village at least",
            "个",
            1,
            "河南省人社厅2018重点任务",
        ),
        # Small loans (§2).
        _p(
            "loan_amount_max",
            "小额信贷单笔上限",
            "Loan amount at most",
            "元",
            50000,
            "豫政办〔2017〕85号",
        ),
        _p(
            "loan_term_max_months",
            "小额信贷期限上限",
            "Loan term at most",
            "月",
            36,
            "豫政办〔2017〕85号",
        ),
        _p(
            "borrower_age_min",
            "借款人年龄下限",
            "Borrower age from",
            "岁",
            18,
            "豫政办〔2017〕137号",
        ),
        _p(
            "borrower_age_max", "借款人年龄上限", "Borrower age to", "岁", 65, "豫政办〔2017〕137号"
        ),
        _p(
            "loan_warning_days",
            "到期前预警天数",
            "Warn days before maturity",
            "天",
            30,
            "豫政办〔2017〕137号",
        ),
        _p(
            "npl_township_max",
            "乡镇不良率熔断线",
            "Township NPL circuit breaker",
            "%",
            5,
            "豫政办〔2017〕85号",
        ),
        _p(
            "npl_village_max",
            "村不良率熔断线",
            "Village NPL circuit breaker",
            "%",
            7,
            "豫政办〔2017〕85号",
        ),
        _p(
            "loan_check_township_share",
            "乡镇服务站贷后抽查户比例",
            "Township spot checks of households",
            "%",
            30,
            "豫政办〔2017〕137号",
        ),
        _p(
            "loan_check_county_share",
            "县中心贷后抽查户比例",
            "County spot checks of households",
            "%",
            10,
            "豫政办〔2017〕137号",
        ),
        # Education (§3), per student per year unless said otherwise.
        _p(
            "school_age_min",
            "义务教育入学年龄",
            "Compulsory schooling from age",
            "岁",
            6,
            "义务教育法",
        ),
        _p(
            "school_age_max",
            "义务教育年龄上限",
            "Compulsory schooling to age",
            "岁",
            15,
            "国务院扶贫办贫困退出标准（义务教育有保障）",
        ),
        _p(
            "aid_preschool_care_fee",
            "学前保教费减免",
            "Pre-school care fee waiver",
            "元/年",
            600,
            "豫政办〔2016〕120号",
        ),
        _p(
            "aid_preschool_living",
            "学前生活补助",
            "Pre-school living allowance",
            "元/年",
            400,
            "豫政办〔2016〕120号",
        ),
        _p(
            "aid_primary_boarding",
            "小学寄宿生生活补助",
            "Primary boarder living allowance",
            "元/年",
            1000,
            "豫政办〔2016〕120号",
        ),
        _p(
            "aid_junior_boarding",
            "初中寄宿生生活补助",
            "Junior boarder living allowance",
            "元/年",
            1250,
            "豫政办〔2016〕120号",
        ),
        _p(
            "aid_senior_grant",
            "普通高中国家助学金",
            "Senior high national grant",
            "元/年",
            2000,
            "豫政办〔2016〕120号",
        ),
        _p(
            "aid_vocational_grant",
            "中职国家助学金",
            "Vocational national grant",
            "元/年",
            2000,
            "豫政办〔2016〕120号",
        ),
        _p(
            "aid_higher_vocational_grant",
            "高职国家助学金",
            "Higher-vocational national grant",
            "元/年",
            4000,
            "豫政办〔2016〕120号",
        ),
        _p(
            "aid_undergraduate_grant",
            "本科国家助学金",
            "Undergraduate national grant",
            "元/年",
            4000,
            "豫政办〔2016〕120号",
        ),
        _p(
            "aid_yulu",
            "雨露计划扶贫助学补助",
            "Yulu plan grant",
            "元/年",
            2000,
            "豫政办〔2016〕120号（是否提至3000元待核实）",
            False,
        ),
        _p(
            "terms_per_year",
            "每学年发放学期数",
            "Terms paid per school year",
            "个",
            2,
            "按学期发放（禹州做法）",
            False,
        ),
        # Health (§4).
        _p(
            "reimbursement_target",
            "住院实际报销比例目标",
            "Target share of hospital costs reimbursed",
            "%",
            90,
            UNCONFIRMED,
            False,
        ),
        # Housing (§5).
        _p(
            "renovation_finish_month",
            "危房改造竣工期限（计划年度的月份）",
            "Renovation finished by month of the plan year",
            "月",
            12,
            UNCONFIRMED,
            False,
        ),
        _p(
            "renovation_payment_days",
            "验收后拨付期限",
            "Pay within days of acceptance",
            "天",
            30,
            "许昌市住建局2017",
        ),
        _p(
            "renovation_subsidy_rebuild",
            "拆除重建补助",
            "Rebuild subsidy",
            "元/户",
            14000,
            "中央补助户均1.4万元；河南标准待核实",
            False,
        ),
        _p(
            "renovation_subsidy_repair",
            "修缮加固补助",
            "Repair subsidy",
            "元/户",
            6000,
            "怀远2020（非河南）",
            False,
        ),
        # Photovoltaic (§6).
        _p(
            "pv_no_labour_min",
            "无劳动能力户光伏收益不低于",
            "PV income of households without labour at least",
            "元/年",
            3000,
            "国家2016意见",
        ),
        _p(
            "pv_household_max",
            "每户光伏收益上限",
            "PV income per household at most",
            "元/年",
            6000,
            UNCONFIRMED,
            False,
        ),
        # Rangers (§7).
        _p("ranger_area_mu", "护林员人均管护面积", "Area per ranger", "亩", 500, "河南十三五规划"),
        _p(
            "ranger_annual_pay",
            "护林员年度补助",
            "Ranger annual pay",
            "元/年",
            10000,
            "中央按1万元/人测算；实际标准待核实",
            False,
        ),
        _p("ranger_age_max", "护林员年龄上限", "Ranger age at most", "岁", 60, UNCONFIRMED, False),
        # Disability (§8).
        _p(
            "disability_living_subsidy",
            "困难残疾人生活补贴",
            "Living subsidy of poor disabled people",
            "元/月",
            60,
            UNCONFIRMED,
            False,
        ),
        _p(
            "disability_care_subsidy",
            "重度残疾人护理补贴",
            "Care subsidy of severely disabled people",
            "元/月",
            60,
            UNCONFIRMED,
            False,
        ),
        # 低保 / 特困 (§9).
        _p(
            "dibao_standard",
            "农村低保标准",
            "Rural dibao standard",
            "元/人·年",
            3450,
            "河南2018（民政厅等联合通知）",
        ),
        _p(
            "tekun_ratio",
            "特困供养基本生活标准不低于低保标准的倍数",
            "Tekun basic standard at least times dibao",
            "倍",
            "1.3",
            "河南2018（民政厅等联合通知）",
        ),
        _p(
            "tekun_standard",
            "特困供养基本生活标准",
            "Tekun basic-living standard",
            "元/人·年",
            4485,
            "3450元×1.3，县级核定",
            False,
        ),
        _p(
            "dibao_payment_day",
            "按季发放截止日（季度首月）",
            "Quarterly payment due by day of the first month",
            "日",
            10,
            "河南2018（民政厅等联合通知）",
        ),
    ]
}


# Which department's ledgers a parameter governs (by code prefix): a 行业部门 user sets only
# those of their department; a parameter of none (the office's own) only the offices set.
DEPARTMENT_OF_PREFIX = (
    (("working_age", "training_", "post_", "posts_"), "hrss"),
    (("loan_", "borrower_", "npl_"), "finance"),
    (("school_", "aid_", "terms_"), "education"),
    (("reimbursement",), "health"),
    (("renovation_",), "housing"),
    (("pv_",), "energy"),
    (("ranger_",), "forestry"),
    (("disability_",), "disabled"),
    (("dibao_", "tekun_"), "civil"),
)


def parameter_department(code: str) -> str:
    for prefixes, department in DEPARTMENT_OF_PREFIX:
        if code.startswith(prefixes):
            return department
    return ""
