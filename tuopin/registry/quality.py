"""Data-quality checks of the registry (疑点数据, domain.md §6).

Every check has a stable code, a Chinese and an English label, the §6 item it belongs
to, a unit (it counts households or members) and ONE set-based query over the
households in scope: `offenders(context)` returns a queryset of the offending
households or members, never a Python loop over rows. Counting, listing and grouping
by region are all done by the database on that queryset.

ID-number checks in SQL. The ID-number arithmetic (ISO 7064 MOD 11-2 check digit,
birth date and sex read from the number) is written as portable SQL: each digit is
`STRPOS('0123456789', SUBSTRING(id, k, 1)) - 1` (INSTR on SQLite), which never fails
on a bad character the way a cast to integer does on PostgreSQL, so the same
expression runs on SQLite and PostgreSQL and needs no streaming pass in Python.
`tuopin.registry.idnumbers` stays the reference: a test compares the SQL verdicts
with `check_id_number` over generated numbers, so the two cannot drift apart.

Duplicates (§6.11). `Member.id_number` is unique, so the same number cannot be
registered twice; what can still repeat is the *person*: a 15-digit legacy number and
its 18-digit upgrade, an 18-digit number and a 20/22-character disability certificate
built on it, or two numbers differing only in a mistyped check digit. The checks
therefore compare the 17-digit body (the upgraded body of a 15-digit number). The
twin may lie outside the user's scope: the in-scope member is counted (that is what
must be verified) but nothing of the other household is shown. A helper whose ID
number belongs to a registered member is §6.9 (`helper_is_registered_poor`).

Conventions: only current members (status 正常) are checked, since members who left
are history; a fact that is NULL is unknown, not "no", and is reported by the
"key field empty" checks (§6.3) rather than as an inconsistency elsewhere, except
where §6 names the missing value itself (housing area of exited households, serious-
illness insurance of a seriously ill member). Ages are full years at the as-of date,
computed by comparing the birth date with as-of minus N years (exact and portable).

Readings of §6 where it leaves a choice:
- "Exited" is 已脱贫(享受政策) or 已脱贫(不再享受政策); 预脱贫 is not yet exited.
- Per-capita questions compare the net income with limit × current size, exactly (no
  division); a household without an income row for the year is not judged by them.
- "Healthy" means all three health flags recorded False; "all healthy" for 因病 means
  no current member with a health problem recorded.
- "Labour-capable" (特困 check) is 普通/技能/弱劳动力; "without labour" is 丧失/无劳动力.
- "Wages without workers" ignores public-welfare-job wages (公益性岗位), which are
  paid at home to members who need no work status.
- Households exited and no longer supported (不再享受政策) need no helper.
- A member whose ID number is a 20/22-character disability certificate has a
  certificate, whatever the certificate field says.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import (
    Coalesce,
    Concat,
    ExtractDay,
    ExtractMonth,
    ExtractYear,
    Length,
    StrIndex,
    Substr,
)
from django.utils.translation import get_language

from tuopin.accounts.roles import Permission
from tuopin.accounts.selectors import scope_q
from tuopin.core.errors import TuopinError
from tuopin.core.years import DEFAULT_YEAR
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region
from tuopin.registry.enums import (
    RELATION_SEX,
    SENIOR_OR_ABOVE,
    HouseholdAttribute,
    HousingGrade,
    Labour,
    MemberStatus,
    PovertyCause,
    PovertyStatus,
    Relation,
    Sex,
    StudentStatus,
)
from tuopin.registry.models import Helper, Household, HouseholdCause, Income, Member
from tuopin.registry.selectors import current_size_subquery, head_name_subquery

# Policy parameters of the checks. They are defaults of the shipped Henan-2018 policy;
# the policy issue moves them to versioned policy data (tuopin.policy), after which the
# callers pass the parameters of the policy version in force instead of these.
POLICY_DEFAULTS: dict = {
    # Poverty line, yuan per person per year, current prices (domain.md §4.1).
    "poverty_line": {
        2011: 2536,
        2012: 2625,
        2013: 2736,
        2014: 2800,
        2015: 2855,
        2016: 2952,
        2017: 2952,
        2018: 2995,
        2019: 3218,
    },
    "compulsory_school_ages": (6, 15),  # §4.1.3, §6.1: must be at school
    "student_status_ages": (6, 23),  # §6.3: student status required
    "labour_ages": (16, 65),  # §6.3, §6.5, §6.6: working age
    "senior_school_max_age": 14,  # §6.10: aged ≤ 14 in high school or above
    "primary_school_min_age": 20,  # §6.10: aged ≥ 20 in primary school or below
    "farmland_mu_per_person": 50,  # §6.10
    "forest_mu_per_person": 70,  # §6.10
    "road_distance_km": 50,  # §6.10
    "per_capita_income_max": 100_000,  # §6.7
}

# §6 items: number -> (Chinese, English).
ITEMS: dict[int, tuple[str, str]] = {
    1: ("已脱贫户“两不愁三保障”未落实", "Exited households with a guarantee unresolved"),
    2: ("证件号码错误", "Bad ID numbers"),
    3: ("关键字段为空", "Key fields empty"),
    4: ("致贫原因不一致", "Cause of poverty inconsistent"),
    5: ("低保、特困信息不一致", "Dibao / tekun inconsistent"),
    6: ("劳动能力不一致", "Labour capacity inconsistent"),
    7: ("收入异常", "Income implausible"),
    8: ("务工信息异常", "Work information inconsistent"),
    9: ("帮扶责任人", "Helpers"),
    10: ("逻辑错误", "Logical contradictions"),
    11: ("重复人员", "Duplicate people"),
}

Unit = Literal["household", "member"]

EXITED = (PovertyStatus.EXITED_WITH_POLICY, PovertyStatus.EXITED_NO_POLICY)
CURRENT = Q(status=MemberStatus.NORMAL)
IS_STUDENT = ~Q(student_status__in=["", StudentStatus.NOT_STUDENT])
NOT_STUDENT = Q(student_status__in=["", StudentStatus.NOT_STUDENT])
HEALTHY = Q(is_chronically_ill=False, is_seriously_ill=False, is_disabled=False)
HEALTH_EMPTY = Q(
    is_chronically_ill__isnull=True, is_seriously_ill__isnull=True, is_disabled__isnull=True
)
# Any health problem recorded (a NULL flag is unknown, not a problem).
UNHEALTHY = Q(is_chronically_ill=True) | Q(is_seriously_ill=True) | Q(is_disabled=True)
CAPABLE_LABOUR = (Labour.ORDINARY, Labour.SKILLED, Labour.WEAK)
NO_LABOUR = (Labour.LOST, Labour.NONE)
WORKING = ~Q(work_status="")
PRIMARY_OR_BELOW = (StudentStatus.PRESCHOOL, StudentStatus.PRIMARY)
MALE_RELATIONS = [r for r, s in RELATION_SEX.items() if s == Sex.MALE]
FEMALE_RELATIONS = [r for r, s in RELATION_SEX.items() if s == Sex.FEMALE]

# Lengths of the prefix that tells a region's children apart (group-by key).
CHILD_PREFIX_LENGTH = {RegionLevel.CITY: 6, RegionLevel.COUNTY: 9, RegionLevel.TOWNSHIP: 12}


@dataclass(frozen=True)
class Context:
    """What a check's query runs over: the scope, the year and the policy parameters."""

    households: QuerySet  # Household rows in scope
    members: QuerySet  # current Member rows of those households
    year: int
    as_of: date
    params: dict

    def aged(self, low: int | None = None, high: int | None = None) -> Q:
        """Members aged `low` to `high` full years (inclusive) at the as-of date."""
        condition = Q(birth_date__isnull=False, birth_date__lte=self.as_of)
        if low is not None:
            condition &= Q(birth_date__lte=years_before(self.as_of, low))
        if high is not None:
            condition &= Q(birth_date__gt=years_before(self.as_of, high + 1))
        return condition

    @property
    def poverty_line(self) -> int:
        return self.params["poverty_line"][self.year]


