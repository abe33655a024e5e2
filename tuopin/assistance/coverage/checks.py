"""Every coverage check of issue 13 (domain-assistance §1–§9): one set-based query each.

Readings where the work plan leaves a choice (docs/ledgers.md repeats them):
- Ledger rows are matched to the registry by the import (member / household FK); a row
  without a match is "不在建档立卡库中". Checks on registered people use the FK.
- Only current members (status 正常) are owed help; households exited and no longer
  supported (已脱贫(不再享受政策)) are owed no measures.
- A NULL fact is unknown, never "no": an insurance row whose 基本医保 is blank does not
  make its member uninsured, a blank labour capacity puts a household in neither the
  "with labour" nor the "without labour" group.
- "With labour": a current member of working age (working_age_min–max) recorded as
  普通/技能/弱劳动力. "Without labour": no current member recorded as able to work and no
  member with labour capacity unrecorded.
- Industry or employment cover: a measure of the year of category 产业, 就业, 公益岗位 or
  生态护林员, or an employed person in the employment ledger. Cover of households without
  labour: 光伏, 资产收益 or 低保/特困兜底 measure, or a 低保/特困 row of the year.
- School age is counted at 31 August of the year (the enrolment cut-off); an enrolment
  of the year with any status but 辍学 counts as enrolled.
- Student aid is paid per term: periods {year}S1 (spring) and {year}S2 (autumn) at the
  yearly amount / terms_per_year. The items due per stage are in AID_RULES.
- Loans: the drawdown year's loans are checked for amount, term and borrower age (age
  at drawdown, from the registry's birth date or else the ID number); active loans
  (未结清/逾期) of every year for the one-per-household rule, warnings and overdue.
  Non-performing = 逾期 or 风险补偿代偿, as a share of the outstanding balance (the
  amount where the balance is blank) of the active, overdue and compensated loans.
- A payment after death or moving out needs the dated member event; a payment without a
  date counts as made in its year.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import (
    Coalesce,
    Concat,
    ExtractDay,
    ExtractMonth,
    ExtractYear,
    Substr,
)

from tuopin.accounts.roles import Department
from tuopin.assistance.coverage.framework import CURRENT as CURRENT_Q
from tuopin.assistance.coverage.framework import Context, aged, check
from tuopin.assistance.enums import (
    AidItem,
    AssistanceKind,
    DisabilityGrade,
    DisabilitySubsidy,
    EmploymentStatus,
    EnrolmentStatus,
    LoanState,
    PaymentKind,
    RangerState,
    SchoolStage,
)
from tuopin.assistance.models import (
    DisabilityCertificate,
    DoctorContract,
    DropoutCase,
    EmploymentRecord,
    HealthInsurance,
    HousingRenovation,
    Loan,
    Payment,
    PublicWelfarePost,
    Ranger,
    SocialAssistance,
    StudentEnrolment,
)
from tuopin.people.models import WorkshopEmployee
from tuopin.policy.henan2018 import POVERTY_LINE
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region
from tuopin.registry.enums import (
    HouseholdAttribute,
    HousingGrade,
    Labour,
    MeasureCategory,
    MemberEventKind,
    MemberStatus,
    PovertyStatus,
)
from tuopin.registry.models import Measure, Member, MemberEvent
from tuopin.registry.quality import id_digits_value

D = Department
OFFICE = ""  # the poverty-alleviation office's own checks (every office role reads them)
CAPABLE = (Labour.ORDINARY, Labour.SKILLED, Labour.WEAK)
NO_LABOUR = (Labour.LOST, Labour.NONE)
OWED_HELP = ~Q(status=PovertyStatus.EXITED_NO_POLICY)
INDUSTRY_OR_EMPLOYMENT = (
    MeasureCategory.INDUSTRY,
    MeasureCategory.EMPLOYMENT,
    MeasureCategory.PUBLIC_WELFARE_JOB,
    MeasureCategory.RANGER,
)
NO_LABOUR_COVER = (
    MeasureCategory.PHOTOVOLTAIC,
    MeasureCategory.ASSET_INCOME,
    MeasureCategory.SOCIAL_SECURITY,
)
ACTIVE_LOAN = (LoanState.ACTIVE, LoanState.OVERDUE)
LEFT = (MemberStatus.DECEASED, MemberStatus.MOVED_OUT, MemberStatus.MARRIED_OUT)
LEAVING_EVENTS = (MemberEventKind.DEATH, MemberEventKind.MOVE_OUT, MemberEventKind.MARRIAGE_OUT)

# Student aid due per stage (豫政办〔2016〕120号): (stage, item, boarders only, parameter).
AID_RULES: list[tuple[str, str, bool, str]] = [
    (SchoolStage.PRESCHOOL, AidItem.CARE_FEE, False, "aid_preschool_care_fee"),
    (SchoolStage.PRESCHOOL, AidItem.LIVING_ALLOWANCE, False, "aid_preschool_living"),
    (SchoolStage.PRIMARY, AidItem.LIVING_ALLOWANCE, True, "aid_primary_boarding"),
    (SchoolStage.JUNIOR, AidItem.LIVING_ALLOWANCE, True, "aid_junior_boarding"),
    (SchoolStage.SENIOR, AidItem.NATIONAL_GRANT, False, "aid_senior_grant"),
    (SchoolStage.VOCATIONAL, AidItem.NATIONAL_GRANT, False, "aid_vocational_grant"),
    (SchoolStage.VOCATIONAL, AidItem.YULU, False, "aid_yulu"),
    (SchoolStage.HIGHER_VOCATIONAL, AidItem.NATIONAL_GRANT, False, "aid_higher_vocational_grant"),
    (SchoolStage.HIGHER_VOCATIONAL, AidItem.YULU, False, "aid_yulu"),
    (SchoolStage.UNDERGRADUATE, AidItem.NATIONAL_GRANT, False, "aid_undergraduate_grant"),
]
AID_PARAMS = tuple(sorted({rule[3] for rule in AID_RULES})) + ("terms_per_year",)


def terms(year: int, count) -> list[str]:
    """The payment periods of a year's terms: spring and autumn, or the year itself."""
    return [f"{year}S1", f"{year}S2"] if int(count) >= 2 else [str(year)]


