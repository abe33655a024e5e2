"""The funds' early-warning rules (资金动态监控预警): see framework.py and docs/warnings.md."""

from __future__ import annotations

from tuopin.core.errors import TuopinError
from tuopin.projects.warning_rules import balances, payees, payments, projects
from tuopin.projects.warning_rules.framework import (
    Context,
    Finding,
    Rule,
    context_for,
    data_as_of,
)

__all__ = ["RULES", "Context", "Finding", "Rule", "context_for", "data_as_of", "findings"]

RULES: dict[str, Rule] = {
    rule.code: rule for rule in (*balances.RULES, *projects.RULES, *payees.RULES, *payments.RULES)
}


def rule_get(code: str) -> Rule:
    if code not in RULES:
        raise TuopinError(
            "warning_rule_unknown",
            f"未知的预警规则：{code}（可选：{'、'.join(RULES)}）",
            f"unknown warning rule: {code}",
            field="rule",
        )
    return RULES[code]


def findings(context: Context, codes=None) -> list[Finding]:
    """Every finding of the rules (all by default) over the context."""
    found: list[Finding] = []
    for code in codes or RULES:
        found.extend(rule_get(code).run(context))
    return found


__all__ = ["RULES", "Context", "Finding", "Rule", "context_for", "findings", "rule_get"]