@dataclass(frozen=True)
class Check:
    code: str
    item: int
    label_zh: str
    label_en: str
    unit: Unit
    offenders: Callable[[Context], QuerySet] = field(repr=False)
    # Set when a database constraint already makes the defect impossible: the check
    # stays in the catalogue (and always counts 0) so §6 is covered visibly.
    enforced_by_database: bool = False

    @property
    def label(self) -> str:
        language = get_language() or "zh-hans"
        return self.label_en if language.startswith("en") else self.label_zh

    @property
    def item_label(self) -> str:
        zh, en = ITEMS[self.item]
        language = get_language() or "zh-hans"
        return en if language.startswith("en") else zh

    def household_ids(self, context: Context) -> QuerySet:
        """The ids of the offending households, as a subquery."""
        found = self.offenders(context)
        return found.values("pk") if self.unit == "household" else found.values("household_id")


CHECKS: dict[str, Check] = {}


def check(code: str, item: int, label_zh: str, label_en: str, unit: Unit = "household", **extra):
    def register(function: Callable[[Context], QuerySet]) -> Callable[[Context], QuerySet]:
        if code in CHECKS:
            raise ValueError(f"duplicate quality check code {code}")
        CHECKS[code] = Check(code, item, label_zh, label_en, unit, function, **extra)
        return function

    return register


def years_before(day: date, years: int) -> date:
    """The same calendar day `years` earlier (29 February becomes the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def member_exists(*conditions: Q, **filters) -> Exists:
    """A current member of the outer household matching the conditions."""
    return Exists(
        Member.objects.filter(CURRENT, household=OuterRef("pk")).filter(*conditions, **filters)
    )


def _income_per_member(c: Context, **household_filters) -> QuerySet:
    """Per household with an income of the year: `size` (current members) and `net` income.

    One grouped pass over the current members joined to the year's income (one row per
    household and year, so the join multiplies nothing). Comparing `net` with a limit
    times `size` decides per-capita questions exactly, without a division; a household
    without current members has no per-capita income and does not appear.
    """
    net = (
        F("household__incomes__wages")
        + F("household__incomes__business")
        + F("household__incomes__property_income")
        + F("household__incomes__transfers")
        - F("household__incomes__production_costs")
    )
    return (
        c.members.filter(household__incomes__year=c.year, **household_filters)
        .values("household_id")
        .annotate(size=Count("pk"), net=Max(net))
    )


def income_exists(context: Context, *conditions: Q, **filters) -> Exists:
    """The outer household's income of the context year matching the conditions."""
    return Exists(
        Income.objects.filter(household=OuterRef("pk"), year=context.year).filter(
            *conditions, **filters
        )
    )


