"""Data-quality checks (domain.md §6): every check finds exactly its planted defect.

Each case starts from a household that passes every check, plants one defect and
asserts the counts of *all* checks: the planted one (and, where a defect implies
another, the named companion) and nothing else, while a clean household beside it
stays uncounted.
"""

import json
import random
from collections import Counter
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from conftest import CITY, MINQUAN, RENHE, SUIXIAN, first_village, other_county_village
from tuopin.accounts.roles import Role
from tuopin.core.errors import TuopinError
from tuopin.regions.enums import RegionKind, RegionLevel
from tuopin.regions.models import Region
from tuopin.registry.enums import (
    Education,
    Ethnicity,
    Fuel,
    HouseholdAttribute,
    HousingGrade,
    Labour,
    MemberStatus,
    PovertyCause,
    PovertyStatus,
    RoadType,
    Sex,
    StudentStatus,
    WorkStatus,
)
from tuopin.registry.enums import Relation as R
from tuopin.registry.idnumbers import agreement_problems, check_id_number, make_id_number
from tuopin.registry.models import Helper, Household, HouseholdCause, Income, Member
from tuopin.registry.quality import (
    CHECKS,
    ITEMS,
    POLICY_DEFAULTS,
    context_for,
    quality_by_region,
    quality_counts,
    quality_list,
    years_before,
)
from tuopin.registry.services import helper_assign, household_register, income_record
from tuopin.registry.tests.factories import member

YEAR = 2018
HAN = Ethnicity.choices[0][0]


@pytest.fixture
def suixian_office(make_user):
    return make_user(Role.COUNTY_OFFICE, SUIXIAN)


def adult(**fields) -> dict:
    base = {
        "ethnicity": HAN,
        "education": Education.JUNIOR,
        "student_status": StudentStatus.NOT_STUDENT,
        "is_chronically_ill": False,
        "is_seriously_ill": False,
        "is_disabled": False,
        "labour": Labour.ORDINARY,
        "has_basic_medical_insurance": True,
        "has_serious_illness_insurance": True,
        "receives_dibao": False,
    }
    return {**base, **fields}


def clean_members(county: str) -> list[dict]:
    """户主 50, 配偶 48, a son of 10 at primary school, a daughter of 23 working away."""
    return [
        member(R.HEAD, Sex.MALE, date(1968, 5, 1), county, "王建国", **adult()),
        member(R.SPOUSE, Sex.FEMALE, date(1970, 8, 9), county, "李秀英", **adult()),
        member(
            R.SON,
            Sex.MALE,
            date(2008, 1, 20),
            county,
            "王小明",
            **adult(
                education=Education.PRIMARY,
                student_status=StudentStatus.PRIMARY,
                labour=Labour.NONE,
            ),
        ),
        member(
            R.DAUGHTER,
            Sex.FEMALE,
            date(1995, 11, 2),
            county,
            "王小红",
            **adult(
                education=Education.SENIOR,
                labour=Labour.SKILLED,
                work_status=WorkStatus.OUT_OF_PROVINCE,
                work_months=10,
            ),
        ),
    ]


CLEAN_ATTRIBUTES = {
    "identification_standard": "1",
    "attribute": HouseholdAttribute.GENERAL,
    "main_cause": PovertyCause.LACK_FUNDS,
    "status": PovertyStatus.EXITED_WITH_POLICY,
    "identified_year": 2015,
    "exit_year": 2017,
    "farmland_mu": Decimal("6.5"),
    "forest_mu": Decimal("1"),
    "has_production_power": True,
    "has_household_power": True,
    "has_radio_tv": True,
    "road_distance_km": Decimal("0.5"),
    "road_type": RoadType.CEMENT,
    "housing_area_m2": Decimal("96"),
    "housing_grade": HousingGrade.A,
    "owns_house": True,
    "water_safe": True,
    "water_difficult": False,
    "main_fuel": Fuel.CLEAN,
    "has_sanitary_toilet": True,
    "food_secure": True,
    "clothing_secure": True,
}
# Per-capita net income (20000 + 5000 + 500 - 1000) / 4 = 6125 yuan.
CLEAN_INCOME = {
    "wages": Decimal("20000"),
    "business": Decimal("5000"),
    "property_income": Decimal("0"),
    "transfers": Decimal("500"),
    "production_costs": Decimal("1000"),
}


