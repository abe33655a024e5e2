"""The ledgers: each kind's department, table, and the measure (帮扶措施) it is.

`tuopin import ledger KIND FILE` takes these codes; a sector user sees the kinds of their
department. `measure` is the registry measure category an entry of the kind gives its
household for the entry's year (None: the ledger records facts, not help), and
`raises_income` whether that measure counts toward the household's income-raising ones.
"""

from dataclasses import dataclass

from tuopin.accounts.roles import Department
from tuopin.registry.enums import MeasureCategory as M


@dataclass(frozen=True)
class LedgerKind:
    code: str
    label_zh: str
    label_en: str
    department: str
    model: str  # assistance model name
    measure: str | None = None
    raises_income: bool = False
    payment_kind: str | None = None  # for the Payment table: its PaymentKind


D = Department
KINDS: dict[str, LedgerKind] = {
    k.code: k
    for k in [
        LedgerKind(
            "employment",
            "就业台账",
            "Employment",
            D.HUMAN_RESOURCES,
            "EmploymentRecord",
            M.EMPLOYMENT,
            True,
        ),
        LedgerKind(
            "employment_service",
            "就业服务记录",
            "Employment services",
            D.HUMAN_RESOURCES,
            "EmploymentService",
        ),
        LedgerKind(
            "post",
            "公益性岗位台账",
            "Public-welfare posts",
            D.HUMAN_RESOURCES,
            "PublicWelfarePost",
            M.PUBLIC_WELFARE_JOB,
            True,
        ),
        LedgerKind(
            "post_pay",
            "公益性岗位补贴发放",
            "Post pay",
            D.HUMAN_RESOURCES,
            "Payment",
            payment_kind="post_pay",
        ),
        LedgerKind(
            "training",
            "技能培训台账",
            "Skills training",
            D.HUMAN_RESOURCES,
            "Trainee",
            M.EMPLOYMENT,
        ),
        LedgerKind(
            "training_allowance",
            "培训补贴发放",
            "Training allowances",
            D.HUMAN_RESOURCES,
            "Payment",
            payment_kind="training_allowance",
        ),
        LedgerKind("loan", "扶贫小额信贷台账", "Small loans", D.FINANCE, "Loan", M.FINANCE, True),
        LedgerKind(
            "loan_repayment", "小额信贷还款记录", "Loan repayments", D.FINANCE, "LoanRepayment"
        ),
        LedgerKind("loan_check", "小额信贷贷后检查", "Post-loan checks", D.FINANCE, "LoanCheck"),
        LedgerKind("student", "学生学籍台账", "Student enrolment", D.EDUCATION, "StudentEnrolment"),
        LedgerKind(
            "student_aid",
            "学生资助发放",
            "Student aid",
            D.EDUCATION,
            "Payment",
            M.EDUCATION,
            payment_kind="student_aid",
        ),
        LedgerKind("dropout", "控辍保学台账", "Dropout cases", D.EDUCATION, "DropoutCase"),
        LedgerKind(
            "insurance", "参保台账", "Health insurance", D.HEALTH, "HealthInsurance", M.HEALTH
        ),
        LedgerKind(
            "doctor_contract",
            "家庭医生签约台账",
            "Family-doctor contracts",
            D.HEALTH,
            "DoctorContract",
            M.HEALTH,
        ),
        LedgerKind("chronic_card", "慢病卡台账", "Chronic-disease cards", D.HEALTH, "ChronicCard"),
        LedgerKind(
            "hospital",
            "住院结算台账",
            "Hospital settlements",
            D.HEALTH,
            "HospitalSettlement",
            M.HEALTH,
        ),
        LedgerKind(
            "housing",
            "危房改造台账",
            "Housing renovation",
            D.HOUSING,
            "HousingRenovation",
            M.HOUSING,
        ),
        LedgerKind(
            "housing_subsidy",
            "危房改造补助发放",
            "Renovation subsidies",
            D.HOUSING,
            "Payment",
            payment_kind="housing_subsidy",
        ),
        LedgerKind("pv_station", "光伏电站台账", "PV stations", D.ENERGY, "PvStation"),
        LedgerKind(
            "pv_income",
            "光伏收益分配",
            "PV income distribution",
            D.ENERGY,
            "Payment",
            M.PHOTOVOLTAIC,
            True,
            "pv_income",
        ),
        LedgerKind(
            "ranger", "生态护林员台账", "Ecological rangers", D.FORESTRY, "Ranger", M.RANGER, True
        ),
        LedgerKind(
            "ranger_pay",
            "护林员补助发放",
            "Ranger pay",
            D.FORESTRY,
            "Payment",
            payment_kind="ranger_pay",
        ),
        LedgerKind(
            "disability",
            "残疾人台账",
            "Disability certificates",
            D.DISABLED,
            "DisabilityCertificate",
        ),
        LedgerKind(
            "disability_subsidy",
            "残疾人两项补贴发放",
            "Disability subsidies",
            D.DISABLED,
            "Payment",
            M.SOCIAL_SECURITY,
            payment_kind="disability_subsidy",
        ),
        LedgerKind(
            "social_assistance",
            "低保特困台账",
            "Dibao and tekun",
            D.CIVIL_AFFAIRS,
            "SocialAssistance",
            M.SOCIAL_SECURITY,
        ),
        LedgerKind(
            "social_payment",
            "低保特困金发放",
            "Dibao and tekun payments",
            D.CIVIL_AFFAIRS,
            "Payment",
            payment_kind="dibao",
        ),
    ]
}


def kinds_of_department(department: str) -> list[LedgerKind]:
    """The ledgers a department keeps; a blank department (office roles) reads them all."""
    return [k for k in KINDS.values() if not department or k.department == department]