# ---------------------------------------------------------------------------------------
# ID numbers as SQL expressions (see the module docstring).

ID_LENGTHS = (15, 18, 20, 22)
# Valid characters for each length: 15 digits; 17 digits and a digit or X; then for a
# disability certificate the category 1–7 and grade 1–4, and B and a digit if reissued.
ID_FORMAT = r"^([0-9]{15}|[0-9]{17}[0-9X]([1-7][1-4](B[0-9])?)?)$"
ID_BODY18 = r"^[0-9]{17}[0-9X]"
# ISO 7064 MOD 11-2 weights of the 17 body digits, and the check character of each
# remainder of the weighted sum modulo 11.
ID_WEIGHTS = [pow(2, 17 - position, 11) for position in range(17)]
ID_CHECK_CHARACTERS = "10X98765432"


def id_digit(position: int, field_name: str = "id_number"):
    """The digit at 1-based `position` of the number as an integer (-1 if not a digit)."""
    return StrIndex(Value("0123456789"), Substr(field_name, position, 1)) - Value(1)


def id_digits_value(position: int, count: int):
    """The integer written by `count` digits from `position`."""
    total = None
    for offset in range(count):
        term = id_digit(position + offset) * Value(10 ** (count - 1 - offset))
        total = term if total is None else total + term
    return total


def id_checksum_remainder():
    total = None
    for position, weight in enumerate(ID_WEIGHTS, start=1):
        term = id_digit(position) * Value(weight)
        total = term if total is None else total + term
    return total % Value(11)


def id_stated_remainder():
    """The remainder the 18th character stands for (-1 if it is no check character)."""
    return StrIndex(Value(ID_CHECK_CHARACTERS), Substr("id_number", 18, 1)) - Value(1)


def id_birth_yyyymmdd():
    """The birth date in the number as YYYYMMDD (a 15-digit number has a 2-digit year)."""
    return Case(
        When(id_length=15, then=Value(19_000_000) + id_digits_value(7, 6)),
        default=id_digits_value(7, 8),
        output_field=IntegerField(),
    )


def id_sex_digit():
    return Case(
        When(id_length=15, then=id_digit(15)), default=id_digit(17), output_field=IntegerField()
    )


def id_body():
    """The 17-digit body: the person, whatever the length and the check digit."""
    return Case(
        When(
            id_length=15,
            then=Concat(
                Substr("id_number", 1, 6),
                Value("19"),
                Substr("id_number", 7, 9),
                output_field=CharField(),
            ),
        ),
        default=Substr("id_number", 1, 17),
        output_field=CharField(),
    )


def with_id_length(members: QuerySet) -> QuerySet:
    return members.annotate(id_length=Length("id_number"))


def id_members(members: QuerySet) -> QuerySet:
    """Members whose number has a valid length and valid characters."""
    return with_id_length(members).filter(id_number__regex=ID_FORMAT)


# ---------------------------------------------------------------------------------------
# §6.1 Exited households with a guarantee unresolved.


@check(
    "exited_income_below_line",
    1,
    "已脱贫户人均纯收入不高于当年贫困线",
    "Exited household with per-capita income at or below the poverty line",
)
def _exited_income_below_line(c: Context) -> QuerySet:
    # Per-capita income ≤ line ⇔ net income ≤ line × size: exact, no division.
    below = _income_per_member(c, household__status__in=EXITED).filter(
        net__lte=F("size") * Value(c.poverty_line)
    )
    return c.households.filter(pk__in=below.values("household_id"))


@check(
    "exited_school_age_out_of_school",
    1,
    "已脱贫户有义务教育阶段适龄（6–15岁）健康儿童失学",
    "Exited household with a healthy child of compulsory-school age not at school",
)
def _exited_school_age_out_of_school(c: Context) -> QuerySet:
    low, high = c.params["compulsory_school_ages"]
    child = member_exists(
        c.aged(low, high),
        ~Q(is_disabled=True),
        ~Q(is_seriously_ill=True),
        student_status=StudentStatus.NOT_STUDENT,
    )
    return c.households.filter(child, status__in=EXITED)


@check(
    "exited_dangerous_house",
    1,
    "已脱贫户住房为危房（C级、D级）",
    "Exited household living in a dangerous house (grade C or D)",
)
def _exited_dangerous_house(c: Context) -> QuerySet:
    return c.households.filter(
        status__in=EXITED, housing_grade__in=[HousingGrade.C, HousingGrade.D]
    )