def _labour_capable(c: Context, prefix: str = "") -> Q:
    """A member able to work: recorded capable and of working age (per county)."""
    return Q(**{f"{prefix}labour__in": CAPABLE}) & c.where(
        ("working_age_min", "working_age_max"),
        f"{prefix}household__village__code",
        lambda v: aged(c.as_of, v["working_age_min"], v["working_age_max"], f"{prefix}birth_date"),
    )


def _households_with_labour(c: Context) -> QuerySet:
    return c.members.filter(_labour_capable(c)).values("household_id")


def _households_without_labour(c: Context) -> QuerySet:
    """Households whose current members are all recorded unable to work."""
    able_or_unknown = Member.objects.filter(CURRENT_Q, household=OuterRef("pk")).exclude(
        labour__in=NO_LABOUR
    )
    someone = Member.objects.filter(CURRENT_Q, household=OuterRef("pk"))
    return c.households.filter(Exists(someone), ~Exists(able_or_unknown))


def _measure_exists(c: Context, categories) -> Exists:
    return Exists(
        Measure.objects.filter(household=OuterRef("pk"), year=c.year, category__in=categories)
    )


# ---------------------------------------------------------------------------------------
# Measures (精准帮扶).


@check(
    "income_measures_too_few",
    "增收措施少于规定项数的贫困户",
    "Households with fewer income-raising measures than required",
    department=OFFICE,
    unit="household",
    params=("income_measures_min",),
)
def _income_measures_too_few(c: Context) -> QuerySet:
    def covered(values) -> Q:
        enough = (
            Measure.objects.filter(year=c.year, raises_income=True)
            .values("household_id")
            .annotate(n=Count("pk"))
            .filter(n__gte=int(values["income_measures_min"]))
            .values("household_id")
        )
        return Q(pk__in=enough)

    return c.households.filter(OWED_HELP).exclude(
        c.where(("income_measures_min",), "village__code", covered)
    )


@check(
    "labour_without_industry_or_employment",
    "有劳动力但无产业、就业帮扶的贫困户",
    "Households with labour but no industry or employment measure",
    department=OFFICE,
    unit="household",
    params=("working_age_min", "working_age_max"),
)
def _labour_without_cover(c: Context) -> QuerySet:
    employed = EmploymentRecord.objects.filter(
        household=OuterRef("pk"), year=c.year, status=EmploymentStatus.EMPLOYED
    )
    return c.households.filter(
        OWED_HELP,
        pk__in=_households_with_labour(c),
    ).exclude(Q(_measure_exists(c, INDUSTRY_OR_EMPLOYMENT)) | Q(Exists(employed)))