def clean_household(user, village: Region, number: str) -> Household:
    """A household that passes every check, registered through the services."""
    county = village.code[:6]
    household = household_register(
        acting_user=user,
        village_code=village.code,
        number=number,
        attributes=dict(CLEAN_ATTRIBUTES),
        members=clean_members(county),
        other_causes=[PovertyCause.LACK_SKILLS],
    )
    income_record(acting_user=user, household=household, year=YEAR, amounts=dict(CLEAN_INCOME))
    helper_assign(
        acting_user=user,
        household=household,
        name=f"帮扶人{village.code}{number}",
        work_unit="县扶贫办",
        phone="13800000000",
        id_number=make_id_number("411421", date(1980, 1, 1), int(number) % 500, "1"),
    )
    return household


# --- defects ----------------------------------------------------------------------------


def set_household(h, **fields):
    Household.objects.filter(pk=h.pk).update(**fields)


def set_member(h, who, **fields):
    assert Member.objects.filter(household=h, relation=who).update(**fields) == 1


def set_income(h, **fields):
    Income.objects.filter(household=h, year=YEAR).update(**fields)


def head(h) -> Member:
    return h.members.get(relation=R.HEAD)


def fifteen_digit(id18: str) -> str:
    return id18[:6] + id18[8:17]


def wrong_check_digit(id18: str) -> str:
    return id18[:17] + ("0" if id18[17] != "0" else "1")


class Env:
    """What a defect may need besides its household: more households, other counties."""

    def __init__(self, office, suixian_office, village):
        self.office = office
        self.suixian_office = suixian_office
        self.village = village
        self.numbers = iter(range(5000, 6000))

    def another(self, village=None, user=None) -> Household:
        number = f"{next(self.numbers):04d}"
        return clean_household(user or self.office, village or self.village, number)


def _duplicate_in_county(h, env):
    twin = env.another()
    Member.objects.filter(pk=head(twin).pk).update(id_number=fifteen_digit(head(h).id_number))


def _duplicate_across_counties(h, env):
    twin = env.another(other_county_village(SUIXIAN), env.suixian_office)
    Member.objects.filter(pk=head(twin).pk).update(id_number=fifteen_digit(head(h).id_number))


def _duplicate_across_cities(h, env):
    # A division of another city (郑州市), loaded here only for the test.
    for code, name, level, parent in [
        ("410100000000", "郑州市", RegionLevel.CITY, None),
        ("410102000000", "中原区", RegionLevel.COUNTY, "410100000000"),
        ("410102001000", "林山寨街道", RegionLevel.TOWNSHIP, "410102000000"),
        ("410102001001", "测试社区", RegionLevel.VILLAGE, "410102001000"),
    ]:
        Region.objects.create(
            code=code,
            name=name,
            level=level,
            parent_id=parent,
            kind=RegionKind.COMMUNITY if level == RegionLevel.VILLAGE else "",
        )
    twin = Household.objects.create(village_id="410102001001", number="0001")
    Member.objects.create(
        household=twin,
        name="王建国",
        relation=R.HEAD,
        sex=Sex.MALE,
        birth_date=date(1968, 5, 1),
        # The same person carrying a disability certificate built on the same number.
        id_number=head(h).id_number + "41",
    )


def _helper_is_poor(h, env):
    Helper.objects.filter(households=h).update(id_number=h.members.get(relation=R.SPOUSE).id_number)


def _female_id(h, env):
    person = head(h)
    Member.objects.filter(pk=person.pk).update(
        id_number=make_id_number("411421", person.birth_date, 499, Sex.FEMALE)
    )


def _male_spouse(h, env):
    spouse = h.members.get(relation=R.SPOUSE)
    Member.objects.filter(pk=spouse.pk).update(
        sex=Sex.MALE, id_number=make_id_number("411421", spouse.birth_date, 498, Sex.MALE)
    )