@check(
    "exited_water_unresolved",
    1,
    "已脱贫户饮水不安全或饮水困难",
    "Exited household whose drinking water is unsafe or difficult",
)
def _exited_water_unresolved(c: Context) -> QuerySet:
    return c.households.filter(Q(water_safe=False) | Q(water_difficult=True), status__in=EXITED)


@check(
    "exited_illness_without_serious_insurance",
    1,
    "已脱贫因病户有患大病成员未参加大病保险",
    "Exited household poor through illness with a seriously ill member without "
    "serious-illness insurance",
)
def _exited_illness_without_serious_insurance(c: Context) -> QuerySet:
    illness = Q(main_cause=PovertyCause.ILLNESS) | Exists(
        HouseholdCause.objects.filter(household=OuterRef("pk"), cause=PovertyCause.ILLNESS)
    )
    uninsured = member_exists(~Q(has_serious_illness_insurance=True), is_seriously_ill=True)
    return c.households.filter(illness, uninsured, status__in=EXITED)


@check(
    "exited_housing_area_empty",
    1,
    "已脱贫户住房面积为空",
    "Exited household with housing area empty",
)
def _exited_housing_area_empty(c: Context) -> QuerySet:
    return c.households.filter(status__in=EXITED, housing_area_m2__isnull=True)


# ---------------------------------------------------------------------------------------
# §6.2 Bad ID numbers (members).


@check(
    "id_length",
    2,
    "证件号码为空或长度不是15、18、20、22位",
    "ID number empty or not 15, 18, 20 or 22 characters long",
    "member",
)
def _id_length(c: Context) -> QuerySet:
    return with_id_length(c.members).exclude(id_length__in=ID_LENGTHS)


@check("id_15_digit", 2, "15位身份证号码需升级为18位", "15-digit ID number to upgrade", "member")
def _id_15_digit(c: Context) -> QuerySet:
    return with_id_length(c.members).filter(id_length=15)


@check(
    "id_characters",
    2,
    "证件号码含非法字符或格式错误",
    "ID number with characters not allowed or malformed",
    "member",
)
def _id_characters(c: Context) -> QuerySet:
    return (
        with_id_length(c.members)
        .filter(id_length__in=ID_LENGTHS)
        .exclude(id_number__regex=ID_FORMAT)
    )


@check("id_check_digit", 2, "身份证号码校验位错误", "ID number check digit wrong", "member")
def _id_check_digit(c: Context) -> QuerySet:
    return (
        with_id_length(c.members)
        .filter(id_length__in=(18, 20, 22), id_number__regex=ID_BODY18)
        .annotate(stated=id_stated_remainder(), computed=id_checksum_remainder())
        .exclude(stated=F("computed"))
    )


@check(
    "id_birth_mismatch",
    2,
    "出生日期与身份证号码不一致",
    "Birth date differs from the ID number",
    "member",
)
def _id_birth_mismatch(c: Context) -> QuerySet:
    # An impossible date in the number (e.g. month 13) differs from every real date
    # and is reported here too; a wrong check digit does not hide a disagreement.
    return (
        id_members(c.members)
        .filter(birth_date__isnull=False)
        .annotate(
            id_birth=id_birth_yyyymmdd(),
            recorded_birth=ExtractYear("birth_date") * Value(10_000)
            + ExtractMonth("birth_date") * Value(100)
            + ExtractDay("birth_date"),
        )
        .exclude(id_birth=F("recorded_birth"))
    )


@check("id_sex_mismatch", 2, "性别与身份证号码不一致", "Sex differs from the ID number", "member")
def _id_sex_mismatch(c: Context) -> QuerySet:
    # The order code's last digit is odd for men and even for women.
    return (
        id_members(c.members)
        .annotate(sex_parity=id_sex_digit() % Value(2))
        .filter(Q(sex=Sex.MALE, sex_parity=0) | Q(sex=Sex.FEMALE, sex_parity=1))
    )


# ---------------------------------------------------------------------------------------
# §6.3 Key fields empty.


@check("empty_ethnicity", 3, "民族为空", "Ethnicity empty", "member")
def _empty_ethnicity(c: Context) -> QuerySet:
    return c.members.filter(ethnicity="")


@check("empty_education", 3, "非在校生文化程度为空", "Education empty (non-student)", "member")
def _empty_education(c: Context) -> QuerySet:
    return c.members.filter(NOT_STUDENT, education="")


@check(
    "empty_student_status",
    3,
    "6–23岁人员在校生状况为空",
    "Student status empty (aged 6 to 23)",
    "member",
)
def _empty_student_status(c: Context) -> QuerySet:
    low, high = c.params["student_status_ages"]
    return c.members.filter(c.aged(low, high), student_status="")


@check("empty_health", 3, "健康状况为空", "Health empty", "member")
def _empty_health(c: Context) -> QuerySet:
    return c.members.filter(HEALTH_EMPTY)


@check("empty_labour", 3, "16–65岁人员劳动技能为空", "Labour empty (aged 16 to 65)", "member")
def _empty_labour(c: Context) -> QuerySet:
    low, high = c.params["labour_ages"]
    return c.members.filter(c.aged(low, high), labour="")


