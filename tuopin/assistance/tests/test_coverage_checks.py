"""Coverage checks: each lists exactly its planted offenders and none of the clean
neighbours beside them (issue 13, "What I will check")."""

from datetime import date
from decimal import Decimal

import pytest

from conftest import CITY, MINQUAN, RENHE, SUIXIAN, first_village, other_county_village
from tuopin.assistance.coverage import CHECKS, coverage_by_region, coverage_counts, coverage_list
from tuopin.assistance.enums import (
    AidItem,
    AssistanceKind,
    DisabilityGrade,
    EmploymentStatus,
    EnrolmentStatus,
    LoanState,
    PaymentKind,
    PostType,
    SchoolStage,
)
from tuopin.assistance.models import (
    DisabilityCertificate,
    DoctorContract,
    DropoutCase,
    EmploymentRecord,
    HealthInsurance,
    HousingRenovation,
    LedgerParameter,
    Loan,
    Payment,
    PublicWelfarePost,
    Ranger,
    SocialAssistance,
    StudentEnrolment,
)
from tuopin.assistance.tests.factories_coverage import YEAR, entry, household, outsider_id, person
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
from tuopin.registry.models import Measure, MemberEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def village():
    return first_village(RENHE)


@pytest.fixture
def far_village():
    """A village of 睢县 (another county)."""
    return other_county_village(SUIXIAN)


def listed(code: str, *, region_prefix: str = "411421", year: int = YEAR, **kw) -> set[str]:
    """What the check lists: household numbers, person names or region codes."""
    check = CHECKS[code]
    rows = coverage_list(code, user=None, region_prefix=region_prefix, year=year, **kw)
    if check.unit == "household":
        return {row["home_number"] for row in rows}
    if check.unit == "region":
        return {row["region_code"] for row in rows}
    return {row["person_name"] for row in rows}


def measure(home, category, raises_income=True, year=YEAR):
    return Measure.objects.create(
        household=home, category=category, year=year, raises_income=raises_income
    )


def test_every_check_has_a_test_here():
    tested = {
        name.removeprefix("test_").split("__")[0]
        for name in globals()
        if name.startswith("test_") and "__" in name
    }
    assert set(CHECKS) <= tested, sorted(set(CHECKS) - tested)


# -- measures ---------------------------------------------------------------------------


def test_income_measures_too_few__lists_households_below_the_parameter(village):
    one = household(village, "ONE")
    measure(one, MeasureCategory.INDUSTRY)
    measure(one, MeasureCategory.HEALTH, raises_income=False)
    none = household(village, "NONE")
    clean = household(village, "CLEAN")
    measure(clean, MeasureCategory.INDUSTRY)
    measure(clean, MeasureCategory.EMPLOYMENT)
    old = household(village, "LASTYEAR")  # two measures, but of another year
    measure(old, MeasureCategory.INDUSTRY, year=YEAR - 1)
    measure(old, MeasureCategory.EMPLOYMENT, year=YEAR - 1)
    exited = household(village, "EXITED", status=PovertyStatus.EXITED_NO_POLICY)
    assert exited and none
    assert listed("income_measures_too_few") == {"ONE", "NONE", "LASTYEAR"}


def test_income_measures_too_few__county_parameter_overrides_the_default(village, far_village):
    minquan = household(village, "MQ")
    suixian = household(far_village, "SX")
    for home in (minquan, suixian):
        measure(home, MeasureCategory.INDUSTRY)
        measure(home, MeasureCategory.EMPLOYMENT)
    LedgerParameter.objects.create(
        code="income_measures_min", region_id=MINQUAN, year=2017, value=Decimal(3)
    )
    assert listed("income_measures_too_few", region_prefix="4114") == {"MQ"}
    # A later city row does not beat the county's.
    LedgerParameter.objects.create(
        code="income_measures_min", region_id=CITY, year=2018, value=Decimal(1)
    )
    assert listed("income_measures_too_few", region_prefix="4114") == {"MQ"}


def test_labour_without_industry_or_employment__households_with_labour_need_cover(village):
    bare = household(village, "BARE")
    person(bare, "劳力甲")
    covered = household(village, "COVERED")
    person(covered, "劳力乙")
    measure(covered, MeasureCategory.INDUSTRY)
    employed = household(village, "EMPLOYED")
    worker = person(employed, "务工丙")
    entry(EmploymentRecord, worker, status=EmploymentStatus.EMPLOYED)
    old = household(village, "OLD")  # capable but past working age: not "with labour"
    person(old, "老人丁", date(1940, 1, 1))
    unknown = household(village, "UNKNOWN")
    person(unknown, "未填戊", labour="")
    assert listed("labour_without_industry_or_employment") == {"BARE"}