# code -> (plant the defect, expected counts of every check that must fire)
CASES = {
    "exited_income_below_line": (
        lambda h, e: set_income(h, wages=5000, business=0, production_costs=0),
        {},
    ),
    "exited_school_age_out_of_school": (
        lambda h, e: set_member(h, R.SON, student_status=StudentStatus.NOT_STUDENT),
        {},
    ),
    "exited_dangerous_house": (lambda h, e: set_household(h, housing_grade=HousingGrade.D), {}),
    "exited_water_unresolved": (lambda h, e: set_household(h, water_difficult=True), {}),
    "exited_illness_without_serious_insurance": (
        lambda h, e: (
            set_household(h, main_cause=PovertyCause.ILLNESS),
            set_member(h, R.HEAD, is_seriously_ill=True, has_serious_illness_insurance=None),
        ),
        {},
    ),
    "exited_housing_area_empty": (
        lambda h, e: set_household(h, housing_area_m2=None),
        {"empty_housing_area": 1},
    ),
    "id_length": (lambda h, e: set_member(h, R.HEAD, id_number="4114211968"), {}),
    "id_15_digit": (
        lambda h, e: set_member(h, R.HEAD, id_number=fifteen_digit(head(h).id_number)),
        {},
    ),
    "id_characters": (
        lambda h, e: set_member(h, R.HEAD, id_number="41142A" + head(h).id_number[6:]),
        {},
    ),
    "id_check_digit": (
        lambda h, e: set_member(h, R.HEAD, id_number=wrong_check_digit(head(h).id_number)),
        {},
    ),
    "id_birth_mismatch": (lambda h, e: set_member(h, R.HEAD, birth_date=date(1968, 5, 2)), {}),
    "id_sex_mismatch": (_female_id, {}),
    "empty_ethnicity": (lambda h, e: set_member(h, R.HEAD, ethnicity=""), {}),
    "empty_education": (lambda h, e: set_member(h, R.HEAD, education=""), {}),
    "empty_student_status": (lambda h, e: set_member(h, R.DAUGHTER, student_status=""), {}),
    "empty_health": (
        lambda h, e: set_member(
            h, R.HEAD, is_chronically_ill=None, is_seriously_ill=None, is_disabled=None
        ),
        {},
    ),
    "empty_labour": (lambda h, e: set_member(h, R.HEAD, labour=""), {}),
    "household_without_head": (lambda h, e: set_member(h, R.HEAD, relation=R.OTHER), {}),
    "disabled_without_certificate": (lambda h, e: set_member(h, R.HEAD, is_disabled=True), {}),
    "empty_main_cause": (lambda h, e: set_household(h, main_cause=""), {}),
    "empty_electricity": (lambda h, e: set_household(h, has_household_power=None), {}),
    "empty_road_distance": (lambda h, e: set_household(h, road_distance_km=None), {}),
    "empty_road_type": (lambda h, e: set_household(h, road_type=""), {}),
    "empty_housing_area": (
        lambda h, e: set_household(h, housing_area_m2=None, status=PovertyStatus.NOT_EXITED),
        {},
    ),
    "empty_water": (lambda h, e: set_household(h, water_safe=None), {}),
    "empty_fuel": (lambda h, e: set_household(h, main_fuel=""), {}),
    "empty_toilet": (lambda h, e: set_household(h, has_sanitary_toilet=None), {}),
    "cause_illness_all_healthy": (
        lambda h, e: set_household(h, main_cause=PovertyCause.ILLNESS),
        {},
    ),
    "cause_schooling_no_student": (
        lambda h, e: (
            set_household(h, main_cause=PovertyCause.SCHOOLING, status=PovertyStatus.NOT_EXITED),
            set_member(h, R.SON, student_status=StudentStatus.NOT_STUDENT),
        ),
        {},
    ),
    "cause_disability_no_disabled": (
        lambda h, e: set_household(h, main_cause=PovertyCause.DISABILITY),
        {},
    ),
    "other_cause_repeats_main": (
        lambda h, e: HouseholdCause.objects.create(household=h, cause=PovertyCause.LACK_FUNDS),
        {},
    ),
    "dibao_household_without_dibao_member": (
        lambda h, e: (
            set_household(h, attribute=HouseholdAttribute.DIBAO),
            set_income(h, dibao_payment=1200, transfers=1700),
        ),
        {},
    ),
    "dibao_member_in_non_dibao_household": (
        lambda h, e: set_member(h, R.HEAD, receives_dibao=True),
        {},
    ),
    "tekun_with_labour_age_member": (
        lambda h, e: (
            set_household(h, attribute=HouseholdAttribute.TEKUN),
            set_income(h, tekun_payment=3000, transfers=3500),
        ),
        {},
    ),
    "both_dibao_and_tekun_money": (
        lambda h, e: set_income(h, dibao_payment=100, tekun_payment=100),
        {},
    ),
    "dibao_tekun_amount_zero": (
        lambda h, e: (
            set_household(h, attribute=HouseholdAttribute.DIBAO),
            set_member(h, R.HEAD, receives_dibao=True),
            set_income(h, dibao_payment=0),
        ),
        {},
    ),
    "work_months_out_of_range": (lambda h, e: set_member(h, R.DAUGHTER, work_months=13), {}),
    "healthy_working_age_without_labour": (
        lambda h, e: set_member(h, R.HEAD, labour=Labour.LOST),
        {},
    ),
    "business_income_without_costs": (lambda h, e: set_income(h, production_costs=0), {}),
    "per_capita_income_out_of_range": (lambda h, e: set_income(h, wages=500_000), {}),
    "workplace_without_months": (lambda h, e: set_member(h, R.DAUGHTER, work_months=None), {}),
    "months_without_workplace": (lambda h, e: set_member(h, R.HEAD, work_months=3), {}),
    "no_labour_working_away": (
        lambda h, e: set_member(h, R.DAUGHTER, labour=Labour.NONE, is_chronically_ill=True),
        {},
    ),
    "wages_without_workers": (
        lambda h, e: set_member(h, R.DAUGHTER, work_status="", work_months=None),
        {},
    ),
    "household_without_helper": (lambda h, e: set_household(h, helper=None), {}),
    "helper_is_registered_poor": (_helper_is_poor, {}),
    "relation_sex_mismatch": (lambda h, e: set_member(h, R.DAUGHTER, relation=R.SON), {}),
    "head_spouse_same_sex": (_male_spouse, {}),
    "farmland_over_50_mu_per_person": (
        lambda h, e: set_household(h, farmland_mu=Decimal("200.01")),
        {},
    ),
    "forest_over_70_mu_per_person": (
        lambda h, e: set_household(h, forest_mu=Decimal("280.5")),
        {},
    ),
    "road_distance_over_50_km": (
        lambda h, e: set_household(h, road_distance_km=Decimal("50.5")),
        {},
    ),
    "young_in_senior_school": (
        lambda h, e: set_member(h, R.SON, student_status=StudentStatus.SENIOR_1),
        {},
    ),
    "old_in_primary_school": (
        lambda h, e: set_member(h, R.DAUGHTER, student_status=StudentStatus.PRIMARY),
        {},
    ),
    # Both members of a pair are counted; the 15-digit form is itself a finding.
    "duplicate_id_in_county": (
        _duplicate_in_county,
        {"duplicate_id_in_county": 2, "id_15_digit": 1},
    ),
    "duplicate_id_across_counties": (_duplicate_across_counties, {}),
    "duplicate_id_across_cities": (_duplicate_across_cities, {"duplicate_id_across_counties": 1}),
}
# A database constraint refuses the defect of these checks (none any more: more than
# 12 months worked is stored as given and found by its check).
ENFORCED: set[str] = set()