@check("household_without_head", 3, "户内没有户主", "Household without a head")
def _household_without_head(c: Context) -> QuerySet:
    return c.households.filter(~member_exists(relation=Relation.HEAD))


@check(
    "disabled_without_certificate",
    3,
    "残疾人员无残疾证号",
    "Disabled member without a disability certificate",
    "member",
)
def _disabled_without_certificate(c: Context) -> QuerySet:
    # A 20/22-character ID number is the certificate number itself.
    return (
        with_id_length(c.members)
        .filter(is_disabled=True, disability_certificate="")
        .exclude(id_length__in=(20, 22))
    )


@check("empty_main_cause", 3, "主要致贫原因为空", "Main cause of poverty empty")
def _empty_main_cause(c: Context) -> QuerySet:
    return c.households.filter(main_cause="")


@check(
    "empty_electricity",
    3,
    "是否通生活用电或生产用电为空",
    "Household or production electricity empty",
)
def _empty_electricity(c: Context) -> QuerySet:
    return c.households.filter(
        Q(has_household_power__isnull=True) | Q(has_production_power__isnull=True)
    )


@check("empty_road_distance", 3, "与村主干路距离为空", "Distance to the main road empty")
def _empty_road_distance(c: Context) -> QuerySet:
    return c.households.filter(road_distance_km__isnull=True)


@check("empty_road_type", 3, "入户路类型为空", "Access road type empty")
def _empty_road_type(c: Context) -> QuerySet:
    return c.households.filter(road_type="")


@check("empty_housing_area", 3, "住房面积为空", "Housing area empty")
def _empty_housing_area(c: Context) -> QuerySet:
    return c.households.filter(housing_area_m2__isnull=True)


@check(
    "empty_water",
    3,
    "饮水是否安全或饮水是否困难为空",
    "Drinking water safe or difficult empty",
)
def _empty_water(c: Context) -> QuerySet:
    return c.households.filter(Q(water_safe__isnull=True) | Q(water_difficult__isnull=True))


@check("empty_fuel", 3, "主要燃料类型为空", "Main fuel empty")
def _empty_fuel(c: Context) -> QuerySet:
    return c.households.filter(main_fuel="")


@check("empty_toilet", 3, "是否有卫生厕所为空", "Sanitary toilet empty")
def _empty_toilet(c: Context) -> QuerySet:
    return c.households.filter(has_sanitary_toilet__isnull=True)


# ---------------------------------------------------------------------------------------
# §6.4 Cause inconsistent.


@check(
    "cause_illness_all_healthy",
    4,
    "主要致贫原因为因病，但家庭成员均无疾病或残疾",
    "Poor through illness but no member ill or disabled",
)
def _cause_illness_all_healthy(c: Context) -> QuerySet:
    return c.households.filter(~member_exists(UNHEALTHY), main_cause=PovertyCause.ILLNESS)


@check(
    "cause_schooling_no_student",
    4,
    "主要致贫原因为因学，但家庭成员无在校生",
    "Poor through schooling but no member at school",
)
def _cause_schooling_no_student(c: Context) -> QuerySet:
    return c.households.filter(~member_exists(IS_STUDENT), main_cause=PovertyCause.SCHOOLING)


@check(
    "cause_disability_no_disabled",
    4,
    "主要致贫原因为因残，但家庭成员无残疾人",
    "Poor through disability but no member disabled",
)
def _cause_disability_no_disabled(c: Context) -> QuerySet:
    return c.households.filter(~member_exists(is_disabled=True), main_cause=PovertyCause.DISABILITY)


@check(
    "other_cause_repeats_main",
    4,
    "其他致贫原因与主要致贫原因重复",
    "Other cause repeats the main cause",
)
def _other_cause_repeats_main(c: Context) -> QuerySet:
    repeated = HouseholdCause.objects.filter(household=OuterRef("pk"), cause=OuterRef("main_cause"))
    return c.households.filter(Exists(repeated))


# ---------------------------------------------------------------------------------------
# §6.5 Dibao / tekun inconsistent.


@check(
    "dibao_household_without_dibao_member",
    5,
    "低保贫困户无享受低保的成员",
    "Dibao household without a member on dibao",
)
def _dibao_household_without_dibao_member(c: Context) -> QuerySet:
    return c.households.filter(
        ~member_exists(receives_dibao=True), attribute=HouseholdAttribute.DIBAO
    )


@check(
    "dibao_member_in_non_dibao_household",
    5,
    "非低保贫困户有享受低保的成员",
    "Member on dibao in a household that is not a dibao household",
)
def _dibao_member_in_non_dibao_household(c: Context) -> QuerySet:
    return c.households.filter(member_exists(receives_dibao=True)).exclude(
        attribute=HouseholdAttribute.DIBAO
    )


@check(
    "tekun_with_labour_age_member",
    5,
    "特困供养贫困户有16–65岁有劳动能力的成员",
    "Tekun household with a labour-capable member aged 16 to 65",
)
def _tekun_with_labour_age_member(c: Context) -> QuerySet:
    low, high = c.params["labour_ages"]
    capable = member_exists(c.aged(low, high), labour__in=CAPABLE_LABOUR)
    return c.households.filter(capable, attribute=HouseholdAttribute.TEKUN)