@check(
    "no_labour_without_cover",
    "无劳动力但无光伏、资产收益或兜底保障的贫困户",
    "Households without labour and without PV, asset income or social-security cover",
    department=OFFICE,
    unit="household",
)
def _no_labour_without_cover(c: Context) -> QuerySet:
    supported = SocialAssistance.objects.filter(household=OuterRef("pk"), year=c.year)
    return (
        _households_without_labour(c)
        .filter(OWED_HELP)
        .exclude(Q(_measure_exists(c, NO_LABOUR_COVER)) | Q(Exists(supported)))
    )


# ---------------------------------------------------------------------------------------
# Education (§3).


@check(
    "school_age_not_enrolled",
    "义务教育阶段适龄儿童既无学籍也无控辍保学记录",
    "School-age child neither enrolled nor on a dropout case",
    department=D.EDUCATION,
    unit="member",
    params=("school_age_min", "school_age_max"),
)
def _school_age_not_enrolled(c: Context) -> QuerySet:
    cut_off = date(c.year, 8, 31)
    school_age = c.where(
        ("school_age_min", "school_age_max"),
        "household__village__code",
        lambda v: aged(cut_off, v["school_age_min"], v["school_age_max"]),
    )
    enrolled = StudentEnrolment.objects.filter(member=OuterRef("pk"), year=c.year).exclude(
        status=EnrolmentStatus.DROPPED_OUT
    )
    dropout = DropoutCase.objects.filter(member=OuterRef("pk"), year=c.year)
    return c.members.filter(school_age).exclude(Q(Exists(enrolled)) | Q(Exists(dropout)))


@check(
    "student_not_registered",
    "学籍台账中的学生不在建档立卡库中",
    "Students in the enrolment ledger who are not registered",
    department=D.EDUCATION,
    unit="entry",
    detail=(("school", "学校"), ("stage", "学段")),
)
def _student_not_registered(c: Context) -> QuerySet:
    return c.rows(StudentEnrolment).filter(member__isnull=True)


def _aid_paid(item: str, period: str) -> Exists:
    return Exists(
        Payment.objects.filter(
            member=OuterRef("member_id"), kind=PaymentKind.STUDENT_AID, item=item, period=period
        )
    )


def _aid_due(stage: str, boarders_only: bool) -> Q:
    due = Q(stage=stage)
    return due & Q(boarding=True) if boarders_only else due


@check(
    "student_aid_missing",
    "在校建档立卡学生未按学期享受本学段资助",
    "Enrolled registered student without an aid item of the stage in a term",
    department=D.EDUCATION,
    unit="entry",
    params=("terms_per_year",),
    detail=(("school", "学校"), ("stage", "学段")),
)
def _student_aid_missing(c: Context) -> QuerySet:
    enrolled = c.rows(StudentEnrolment).filter(
        member__isnull=False, status=EnrolmentStatus.AT_SCHOOL
    )

    def missing(values) -> Q:
        # One anti-join per (rule, term), each a NOT EXISTS at the top of its own
        # subquery over the index payment_cover_item (a NOT EXISTS under OR would be
        # probed row by row for every rule); their few ids are then hashed.
        found = Q(pk__in=[])
        for stage, item, boarders_only, _param in AID_RULES:
            for period in terms(c.year, values["terms_per_year"]):
                unpaid = enrolled.filter(_aid_due(stage, boarders_only)).exclude(
                    _aid_paid(item, period)
                )
                found |= Q(pk__in=unpaid.values("pk"))
        return found

    return enrolled.filter(c.where(("terms_per_year",), "region__code", missing))


@check(
    "student_aid_wrong_amount",
    "学生资助金额与本学段标准不符",
    "Student aid amount differs from the standard of the stage",
    department=D.EDUCATION,
    unit="payment",
    params=AID_PARAMS,
    detail=(("item", "发放项目"), ("period", "发放期间"), ("amount", "发放金额")),
)
def _student_aid_wrong_amount(c: Context) -> QuerySet:
    # A member has one enrolment per year (its natural key), so "a rule of the member's
    # stage and item whose amount differs" is the member's expected amount differing.
    # Amount first, then an uncorrelated IN over the enrolments of the stage (a hash).
    wrong = Q(pk__in=[])
    for stage, item, boarders_only, param in AID_RULES:
        per_term = c.amount(
            "region__code",
            lambda v, param=param: v[param] / max(int(v["terms_per_year"]), 1),
        )
        students = StudentEnrolment.objects.filter(year=c.year, stage=stage, member__isnull=False)
        if boarders_only:
            students = students.filter(boarding=True)
        wrong |= Q(item=item) & ~Q(amount=per_term) & Q(member_id__in=students.values("member_id"))
    return c.rows(Payment).filter(kind=PaymentKind.STUDENT_AID, member__isnull=False).filter(wrong)