def test_every_check_of_the_catalogue_has_a_case_labels_and_an_item():
    assert set(CASES) | ENFORCED == set(CHECKS)
    assert {check.item for check in CHECKS.values()} == set(ITEMS) == set(range(1, 12))
    for check in CHECKS.values():
        assert check.label_zh and check.label_en and check.unit in ("household", "member")
    assert {c for c in CHECKS if CHECKS[c].enforced_by_database} == ENFORCED


def test_a_clean_household_passes_every_check(office, village):
    clean_household(office, village, "0001")
    assert not {code: n for code, n in quality_counts(office).items() if n}


def test_each_check_counts_exactly_its_defect(office, suixian_office, village):
    """Every case in its own household of one registry: each check counts exactly the
    households (or members) planted for it, and no case sets off a check it does not name."""
    env = Env(office, suixian_office, village)
    clean = clean_household(office, village, "0999")
    planted = {}
    for index, code in enumerate(sorted(CASES), start=1):
        planted[code] = clean_household(office, village, f"{index:04d}")
        CASES[code][0](planted[code], env)
    expected = Counter()
    for code, (_plant, companions) in CASES.items():
        expected.update({code: 1, **companions})
    counts = quality_counts(office)
    listed = {
        code: set(quality_list(code, user=office).values_list("pk", flat=True)) for code in CHECKS
    }
    wrong = []
    for code in CHECKS:
        if counts[code] != expected[code]:
            culprits = [
                case
                for case, household in planted.items()
                if household.pk in listed[code] and code != case and code not in CASES[case][1]
            ]
            wrong.append(f"{code}: {counts[code]} != {expected[code]}, set off by {culprits}")
    assert not wrong
    for code, household in planted.items():
        assert household.pk in listed[code], code
    assert not [code for code, pks in listed.items() if clean.pk in pks]


