"""The database engine renders a plan's SQL once per plan, date and dialect."""

import pytest

from tuopin.policy import henan2018
from tuopin.policy.engine import db
from tuopin.policy.rules import sqlcompile
from tuopin.policy.rules.ast import parse_clause
from tuopin.policy.rules.facts import HOUSEHOLD_FACTS
from tuopin.policy.rules.params import resolve_parameters
from tuopin.policy.rules.sqlcompile import Plan


def henan_plan(year: int, **overrides) -> Plan:
    import datetime

    params = resolve_parameters(henan2018.PARAMETERS, year, datetime.date(year, 12, 31))
    params.update(overrides)
    clauses = [
        (code, parse_clause(expression, HOUSEHOLD_FACTS, henan2018.PARAMETERS))
        for code, _title, _text, expression in henan2018.HOUSEHOLD_CLAUSES
    ]
    return Plan("household", clauses, params)


@pytest.fixture
def renders(monkeypatch):
    db._RENDERED.clear()
    calls = []
    original = sqlcompile.household_steps

    def counted(plan, as_of_ymd, *args, **kwargs):
        calls.append(as_of_ymd)
        return original(plan, as_of_ymd, *args, **kwargs)

    monkeypatch.setattr(db, "household_steps", counted)
    yield calls
    db._RENDERED.clear()


def test_an_equal_plan_is_rendered_once_and_gives_the_same_sql(shangqiu, renders):
    first, _ = db.household_sql(henan_plan(2018), "411421", 20181231)
    again, _ = db.household_sql(henan_plan(2018), "411421", 20181231)
    assert again == first and renders == [20181231]


def test_another_date_or_parameter_is_rendered_anew(shangqiu, renders):
    base, _ = db.household_sql(henan_plan(2018), "411421", 20181231)
    other_day, _ = db.household_sql(henan_plan(2018), "411421", 20180630)
    line = henan_plan(2018).params["poverty_line"]
    other_line, _ = db.household_sql(henan_plan(2018, poverty_line=line + 1), "411421", 20181231)
    assert renders == [20181231, 20180630, 20181231]
    assert len({base, other_day, other_line}) == 3
    assert str(line + 1) in other_line


def test_the_scope_is_not_part_of_the_cached_text(shangqiu, renders):
    minquan, minquan_params = db.household_sql(henan_plan(2018), "411421", 20181231)
    suixian, suixian_params = db.household_sql(henan_plan(2018), "411422", 20181231)
    assert renders == [20181231]
    assert "411421%" in minquan_params and "411422%" in suixian_params
    assert "411422" not in minquan and "411421" not in suixian


def test_the_cache_keeps_a_bounded_number_of_plans(shangqiu, renders, monkeypatch):
    monkeypatch.setattr(db, "_RENDERED_MAX", 3)
    for day in range(1, 6):
        db.household_sql(henan_plan(2018), "411421", 20180100 + day)
    assert len(db._RENDERED) == 3
    assert sorted(key[1] for key in db._RENDERED) == [20180103, 20180104, 20180105]
    db.household_sql(henan_plan(2018), "411421", 20180101)  # the oldest went first
    assert renders == [20180101, 20180102, 20180103, 20180104, 20180105, 20180101]