def test_no_labour_without_cover__households_without_labour_need_pv_assets_or_dibao(village):
    bare = household(village, "BARE")
    person(bare, "甲", labour=Labour.LOST)
    person(bare, "乙", labour=Labour.NONE, status=MemberStatus.NORMAL)
    pv = household(village, "PV")
    person(pv, "丙", labour=Labour.LOST)
    measure(pv, MeasureCategory.PHOTOVOLTAIC)
    dibao = household(village, "DIBAO")
    person(dibao, "丁", labour=Labour.NONE)
    entry(SocialAssistance, dibao, kind=AssistanceKind.DIBAO)
    mixed = household(village, "MIXED")  # one member can work: not "without labour"
    person(mixed, "戊", labour=Labour.LOST)
    person(mixed, "己")
    unknown = household(village, "UNKNOWN")
    person(unknown, "庚", labour="")
    assert listed("no_labour_without_cover") == {"BARE"}


# -- education --------------------------------------------------------------------------


def test_school_age_not_enrolled__child_without_enrolment_or_dropout_case(village):
    home = household(village)
    missing = person(home, "失学", date(2010, 5, 1))
    enrolled = person(home, "在校", date(2010, 6, 1))
    entry(StudentEnrolment, enrolled, stage=SchoolStage.PRIMARY, status=EnrolmentStatus.AT_SCHOOL)
    dropout = person(home, "劝返中", date(2006, 6, 1))
    entry(DropoutCase, dropout, found_on=date(2018, 3, 1))
    dropped = person(home, "辍学无案", date(2006, 7, 1))
    entry(StudentEnrolment, dropped, stage=SchoolStage.JUNIOR, status=EnrolmentStatus.DROPPED_OUT)
    person(home, "太小", date(2012, 9, 1))  # 5 at 31 August 2018
    person(home, "太大", date(2002, 1, 1))
    gone = person(home, "已故", date(2010, 1, 1), status=MemberStatus.DECEASED)
    assert missing and gone
    assert listed("school_age_not_enrolled") == {"失学", "辍学无案"}


def test_student_not_registered__enrolment_of_a_person_outside_the_registry(village):
    home = household(village)
    pupil = person(home, "登记学生", date(2008, 1, 1))
    entry(StudentEnrolment, pupil, stage=SchoolStage.JUNIOR, status=EnrolmentStatus.AT_SCHOOL)
    entry(
        StudentEnrolment,
        region=village,
        name="外来学生",
        id_number=outsider_id(MINQUAN, date(2008, 2, 2)),
        stage=SchoolStage.JUNIOR,
    )
    assert listed("student_not_registered") == {"外来学生"}


def _pay_aid(member, item, amount, periods=("2018S1", "2018S2")):
    for period in periods:
        entry(
            Payment,
            member,
            kind=PaymentKind.STUDENT_AID,
            item=item,
            period=period,
            amount=Decimal(amount),
        )


def test_student_aid_missing__each_item_of_the_stage_each_term(village):
    home = household(village)
    paid = person(home, "高中已发", date(2002, 1, 1))
    entry(StudentEnrolment, paid, stage=SchoolStage.SENIOR, status=EnrolmentStatus.AT_SCHOOL)
    _pay_aid(paid, AidItem.NATIONAL_GRANT, 1000)
    none = person(home, "高中未发", date(2002, 2, 1))
    entry(StudentEnrolment, none, stage=SchoolStage.SENIOR, status=EnrolmentStatus.AT_SCHOOL)
    half = person(home, "中职缺一学期", date(2002, 3, 1))
    entry(StudentEnrolment, half, stage=SchoolStage.VOCATIONAL, status=EnrolmentStatus.AT_SCHOOL)
    _pay_aid(half, AidItem.NATIONAL_GRANT, 1000)
    _pay_aid(half, AidItem.YULU, 1000, periods=("2018S1",))
    boarder = person(home, "初中寄宿未发", date(2005, 1, 1))
    entry(
        StudentEnrolment,
        boarder,
        stage=SchoolStage.JUNIOR,
        status=EnrolmentStatus.AT_SCHOOL,
        boarding=True,
    )
    day_pupil = person(home, "初中走读", date(2005, 2, 1))  # nothing due
    entry(
        StudentEnrolment,
        day_pupil,
        stage=SchoolStage.JUNIOR,
        status=EnrolmentStatus.AT_SCHOOL,
        boarding=False,
    )
    suspended = person(home, "休学", date(2002, 4, 1))
    entry(StudentEnrolment, suspended, stage=SchoolStage.SENIOR, status=EnrolmentStatus.SUSPENDED)
    entry(
        StudentEnrolment,
        region=village,
        name="库外学生",
        id_number=outsider_id(MINQUAN, date(2002, 5, 5)),
        stage=SchoolStage.SENIOR,
        status=EnrolmentStatus.AT_SCHOOL,
    )
    assert listed("student_aid_missing") == {"高中未发", "中职缺一学期", "初中寄宿未发"}


