"""The clause language: a small typed expression tree, stored as JSON in a policy.

    {"fact": "per_capita_income"}                       a whitelisted fact
    {"param": "poverty_line"}                           a policy parameter (per year or scalar)
    {"value": 6}                                        a literal number, text or yes/no
    {"op": "and" | "or", "args": [e, ...]}              Kleene logic: unknown stays unknown
    {"op": "not", "arg": e}
    {"op": "eq" | "ne" | "gt" | "ge" | "lt" | "le", "args": [a, b]}
    {"op": "in", "arg": e, "values": ["A", "B"]}
    {"op": "known" | "missing", "arg": e}               never unknown itself
    {"op": "add" | "sub" | "mul" | "div", "args": [a, b]}
    {"op": "any" | "all" | "none" | "count", "over": "members", "where": e}

Rules never hold SQL: `parse` accepts only these shapes and checks types against the
fact whitelist, so a policy that cannot be compiled is refused when it is saved.
"""

from dataclasses import dataclass

from tuopin.core.errors import TuopinError
from tuopin.policy.rules.facts import BOOL, MEMBER_FACTS, NUMBER, TEXT, Fact

COMPARISONS = ("eq", "ne", "gt", "ge", "lt", "le")
ARITHMETIC = ("add", "sub", "mul", "div")
QUANTIFIERS = ("any", "all", "none", "count")


class PolicyInvalid(TuopinError):
    def __init__(self, message_zh: str, message_en: str, *, field: str | None = None):
        super().__init__("policy_invalid", message_zh, message_en, field=field)


@dataclass(frozen=True)
class Node:
    type: str


@dataclass(frozen=True)
class FactRef(Node):
    name: str
    member: bool = False


@dataclass(frozen=True)
class ParamRef(Node):
    name: str


@dataclass(frozen=True)
class Const(Node):
    value: object


@dataclass(frozen=True)
class Logic(Node):
    op: str
    args: tuple


@dataclass(frozen=True)
class Not(Node):
    arg: Node


@dataclass(frozen=True)
class Compare(Node):
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class In(Node):
    arg: Node
    values: tuple


@dataclass(frozen=True)
class Presence(Node):
    op: str
    arg: Node


@dataclass(frozen=True)
class Arith(Node):
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Quantifier(Node):
    kind: str
    where: Node


def _const_type(value) -> str:
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, int | float):
        return NUMBER
    if isinstance(value, str):
        return TEXT
    raise PolicyInvalid(
        f"常量 {value!r} 的类型不支持（只能是数、文字或是/否）",
        f"constant {value!r} has an unsupported type (number, text or yes/no only)",
    )


