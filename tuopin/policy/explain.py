"""Plain-Chinese explanations of clause results, with the values that decided them.

    人均纯收入 2,890.00 元，低于 2018 年扶贫标准（贫困线）2,995 元
    王小明（10 岁）：在校生状况 非在校生

Built from the same AST the engines compile, so an explanation can never describe a
different rule from the one that was applied. Written in the reader's language: every
fixed word goes through gettext, and so do the labels of facts, codes, units and the
shipped parameters (Chinese msgids with English translations in the catalogue); a label a
county wrote itself stays as written.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from tuopin.policy.rules import ast, pyeval
from tuopin.policy.rules.facts import BOOL, MEMBER_FACTS, NUMBER, TEXT, Fact

MISSING = "未填报"  # the msgid; shown as _(MISSING)


class _InLanguage(dict):
    """Chinese msgids, read in the active language (screens and ledger exports alike)."""

    def __getitem__(self, key) -> str:
        return _(super().__getitem__(key))

    def get(self, key, default=None):
        return _(super().get(key)) if key in self else default


VERDICT = _InLanguage({pyeval.PASS: "达标", pyeval.FAIL: "未达标", pyeval.UNKNOWN: "待核实"})
RELATION = {
    "gt": gettext_lazy("高于"),
    "ge": gettext_lazy("不低于"),
    "lt": gettext_lazy("低于"),
    "le": gettext_lazy("不高于"),
    "eq": gettext_lazy("等于"),
    "ne": gettext_lazy("不等于"),
}


def format_value(fact: Fact | None, value) -> str:
    if value is None:
        return _(MISSING)
    if fact is None:
        return _number(value)
    if fact.type == BOOL:
        return _("是") if value else _("否")
    if fact.type == TEXT:
        label = fact.codes.get(value)
        return _(label) if label else str(value)
    if fact.unit == "年":
        return str(int(value))
    return f"{_number(value)} {_unit(fact.unit)}".strip()


def _unit(unit: str) -> str:
    # In context: a bare 个 after a count is a word of its own elsewhere (个 regions).
    return pgettext("unit", unit) if unit else ""


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
                return _("%(described)s（要求%(relation)s%(target)s）") % {
                    "described": described,
                    "relation": RELATION[node.op],
                    "target": target,
                }
            return _("%(described)s，%(relation)s %(target)s") % {
                "described": described,
                "relation": _relation(left_value, right_value),
                "target": target,
            }
        if isinstance(node, ast.In):
            fact = self._fact(node.arg)
            allowed = _("、").join(format_value(fact, v) for v in node.values)
            return _("%(described)s（要求：%(allowed)s）") % {
                "described": self._describe(node.arg, facts, member, True),
                "allowed": allowed,
            }
        if isinstance(node, ast.Presence):
            return self._describe(node.arg, facts, member, with_value=True)
        if isinstance(node, ast.Logic | ast.Not):
            parts: list[str] = []
            for arg in node.args if isinstance(node, ast.Logic) else (node.arg,):
                parts.append(self._atom(arg, facts, member))
            return _("；").join(parts)
        return self._describe(node, facts, member, with_value=True)

    def _quantifier(self, node: ast.Quantifier, facts, members) -> str:
        condition = self._member_condition(node.where)
        if self.counts is not None:
            true, unknown = self.counts.get(node, (None, None))
            text = _("“%(condition)s”：符合 %(n)s 人") % {
                "condition": condition,
                "n": true if true is not None else "—",
            }
            return text + (_("，待核实 %(n)s 人") % {"n": unknown} if unknown else "")
        values = [(p, _member_value(node.where, facts, self.values, p)) for p in members]
        matching = [p for p, v in values if v is True]
        unknown = [p for p, v in values if v is None]
        if node.kind == "count":
            return _("符合“%(condition)s”的成员 %(n)s 人") % {
                "condition": condition,
                "n": len(matching),
            }
        if node.kind == "all":
            lines = [_("现有成员均应：%(condition)s") % {"condition": condition}]
            offenders = [p for p, v in values if v is False]
        elif node.kind == "none":
            lines = [_("不应有成员：%(condition)s") % {"condition": condition}]
            offenders = matching
        else:
            lines = [_("应有成员：%(condition)s") % {"condition": condition}]
            offenders = []
        if offenders:
            people = _("；").join(self._person(node.where, p) for p in offenders)
            lines.append(_("不符：%(people)s") % {"people": people})
        if unknown:
            people = _("；").join(self._person(node.where, p) for p in unknown)
            lines.append(_("待核实：%(people)s") % {"people": people})
        return _("。").join(lines)

    def _person(self, where, person: dict) -> str:
        names = []
        for sub in ast.walk(where):
            if isinstance(sub, ast.FactRef) and sub.member and sub.name not in names:
                names.append(sub.name)
        details = _("，").join(
            f"{_(MEMBER_FACTS[name].label)} {format_value(MEMBER_FACTS[name], person.get(name))}"
            for name in names
        )
        return _("%(name)s（%(details)s）") % {
            "name": person.get("name") or _("成员"),
            "details": details,
        }

    def _member_condition(self, node) -> str:
        if isinstance(node, ast.Logic):
            joiner = _("且") if node.op == "and" else _("或")
            return joiner.join(self._member_condition(arg) for arg in node.args)
        if isinstance(node, ast.Not):
            return _("非（%(condition)s）") % {"condition": self._member_condition(node.arg)}
        if isinstance(node, ast.Compare):
            left = self._label(node.left)
            if isinstance(node.right, ast.Const) and node.right.type == BOOL:
                if node.right.value == (node.op == "eq"):
                    return left
                return _("非%(label)s") % {"label": left}
            return _("%(label)s%(relation)s%(value)s") % {
                "label": left,
                "relation": RELATION[node.op],
                "value": self._literal(node.left, node.right),
            }
        if isinstance(node, ast.In):
            fact = self._fact(node.arg)
            return _("%(label)s为%(values)s") % {
                "label": self._label(node.arg),
                "values": _("或").join(format_value(fact, v) for v in node.values),
            }
        if isinstance(node, ast.Presence):
            if node.op == "known":
                return _("%(label)s已填报") % {"label": self._label(node.arg)}
            return _("%(label)s未填报") % {"label": self._label(node.arg)}
        return self._label(node)

    def _literal(self, left, right) -> str:
        if isinstance(right, ast.Const):
            return format_value(self._fact(left), right.value)
        if isinstance(right, ast.ParamRef):
            return self._parameter_value(right.name)
        return self._label(right)

    def _parameter_value(self, name: str) -> str:
        if name == "year":
            return _("%(year)s 年") % {"year": self.values["year"]}
        unit = self.parameters.get(name, {}).get("unit", "").split("/")[0]
        return f"{_number(self.values[name])} {_unit(unit)}".strip()

    def _fact(self, node) -> Fact | None:
        if isinstance(node, ast.FactRef):
            return MEMBER_FACTS[node.name] if node.member else self.catalogue[node.name]
        return None

    def _label(self, node) -> str:
        if isinstance(node, ast.FactRef):
            return _(self._fact(node).label)
        if isinstance(node, ast.ParamRef):
            if node.name == "year":
                return _("评估年度")
            spec = self.parameters.get(node.name, {})
            label = _(spec["label"]) if spec.get("label") else node.name
            if "by_year" in spec:
                return _("%(year)s 年%(label)s") % {"year": self.values["year"], "label": label}
            return label
        if isinstance(node, ast.Const):
            return format_value(None, node.value) if node.type == NUMBER else str(node.value)
        return _("计算值")

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
        return str(RELATION["gt"])
    if left < right:
        return str(RELATION["lt"])
    return str(RELATION["eq"])