@check(
    "both_dibao_and_tekun_money",
    5,
    "同时领取低保金和特困供养金",
    "Receives both dibao and tekun payments",
)
def _both_dibao_and_tekun_money(c: Context) -> QuerySet:
    return c.households.filter(income_exists(c, dibao_payment__gt=0, tekun_payment__gt=0))


@check(
    "dibao_tekun_amount_zero",
    5,
    "低保户低保金为0或特困户特困供养金为0（当年）",
    "Dibao household with dibao money 0 or tekun household with tekun money 0 (year)",
)
def _dibao_tekun_amount_zero(c: Context) -> QuerySet:
    # Only an amount known to be zero: the interchange layout carries no 低保金 or
    # 特困供养金, so an imported household's amount is unknown (NULL) or it has no income
    # row for the year at all; neither is "zero".
    return c.households.filter(
        Q(attribute=HouseholdAttribute.DIBAO) & income_exists(c, dibao_payment=0)
        | Q(attribute=HouseholdAttribute.TEKUN) & income_exists(c, tekun_payment=0)
    )


# ---------------------------------------------------------------------------------------
# §6.6 Labour inconsistent.


@check(
    "healthy_working_age_without_labour",
    6,
    "16–65岁健康人员为丧失劳动力或无劳动力",
    "Healthy member of working age recorded as without labour",
    "member",
)
def _healthy_working_age_without_labour(c: Context) -> QuerySet:
    low, high = c.params["labour_ages"]
    return c.members.filter(c.aged(low, high), HEALTHY, labour__in=NO_LABOUR)


# ---------------------------------------------------------------------------------------
# §6.7 Income.


@check(
    "business_income_without_costs",
    7,
    "有生产经营性收入但无生产经营性支出（当年）",
    "Business income without production costs (year)",
)
def _business_income_without_costs(c: Context) -> QuerySet:
    return c.households.filter(income_exists(c, business__gt=0, production_costs=0))


@check(
    "per_capita_income_out_of_range",
    7,
    "人均纯收入不大于0或超过10万元（当年）",
    "Per-capita net income at most 0 or above 100,000 yuan (year)",
)
def _per_capita_income_out_of_range(c: Context) -> QuerySet:
    limit = c.params["per_capita_income_max"]
    out = _income_per_member(c).filter(Q(net__lte=0) | Q(net__gt=F("size") * Value(limit)))
    return c.households.filter(pk__in=out.values("household_id"))


# ---------------------------------------------------------------------------------------
# §6.8 Work.


@check(
    "work_months_out_of_range",
    8,
    "务工时间不在0–12个月之间",
    "Months worked outside 0 to 12",
    "member",
)
def _work_months_out_of_range(c: Context) -> QuerySet:
    # More than 12 is stored as given (an import warns); the column is unsigned, so a
    # negative number never gets this far.
    return c.members.filter(Q(work_months__lt=0) | Q(work_months__gt=12))


@check(
    "workplace_without_months",
    8,
    "有务工状况但务工时间为空或为0",
    "Work status given but months worked empty or 0",
    "member",
)
def _workplace_without_months(c: Context) -> QuerySet:
    return c.members.filter(WORKING).filter(Q(work_months__isnull=True) | Q(work_months=0))


@check(
    "months_without_workplace",
    8,
    "有务工时间但务工状况为空",
    "Months worked given but work status empty",
    "member",
)
def _months_without_workplace(c: Context) -> QuerySet:
    return c.members.filter(work_months__gt=0, work_status="")


@check(
    "no_labour_working_away",
    8,
    "丧失劳动力或无劳动力人员外出务工",
    "Member without labour recorded as working",
    "member",
)
def _no_labour_working_away(c: Context) -> QuerySet:
    return c.members.filter(WORKING, labour__in=NO_LABOUR)


@check(
    "wages_without_workers",
    8,
    "有工资性收入（公益性岗位除外）但无务工人员（当年）",
    "Wages (other than public-welfare jobs) but no member working (year)",
)
def _wages_without_workers(c: Context) -> QuerySet:
    # The public-welfare part is a sub-amount the layout does not carry: left blank, the
    # wages are not known to come from such a job, so they still call for a worker. The
    # wages themselves must be known (a NULL comparison selects nothing).
    wages = income_exists(c, wages__gt=Coalesce(F("public_welfare_job_wages"), Value(0)))
    workers = member_exists(WORKING | Q(work_months__gt=0))
    return c.households.filter(wages, ~workers)


# ---------------------------------------------------------------------------------------
# §6.9 Helper.


@check(
    "household_without_helper",
    9,
    "贫困户无帮扶责任人（不再享受政策的已脱贫户除外）",
    "Household without a helper (except exited households no longer supported)",
)
def _household_without_helper(c: Context) -> QuerySet:
    return c.households.filter(helper__isnull=True).exclude(status=PovertyStatus.EXITED_NO_POLICY)