def test_more_than_12_months_is_stored_and_found_a_negative_number_is_refused(office, village):
    household = clean_household(office, village, "0001")
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.filter(household=household, relation=R.HEAD).update(work_months=-1)
    assert quality_counts(office)["work_months_out_of_range"] == 0
    set_member(household, R.DAUGHTER, work_months=13)
    assert quality_counts(office)["work_months_out_of_range"] == 1


def test_an_unknown_dibao_or_tekun_amount_is_not_zero(office, village):
    """The layout carries no 低保金/特困供养金: unknown (NULL, or no income row for the
    year) is not counted as zero; only a known 0 is."""
    dibao = clean_household(office, village, "0001")
    set_household(dibao, attribute=HouseholdAttribute.DIBAO)
    set_member(dibao, R.HEAD, receives_dibao=True)
    tekun = clean_household(office, village, "0002")
    set_household(tekun, attribute=HouseholdAttribute.TEKUN)
    Income.objects.filter(household=tekun).delete()
    assert quality_counts(office)["dibao_tekun_amount_zero"] == 0
    set_income(dibao, dibao_payment=0)
    assert quality_counts(office)["dibao_tekun_amount_zero"] == 1
    set_income(dibao, dibao_payment=1200)
    assert quality_counts(office)["dibao_tekun_amount_zero"] == 0


# --- boundaries --------------------------------------------------------------------------


def test_income_at_the_line_fails_and_one_yuan_more_passes(office, village):
    household = clean_household(office, village, "0001")
    # (11980 + 0 + 0 + 0 - 0) / 4 = 2995.0: not strictly above the 2018 line.
    set_income(household, wages=11980, business=0, transfers=0, production_costs=0)
    assert quality_counts(office)["exited_income_below_line"] == 1
    set_income(household, wages=11984)
    assert quality_counts(office)["exited_income_below_line"] == 0
    # Another year's line: 2014 (2800), with an income recorded for 2014.
    Income.objects.create(
        household=household,
        year=2014,
        **{**CLEAN_INCOME, "wages": 11000, "business": 0, "transfers": 0, "production_costs": 0},
    )
    assert quality_counts(office, year=2014)["exited_income_below_line"] == 1
    with pytest.raises(TuopinError) as unknown:
        quality_counts(office, year=2031)
    assert unknown.value.code == "poverty_line_unknown"


def test_per_capita_income_at_most_zero_is_out_of_range(office, village):
    household = clean_household(office, village, "0001")
    set_income(household, wages=0, business=-30000)
    counts = quality_counts(office)
    assert counts["per_capita_income_out_of_range"] == 1
    assert counts["exited_income_below_line"] == 1


