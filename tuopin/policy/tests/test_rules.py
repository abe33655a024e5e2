"""The clause language refuses what it cannot compile, when the policy is saved."""

import pytest

from tuopin.policy import henan2018
from tuopin.policy.plans import compile_everywhere
from tuopin.policy.rules import pyeval
from tuopin.policy.rules.ast import PolicyInvalid, parse_clause
from tuopin.policy.rules.facts import HOUSEHOLD_FACTS, VILLAGE_FACTS
from tuopin.policy.rules.params import check_parameters, resolve_parameters
from tuopin.policy.rules.sqlcompile import Plan

PARAMS = henan2018.PARAMETERS


def parse(expression, facts=HOUSEHOLD_FACTS):
    return parse_clause(expression, facts, PARAMS)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ({"sql": "SELECT 1"}, "不支持的运算"),
        ({"op": "raw", "args": ["1=1"]}, "不支持的运算"),
        ("income > 3000", "不是表达式对象"),
        ({"fact": "password"}, "不在白名单内"),
        ({"op": "gt", "args": [{"fact": "per_capita_income"}, {"value": "2995"}]}, "类型不同"),
        ({"op": "gt", "args": [{"fact": "housing_grade"}, {"value": "A"}]}, "只适用于数值"),
        ({"op": "in", "arg": {"fact": "housing_grade"}, "values": ["E"]}, "没有代码 'E'"),
        ({"op": "eq", "args": [{"fact": "age"}, {"value": 6}]}, "不在白名单内"),
        ({"fact": "per_capita_income"}, "必须是是/否条件"),
        ({"op": "gt", "args": [{"fact": "size"}, {"param": "no_such"}]}, "未定义"),
        (
            {
                "op": "any",
                "over": "members",
                "where": {"op": "any", "over": "members", "where": {"value": True}},
            },
            "不能嵌套",
        ),
        ({"op": "any", "over": "incomes", "where": {"value": True}}, "只能对家庭成员"),
        ({"op": "and", "args": []}, "至少一个条件"),
        ({"op": "eq", "args": [{"fact": "incidence"}]}, "两个参数"),
    ],
)
def test_unsupported_constructs_are_refused_with_a_chinese_message(expression, message):
    with pytest.raises(PolicyInvalid) as refused:
        parse(expression)
    assert message in refused.value.message_zh
    assert refused.value.message_en


def test_village_facts_are_not_household_facts():
    with pytest.raises(PolicyInvalid):
        parse({"op": "eq", "args": [{"fact": "broadband"}, {"value": True}]})
    assert parse({"op": "eq", "args": [{"fact": "broadband"}, {"value": True}]}, VILLAGE_FACTS)


def test_every_shipped_clause_compiles_for_every_dialect_including_spark():
    for level, clauses in henan2018.CLAUSES.items():
        facts = {"household": HOUSEHOLD_FACTS, "village": VILLAGE_FACTS}.get(level)
        if facts is None:
            continue
        plan = Plan(
            level,
            [(code, parse(expression, facts)) for code, _t, _d, expression in clauses],
            resolve_parameters(PARAMS, 2018, None),
        )
        rendered = compile_everywhere(plan)
        assert set(rendered) == {"sqlite", "postgres", "duckdb", "spark"}
        assert "2995" in rendered["postgres"] or level != "household"


def test_the_poverty_line_is_resolved_per_year_and_a_missing_year_is_an_error():
    assert resolve_parameters(PARAMS, 2018, None)["poverty_line"] == 2995
    assert resolve_parameters(PARAMS, 2016, None)["poverty_line"] == 2952
    with pytest.raises(PolicyInvalid) as missing:
        resolve_parameters(PARAMS, 2009, None)
    assert "2009" in missing.value.message_zh


def test_parameters_are_checked():
    with pytest.raises(PolicyInvalid):
        check_parameters({"poverty_line": {"label": "贫困线", "by_year": {"2018": "很多"}}})
    with pytest.raises(PolicyInvalid):
        check_parameters({"x": {"value": 1}})
    assert check_parameters({"x": {"label": "x", "value": 1.5}})


def test_kleene_logic_of_the_python_evaluator():
    unknown_and_false = parse(
        {
            "op": "and",
            "args": [
                {"op": "eq", "args": [{"fact": "food_secure"}, {"value": True}]},
                {"op": "eq", "args": [{"fact": "clothing_secure"}, {"value": True}]},
            ],
        }
    )
    facts = {"food_secure": None, "clothing_secure": False}
    assert pyeval.clause_value(unknown_and_false, facts, {}) == "fail"
    facts = {"food_secure": None, "clothing_secure": True}
    assert pyeval.clause_value(unknown_and_false, facts, {}) == "unknown"
    assert pyeval.combine(["pass", "unknown", "pass"]) == "unknown"
    assert pyeval.combine(["unknown", "fail"]) == "fail"
    assert pyeval.combine(["pass", "pass"]) == "pass"