class Parser:
    """Turns the JSON form into typed nodes, refusing anything outside the language."""

    def __init__(self, facts: dict[str, Fact], params: dict[str, object]):
        self.facts = facts
        self.params = params

    def parse(self, data, path: str = "", *, member: bool = False) -> Node:
        if not isinstance(data, dict):
            raise self._invalid(path, "不是表达式对象", "is not an expression object")
        if "fact" in data:
            return self._fact(data["fact"], path, member)
        if "param" in data:
            name = data["param"]
            if name != "year" and name not in self.params:
                raise self._invalid(
                    path, f"参数 {name!r} 未定义", f"parameter {name!r} is undefined"
                )
            return ParamRef(NUMBER, name)
        if "value" in data:
            return Const(_const_type(data["value"]), data["value"])
        op = data.get("op")
        if op in ("and", "or"):
            args = data.get("args")
            if not isinstance(args, list) or not args:
                raise self._invalid(path, f"{op} 需要至少一个条件", f"{op} needs conditions")
            nodes = tuple(
                self._boolean(self.parse(a, f"{path}.args[{i}]", member=member), path)
                for i, a in enumerate(args)
            )
            return Logic(BOOL, op, nodes)
        if op == "not":
            return Not(
                BOOL, self._boolean(self.parse(data.get("arg"), f"{path}.arg", member=member), path)
            )
        if op in COMPARISONS:
            left, right = self._pair(data, path, member)
            if left.type != right.type:
                raise self._invalid(
                    path,
                    f"比较两边类型不同（{left.type} 与 {right.type}）",
                    f"comparison of {left.type} with {right.type}",
                )
            if op not in ("eq", "ne") and left.type != NUMBER:
                raise self._invalid(
                    path, "大小比较只适用于数值", "ordering applies to numbers only"
                )
            self._check_codes(left, [right], path)
            self._check_codes(right, [left], path)
            return Compare(BOOL, op, left, right)
        if op == "in":
            arg = self.parse(data.get("arg"), f"{path}.arg", member=member)
            values = data.get("values")
            if not isinstance(values, list) or not values:
                raise self._invalid(path, "in 需要取值列表", "in needs a list of values")
            consts = [Const(_const_type(v), v) for v in values]
            if any(c.type != arg.type for c in consts):
                raise self._invalid(
                    path, "取值类型与事实不符", "values do not match the fact's type"
                )
            self._check_codes(arg, consts, path)
            return In(BOOL, arg, tuple(c.value for c in consts))
        if op in ("known", "missing"):
            return Presence(BOOL, op, self.parse(data.get("arg"), f"{path}.arg", member=member))
        if op in ARITHMETIC:
            left, right = self._pair(data, path, member)
            if left.type != NUMBER or right.type != NUMBER:
                raise self._invalid(path, "算术只适用于数值", "arithmetic applies to numbers only")
            return Arith(NUMBER, op, left, right)
        if op in QUANTIFIERS:
            if member:
                raise self._invalid(path, "成员条件不能嵌套", "member quantifiers cannot nest")
            if data.get("over") != "members":
                raise self._invalid(
                    path, "只能对家庭成员计数", "quantifiers range over members only"
                )
            where = self._boolean(self.parse(data.get("where"), f"{path}.where", member=True), path)
            return Quantifier(NUMBER if op == "count" else BOOL, op, where)
        raise self._invalid(path, f"不支持的运算 {op!r}", f"unsupported operation {op!r}")

    def _fact(self, name, path: str, member: bool) -> FactRef:
        if member and name in MEMBER_FACTS:
            return FactRef(MEMBER_FACTS[name].type, name, member=True)
        if name in self.facts:
            return FactRef(self.facts[name].type, name)
        raise self._invalid(
            path, f"事实 {name!r} 不在白名单内", f"fact {name!r} is not whitelisted"
        )

    def _pair(self, data, path: str, member: bool) -> tuple[Node, Node]:
        args = data.get("args")
        if not isinstance(args, list) or len(args) != 2:
            raise self._invalid(path, "需要两个参数", "needs exactly two arguments")
        return (
            self.parse(args[0], f"{path}.args[0]", member=member),
            self.parse(args[1], f"{path}.args[1]", member=member),
        )

    def _boolean(self, node: Node, path: str) -> Node:
        if node.type != BOOL:
            raise self._invalid(path, "此处需要是/否条件", "a yes/no condition is needed here")
        return node

    def _check_codes(self, node: Node, others, path: str) -> None:
        """A text fact compared with literals: each literal must be one of its codes."""
        if not isinstance(node, FactRef) or node.type != TEXT:
            return
        fact = MEMBER_FACTS[node.name] if node.member else self.facts[node.name]
        for other in others:
            if isinstance(other, Const) and fact.codes and other.value not in fact.codes:
                raise self._invalid(
                    path,
                    f"{fact.label} 没有代码 {other.value!r}",
                    f"{node.name} has no code {other.value!r}",
                )

    @staticmethod
    def _invalid(path: str, zh: str, en: str) -> PolicyInvalid:
        where = path.lstrip(".") or "表达式"
        return PolicyInvalid(f"{where}：{zh}", f"{where}: {en}", field=where)


def parse_clause(data, facts: dict[str, Fact], params: dict[str, object]) -> Node:
    node = Parser(facts, params).parse(data)
    if node.type != BOOL:
        raise PolicyInvalid("条款必须是是/否条件", "a clause must be a yes/no condition")
    return node


def walk(node: Node):
    """Every node of the tree, parents first."""
    yield node
    if isinstance(node, Logic):
        for arg in node.args:
            yield from walk(arg)
    elif isinstance(node, Not | In | Presence):
        yield from walk(node.arg)
    elif isinstance(node, Compare | Arith):
        yield from walk(node.left)
        yield from walk(node.right)
    elif isinstance(node, Quantifier):
        yield from walk(node.where)


def household_facts_used(node: Node) -> list[str]:
    """Names of subject-level facts a clause reads, in first-use order."""
    seen: dict[str, None] = {}
    for sub in walk(node):
        if isinstance(sub, FactRef) and not sub.member:
            seen.setdefault(sub.name)
    return list(seen)


def quantifiers(node: Node) -> list[Quantifier]:
    return [sub for sub in walk(node) if isinstance(sub, Quantifier)]
