"""henan-2018 clause by clause at its edges (domain.md §4.1), through a stored run."""

import datetime
from decimal import Decimal

import pytest

from conftest import RENHE, first_village
from tuopin.policy.engine.python import LETTERS
from tuopin.policy.models import Engine, HouseholdResult, PolicyVersion
from tuopin.policy.runs import evaluation_run
from tuopin.registry.models import Household, Income, Measure, Member

GOOD_FACTS = {
    "food_secure": True,
    "clothing_secure": True,
    "owns_house": True,
    "housing_grade": "B",
    "water_safe": True,
    "water_difficult": False,
    "identified_year": 2016,
}
ADULT = {
    "birth_date": datetime.date(1970, 1, 1),
    "student_status": "01",
    "is_disabled": False,
    "is_seriously_ill": False,
    "has_basic_medical_insurance": True,
    "has_serious_illness_insurance": False,
}
AS_OF = datetime.date(2018, 12, 31)


def child(years: int, days: int = 0, **fields) -> dict:
    """A current member aged `years` at AS_OF, born `days` later than the exact birthday."""
    birth = AS_OF.replace(year=AS_OF.year - years) + datetime.timedelta(days=days)
    return {**ADULT, "birth_date": birth, **fields}


# Every income component known (a blank one is unknown, and so is the net income then).
KNOWN_ZERO = dict.fromkeys(
    ("wages", "business", "property_income", "transfers", "production_costs"), Decimal(0)
)


def household(number, facts=None, members=None, income=None, measures=((2017, True),)):
    created = Household.objects.create(
        village=first_village(RENHE), number=number, **{**GOOD_FACTS, **(facts or {})}
    )
    for index, member in enumerate(members if members is not None else [ADULT, ADULT]):
        Member.objects.create(household=created, **{"name": f"成员{index}", **member})
    if income is not False:
        Income.objects.create(
            household=created, year=2018, **{**KNOWN_ZERO, "wages": Decimal(income or "10000.00")}
        )
    for year, raises in measures:
        Measure.objects.create(household=created, category="01", year=year, raises_income=raises)
    return created


# (number, clause, expected, household arguments)
CASES = [
    ("I1", "income", "fail", {"income": "5990.00"}),  # 2,995.00 per head: not above the line
    ("I2", "income", "pass", {"income": "5990.02"}),  # 2,995.01
    ("I3", "income", "fail", {"income": "5989.98"}),
    ("I4", "income", "unknown", {"income": False}),
    ("I5", "income", "unknown", {"members": [{**ADULT, "status": "2"}]}),  # nobody current
    # A deceased member does not count: 5,990.02 over one current member passes.
    ("I6", "income", "pass", {"income": "2995.01", "members": [ADULT, {**ADULT, "status": "2"}]}),
    ("F1", "food_clothing", "fail", {"facts": {"clothing_secure": False}}),
    ("F2", "food_clothing", "unknown", {"facts": {"food_secure": None}}),
    ("F3", "food_clothing", "fail", {"facts": {"food_secure": None, "clothing_secure": False}}),
    ("E1", "education", "fail", {"members": [ADULT, child(6)]}),  # sixth birthday today
    ("E2", "education", "pass", {"members": [ADULT, child(6, days=1)]}),  # still 5
    ("E3", "education", "fail", {"members": [ADULT, child(15, days=-364)]}),
    ("E4", "education", "pass", {"members": [ADULT, child(16)]}),  # 16 today
    ("E5", "education", "pass", {"members": [ADULT, child(10, is_disabled=True)]}),
    ("E6", "education", "pass", {"members": [ADULT, child(10, is_seriously_ill=True)]}),
    ("E7", "education", "pass", {"members": [ADULT, child(10, student_status="03")]}),
    ("E8", "education", "unknown", {"members": [ADULT, child(10, student_status="")]}),
    ("E9", "education", "pass", {"members": [ADULT, child(10, status="3")]}),  # moved out
    (
        "M1",
        "medical",
        "fail",
        {"members": [ADULT, {**ADULT, "has_basic_medical_insurance": False}]},
    ),
    ("M2", "medical", "unknown", {"members": [{**ADULT, "has_basic_medical_insurance": None}]}),
    ("M3", "medical", "fail", {"members": [{**ADULT, "is_seriously_ill": True}]}),
    (
        "M4",
        "medical",
        "pass",
        {"members": [{**ADULT, "is_seriously_ill": True, "has_serious_illness_insurance": True}]},
    ),
    ("H1", "housing", "fail", {"facts": {"housing_grade": "C"}}),
    ("H2", "housing", "fail", {"facts": {"housing_grade": "D"}}),
    ("H3", "housing", "pass", {"facts": {"housing_grade": "A"}}),
    ("H4", "housing", "unknown", {"facts": {"housing_grade": ""}}),
    (
        "H5",
        "housing",
        "pass",
        {"facts": {"owns_house": False, "is_relocated": True, "relocation_moved_in": True}},
    ),
    (
        "H6",
        "housing",
        "fail",
        {"facts": {"owns_house": False, "is_relocated": True, "relocation_moved_in": False}},
    ),
    ("W1", "water", "fail", {"facts": {"water_difficult": True}}),
    ("W2", "water", "fail", {"facts": {"water_safe": False}}),
    ("W3", "water", "unknown", {"facts": {"water_difficult": None}}),
    ("N1", "not_new_this_year", "fail", {"facts": {"identified_year": 2018}}),
    ("N2", "not_new_this_year", "fail", {"facts": {"returned_year": 2018}}),
    ("N3", "not_new_this_year", "pass", {"facts": {"returned_year": 2017}}),
    ("N4", "not_new_this_year", "unknown", {"facts": {"identified_year": None}}),
    ("A1", "has_measure", "fail", {"measures": ()}),
    ("A2", "has_measure", "fail", {"measures": ((2019, True),)}),  # after the evaluation year
    ("A3", "has_measure", "pass", {"measures": ((2018, False),)}),
]


@pytest.fixture
def henan():
    return PolicyVersion.objects.get(code="henan-2018", version=1)


@pytest.mark.django_db
@pytest.mark.parametrize("engine", [Engine.DB, Engine.DUCKDB])
def test_each_clause_at_its_edges(henan, engine):
    ids = {number: household(number, **arguments).pk for number, _c, _e, arguments in CASES}
    run = evaluation_run(
        acting_user=None, policy=henan, year=2018, region_code=RENHE, engine=engine
    )
    results = {row.household_id: row for row in HouseholdResult.objects.filter(run=run)}
    codes = run.clause_codes
    failures = []
    for number, clause, expected, _arguments in CASES:
        letters = results[ids[number]].clauses
        actual = LETTERS[letters[codes.index(clause)]]
        if actual != expected:
            failures.append((number, clause, expected, actual))
    assert failures == []
    # The household result combines the clauses: fail beats unknown beats pass.
    assert results[ids["I4"]].result == "unknown"
    assert results[ids["F3"]].result == "fail"
    assert results[ids["I2"]].result == "pass"
    assert run.counts["total"] == len(CASES)