def test_student_aid_wrong_amount__amount_per_term_of_the_stage(village):
    home = household(village)
    right = person(home, "标准", date(2002, 1, 1))
    entry(StudentEnrolment, right, stage=SchoolStage.SENIOR, status=EnrolmentStatus.AT_SCHOOL)
    _pay_aid(right, AidItem.NATIONAL_GRANT, 1000)
    wrong = person(home, "金额错", date(2002, 2, 1))
    entry(StudentEnrolment, wrong, stage=SchoolStage.SENIOR, status=EnrolmentStatus.AT_SCHOOL)
    _pay_aid(wrong, AidItem.NATIONAL_GRANT, 800, periods=("2018S1",))
    _pay_aid(wrong, AidItem.NATIONAL_GRANT, 1000, periods=("2018S2",))
    stage = person(home, "本科标准", date(1999, 1, 1))
    entry(
        StudentEnrolment, stage, stage=SchoolStage.UNDERGRADUATE, status=EnrolmentStatus.AT_SCHOOL
    )
    _pay_aid(stage, AidItem.NATIONAL_GRANT, 2000)
    boarder = person(home, "初中寄宿", date(2005, 1, 1))
    entry(
        StudentEnrolment,
        boarder,
        stage=SchoolStage.JUNIOR,
        status=EnrolmentStatus.AT_SCHOOL,
        boarding=True,
    )
    _pay_aid(boarder, AidItem.LIVING_ALLOWANCE, "625.00")
    assert listed("student_aid_wrong_amount") == {"金额错"}
    rows = list(coverage_list("student_aid_wrong_amount", user=None, region_prefix="411421"))
    assert [(row["period"], row["amount"]) for row in rows] == [("2018S1", Decimal("800.00"))]


# -- health -----------------------------------------------------------------------------


def test_member_uninsured__no_row_or_recorded_uninsured(village):
    home = household(village)
    insured = person(home, "已参保")
    entry(HealthInsurance, insured, basic_insured=True)
    person(home, "无记录")
    refused = person(home, "未参保")
    entry(HealthInsurance, refused, basic_insured=False)
    unknown = person(home, "待核实")
    entry(HealthInsurance, unknown, basic_insured=None)
    last_year = person(home, "去年参保")
    entry(HealthInsurance, last_year, basic_insured=True, year=YEAR - 1)
    person(home, "迁出者", status=MemberStatus.MOVED_OUT)
    assert listed("member_uninsured") == {"无记录", "未参保", "去年参保"}


def test_ill_without_serious_cover__and_without_doctor(village):
    home = household(village)
    covered = person(home, "有保有医", is_seriously_ill=True)
    entry(HealthInsurance, covered, basic_insured=True, serious_illness_cover=True)
    entry(DoctorContract, covered)
    no_cover = person(home, "无大病保险", is_seriously_ill=True)
    entry(HealthInsurance, no_cover, basic_insured=True, serious_illness_cover=False)
    entry(DoctorContract, no_cover)
    no_doctor = person(home, "无签约", is_seriously_ill=True)
    entry(HealthInsurance, no_doctor, basic_insured=True, serious_illness_cover=True)
    person(home, "健康", is_seriously_ill=False)
    person(home, "未知", is_seriously_ill=None)
    assert listed("ill_without_serious_cover") == {"无大病保险"}
    assert listed("ill_without_doctor") == {"无签约"}


def test_ill_without_doctor__seriously_ill_member_without_contract(village):
    home = household(village)
    signed = person(home, "已签约", is_seriously_ill=True)
    entry(DoctorContract, signed)
    person(home, "未签约", is_seriously_ill=True)
    person(home, "慢病", is_chronically_ill=True, is_seriously_ill=False)
    assert listed("ill_without_doctor") == {"未签约"}


# -- housing ----------------------------------------------------------------------------