@check(
    "helper_is_registered_poor",
    9,
    "帮扶责任人是建档立卡贫困人口",
    "Helper is a registered poor person",
)
def _helper_is_registered_poor(c: Context) -> QuerySet:
    # Any current member of any household, inside the scope or not.
    registered = Member.objects.filter(CURRENT).exclude(id_number="").values("id_number")
    poor_helpers = Helper.objects.filter(id_number__in=registered).values("pk")
    return c.households.filter(helper__in=poor_helpers)


# ---------------------------------------------------------------------------------------
# §6.10 Logic.


@check(
    "relation_sex_mismatch",
    10,
    "与户主关系与性别不符",
    "Relation to the head does not fit the sex",
    "member",
)
def _relation_sex_mismatch(c: Context) -> QuerySet:
    return c.members.filter(
        Q(relation__in=MALE_RELATIONS, sex=Sex.FEMALE)
        | Q(relation__in=FEMALE_RELATIONS, sex=Sex.MALE)
    )


@check("head_spouse_same_sex", 10, "户主与配偶性别相同", "Head and spouse of the same sex")
def _head_spouse_same_sex(c: Context) -> QuerySet:
    same_sex_head = Member.objects.filter(
        CURRENT, household=OuterRef("household"), relation=Relation.HEAD, sex=OuterRef("sex")
    )
    spouses = (
        Member.objects.filter(CURRENT, relation=Relation.SPOUSE)
        .exclude(sex="")
        .filter(Exists(same_sex_head))
    )
    return c.households.filter(pk__in=spouses.values("household_id"))


def _area_per_person(c: Context, area_field: str, limit_key: str) -> QuerySet:
    limit = c.params[limit_key]
    return (
        c.households.filter(**{f"{area_field}__isnull": False})
        .annotate(current_size=current_size_subquery())
        .filter(
            # The first condition needs no subquery and already excludes almost everyone.
            Q(**{f"{area_field}__gt": limit}),
            Q(current_size__gt=0),
            Q(**{f"{area_field}__gt": F("current_size") * Value(limit)}),
        )
    )


@check(
    "farmland_over_50_mu_per_person",
    10,
    "人均耕地面积超过50亩",
    "Farmland above 50 mu per person",
)
def _farmland_over_limit(c: Context) -> QuerySet:
    return _area_per_person(c, "farmland_mu", "farmland_mu_per_person")


@check(
    "forest_over_70_mu_per_person",
    10,
    "人均林地面积超过70亩",
    "Forest above 70 mu per person",
)
def _forest_over_limit(c: Context) -> QuerySet:
    return _area_per_person(c, "forest_mu", "forest_mu_per_person")


@check("road_distance_over_50_km", 10, "与村主干路距离超过50公里", "Road distance above 50 km")
def _road_distance_over_limit(c: Context) -> QuerySet:
    return c.households.filter(road_distance_km__gt=c.params["road_distance_km"])


@check(
    "young_in_senior_school",
    10,
    "14岁及以下在读高中及以上",
    "Aged 14 or under in high school or above",
    "member",
)
def _young_in_senior_school(c: Context) -> QuerySet:
    high = c.params["senior_school_max_age"]
    return c.members.filter(c.aged(high=high), student_status__in=SENIOR_OR_ABOVE)


@check(
    "old_in_primary_school",
    10,
    "20岁及以上在读小学及以下",
    "Aged 20 or over in primary school or below",
    "member",
)
def _old_in_primary_school(c: Context) -> QuerySet:
    low = c.params["primary_school_min_age"]
    return c.members.filter(c.aged(low=low), student_status__in=PRIMARY_OR_BELOW)


# ---------------------------------------------------------------------------------------
# §6.11 Duplicate people (see the module docstring): the same 17-digit body in
# another household. Each is one grouped subquery over all current members.


def _bodies(**group) -> QuerySet:
    return (
        with_id_length(Member.objects.filter(CURRENT))
        .filter(id_length__in=ID_LENGTHS)
        .annotate(body=id_body(), **group)
    )


def _with_body(members: QuerySet) -> QuerySet:
    return with_id_length(members).filter(id_length__in=ID_LENGTHS).annotate(body=id_body())


@check(
    "duplicate_id_in_county",
    11,
    "同一证件号码在本县（区）两户中登记",
    "Same ID number in two households of one county",
    "member",
)
def _duplicate_id_in_county(c: Context) -> QuerySet:
    county = Substr("household__village", 1, 6)
    twins = (
        _bodies(key=Concat(id_body(), county, output_field=CharField()))
        .values("key")
        # More than one household: MIN <> MAX is a plain hash aggregate, unlike COUNT(DISTINCT).
        .annotate(first=Min("household_id"), last=Max("household_id"))
        .exclude(first=F("last"))
        .values("key")
    )
    return (
        _with_body(c.members)
        .annotate(key=Concat(F("body"), county, output_field=CharField()))
        .filter(key__in=twins)
    )


def _duplicate_across(c: Context, length: int) -> QuerySet:
    twins = (
        _bodies(area=Substr("household__village", 1, length))
        .values("body")
        .annotate(first=Min("area"), last=Max("area"))
        .exclude(first=F("last"))
        .values("body")
    )
    return _with_body(c.members).filter(body__in=twins)


