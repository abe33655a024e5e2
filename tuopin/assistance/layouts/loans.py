"""扶贫小额信贷: loans (the county export's columns, domain-assistance §2), repayments and
post-loan checks, which name their loan by bank, borrower and drawdown date."""

from tuopin.assistance.enums import CheckerLevel, LoanPurpose, LoanState
from tuopin.assistance.layouts.base import (
    CHILD,
    ID_NUMBER,
    NAME,
    NOTE,
    Layout,
    Parent,
    a_date,
    code,
    linked,
    money,
    person,
    rate,
    text,
    whole,
    yes_no,
)

BANK = text("bank", "贷款机构", "贷款银行", "放款银行", "银行", "经办银行")
DRAWN_ON = a_date("drawn_on", "放款日期", "放款时间", "贷款日期", required=True)

LOAN = Layout(
    "loan",
    "Loan",
    (
        *person(
            "贷款人身份证号",
            "贷款人身份证",
            "借款人身份证号",
            name_synonyms=("贷款人姓名", "借款人姓名", "借款人"),
        ),
        text("relation_to_head", "与户主关系"),
        text("status_at_drawdown", "放款时脱贫状态", "脱贫状态", "贫困户状态"),
        text("credit_rating", "授信星级", "信用等级", "信用星级"),
        money("credit_limit", "授信额度"),
        text("credit_institution", "授信机构"),
        a_date("credit_date", "授信日期"),
        money("amount", "贷款金额", "贷款金额(元)", "放款金额", required=True),
        # Required unless the due date is given (engine: one follows from the other).
        whole("term_months", "期限(月)", "贷款期限(月)", "期限", "贷款期限"),
        DRAWN_ON,
        a_date("due_on", "到期日期", "到期时间", "到期日"),
        rate("interest_rate", "年利率(%)", "利率", "年利率", "执行利率"),
        BANK,
        text("contract_number", "借款合同号", "合同号", "合同编号", distinct=True),
        code(
            "purpose",
            "贷款用途",
            LoanPurpose,
            words={"种植": "1", "养殖": "2", "加工": "3", "商贸": "4", "入股": "6", "其他": "9"},
        ),
        text("enterprise", "带贫企业", "入股企业"),
        yes_no("renewed", "续贷/展期", "是否续贷", "是否展期"),
        code(
            "state",
            "贷款状态",
            LoanState,
            words={"正常": "1", "未还清": "1", "结清": "2", "已还清": "2", "代偿": "4"},
        ),
        money("balance", "贷款余额", "余额"),
        money("interest_subsidy_total", "累计贴息", "贴息金额"),
        money("overdue_amount", "逾期金额"),
        a_date("overdue_since", "逾期时间"),
        money("interest_arrears", "欠息金额"),
        a_date("interest_arrears_since", "欠息时间"),
        money("compensated_amount", "风险补偿代偿金额", "代偿金额"),
        NOTE,
    ),
    ("bank", "id_number", "drawn_on"),
    year_from="drawn_on",
)

LOAN_PARENT = Parent(
    "loan_id",
    "Loan",
    {"bank": "bank", "id_number": "id_number", "drawn_on": "drawn_on"},
    "贷款（同一贷款机构、身份证号、放款日期）",
    "loan (same bank, ID number and drawdown date)",
)
LOAN_COLUMNS = (
    linked(ID_NUMBER, required=True),
    linked(NAME),
    linked(BANK),
    linked(DRAWN_ON),
)

LOAN_REPAYMENT = Layout(
    "loan_repayment",
    "LoanRepayment",
    (
        *LOAN_COLUMNS,
        a_date("date", "还款时间", "还款日期", required=True),
        money("amount", "偿还金额", "还款金额", required=True),
        money("interest", "其中利息", "利息"),
    ),
    ("loan_id", "date", "amount"),
    match=CHILD,
    parent=LOAN_PARENT,
)

LOAN_CHECK = Layout(
    "loan_check",
    "LoanCheck",
    (
        *LOAN_COLUMNS,
        a_date("date", "检查日期", "检查时间", required=True),
        code(
            "level",
            "检查层级",
            CheckerLevel,
            "检查单位",
            words={"乡镇": "township", "县": "county", "县中心": "county"},
        ),
        text("checker", "检查人"),
        yes_no("used_for_production", "用于生产经营", "是否用于生产"),
        text("finding", "检查情况", "检查结果"),
    ),
    ("loan_id", "date", "level"),
    match=CHILD,
    parent=LOAN_PARENT,
)

LAYOUTS = [LOAN, LOAN_REPAYMENT, LOAN_CHECK]