def test_dangerous_house_not_planned__c_or_d_house_without_plan(village):
    household(village, "D-NOPLAN", housing_grade=HousingGrade.D)
    planned = household(village, "C-PLAN", housing_grade=HousingGrade.C)
    entry(HousingRenovation, planned, grade=HousingGrade.C)
    earlier = household(village, "D-2017", housing_grade=HousingGrade.D)
    entry(HousingRenovation, earlier, grade=HousingGrade.D, year=2017)
    household(village, "B", housing_grade=HousingGrade.B)
    household(village, "UNKNOWN", housing_grade="")
    assert listed("dangerous_house_not_planned") == {"D-NOPLAN"}


def test_renovation_not_finished__by_the_parameter_month(village):
    late = household(village, "LATE")
    entry(HousingRenovation, late, name="迟", finished_on=date(2019, 1, 5))
    open_ = household(village, "OPEN")
    entry(HousingRenovation, open_, name="未完", finished_on=None)
    done = household(village, "DONE")
    entry(HousingRenovation, done, name="已完", finished_on=date(2018, 10, 1))
    assert listed("renovation_not_finished") == {"迟", "未完"}
    LedgerParameter.objects.create(
        code="renovation_finish_month", region_id=MINQUAN, year=2018, value=Decimal(9)
    )
    assert listed("renovation_not_finished") == {"迟", "未完", "已完"}


# -- loans ------------------------------------------------------------------------------