# ---------------------------------------------------------------------------------------
# Health (§4).


@check(
    "member_uninsured",
    "当年未参加城乡居民基本医疗保险的成员",
    "Current member not insured this year",
    department=D.HEALTH,
    unit="member",
)
def _member_uninsured(c: Context) -> QuerySet:
    # A row with 基本医保 blank is unknown, not uninsured.
    insured = HealthInsurance.objects.filter(member=OuterRef("pk"), year=c.year).exclude(
        basic_insured=False
    )
    return c.members.exclude(Exists(insured))


@check(
    "ill_without_serious_cover",
    "患大病成员未参加大病保险",
    "Seriously ill member without serious-illness cover",
    department=D.HEALTH,
    unit="member",
)
def _ill_without_serious_cover(c: Context) -> QuerySet:
    covered = HealthInsurance.objects.filter(member=OuterRef("pk"), year=c.year).exclude(
        serious_illness_cover=False
    )
    return c.members.filter(is_seriously_ill=True).exclude(Exists(covered))


@check(
    "ill_without_doctor",
    "患大病成员未签约家庭医生",
    "Seriously ill member without a family-doctor contract",
    department=D.HEALTH,
    unit="member",
)
def _ill_without_doctor(c: Context) -> QuerySet:
    contract = DoctorContract.objects.filter(member=OuterRef("pk"), year=c.year)
    return c.members.filter(is_seriously_ill=True).exclude(Exists(contract))


# ---------------------------------------------------------------------------------------
# Housing (§5).


@check(
    "dangerous_house_not_planned",
    "C级、D级危房户未列入危房改造计划",
    "C/D dangerous house not in a renovation plan",
    department=D.HOUSING,
    unit="household",
)
def _dangerous_house_not_planned(c: Context) -> QuerySet:
    # Every registered household is one of the four priority groups (建档立卡贫困户).
    planned = HousingRenovation.objects.filter(household=OuterRef("pk"), year__lte=c.year)
    return c.households.filter(housing_grade__in=(HousingGrade.C, HousingGrade.D)).exclude(
        Exists(planned)
    )


def _month_end(year: int, month: int) -> date:
    month = min(max(int(month), 1), 12)
    first_next = date(year + (month == 12), month % 12 + 1, 1)
    return first_next - timedelta(days=1)


@check(
    "renovation_not_finished",
    "危房改造未在规定期限内竣工",
    "Renovation not finished by the deadline",
    department=D.HOUSING,
    unit="entry",
    params=("renovation_finish_month",),
    detail=(("started_on", "开工日期"), ("finished_on", "竣工日期")),
)
def _renovation_not_finished(c: Context) -> QuerySet:
    def late(values) -> Q:
        deadline = _month_end(c.year, values["renovation_finish_month"])
        return Q(finished_on__isnull=True) | Q(finished_on__gt=deadline)

    return c.rows(HousingRenovation).filter(
        c.where(("renovation_finish_month",), "region__code", late)
    )


# ---------------------------------------------------------------------------------------
# Small loans (§2).

LOAN_DETAIL = (
    ("amount", "贷款金额"),
    ("term_months", "期限（月）"),
    ("drawn_on", "放款日期"),
    ("due_on", "到期日期"),
    ("bank", "贷款机构"),
)


@check(
    "loan_over_amount",
    "小额信贷单笔金额超过上限",
    "Loan above the amount limit",
    department=D.FINANCE,
    unit="loan",
    params=("loan_amount_max",),
    detail=LOAN_DETAIL,
)
def _loan_over_amount(c: Context) -> QuerySet:
    return c.rows(Loan).filter(amount__gt=c.param("loan_amount_max", "region__code"))


@check(
    "loan_over_term",
    "小额信贷期限超过上限",
    "Loan term above the limit",
    department=D.FINANCE,
    unit="loan",
    params=("loan_term_max_months",),
    detail=LOAN_DETAIL,
)
def _loan_over_term(c: Context) -> QuerySet:
    return c.rows(Loan).filter(term_months__gt=c.param("loan_term_max_months", "region__code"))


def _yyyymmdd(field: str):
    return ExtractYear(field) * 10000 + ExtractMonth(field) * 100 + ExtractDay(field)