def test_ages_are_full_years_at_the_as_of_date(office, village):
    household = clean_household(office, village, "0001")
    son = household.members.get(relation=R.SON)
    # Turns 16 on 31 Dec 2018: 15 the day before, so still of compulsory-school age.
    Member.objects.filter(pk=son.pk).update(
        birth_date=date(2002, 12, 31),
        id_number=make_id_number("411421", date(2002, 12, 31), 321, Sex.MALE),
        student_status=StudentStatus.NOT_STUDENT,
    )
    counts = quality_counts(office)  # as of 31 Dec 2018: aged 16
    assert counts["exited_school_age_out_of_school"] == 0
    counts = quality_counts(office, as_of=date(2018, 12, 30))  # aged 15
    assert counts["exited_school_age_out_of_school"] == 1
    # A seriously ill or disabled child is listed for review elsewhere, not here.
    Member.objects.filter(pk=son.pk).update(is_disabled=True, disability_certificate="X")
    assert quality_counts(office, as_of=date(2018, 12, 30))["exited_school_age_out_of_school"] == 0


def test_years_before_handles_29_february():
    assert years_before(date(2020, 2, 29), 1) == date(2019, 2, 28)
    assert years_before(date(2018, 12, 31), 16) == date(2002, 12, 31)


def test_area_per_person_uses_current_members(office, village):
    household = clean_household(office, village, "0001")
    set_household(household, farmland_mu=Decimal("200"))  # 50 亩 per person: allowed
    assert quality_counts(office)["farmland_over_50_mu_per_person"] == 0
    set_member(household, R.DAUGHTER, status=MemberStatus.MARRIED_OUT)  # 66.7 per person
    assert quality_counts(office)["farmland_over_50_mu_per_person"] == 1


def test_policy_parameters_can_be_overridden(office, village):
    household = clean_household(office, village, "0001")
    set_household(household, road_distance_km=Decimal("20"))
    assert quality_counts(office)["road_distance_over_50_km"] == 0
    tighter = {**POLICY_DEFAULTS, "road_distance_km": 10}
    assert quality_counts(office, params=tighter)["road_distance_over_50_km"] == 1


# --- ID numbers: the SQL agrees with the Python reference --------------------------------


def _sample_numbers(rng: random.Random) -> list[tuple[str, date, str]]:
    """(number, recorded birth date, recorded sex): valid, mistyped and malformed."""
    samples = []
    for index in range(160):
        birth = date(1930, 1, 1).replace(year=rng.randint(1930, 2015), month=rng.randint(1, 12))
        birth = birth.replace(day=rng.randint(1, 28))
        sex = rng.choice([Sex.MALE, Sex.FEMALE])
        number = make_id_number(rng.choice(["411421", "412323", "411422"]), birth, index, sex)
        recorded_birth, recorded_sex = birth, sex
        kind = index % 8
        if kind == 1:
            number = number[:17] + rng.choice([c for c in "0123456789X" if c != number[17]])
        elif kind == 2:
            number = fifteen_digit(number) if birth.year < 2000 else number
        elif kind == 3:
            number += rng.choice(["41", "72", "83", "13B1", "41B", "0X"])
        elif kind == 4:
            position = rng.randint(0, 16)
            number = number[:position] + rng.choice("AX*") + number[position + 1 :]
        elif kind == 5:
            recorded_birth = birth.replace(day=birth.day % 28 + 1)
        elif kind == 6:
            recorded_sex = Sex.FEMALE if sex == Sex.MALE else Sex.MALE
        elif kind == 7:
            # An impossible month in the number, the check digit recomputed.
            body = number[:10] + "13" + number[12:17]
            number = make_id_number_body(body)
        samples.append((number, recorded_birth, recorded_sex))
    return samples


def make_id_number_body(body17: str) -> str:
    from tuopin.registry.idnumbers import check_digit

    return body17 + check_digit(body17)


