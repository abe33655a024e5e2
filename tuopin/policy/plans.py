"""From a stored policy version to a checked, compilable evaluation plan."""

import datetime

from tuopin.policy.models import PolicyVersion
from tuopin.policy.rules.ast import parse_clause
from tuopin.policy.rules.facts import LEVEL_FACTS
from tuopin.policy.rules.params import resolve_parameters
from tuopin.policy.rules.sqlcompile import Plan, household_steps, render, subject_steps

# Every dialect a policy must compile to before it may be published.
DIALECTS = ("sqlite", "postgres", "duckdb", "spark")


def parsed_clauses(policy: PolicyVersion, level: str):
    return [
        (clause.code, parse_clause(clause.expression, LEVEL_FACTS[level], policy.parameters))
        for clause in policy.clauses.filter(level=level).order_by("position", "id")
    ]


def build_plan(policy: PolicyVersion, level: str, year: int, as_of: datetime.date) -> Plan:
    params = resolve_parameters(policy.parameters, year, as_of)
    return Plan(level, parsed_clauses(policy, level), params)


def compile_everywhere(plan: Plan) -> dict[str, str]:
    """Render the plan for every dialect; raises if sqlglot cannot express a construct."""
    steps = household_steps(plan, 20001231) if plan.level == "household" else subject_steps(plan)
    return {dialect: render(steps, dialect) for dialect in DIALECTS}
