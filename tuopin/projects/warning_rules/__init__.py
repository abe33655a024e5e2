"""The funds' early-warning rules (资金动态监控预警): see framework.py and docs/warnings.md."""

from __future__ import annotations

import logging

from tuopin.core.errors import TuopinError
from tuopin.projects.warning_rules import balances, payees, payments, projects
from tuopin.projects.warning_rules.framework import (
    Context,
    Finding,
    Rule,
    context_for,
    data_as_of,
    reading_copy,
)

logger = logging.getLogger(__name__)

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


def findings(context: Context, codes=None, *, on_copy: bool = False) -> list[Finding]:
    """Every finding of the rules (all by default) over the context. With `on_copy` the
    rules of on_copy.ON_COPY are read from the analytic copy, the others (and any the
    copy could not run) from the database."""
    codes = list(codes or RULES)
    copied = findings_on_copy(context, codes) if on_copy else {}
    found: list[Finding] = []
    for code in codes:
        found.extend(copied[code] if code in copied else rule_get(code).run(context))
    return found


def findings_on_copy(context: Context, codes) -> dict[str, list[Finding]]:
    """rule code -> its findings, read from the analytic copy for the rules proven to
    find alike there. A rule the copy cannot run (DuckDB or sqlglot fails, logged) is
    missing, for the caller to run on the database; without DuckDB at all, every rule."""
    try:
        import duckdb
        import sqlglot

        from tuopin.projects.warning_rules.on_copy import ON_COPY
    except ImportError:  # pragma: no cover - the analytic libraries not installed
        return {}
    chosen = [rule_get(code) for code in codes if code in ON_COPY]
    if not chosen:
        return {}
    found = {}
    with reading_copy(context.prefix):
        for rule in chosen:
            try:
                found[rule.code] = rule.run(context)
            except (duckdb.Error, sqlglot.errors.SqlglotError):
                logger.exception("warning rule %s failed on the analytic copy", rule.code)
    return found


__all__ = ["RULES", "Context", "Finding", "Rule", "context_for", "findings", "rule_get"]