def test_sql_id_checks_agree_with_check_id_number(office, village):
    household = clean_household(office, village, "0001")
    samples = {}
    for number, birth, sex in _sample_numbers(random.Random(2018)):
        samples.setdefault(number, (birth, sex))
    Member.objects.bulk_create(
        Member(household=household, name="样本", relation=R.OTHER, id_number=n, birth_date=b, sex=s)
        for n, (b, s) in samples.items()
    )
    expected = {code: set() for code in ("id_characters", "id_check_digit", "id_birth_mismatch")}
    expected["id_sex_mismatch"] = set()
    on = date(2018, 12, 31)
    for number, (birth, sex) in samples.items():
        result = check_id_number(number, on=on)
        codes = {p.code for p in result.errors}
        if codes & {"id_characters", "id_disability_format"}:
            expected["id_characters"].add(number)
        if "id_check_digit" in codes:
            expected["id_check_digit"].add(number)
        if result.valid:
            found = {p.code for p in agreement_problems(result, birth_date=birth, sex=sex)}
            if "id_birth_date_mismatch" in found:
                expected["id_birth_mismatch"].add(number)
            if "id_sex_mismatch" in found:
                expected["id_sex_mismatch"].add(number)
        elif codes == {"id_birth_date"} or codes == {"id_birth_date", "id_check_digit"}:
            # An impossible date in the number differs from the recorded (real) one.
            expected["id_birth_mismatch"].add(number)
    context = context_for(office)
    for code, numbers in expected.items():
        got = set(
            CHECKS[code]
            .offenders(context)
            .filter(household=household)
            .values_list("id_number", flat=True)
        )
        assert got == numbers, code
        assert numbers, f"the sample exercises {code}"


# --- scope, regions, listing ---------------------------------------------------------------


def test_a_county_user_counts_only_its_county(office, suixian_office, village):
    mine = clean_household(office, village, "0001")
    theirs = clean_household(suixian_office, other_county_village(SUIXIAN), "0001")
    set_household(mine, road_type="")
    set_household(theirs, road_type="", main_fuel="")
    assert quality_counts(office)["empty_road_type"] == 1
    assert quality_counts(office)["empty_fuel"] == 0
    assert quality_counts(suixian_office)["empty_fuel"] == 1
    assert quality_counts(None)["empty_road_type"] == 2
    assert quality_counts(None, region_prefix="411422")["empty_road_type"] == 1
    # Asking for another county's prefix adds nothing to what the scope allows.
    assert quality_counts(office, region_prefix="411422")["empty_road_type"] == 0
    assert list(quality_list("empty_road_type", user=office)) == [mine]
    listed = quality_list("empty_fuel", user=None).get()
    assert listed.head_name == "王建国" and listed.village.code.startswith("411422")


def test_a_user_outside_any_scope_counts_nothing(office, village, make_user):
    household = clean_household(office, village, "0001")
    set_household(household, road_type="")
    stranger = make_user(Role.VILLAGE, other_county_village(SUIXIAN).code)
    assert sum(quality_counts(stranger).values()) == 0


