"""Plain-Chinese explanations of clause results, with the values that decided them.

    人均纯收入 2,890.00 元，低于 2018 年扶贫标准（贫困线）2,995 元
    王小明（10 岁）：在校生状况 非在校生

Built from the same AST the engines compile, so an explanation can never describe a
different rule from the one that was applied.
"""

from tuopin.policy.rules import ast, pyeval
from tuopin.policy.rules.facts import BOOL, MEMBER_FACTS, NUMBER, TEXT, Fact

MISSING = "未填报"
VERDICT = {pyeval.PASS: "达标", pyeval.FAIL: "未达标", pyeval.UNKNOWN: "待核实"}
RELATION = {
    "gt": "高于",
    "ge": "不低于",
    "lt": "低于",
    "le": "不高于",
    "eq": "等于",
    "ne": "不等于",
}


def format_value(fact: Fact | None, value) -> str:
    if value is None:
        return MISSING
    if fact is None:
        return _number(value)
    if fact.type == BOOL:
        return "是" if value else "否"
    if fact.type == TEXT:
        return fact.codes.get(value, str(value))
    if fact.unit == "年":
        return str(int(value))
    return f"{_number(value)} {fact.unit}".strip()


def _number(value) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}"
    return f"{int(value):,}"


class Explainer:
    def __init__(
        self, facts_catalogue: dict[str, Fact], parameters: dict, values: dict, counts=None
    ):
        # With `counts` ({quantifier: (true, unknown)}), explain a stored result: the
        # members themselves were not stored, only how many met each condition.
        self.counts = counts
        self.members: list[dict] = []
        self.catalogue = facts_catalogue
        self.parameters = parameters  # the policy's parameter specs (labels, units)
        self.values = values  # resolved parameter values of the run

    def clause(self, node: ast.Node, facts: dict, members=()) -> list[str]:
        """Sentences describing every condition of a clause with the values seen."""
        sentences: list[str] = []
        self.members = list(members)
        self._collect(node, facts, self.members, sentences)
        return list(dict.fromkeys(sentences))

    def _collect(self, node, facts, members, sentences) -> None:
        if isinstance(node, ast.Logic):
            for arg in node.args:
                self._collect(arg, facts, members, sentences)
        elif isinstance(node, ast.Not):
            self._collect(node.arg, facts, members, sentences)
        elif isinstance(node, ast.Quantifier):
            sentences.append(self._quantifier(node, facts, members))
        else:
            sentences.append(self._atom(node, facts, None))

    def _atom(self, node, facts, member) -> str:
        if isinstance(node, ast.Compare):
            left, right = node.left, node.right
            if isinstance(right, ast.Const) and right.type == BOOL:
                return self._describe(left, facts, member, with_value=True)
            left_value = self._value(left, facts, member)
            right_value = self._value(right, facts, member)
            described = self._describe(left, facts, member, with_value=True)
            target = self._describe(right, facts, member, True)
            if left_value is None or right_value is None or node.op in ("eq", "ne"):
                return f"{described}（要求{RELATION[node.op]}{target}）"
            return f"{described}，{_relation(left_value, right_value)} {target}"
        if isinstance(node, ast.In):
            fact = self._fact(node.arg)
            allowed = "、".join(format_value(fact, v) for v in node.values)
            return f"{self._describe(node.arg, facts, member, True)}（要求：{allowed}）"
        if isinstance(node, ast.Presence):
            return self._describe(node.arg, facts, member, with_value=True)
        if isinstance(node, ast.Logic | ast.Not):
            parts: list[str] = []
            for arg in node.args if isinstance(node, ast.Logic) else (node.arg,):
                parts.append(self._atom(arg, facts, member))
            return "；".join(parts)
        return self._describe(node, facts, member, with_value=True)

    def _quantifier(self, node: ast.Quantifier, facts, members) -> str:
        condition = self._member_condition(node.where)
        if self.counts is not None:
            true, unknown = self.counts.get(node, (None, None))
            text = f"“{condition}”：符合 {true if true is not None else '—'} 人"
            return text + (f"，待核实 {unknown} 人" if unknown else "")
        values = [(p, _member_value(node.where, facts, self.values, p)) for p in members]
        matching = [p for p, v in values if v is True]
        unknown = [p for p, v in values if v is None]
        if node.kind == "count":
            return f"符合“{condition}”的成员 {len(matching)} 人"
        if node.kind == "all":
            lines = [f"现有成员均应：{condition}"]
            offenders = [p for p, v in values if v is False]
        else:
            lines = [f"{'不应有' if node.kind == 'none' else '应有'}成员：{condition}"]
            offenders = matching if node.kind == "none" else []
        if offenders:
            lines.append("不符：" + "；".join(self._person(node.where, p) for p in offenders))
        if unknown:
            lines.append("待核实：" + "；".join(self._person(node.where, p) for p in unknown))
        return "。".join(lines)

    def _person(self, where, person: dict) -> str:
        names = []
        for sub in ast.walk(where):
            if isinstance(sub, ast.FactRef) and sub.member and sub.name not in names:
                names.append(sub.name)
        details = "，".join(
            f"{MEMBER_FACTS[name].label} {format_value(MEMBER_FACTS[name], person.get(name))}"
            for name in names
        )
        return f"{person.get('name', '成员')}（{details}）"

    def _member_condition(self, node) -> str:
        if isinstance(node, ast.Logic):
            joiner = "且" if node.op == "and" else "或"
            return joiner.join(self._member_condition(arg) for arg in node.args)
        if isinstance(node, ast.Not):
            return f"非（{self._member_condition(node.arg)}）"
        if isinstance(node, ast.Compare):
            left = self._label(node.left)
            if isinstance(node.right, ast.Const) and node.right.type == BOOL:
                return left if node.right.value == (node.op == "eq") else f"非{left}"
            return f"{left}{RELATION[node.op]}{self._literal(node.left, node.right)}"
        if isinstance(node, ast.In):
            fact = self._fact(node.arg)
            return f"{self._label(node.arg)}为" + "或".join(
                format_value(fact, v) for v in node.values
            )
        if isinstance(node, ast.Presence):
            return f"{self._label(node.arg)}{'已填报' if node.op == 'known' else '未填报'}"
        return self._label(node)

    def _literal(self, left, right) -> str:
        if isinstance(right, ast.Const):
            return format_value(self._fact(left), right.value)
        if isinstance(right, ast.ParamRef):
            return self._parameter_value(right.name)
        return self._label(right)

    def _parameter_value(self, name: str) -> str:
        if name == "year":
            return f"{self.values['year']} 年"
        unit = self.parameters.get(name, {}).get("unit", "").split("/")[0]
        return f"{_number(self.values[name])} {unit}".strip()

    def _fact(self, node) -> Fact | None:
        if isinstance(node, ast.FactRef):
            return MEMBER_FACTS[node.name] if node.member else self.catalogue[node.name]
        return None

    def _label(self, node) -> str:
        if isinstance(node, ast.FactRef):
            return self._fact(node).label
        if isinstance(node, ast.ParamRef):
            if node.name == "year":
                return "评估年度"
            spec = self.parameters.get(node.name, {})
            return (
                f"{self.values['year']} 年{spec.get('label', node.name)}"
                if "by_year" in spec
                else spec.get("label", node.name)
            )
        if isinstance(node, ast.Const):
            return format_value(None, node.value) if node.type == NUMBER else str(node.value)
        return "计算值"

    def _value(self, node, facts, member):
        if member is not None:
            return _member_value(node, facts, self.values, member)
        if self.counts is not None and isinstance(node, ast.Quantifier):
            return self.counts.get(node, (None, None))[0]
        return pyeval.evaluate(node, facts, self.values, self.members)

    def _describe(self, node, facts, member, with_value: bool) -> str:
        label = self._label(node)
        if isinstance(node, ast.FactRef):
            value = member.get(node.name) if node.member else facts.get(node.name)
            return f"{label} {format_value(self._fact(node), value)}"
        if isinstance(node, ast.ParamRef):
            if node.name == "year":
                return self._parameter_value("year")
            return f"{label} {self._parameter_value(node.name)}"
        if isinstance(node, ast.Const):
            return label
        value = self._value(node, facts, member)
        return f"{label} {format_value(None, value)}"


def _member_value(node, facts, values, member):
    """A member-level condition for one member (the evaluator's own semantics)."""
    if node.type != BOOL:
        return None
    return pyeval.evaluate(ast.Quantifier(BOOL, "any", node), facts, values, [member])


def _relation(left, right) -> str:
    if left > right:
        return "高于"
    if left < right:
        return "低于"
    return "等于"
