"""Hypothesis strategies: small random registries near every edge, and random rules."""

import datetime
from decimal import Decimal

from hypothesis import strategies as st

from tuopin.policy.rules.facts import BOOL, HOUSEHOLD_FACTS, MEMBER_FACTS, NUMBER, TEXT
from tuopin.registry.enums import MemberStatus, StudentStatus

LINE = 2995
tri = st.sampled_from([None, True, False])


@st.composite
def as_of_dates(draw):
    return draw(st.dates(datetime.date(2018, 1, 1), datetime.date(2018, 12, 31)))


@st.composite
def birth_dates(draw, as_of: datetime.date):
    """Births on and around the 6th and 16th birthdays at the as-of date, and elsewhere."""
    years = draw(st.sampled_from([0, 5, 6, 7, 15, 16, 17, 40, 70]))
    offset = draw(st.sampled_from([-1, 0, 1, 200]))
    try:
        anchor = as_of.replace(year=as_of.year - years)
    except ValueError:  # 29 February
        anchor = as_of.replace(year=as_of.year - years, day=28)
    return draw(st.sampled_from([None, anchor + datetime.timedelta(days=offset)]))


@st.composite
def members(draw, as_of):
    return {
        "status": draw(st.sampled_from([MemberStatus.NORMAL] * 4 + [MemberStatus.DECEASED])),
        "birth_date": draw(birth_dates(as_of)),
        "student_status": draw(
            st.sampled_from(["", StudentStatus.NOT_STUDENT, StudentStatus.PRIMARY, "16"])
        ),
        "is_disabled": draw(tri),
        "is_seriously_ill": draw(tri),
        "is_chronically_ill": draw(tri),
        "has_basic_medical_insurance": draw(tri),
        "has_serious_illness_insurance": draw(tri),
        "sex": draw(st.sampled_from(["", "1", "2"])),
        "work_months": draw(st.one_of(st.none(), st.integers(0, 12))),
    }


@st.composite
def incomes(draw, size_hint: int):
    """Net incomes exactly at, a cent under and a cent over the line per head, or anywhere."""
    size = max(size_hint, 1)
    cents = draw(
        st.one_of(
            st.sampled_from([LINE * 100 * size + d for d in (-1, 0, 1)]),
            st.integers(-50_000, 2_000_000),
        )
    )
    costs = draw(st.integers(0, 300_000))
    return {"wages": Decimal(cents + costs) / 100, "production_costs": Decimal(costs) / 100}


@st.composite
def households(draw, as_of):
    people = draw(st.lists(members(as_of), max_size=5))
    return {
        "facts": {
            "food_secure": draw(tri),
            "clothing_secure": draw(tri),
            "owns_house": draw(tri),
            "is_relocated": draw(tri),
            "relocation_moved_in": draw(tri),
            "housing_grade": draw(st.sampled_from(["", "A", "B", "C", "D"])),
            "water_safe": draw(tri),
            "water_difficult": draw(tri),
            "identified_year": draw(st.sampled_from([None, 2014, 2017, 2018])),
            "returned_year": draw(st.sampled_from([None, 2017, 2018])),
            "status": draw(st.sampled_from(["1", "2", "4"])),
            "road_type": draw(st.sampled_from(["", "1", "3"])),
        },
        "members": people,
        "incomes": {
            year: draw(incomes(len(people)))
            for year in draw(st.sets(st.sampled_from([2017, 2018]), max_size=2))
        },
        "measures": draw(
            st.lists(st.tuples(st.sampled_from([2016, 2018, 2019]), st.booleans()), max_size=2)
        ),
    }


def _fact_leaf(facts: dict, member: bool):
    names = sorted(facts)

    @st.composite
    def leaf(draw):
        name = draw(st.sampled_from(names))
        fact = facts[name]
        ref = {"fact": name}
        if fact.type == BOOL:
            return {"op": "eq", "args": [ref, {"value": draw(st.booleans())}]}
        if fact.type == TEXT:
            codes = sorted(fact.codes)
            values = draw(st.lists(st.sampled_from(codes), min_size=1, max_size=3, unique=True))
            return draw(
                st.sampled_from(
                    [
                        {"op": "in", "arg": ref, "values": values},
                        {"op": "eq", "args": [ref, {"value": values[0]}]},
                        {"op": "known", "arg": ref},
                    ]
                )
            )
        assert fact.type == NUMBER
        number = draw(st.sampled_from([0, 1, 6, 15, 2018, LINE, 2995.5]))
        left = ref
        if draw(st.booleans()) and not member:
            left = {
                "op": draw(st.sampled_from(["add", "sub", "mul", "div"])),
                "args": [ref, {"value": draw(st.sampled_from([0, 2, 100]))}],
            }
        comparison = draw(st.sampled_from(["eq", "ne", "gt", "ge", "lt", "le"]))
        return draw(
            st.sampled_from(
                [
                    {"op": comparison, "args": [left, {"value": number}]},
                    {"op": "missing", "arg": ref},
                ]
            )
        )

    return leaf()


def _combine(children):
    return st.one_of(
        st.builds(
            lambda args: {"op": "and", "args": args}, st.lists(children, min_size=1, max_size=3)
        ),
        st.builds(
            lambda args: {"op": "or", "args": args}, st.lists(children, min_size=1, max_size=3)
        ),
        st.builds(lambda arg: {"op": "not", "arg": arg}, children),
    )


member_conditions = st.recursive(_fact_leaf(MEMBER_FACTS, True), _combine, max_leaves=4)


@st.composite
def quantified(draw):
    kind = draw(st.sampled_from(["any", "all", "none", "count"]))
    node = {"op": kind, "over": "members", "where": draw(member_conditions)}
    if kind == "count":
        return {
            "op": draw(st.sampled_from(["ge", "eq", "lt"])),
            "args": [node, {"value": draw(st.integers(0, 3))}],
        }
    return node


household_rules = st.recursive(
    st.one_of(_fact_leaf(HOUSEHOLD_FACTS, False), quantified()), _combine, max_leaves=6
)
