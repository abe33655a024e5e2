"""The pure-Python evaluator of the clause language, with SQL's three-valued logic.

It serves the explanation panel and the parity tests: for every input it must give
the same pass/fail/unknown as the SQL the compiler produces, so each rule below
mirrors one SQL construct (None is SQL NULL).
"""

from tuopin.policy.rules import ast

PASS, FAIL, UNKNOWN = "pass", "fail", "unknown"


def evaluate(node: ast.Node, facts: dict, params: dict, members: list[dict] = ()):
    """The value of `node` for one subject: True/False/None, a number, or a code."""
    return _Evaluator(facts, params, members).value(node, None)


def clause_value(node: ast.Node, facts: dict, params: dict, members=()) -> str:
    value = evaluate(node, facts, params, members)
    return UNKNOWN if value is None else (PASS if value else FAIL)


def combine(values) -> str:
    """fail if any clause fails, else unknown if any is unknown, else pass."""
    values = list(values)
    if FAIL in values:
        return FAIL
    if UNKNOWN in values:
        return UNKNOWN
    return PASS


def kleene_all(values) -> bool | None:
    values = list(values)
    if any(v is False for v in values):
        return False
    if any(v is None for v in values):
        return None
    return True


def kleene_any(values) -> bool | None:
    values = list(values)
    if any(v is True for v in values):
        return True
    if any(v is None for v in values):
        return None
    return False


def quantifier_counts(node: ast.Quantifier, facts: dict, params: dict, members) -> tuple:
    """(true, false, unknown) counts of the member condition, as the SQL aggregates them."""
    values = [_Evaluator(facts, params, members).value(node.where, m) for m in members]
    return (
        sum(1 for v in values if v is True),
        sum(1 for v in values if v is False),
        sum(1 for v in values if v is None),
    )


class _Evaluator:
    def __init__(self, facts: dict, params: dict, members):
        self.facts = facts
        self.params = params
        self.members = members

    def value(self, node: ast.Node, member: dict | None):
        if isinstance(node, ast.FactRef):
            return member[node.name] if node.member else self.facts.get(node.name)
        if isinstance(node, ast.ParamRef):
            return self.params[node.name]
        if isinstance(node, ast.Const):
            return node.value
        if isinstance(node, ast.Logic):
            values = [self.value(arg, member) for arg in node.args]
            return kleene_all(values) if node.op == "and" else kleene_any(values)
        if isinstance(node, ast.Not):
            value = self.value(node.arg, member)
            return None if value is None else not value
        if isinstance(node, ast.Compare):
            return _compare(node.op, self.value(node.left, member), self.value(node.right, member))
        if isinstance(node, ast.In):
            value = self.value(node.arg, member)
            return None if value is None else value in node.values
        if isinstance(node, ast.Presence):
            known = self.value(node.arg, member) is not None
            return known if node.op == "known" else not known
        if isinstance(node, ast.Arith):
            return _arith(node.op, self.value(node.left, member), self.value(node.right, member))
        if isinstance(node, ast.Quantifier):
            true, false, unknown = quantifier_counts(node, self.facts, self.params, self.members)
            if node.kind == "count":
                return true
            if node.kind == "any":
                return True if true else (None if unknown else False)
            if node.kind == "none":
                return False if true else (None if unknown else True)
            return False if false else (None if unknown else True)
        raise TypeError(f"unknown node {node!r}")


def _compare(op: str, left, right):
    if left is None or right is None:
        return None
    if op == "eq":
        return left == right
    if op == "ne":
        return left != right
    if op == "gt":
        return left > right
    if op == "ge":
        return left >= right
    if op == "lt":
        return left < right
    return left <= right


def _arith(op: str, left, right):
    if left is None or right is None:
        return None
    if op == "add":
        return left + right
    if op == "sub":
        return left - right
    if op == "mul":
        return left * right
    # SQL: CAST(l AS DOUBLE) / NULLIF(CAST(r AS DOUBLE), 0)
    return None if right == 0 else float(left) / float(right)