@check(
    "duplicate_id_across_counties",
    11,
    "同一证件号码在不同县（区）登记",
    "Same ID number in households of different counties",
    "member",
)
def _duplicate_id_across_counties(c: Context) -> QuerySet:
    return _duplicate_across(c, 6)


@check(
    "duplicate_id_across_cities",
    11,
    "同一证件号码在不同市登记",
    "Same ID number in households of different cities",
    "member",
)
def _duplicate_id_across_cities(c: Context) -> QuerySet:
    return _duplicate_across(c, 4)


# ---------------------------------------------------------------------------------------
# Running the checks.


def unknown_check(code: str) -> TuopinError:
    return TuopinError(
        "quality_check_unknown",
        f"没有代码为“{code}”的疑点数据检查；可用的检查：{', '.join(CHECKS)}",
        f"there is no data-quality check with code '{code}'; the checks: {', '.join(CHECKS)}",
    )


def get_check(code: str) -> Check:
    try:
        return CHECKS[code]
    except KeyError:
        raise unknown_check(code) from None


def context_for(
    user_or_none,
    *,
    region_prefix: str = "",
    year: int = DEFAULT_YEAR,
    as_of: date | None = None,
    params: dict | None = None,
) -> Context:
    """The households and current members in the user's scope (everything for None,
    e.g. the command line) below `region_prefix`."""
    params = {**POLICY_DEFAULTS, **(params or {})}
    if year not in params["poverty_line"]:
        known = ", ".join(str(y) for y in sorted(params["poverty_line"]))
        raise TuopinError(
            "poverty_line_unknown",
            f"没有{year}年的贫困线，可选年度：{known}",
            f"no poverty line for {year}; known years: {known}",
            field="year",
        )
    households = Household.objects.all()
    members = Member.objects.filter(CURRENT)
    if user_or_none is not None:
        households = households.filter(
            scope_q(user_or_none, "village__code", Permission.REGISTRY_VIEW)
        )
        members = members.filter(
            scope_q(user_or_none, "household__village__code", Permission.REGISTRY_VIEW)
        )
    if region_prefix:
        households = households.filter(village__code__startswith=region_prefix)
        members = members.filter(household__village__code__startswith=region_prefix)
    return Context(
        households=households,
        members=members,
        year=year,
        as_of=as_of or date(year, 12, 31),
        params=params,
    )


def quality_counts(
    user_or_none,
    *,
    region_prefix: str = "",
    year: int = DEFAULT_YEAR,
    as_of: date | None = None,
    params: dict | None = None,
) -> dict[str, int]:
    """Offending households (or members, per the check's unit) per check: one query each."""
    context = context_for(
        user_or_none, region_prefix=region_prefix, year=year, as_of=as_of, params=params
    )
    return {code: check.offenders(context).count() for code, check in CHECKS.items()}


def quality_list(
    code: str,
    *,
    user,
    region_prefix: str = "",
    year: int = DEFAULT_YEAR,
    as_of: date | None = None,
    params: dict | None = None,
) -> QuerySet:
    """The offending households of one check (for a member check, the households of the
    offending members), with the village and `head_name`, ordered by village and number."""
    check = get_check(code)
    context = context_for(user, region_prefix=region_prefix, year=year, as_of=as_of, params=params)
    return (
        Household.objects.filter(pk__in=check.household_ids(context))
        .select_related("village")
        .annotate(head_name=head_name_subquery())
        .order_by("village_id", "number", "id")
    )


@dataclass
class ScorecardRow:
    check: Check
    counts: list[int]  # aligned with Scorecard.columns
    total: int


@dataclass
class Scorecard:
    region: Region
    columns: list[Region]
    rows: list[ScorecardRow]
    year: int
    as_of: date


def quality_by_region(
    user,
    *,
    region_code: str,
    year: int = DEFAULT_YEAR,
    as_of: date | None = None,
    params: dict | None = None,
) -> Scorecard:
    """Checks × the region's children: one grouped query per check.

    The counts are grouped by the child's code prefix (SUBSTR of the village code), so
    the database does the grouping; a village has no children and is its own column.
    The caller has already checked that the region is in the user's scope.
    """
    region = Region.objects.get(code=region_code)
    length = CHILD_PREFIX_LENGTH.get(region.level)
    if length is None:
        columns, length = [region], 12
    else:
        columns = list(Region.objects.filter(parent=region).order_by("code"))
    context = context_for(user, region_prefix=region.prefix, year=year, as_of=as_of, params=params)
    rows = []
    for check in CHECKS.values():
        village = "village" if check.unit == "household" else "household__village"
        # values() masks the annotations the check used, so only the key is grouped on.
        grouped = dict(
            check.offenders(context)
            .annotate(region_key=Substr(village, 1, length))
            .values("region_key")
            .annotate(n=Count("pk"))
            .values_list("region_key", "n")
        )
        counts = [grouped.get(column.code[:length], 0) for column in columns]
        rows.append(ScorecardRow(check=check, counts=counts, total=sum(grouped.values())))
    return Scorecard(region=region, columns=columns, rows=rows, year=year, as_of=context.as_of)