def test_by_region_groups_by_the_childrens_prefix(office, suixian_office, village):
    second_township = (
        Region.objects.filter(parent_id=MINQUAN, level=RegionLevel.TOWNSHIP)
        .exclude(code=RENHE)
        .order_by("code")
        .first()
    )
    for number, where, user in [
        ("0001", village, office),
        ("0002", village, office),
        ("0003", first_village(second_township.code), office),
        ("0004", other_county_village(SUIXIAN), suixian_office),
    ]:
        household = clean_household(user, where, number)
        set_household(household, main_fuel="")
        set_member(household, R.HEAD, ethnicity="")
        if number == "0002":  # checks whose queries carry annotations and subqueries
            set_member(household, R.HEAD, id_number=wrong_check_digit(head(household).id_number))
            set_household(household, farmland_mu=Decimal("500"))
            set_income(household, wages=100)
    city = quality_by_region(None, region_code=CITY, year=YEAR)
    counts = quality_counts(None)
    assert {row.check.code: row.total for row in city.rows} == counts
    assert counts["id_check_digit"] == counts["farmland_over_50_mu_per_person"] == 1
    assert counts["exited_income_below_line"] == 1
    assert [c.code for c in city.columns][:2] == ["411402000000", "411403000000"]
    row = next(r for r in city.rows if r.check.code == "empty_fuel")
    by_code = dict(zip([c.code for c in city.columns], row.counts, strict=True))
    assert by_code[MINQUAN] == 3 and by_code[SUIXIAN] == 1 and row.total == 4
    member_row = next(r for r in city.rows if r.check.code == "empty_ethnicity")
    assert member_row.total == 4
    county = quality_by_region(office, region_code=MINQUAN, year=YEAR)
    row = next(r for r in county.rows if r.check.code == "empty_fuel")
    by_code = dict(zip([c.code for c in county.columns], row.counts, strict=True))
    assert by_code[RENHE] == 2 and by_code[second_township.code] == 1 and row.total == 3
    township = quality_by_region(office, region_code=RENHE, year=YEAR)
    row = next(r for r in township.rows if r.check.code == "empty_fuel")
    assert dict(zip([c.code for c in township.columns], row.counts, strict=True))[village.code] == 2
    single = quality_by_region(office, region_code=village.code, year=YEAR)
    assert single.columns == [village]
    assert next(r for r in single.rows if r.check.code == "empty_fuel").counts == [2]
    # The city seen by a county user: only its own county has counts.
    scoped = quality_by_region(office, region_code=CITY, year=YEAR)
    row = next(r for r in scoped.rows if r.check.code == "empty_fuel")
    assert row.total == 3


# --- the command -----------------------------------------------------------------------------


def run(*args) -> str:
    out = StringIO()
    call_command("quality", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_counts_as_json_and_lists_households(office, suixian_office, village):
    mine = clean_household(office, village, "0001")
    theirs = clean_household(suixian_office, other_county_village(SUIXIAN), "0001")
    set_household(mine, road_type="")
    set_household(theirs, road_type="")
    report = json.loads(run("--json"))
    assert report["region"] is None and report["year"] == 2018
    assert set(report["checks"]) == set(CHECKS) and report["checks"]["empty_road_type"] == 2
    report = json.loads(run("--region", "411421", "--json", "--year", "2017"))
    assert report == {
        "region": MINQUAN,
        "year": 2017,
        "checks": {**dict.fromkeys(CHECKS, 0), "empty_road_type": 1},
    }
    assert json.loads(run("--region", RENHE, "--json"))["checks"]["empty_road_type"] == 1
    table = run("--region", "411421")
    assert "empty_road_type" in table and "入户路类型为空" in table and "民权县" in table
    listing = run("--list", "empty_road_type", "--region", "411421")
    assert f"{village.code}\t0001\t王建国" in listing and "共 1 户" in listing
    listed = json.loads(run("--list", "empty_road_type", "--json"))
    assert listed["check"] == "empty_road_type"
    assert sorted(h["village"][:6] for h in listed["households"]) == ["411421", "411422"]
    from tuopin.audit.models import AccessKind, AccessLog

    logged = AccessLog.objects.filter(kind=AccessKind.EXPORT, object_type="quality")
    assert logged.count() == 2 and logged.filter(region_code=MINQUAN).exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--region", "4114219"], "区划代码"),
        (["--region", "999999"], "unknown region code"),
        (["--year", "2031"], "贫困线"),
        (["--list", "no_such_check"], "empty_road_type"),  # the valid checks are named
        (["--as-of", "2018-13-01"], "YYYY-MM-DD"),
    ],
)
def test_the_command_refuses_bad_input(args, message, shangqiu):
    with pytest.raises(CommandError) as refused:
        run(*args)
    assert message in str(refused.value)


def test_docs_list_every_check_with_its_item():
    """docs/quality.md: one table row per check, naming its §6 item."""
    from pathlib import Path

    text = (Path(__file__).parents[3] / "docs" / "quality.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip(" `"): line for line in text.splitlines() if "| `" in line}
    assert set(rows) == set(CHECKS)
    for code, check in CHECKS.items():
        assert f"| {check.item} {ITEMS[check.item][0]} |" in rows[code], code