def _loan(who, amount=30000, *, term=36, drawn=date(2018, 4, 1), due=None, **fields):
    return entry(
        Loan,
        who,
        amount=Decimal(amount),
        term_months=term,
        drawn_on=drawn,
        due_on=due or date(drawn.year + term // 12, drawn.month, 1),
        bank="农商行",
        state=fields.pop("state", LoanState.ACTIVE),
        **fields,
    )


def test_loan_over_amount__above_the_limit_per_county(village, far_village):
    _loan(person(household(village), "超额"), 60000)
    _loan(person(household(village), "正好"), 50000)
    _loan(person(household(far_village), "睢县四万"), 40000)
    _loan(person(household(village), "民权四万"), 40000)
    assert listed("loan_over_amount", region_prefix="4114") == {"超额"}
    LedgerParameter.objects.create(
        code="loan_amount_max", region_id=MINQUAN, year=2018, value=Decimal(30000)
    )
    assert listed("loan_over_amount", region_prefix="4114") == {"超额", "正好", "民权四万"}


def test_loan_over_term__longer_than_the_limit(village):
    _loan(person(household(village), "四年"), term=48)
    _loan(person(household(village), "三年"), term=36)
    assert listed("loan_over_term") == {"四年"}


def test_borrower_age_out_of_range__at_drawdown(village):
    _loan(person(household(village), "超龄", date(1950, 1, 1)))
    _loan(person(household(village), "六十五", date(1953, 4, 1)))  # 65 on the day
    _loan(person(household(village), "六十六", date(1952, 3, 31)))  # 66 the day before
    _loan(person(household(village), "未成年", date(2000, 4, 2)))  # 17
    _loan(person(household(village), "十八", date(2000, 4, 1)))
    _loan(person(household(village), "无生日", None))
    _loan(None, region=village, name="库外老人", id_number=outsider_id(MINQUAN, date(1940, 5, 5)))
    assert listed("borrower_age_out_of_range") == {"超龄", "六十六", "未成年", "库外老人"}


def test_loan_second_active__more_than_one_active_loan_in_a_household(village):
    two = household(village, "TWO")
    _loan(person(two, "夫"), 20000)
    _loan(person(two, "妻"), 20000, drawn=date(2018, 6, 1))
    repaid = household(village, "REPAID")
    _loan(person(repaid, "甲"), state=LoanState.REPAID, drawn=date(2016, 1, 1))
    _loan(person(repaid, "乙"))
    household(village, "NONE")
    assert listed("loan_second_active") == {"TWO"}


def test_loan_due_soon__and_loan_overdue(village):
    as_of = date(2018, 12, 1)
    _loan(
        person(household(village), "将到期"),
        term=12,
        drawn=date(2017, 12, 20),
        due=date(2018, 12, 20),
    )
    _loan(
        person(household(village), "未到期"), term=12, drawn=date(2018, 6, 1), due=date(2019, 6, 1)
    )
    _loan(
        person(household(village), "已逾期"),
        term=12,
        drawn=date(2017, 11, 1),
        due=date(2018, 11, 1),
    )
    _loan(
        person(household(village), "已还清"),
        term=12,
        drawn=date(2017, 11, 1),
        due=date(2018, 11, 1),
        state=LoanState.REPAID,
    )
    assert listed("loan_due_soon", as_of=as_of) == {"将到期"}
    assert listed("loan_overdue", as_of=as_of) == {"已逾期"}


def test_loan_overdue__past_due_and_not_repaid(village):
    _loan(person(household(village), "逾期"), due=date(2018, 5, 1), drawn=date(2017, 5, 1), term=12)
    _loan(person(household(village), "正常"), due=date(2020, 5, 1))
    assert listed("loan_overdue") == {"逾期"}


def test_loan_not_registered__borrower_outside_the_registry(village):
    _loan(person(household(village), "在库"))
    _loan(None, region=village, name="库外", id_number=outsider_id(MINQUAN))
    assert listed("loan_not_registered") == {"库外"}


def _npl_village_loans(village, bad: int, good: int):
    if bad:
        _loan(person(household(village), f"坏{village.code}"), bad, state=LoanState.OVERDUE)
    if good:
        _loan(person(household(village), f"好{village.code}"), good)


def test_npl_village_over_limit__non_performing_share_per_village(village):
    villages = list(Region.objects.filter(parent_id=RENHE).order_by("code")[:3])
    _npl_village_loans(villages[0], 8000, 92000)  # 8 % > 7 %
    _npl_village_loans(villages[1], 7000, 93000)  # 7 %: not above
    _npl_village_loans(villages[2], 0, 50000)
    assert listed("npl_village_over_limit") == {villages[0].code}


def test_npl_township_over_limit__non_performing_share_per_township(village):
    townships = list(Region.objects.filter(parent_id=MINQUAN).order_by("code")[:2])
    first = first_village(townships[0].code)
    second = first_village(townships[1].code)
    _npl_village_loans(first, 6000, 94000)  # 6 % > 5 %
    _npl_village_loans(second, 5000, 95000)
    assert listed("npl_township_over_limit") == {townships[0].code}
    LedgerParameter.objects.create(
        code="npl_township_max", region_id=MINQUAN, year=2018, value=Decimal("4.5")
    )
    assert listed("npl_township_over_limit") == {townships[0].code, townships[1].code}


# -- rangers and posts ------------------------------------------------------------------


def test_ranger_not_registered__ranger_outside_the_registry(village):
    entry(Ranger, person(household(village), "在库护林员"))
    entry(Ranger, region=village, name="库外护林员", id_number=outsider_id(MINQUAN))
    assert listed("ranger_not_registered") == {"库外护林员"}


def test_ranger_unable_to_work__no_labour_over_age_or_gone(village):
    entry(Ranger, person(household(village), "能干"))
    entry(Ranger, person(household(village), "丧失劳力", labour=Labour.LOST))
    entry(Ranger, person(household(village), "超龄", date(1950, 1, 1)))
    entry(Ranger, person(household(village), "已故", status=MemberStatus.DECEASED))
    entry(Ranger, person(household(village), "生日不详", None))
    assert listed("ranger_unable_to_work") == {"丧失劳力", "超龄", "已故"}


def test_post_not_registered__post_holder_outside_the_registry(village):
    entry(PublicWelfarePost, person(household(village), "在库"), post_type=PostType.SANITATION)
    entry(
        PublicWelfarePost,
        region=village,
        name="库外",
        id_number=outsider_id(MINQUAN),
        post_type=PostType.SANITATION,
    )
    assert listed("post_not_registered") == {"库外"}


def test_post_unable_to_work__no_labour_or_outside_working_age(village):
    entry(PublicWelfarePost, person(household(village), "能干"), post_type=PostType.SECURITY)
    entry(
        PublicWelfarePost,
        person(household(village), "无劳力", labour=Labour.NONE),
        post_type=PostType.SECURITY,
    )
    entry(
        PublicWelfarePost,
        person(household(village), "六十一", date(1957, 6, 1)),
        post_type=PostType.SECURITY,
    )
    assert listed("post_unable_to_work") == {"无劳力", "六十一"}


def test_post_and_workshop__a_post_holder_with_an_overlapping_workshop_contract(village):
    from tuopin.people.models import Workshop, WorkshopEmployee

    workshop = Workshop.objects.create(name="车间", village=village, type="1")

    def employ(member, start, end=None):
        WorkshopEmployee.objects.create(
            workshop=workshop,
            name=member.name,
            id_number=member.id_number,
            member=member,
            contract_start=start,
            contract_end=end,
        )

    def post(member, start=None, end=None):
        entry(
            PublicWelfarePost,
            member,
            post_type=PostType.SANITATION,
            started_on=start,
            ended_on=end,
        )

    both = person(household(village), "同期")
    post(both, date(YEAR, 3, 1), date(YEAR, 12, 31))
    employ(both, date(YEAR, 6, 1), date(YEAR, 8, 31))
    after = person(household(village), "先后")  # the post ended before the contract began
    post(after, date(YEAR, 1, 1), date(YEAR, 4, 30))
    employ(after, date(YEAR, 5, 1))
    undated = person(household(village), "岗位无日期")  # a post of the year, span unknown
    post(undated)
    employ(undated, date(YEAR, 10, 1), date(YEAR, 11, 30))
    earlier = person(household(village), "往年合同")  # a contract that ended last year
    post(earlier)
    employ(earlier, date(YEAR - 2, 1, 1), date(YEAR - 1, 12, 31))
    post(person(household(village), "只有岗位"))
    assert listed("post_and_workshop") == {"同期", "岗位无日期"}


# -- disability -------------------------------------------------------------------------


def test_disabled_without_certificate__disabled_member_not_on_the_list(village):
    home = household(village)
    entry(
        DisabilityCertificate, person(home, "持证", is_disabled=True), grade=DisabilityGrade.THIRD
    )
    person(home, "无证", is_disabled=True)
    person(home, "健全", is_disabled=False)
    person(home, "未知", is_disabled=None)
    assert listed("disabled_without_certificate") == {"无证"}


def _subsidy(member, item):
    entry(
        Payment,
        member,
        kind=PaymentKind.DISABILITY_SUBSIDY,
        item=item,
        period="2018",
        amount=Decimal(720),
    )


def test_disability_subsidy_missing__living_for_all_care_for_grades_one_and_two(village):
    home = household(village)
    full = person(home, "一级全发", is_disabled=True)
    entry(DisabilityCertificate, full, grade=DisabilityGrade.FIRST)
    _subsidy(full, "living")
    _subsidy(full, "care")
    no_care = person(home, "二级缺护理", is_disabled=True)
    entry(DisabilityCertificate, no_care, grade=DisabilityGrade.SECOND)
    _subsidy(no_care, "living")
    mild = person(home, "四级生活", is_disabled=True)
    entry(DisabilityCertificate, mild, grade=DisabilityGrade.FOURTH)
    _subsidy(mild, "living")
    nothing = person(home, "三级未发", is_disabled=True)
    entry(DisabilityCertificate, nothing, grade=DisabilityGrade.THIRD)
    assert listed("disability_subsidy_missing") == {"二级缺护理", "三级未发"}


# -- 低保 / 特困 ----------------------------------------------------------------------------


def test_dibao_standard_below_poverty_line__per_county(village):
    assert listed("dibao_standard_below_poverty_line", region_prefix="4114") == set()
    LedgerParameter.objects.create(
        code="dibao_standard", region_id=SUIXIAN, year=2018, value=Decimal(2900)
    )
    assert listed("dibao_standard_below_poverty_line", region_prefix="4114") == {SUIXIAN}
    assert listed("dibao_standard_below_poverty_line", year=2017, region_prefix="4114") == set()


def test_tekun_standard_below_ratio__per_county(village):
    assert listed("tekun_standard_below_ratio", region_prefix="4114") == set()
    LedgerParameter.objects.create(
        code="dibao_standard", region_id=MINQUAN, year=2018, value=Decimal(3600)
    )
    # 3600 × 1.3 = 4680 > the default 4485.
    assert listed("tekun_standard_below_ratio", region_prefix="4114") == {MINQUAN}
    LedgerParameter.objects.create(
        code="tekun_standard", region_id=MINQUAN, year=2018, value=Decimal(4680)
    )
    assert listed("tekun_standard_below_ratio", region_prefix="4114") == set()


def test_registry_dibao_not_on_civil_list__registry_says_dibao(village):
    household(village, "DIBAO-MISSING", attribute=HouseholdAttribute.DIBAO)
    listed_dibao = household(village, "DIBAO-LISTED", attribute=HouseholdAttribute.DIBAO)
    entry(SocialAssistance, listed_dibao, kind=AssistanceKind.DIBAO)
    wrong_kind = household(village, "TEKUN-AS-DIBAO", attribute=HouseholdAttribute.TEKUN)
    entry(SocialAssistance, wrong_kind, kind=AssistanceKind.DIBAO)
    household(village, "GENERAL", attribute=HouseholdAttribute.GENERAL)
    assert listed("registry_dibao_not_on_civil_list") == {"DIBAO-MISSING", "TEKUN-AS-DIBAO"}


def test_civil_list_not_in_registry_attribute__civil_list_says_dibao(village):
    general = household(village, "GENERAL-ON-LIST", attribute=HouseholdAttribute.GENERAL)
    entry(SocialAssistance, general, kind=AssistanceKind.DIBAO)
    agreed = household(village, "AGREED", attribute=HouseholdAttribute.TEKUN)
    entry(SocialAssistance, agreed, kind=AssistanceKind.TEKUN)
    unknown = household(village, "UNKNOWN", attribute="")
    entry(SocialAssistance, unknown, kind=AssistanceKind.DIBAO)
    household(village, "GENERAL", attribute=HouseholdAttribute.GENERAL)
    assert listed("civil_list_not_in_registry_attribute") == {"GENERAL-ON-LIST"}


# -- payments ---------------------------------------------------------------------------


def _pay(who, kind=PaymentKind.POST_PAY, item="", period="2018-03", amount=300, **fields):
    return entry(
        Payment, who, kind=kind, item=item, period=period, amount=Decimal(amount), **fields
    )


def test_payment_duplicate__same_item_and_period_twice(village):
    home = household(village)
    twice = person(home, "重复")
    _pay(twice)
    _pay(twice)
    months = person(home, "逐月")
    _pay(months, period="2018-03")
    _pay(months, period="2018-04")
    kinds = person(home, "两类")
    _pay(kinds, kind=PaymentKind.DISABILITY_SUBSIDY, item="living", period="2018")
    _pay(kinds, kind=PaymentKind.DISABILITY_SUBSIDY, item="care", period="2018")
    assert listed("payment_duplicate") == {"重复"}
    assert coverage_counts(None, region_prefix="411421", codes=["payment_duplicate"]) == {
        "payment_duplicate": 2
    }


def test_payment_after_death_or_move__paid_after_the_event(village):
    home = household(village)
    dead = person(home, "已故", status=MemberStatus.DECEASED)
    MemberEvent.objects.create(member=dead, kind=MemberEventKind.DEATH, date=date(2018, 3, 15))
    _pay(dead, period="2018-03", paid_on=date(2018, 3, 10))
    _pay(dead, period="2018-04", paid_on=date(2018, 4, 10))
    moved = person(home, "迁出", status=MemberStatus.MOVED_OUT)
    MemberEvent.objects.create(member=moved, kind=MemberEventKind.MOVE_OUT, date=date(2017, 6, 1))
    _pay(moved, period="2018", paid_on=None)
    alive = person(home, "健在")
    _pay(alive, paid_on=date(2018, 4, 10))
    rows = list(coverage_list("payment_after_death_or_move", user=None, region_prefix="411421"))
    assert sorted((row["person_name"], row["period"]) for row in rows) == [
        ("已故", "2018-04"),
        ("迁出", "2018"),
    ]


def test_payment_not_registered__paid_to_someone_outside_the_registry(village):
    _pay(person(household(village), "在库"))
    _pay(None, region=village, name="库外", id_number=outsider_id(MINQUAN))
    assert listed("payment_not_registered") == {"库外"}


# -- photovoltaic -----------------------------------------------------------------------


def _pv(who, amount, period="2018Q1", **fields):
    return _pay(
        who, kind=PaymentKind.PV_INCOME, item="no_labour", period=period, amount=amount, **fields
    )


def test_pv_no_labour_below_minimum__yearly_sum_under_the_parameter(village, far_village):
    short = household(village, "SHORT")
    _pv(person(short, "甲", labour=Labour.LOST), 750)
    _pv(short.members.get(), 750, period="2018Q2")  # 1,500 of 3,000
    full = household(village, "FULL")
    for quarter in range(1, 5):
        _pv(person(full, f"乙{quarter}", labour=Labour.NONE), 750, period=f"2018Q{quarter}")
    able = household(village, "ABLE")  # a member can work: not owed the no-labour minimum
    person(able, "丙", labour=Labour.LOST)
    _pv(person(able, "丁"), 500)
    unknown = household(village, "UNKNOWN")  # labour unrecorded: unknown, not "without"
    _pv(person(unknown, "戊", labour=""), 500)
    none = household(village, "NONE")  # no PV income at all: no_labour_without_cover
    person(none, "己", labour=Labour.LOST)
    old = household(village, "LASTYEAR")  # last year's income counts for last year
    _pv(person(old, "庚", labour=Labour.LOST), 3000, year=YEAR - 1)
    _pv(old.members.get(), 100)
    assert listed("pv_no_labour_below_minimum") == {"SHORT", "LASTYEAR"}
    rows = coverage_list("pv_no_labour_below_minimum", user=None, region_prefix="411421")
    assert {row["home_number"]: row["pv_total"] for row in rows} == {
        "SHORT": Decimal("1500.00"),
        "LASTYEAR": Decimal("100.00"),
    }
    # A county that sets its own minimum is judged by it.
    suixian = household(far_village, "SX")
    _pv(person(suixian, "辛", labour=Labour.LOST), 2000)
    LedgerParameter.objects.create(
        code="pv_no_labour_min", region_id=SUIXIAN, year=2018, value=Decimal(2000)
    )
    assert listed("pv_no_labour_below_minimum", region_prefix="4114") == {"SHORT", "LASTYEAR"}


def test_pv_income_over_cap__yearly_sum_above_the_parameter(village):
    over = household(village, "OVER")
    first = person(over, "甲", labour=Labour.LOST)
    _pv(first, 4000)
    _pv(person(over, "乙", labour=Labour.LOST), 2500, period="2018Q2")  # 6,500 > 6,000
    at_cap = household(village, "ATCAP")
    _pv(person(at_cap, "丙", labour=Labour.LOST), 6000)
    assert listed("pv_income_over_cap") == {"OVER"}


def test_pv_income_not_registered__pv_income_to_someone_outside_the_registry(village):
    _pv(person(household(village), "在库", labour=Labour.LOST), 3000)
    _pv(None, 3000, region=village, name="库外", id_number=outsider_id(MINQUAN))
    _pay(None, region=village, name="岗位库外", id_number=outsider_id(MINQUAN))  # not PV
    assert listed("pv_income_not_registered") == {"库外"}


# -- running ----------------------------------------------------------------------------


def test_scorecard_groups_by_child_region(village, far_village):
    _loan(person(household(village), "民权超额"), 60000)
    _loan(person(household(far_village), "睢县超额"), 70000)
    _loan(person(household(far_village), "睢县超额二"), 80000)
    card = coverage_by_region(None, region_code=CITY, year=YEAR)
    row = next(r for r in card.rows if r.check.code == "loan_over_amount")
    counts = dict(zip([c.code for c in card.columns], row.counts, strict=True))
    assert counts[MINQUAN] == 1 and counts[SUIXIAN] == 2 and row.total == 3
    county = coverage_by_region(None, region_code=MINQUAN, year=YEAR)
    row = next(r for r in county.rows if r.check.code == "loan_over_amount")
    assert row.total == 1 and sum(row.counts) == 1


def test_every_check_runs_on_an_empty_scope_and_a_user_scope(make_user):
    from tuopin.accounts.roles import Role

    user = make_user(Role.COUNTY_OFFICE, MINQUAN)
    counts = coverage_counts(user, year=YEAR)
    assert set(counts) == set(CHECKS) and all(n == 0 for n in counts.values())
    card = coverage_by_region(user, region_code=MINQUAN, year=YEAR)
    assert len(card.rows) == len(CHECKS)


def test_user_scope_hides_other_counties(make_user, far_village):
    from tuopin.accounts.roles import Role

    _loan(person(household(far_village), "睢县超额"), 70000)
    minquan = make_user(Role.COUNTY_OFFICE, MINQUAN)
    suixian = make_user(Role.COUNTY_OFFICE, SUIXIAN)
    assert coverage_counts(minquan, codes=["loan_over_amount"]) == {"loan_over_amount": 0}
    assert coverage_counts(suixian, codes=["loan_over_amount"]) == {"loan_over_amount": 1}


def test_student_aid_wrong_amount__per_county_amounts_in_one_query(village, far_village):
    LedgerParameter.objects.create(
        code="aid_senior_grant", region_id=SUIXIAN, year=2018, value=Decimal(3000)
    )
    pairs = [
        (village, "民权一千", 1000),
        (village, "民权一千五", 1500),
        (far_village, "睢县一千", 1000),
        (far_village, "睢县一千五", 1500),
    ]
    for where, name, amount in pairs:
        pupil = person(household(where), name, date(2002, 1, 1))
        entry(StudentEnrolment, pupil, stage=SchoolStage.SENIOR, status=EnrolmentStatus.AT_SCHOOL)
        _pay_aid(pupil, AidItem.NATIONAL_GRANT, amount)
    assert listed("student_aid_wrong_amount", region_prefix="4114") == {"民权一千五", "睢县一千"}