@check(
    "borrower_age_out_of_range",
    "借款人放款时年龄不在规定范围内",
    "Borrower's age at drawdown outside the allowed range",
    department=D.FINANCE,
    unit="loan",
    params=("borrower_age_min", "borrower_age_max"),
    detail=LOAN_DETAIL,
)
def _borrower_age(c: Context) -> QuerySet:
    # Full years between two YYYYMMDD integers = (later - earlier) // 10000, so "age at
    # least N" is "difference at least N × 10000": exact and portable. The birth date is
    # the registry's, else the one the 18-digit ID number states.
    from_id = Case(
        When(id_number__regex=r"^[0-9]{17}[0-9X]$", then=id_digits_value(7, 8)),
        default=Value(None),
        output_field=IntegerField(),
    )
    birth = Coalesce(_yyyymmdd("member__birth_date"), from_id, output_field=IntegerField())

    def outside(values) -> Q:
        low = int(values["borrower_age_min"]) * 10000
        high = (int(values["borrower_age_max"]) + 1) * 10000
        return Q(age_span__lt=low) | Q(age_span__gte=high)

    return (
        c.rows(Loan)
        .annotate(age_span=_yyyymmdd("drawn_on") - birth)
        .filter(age_span__isnull=False)
        .filter(c.where(("borrower_age_min", "borrower_age_max"), "region__code", outside))
    )


@check(
    "loan_second_active",
    "一户有两笔以上未结清的小额信贷",
    "Household with more than one active loan",
    department=D.FINANCE,
    unit="household",
)
def _loan_second_active(c: Context) -> QuerySet:
    several = (
        Loan.objects.filter(household__isnull=False, state__in=ACTIVE_LOAN, drawn_on__lte=c.as_of)
        .values("household_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values("household_id")
    )
    return c.households.filter(pk__in=several)


@check(
    "loan_due_soon",
    "即将到期的小额信贷（到期预警）",
    "Active loan due within the warning period",
    department=D.FINANCE,
    unit="loan",
    params=("loan_warning_days",),
    detail=LOAN_DETAIL,
)
def _loan_due_soon(c: Context) -> QuerySet:
    def soon(values) -> Q:
        until = c.as_of + timedelta(days=int(values["loan_warning_days"]))
        return Q(due_on__gte=c.as_of, due_on__lte=until)

    return c.rows(Loan, this_year=False).filter(
        c.where(("loan_warning_days",), "region__code", soon), state=LoanState.ACTIVE
    )


@check(
    "loan_overdue",
    "已过到期日仍未结清的小额信贷",
    "Loan past its due date and not repaid",
    department=D.FINANCE,
    unit="loan",
    detail=LOAN_DETAIL,
)
def _loan_overdue(c: Context) -> QuerySet:
    return c.rows(Loan, this_year=False).filter(state__in=ACTIVE_LOAN, due_on__lt=c.as_of)


@check(
    "loan_not_registered",
    "借款人不在建档立卡库中",
    "Borrower not in the registry",
    department=D.FINANCE,
    unit="loan",
    detail=LOAN_DETAIL,
)
def _loan_not_registered(c: Context) -> QuerySet:
    return c.rows(Loan).filter(member__isnull=True, household__isnull=True)


def _npl(c: Context, length: int, param: str, level: str) -> QuerySet:
    outstanding = Coalesce("balance", "amount", output_field=DecimalField())
    bad_states = (LoanState.OVERDUE, LoanState.COMPENSATED)
    grouped = (
        c.rows(Loan, this_year=False)
        .filter(state__in=(*ACTIVE_LOAN, LoanState.COMPENSATED), drawn_on__lte=c.as_of)
        .annotate(
            key=Concat(
                Substr("region_id", 1, length), Value("0" * (12 - length)), output_field=CharField()
            ),
            county=Substr("region_id", 1, 6),
        )
        .values("key", "county")
        .annotate(
            bad=Sum(
                Case(
                    When(state__in=bad_states, then=outstanding),
                    default=Value(0),
                    output_field=DecimalField(),
                )
            ),
            total=Sum(outstanding),
        )
        .annotate(bad_share=ExpressionWrapper(F("bad") * Value(100), output_field=DecimalField()))
        .filter(total__gt=0)
    )
    # bad / total > limit % ⇔ bad × 100 > limit × total (no division).
    over = c.where(
        (param,),
        "county",
        lambda v: Q(
            bad_share__gt=ExpressionWrapper(
                F("total") * Value(v[param], output_field=DecimalField()),
                output_field=DecimalField(),
            )
        ),
    )
    # The offending codes first (at most a few thousand villages): as an IN subquery
    # PostgreSQL re-ran the grouping for every village (25 s over the city, now < 1 s).
    codes = list(grouped.filter(over).values_list("key", flat=True))
    return c.regions(level).filter(code__in=codes)


@check(
    "npl_township_over_limit",
    "乡镇小额信贷不良率超过熔断线",
    "Township's non-performing loan ratio above the circuit breaker",
    department=D.FINANCE,
    unit="region",
    params=("npl_township_max",),
)
def _npl_township(c: Context) -> QuerySet:
    return _npl(c, 9, "npl_township_max", RegionLevel.TOWNSHIP)


@check(
    "npl_village_over_limit",
    "村小额信贷不良率超过熔断线",
    "Village's non-performing loan ratio above the circuit breaker",
    department=D.FINANCE,
    unit="region",
    params=("npl_village_max",),
)
def _npl_village(c: Context) -> QuerySet:
    return _npl(c, 12, "npl_village_max", RegionLevel.VILLAGE)


# ---------------------------------------------------------------------------------------
# Rangers and public-welfare posts (§1, §7): registered and able to work.


def _unable(c: Context, age_max: str) -> Q:
    """The matched member cannot hold the job: unable to work, gone, or outside the ages."""

    def outside(values) -> Q:
        fit = aged(c.as_of, values["working_age_min"], values[age_max], "member__birth_date")
        return ~fit & Q(member__birth_date__isnull=False)

    return (
        Q(member__labour__in=NO_LABOUR)
        | ~Q(member__status=MemberStatus.NORMAL)
        | c.where(("working_age_min", age_max), "region__code", outside)
    )


@check(
    "ranger_not_registered",
    "生态护林员不在建档立卡库中",
    "Ranger not in the registry",
    department=D.FORESTRY,
    unit="entry",
    detail=(("area_mu", "管护面积（亩）"),),
)
def _ranger_not_registered(c: Context) -> QuerySet:
    return c.rows(Ranger).filter(member__isnull=True).exclude(state=RangerState.DISMISSED)


@check(
    "ranger_unable_to_work",
    "生态护林员无劳动能力、超龄或已不在户",
    "Ranger unable to work, over age or no longer a member",
    department=D.FORESTRY,
    unit="entry",
    params=("working_age_min", "ranger_age_max"),
    detail=(("area_mu", "管护面积（亩）"),),
)
def _ranger_unable(c: Context) -> QuerySet:
    return (
        c.rows(Ranger)
        .filter(member__isnull=False)
        .exclude(state=RangerState.DISMISSED)
        .filter(_unable(c, "ranger_age_max"))
    )


@check(
    "post_not_registered",
    "公益性岗位人员不在建档立卡库中",
    "Public-welfare post holder not in the registry",
    department=D.HUMAN_RESOURCES,
    unit="entry",
    detail=(("post_type", "岗位类型"),),
)
def _post_not_registered(c: Context) -> QuerySet:
    return c.rows(PublicWelfarePost).filter(member__isnull=True)


@check(
    "post_unable_to_work",
    "公益性岗位人员无劳动能力、超龄或已不在户",
    "Post holder unable to work, over age or no longer a member",
    department=D.HUMAN_RESOURCES,
    unit="entry",
    params=("working_age_min", "working_age_max"),
    detail=(("post_type", "岗位类型"),),
)
def _post_unable(c: Context) -> QuerySet:
    return (
        c.rows(PublicWelfarePost).filter(member__isnull=False).filter(_unable(c, "working_age_max"))
    )


@check(
    "post_and_workshop",
    "公益性岗位人员同期在扶贫车间务工",
    "Post holder employed in a poverty workshop at the same time",
    department=D.HUMAN_RESOURCES,
    unit="entry",
    detail=(("post_type", "岗位类型"),),
)
def _post_and_workshop(c: Context) -> QuerySet:
    """A post of the year whose holder (by ID number) has a workshop contract overlapping
    it. A post without dates is taken to last the year: the warning asks a person to
    look, and a post of the year with an unknown span may well overlap."""
    year_start, year_end = date(c.year, 1, 1), date(c.year, 12, 31)
    post_start = Coalesce(OuterRef("started_on"), Value(year_start))
    post_end = Coalesce(OuterRef("ended_on"), Value(year_end))
    contracts = WorkshopEmployee.objects.filter(
        id_number=OuterRef("id_number"), contract_start__lte=post_end
    ).filter(Q(contract_end__isnull=True) | Q(contract_end__gte=post_start))
    return c.rows(PublicWelfarePost).exclude(id_number="").filter(Exists(contracts))


# ---------------------------------------------------------------------------------------
# Disability (§8).


@check(
    "disabled_without_certificate",
    "残疾成员未列入残联持证名单",
    "Disabled member without a certificate in the disability ledger",
    department=D.DISABLED,
    unit="member",
)
def _disabled_without_certificate(c: Context) -> QuerySet:
    certificate = DisabilityCertificate.objects.filter(member=OuterRef("pk"), year=c.year)
    return c.members.filter(is_disabled=True).exclude(Exists(certificate))


@check(
    "disability_subsidy_missing",
    "持证残疾人未享受应享的两项补贴",
    "Certified disabled person without a subsidy due",
    department=D.DISABLED,
    unit="entry",
    detail=(("category", "残疾类别"), ("grade", "残疾等级")),
)
def _disability_subsidy_missing(c: Context) -> QuerySet:
    def paid(item: str) -> Exists:
        return Exists(
            Payment.objects.filter(
                member=OuterRef("member_id"),
                year=c.year,
                kind=PaymentKind.DISABILITY_SUBSIDY,
                item=item,
            )
        )

    severe = Q(grade__in=(DisabilityGrade.FIRST, DisabilityGrade.SECOND))
    return (
        c.rows(DisabilityCertificate)
        .filter(member__isnull=False, member__status=MemberStatus.NORMAL)
        .filter(~paid(DisabilitySubsidy.LIVING) | (severe & ~paid(DisabilitySubsidy.CARE)))
    )


# ---------------------------------------------------------------------------------------
# 低保 / 特困 (§9).


@check(
    "dibao_standard_below_poverty_line",
    "县（区）农村低保标准低于扶贫标准",
    "County's dibao standard below the poverty line",
    department=D.CIVIL_AFFAIRS,
    unit="region",
    params=("dibao_standard",),
)
def _dibao_below_line(c: Context) -> QuerySet:
    line = POVERTY_LINE.get(str(c.year))
    if line is None:
        return Region.objects.none()
    return (
        c.regions(RegionLevel.COUNTY)
        .annotate(standard=c.param("dibao_standard", "code"))
        .filter(standard__lt=Value(line))
    )


@check(
    "tekun_standard_below_ratio",
    "县（区）特困供养标准低于低保标准的规定倍数",
    "County's tekun standard below the required multiple of dibao",
    department=D.CIVIL_AFFAIRS,
    unit="region",
    params=("tekun_standard", "tekun_ratio", "dibao_standard"),
)
def _tekun_below_ratio(c: Context) -> QuerySet:
    shortfall = c.amount(
        "code",
        lambda v: v["tekun_ratio"] * v["dibao_standard"] - v["tekun_standard"],
    )
    return c.regions(RegionLevel.COUNTY).annotate(shortfall=shortfall).filter(shortfall__gt=0)


def _listed(c: Context, kind: str) -> Exists:
    return Exists(SocialAssistance.objects.filter(household=OuterRef("pk"), year=c.year, kind=kind))


@check(
    "registry_dibao_not_on_civil_list",
    "建档立卡为低保、特困户但不在民政低保特困名单中",
    "Registry says dibao / tekun household, civil-affairs list does not",
    department=D.CIVIL_AFFAIRS,
    unit="household",
)
def _registry_not_on_civil_list(c: Context) -> QuerySet:
    return c.households.filter(
        (Q(attribute=HouseholdAttribute.DIBAO) & ~_listed(c, AssistanceKind.DIBAO))
        | (Q(attribute=HouseholdAttribute.TEKUN) & ~_listed(c, AssistanceKind.TEKUN))
    )


@check(
    "civil_list_not_in_registry_attribute",
    "民政低保、特困名单中的贫困户在建档立卡库中不是相应属性",
    "On the civil-affairs dibao / tekun list, registry attribute differs",
    department=D.CIVIL_AFFAIRS,
    unit="household",
)
def _civil_list_not_in_registry(c: Context) -> QuerySet:
    # A blank attribute is unknown and judged by the registry's own checks.
    return c.households.filter(
        (_listed(c, AssistanceKind.DIBAO) & ~Q(attribute=HouseholdAttribute.DIBAO))
        | (_listed(c, AssistanceKind.TEKUN) & ~Q(attribute=HouseholdAttribute.TEKUN))
    ).exclude(attribute="")


# ---------------------------------------------------------------------------------------
# Payments of every department.

PAYMENT_DETAIL = (
    ("kind", "发放类别"),
    ("item", "发放项目"),
    ("period", "发放期间"),
    ("amount", "发放金额"),
    ("paid_on", "发放日期"),
)


@check(
    "payment_duplicate",
    "同一人同一项目同一期间重复发放",
    "Same person paid twice for the same item in one period",
    department=OFFICE,
    unit="payment",
    detail=PAYMENT_DETAIL,
)
def _payment_duplicate(c: Context) -> QuerySet:
    # A top-level EXISTS on the four columns: PostgreSQL runs it as one hash semi-join
    # (3.9 s over 2.3 M payments, against 7 s for grouping a text key). The twin may lie
    # outside the scope (paid twice in two counties): the in-scope copy is listed.
    twin = Payment.objects.filter(
        year=c.year,
        id_number=OuterRef("id_number"),
        kind=OuterRef("kind"),
        item=OuterRef("item"),
        period=OuterRef("period"),
    ).exclude(pk=OuterRef("pk"))
    return c.rows(Payment).exclude(id_number="").filter(Exists(twin))


@check(
    "payment_after_death_or_move",
    "成员死亡、迁出或外嫁后仍有发放",
    "Payment to a member after death or moving out",
    department=OFFICE,
    unit="payment",
    detail=PAYMENT_DETAIL,
)
def _payment_after_leaving(c: Context) -> QuerySet:
    def left_before(day) -> Exists:
        return Exists(
            MemberEvent.objects.filter(
                member=OuterRef("member_id"), kind__in=LEAVING_EVENTS, date__lt=day
            )
        )

    return (
        c.rows(Payment)
        .filter(member__isnull=False, member__status__in=LEFT)
        .filter(
            (Q(paid_on__isnull=False) & left_before(OuterRef("paid_on")))
            | (Q(paid_on__isnull=True) & left_before(date(c.year, 1, 1)))
        )
    )


@check(
    "payment_not_registered",
    "发放对象不在建档立卡库中",
    "Payment to a person not in the registry",
    department=OFFICE,
    unit="payment",
    detail=PAYMENT_DETAIL,
)
def _payment_not_registered(c: Context) -> QuerySet:
    return c.rows(Payment).filter(member__isnull=True, household__isnull=True)


# ---------------------------------------------------------------------------------------
# Photovoltaic income (§6, ledger I).


def _pv_totals(c: Context) -> QuerySet:
    """The year's PV income per registered household (yuan), with its village: one
    grouped pass over the PV payments of the scope."""
    return (
        c.rows(Payment)
        .filter(kind=PaymentKind.PV_INCOME, household__isnull=False)
        .values("household_id", "region_id")
        .annotate(pv_total=Sum("amount"))
        .order_by()
    )


def _with_pv_total(households: QuerySet, c: Context) -> QuerySet:
    total = (
        Payment.objects.filter(household=OuterRef("pk"), year=c.year, kind=PaymentKind.PV_INCOME)
        .values("household")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return households.annotate(pv_total=Subquery(total, output_field=DecimalField()))


@check(
    "pv_no_labour_below_minimum",
    "无劳动能力户年度光伏收益低于标准",
    "Household without labour receiving less PV income than the minimum",
    department=D.ENERGY,
    unit="household",
    params=("pv_no_labour_min",),
    detail=(("pv_total", "年度光伏收益（元）"),),
)
def _pv_no_labour_below_minimum(c: Context) -> QuerySet:
    # Households that received PV income this year and less than the minimum; one that
    # received none is judged by no_labour_without_cover (its cover may be 低保 instead).
    short = _pv_totals(c).filter(pv_total__lt=c.param("pv_no_labour_min", "region__code"))
    found = _households_without_labour(c).filter(pk__in=short.values("household_id"))
    return _with_pv_total(found, c)


@check(
    "pv_income_over_cap",
    "户年度光伏收益超过上限",
    "Household receiving more PV income than the cap",
    department=D.ENERGY,
    unit="household",
    params=("pv_household_max",),
    detail=(("pv_total", "年度光伏收益（元）"),),
)
def _pv_income_over_cap(c: Context) -> QuerySet:
    over = _pv_totals(c).filter(pv_total__gt=c.param("pv_household_max", "region__code"))
    return _with_pv_total(c.households.filter(pk__in=over.values("household_id")), c)


@check(
    "pv_income_not_registered",
    "光伏收益分配对象不在建档立卡库中",
    "PV income paid to a person not in the registry",
    department=D.ENERGY,
    unit="payment",
    detail=PAYMENT_DETAIL,
)
def _pv_income_not_registered(c: Context) -> QuerySet:
    return c.rows(Payment).filter(
        kind=PaymentKind.PV_INCOME, member__isnull=True, household__isnull=True
    )
