"""Compile clauses to one set-based SQL query with sqlglot, for any supported dialect.

The engine supplies the input relations by name (households `h`, current and past
members `m`, incomes `i` with `net_cents`, measures `me`; or a ready fact relation `f`
for villages and counties). Everything after that is built here as sqlglot
expressions and rendered per dialect, so SQLite, PostgreSQL, DuckDB and Spark run the
same logic. Three-valued logic is SQL's own: NULL is "unknown".

Output columns: id, number, region_code, result ('pass'/'fail'/'unknown'), clauses
(one letter P/F/U per clause, in clause order) and seen (the facts the clauses read,
'|'-separated, in `Plan.seen` order). The compact answer (ADR 0032, national files) holds
only what the household's own row does not: id, the failed and unknown clauses as bit
masks and the derived values seen; `expanded_steps` gives the full answer back from it
and the households' rows.
"""

from dataclasses import dataclass, field

from sqlglot import exp

from tuopin.policy.rules import ast
from tuopin.policy.rules.facts import BOOL, NUMBER, TEXT

MEMBER_CURRENT_STATUS = "1"  # MemberStatus.NORMAL: only current members count.

# Household facts computed from members, incomes and measures (step f); every other
# household fact is a column of the household's own row `h`. Quantifier counts
# (`q<n>_t`, `q<n>_n`) are derived too.
DERIVED_FACTS = frozenset(
    {"size", "net_income", "per_capita_income", "measure_count", "income_measure_count"}
)
# The compact answer's masks are one integer: bit k is clause k (in plan order).
COMPACT_MAX_CLAUSES = 62
# Packed member counts (compact answer): six counts of 10 bits in each summed BIGINT, so a
# household may have at most 1,023 current members (checked: more stops the query).
PACKED_FIELD_BITS = 10
PACKED_FIELDS_PER_WORD = 6
PACKED_MAX_MEMBERS = (1 << PACKED_FIELD_BITS) - 1


@dataclass
class Plan:
    level: str
    clauses: list[tuple[str, ast.Node]]
    params: dict
    seen: list[tuple[str, str]] = field(default_factory=list)  # (key, type)
    quantifiers: list[ast.Quantifier] = field(default_factory=list)

    def __post_init__(self):
        for _code, node in self.clauses:
            for name in ast.household_facts_used(node):
                if (name, _fact_type(node, name)) not in self.seen:
                    self.seen.append((name, _fact_type(node, name)))
            for quantifier in ast.quantifiers(node):
                if quantifier not in self.quantifiers:
                    self.quantifiers.append(quantifier)
        for index, _q in enumerate(self.quantifiers):
            self.seen += [(f"q{index}_t", NUMBER), (f"q{index}_n", NUMBER)]


def _fact_type(node: ast.Node, name: str) -> str:
    for sub in ast.walk(node):
        if isinstance(sub, ast.FactRef) and sub.name == name and not sub.member:
            return sub.type
    raise KeyError(name)


def _literal(value) -> exp.Expression:
    if isinstance(value, bool):
        return exp.true() if value else exp.false()
    if isinstance(value, int | float):
        return exp.Literal.number(repr(value) if isinstance(value, float) else value)
    return exp.Literal.string(value)


def _double(expression: exp.Expression) -> exp.Expression:
    return exp.Cast(this=expression, to=exp.DataType.build("DOUBLE"))


class _Compiler:
    def __init__(self, plan: Plan, fact_table: str):
        self.plan = plan
        self.fact_table = fact_table

    def expr(self, node: ast.Node, member_table: str | None = None) -> exp.Expression:
        if isinstance(node, ast.FactRef):
            table = member_table if node.member else self.fact_table
            return exp.column(node.name, table=table)
        if isinstance(node, ast.ParamRef):
            return _literal(self.plan.params[node.name])
        if isinstance(node, ast.Const):
            return _literal(node.value)
        if isinstance(node, ast.Logic):
            parts = [exp.paren(self.expr(arg, member_table)) for arg in node.args]
            return exp.and_(*parts) if node.op == "and" else exp.or_(*parts)
        if isinstance(node, ast.Not):
            return exp.Not(this=exp.paren(self.expr(node.arg, member_table)))
        if isinstance(node, ast.Compare):
            kind = {
                "eq": exp.EQ,
                "ne": exp.NEQ,
                "gt": exp.GT,
                "ge": exp.GTE,
                "lt": exp.LT,
                "le": exp.LTE,
            }[node.op]
            return kind(
                this=exp.paren(self.expr(node.left, member_table)),
                expression=exp.paren(self.expr(node.right, member_table)),
            )
        if isinstance(node, ast.In):
            return exp.In(
                this=exp.paren(self.expr(node.arg, member_table)),
                expressions=[_literal(v) for v in node.values],
            )
        if isinstance(node, ast.Presence):
            is_null = exp.Is(
                this=exp.paren(self.expr(node.arg, member_table)), expression=exp.Null()
            )
            return is_null if node.op == "missing" else exp.Not(this=is_null)
        if isinstance(node, ast.Arith):
            left = exp.paren(self.expr(node.left, member_table))
            right = exp.paren(self.expr(node.right, member_table))
            if node.op == "div":
                return exp.Div(
                    this=_double(left),
                    expression=exp.Nullif(this=_double(right), expression=exp.Literal.number(0)),
                )
            kind = {"add": exp.Add, "sub": exp.Sub, "mul": exp.Mul}[node.op]
            return kind(this=left, expression=right)
        if isinstance(node, ast.Quantifier):
            return self.quantifier(node)
        raise TypeError(f"unknown node {node!r}")

    def quantifier(self, node: ast.Quantifier) -> exp.Expression:
        index = self.plan.quantifiers.index(node)
        true, false, unknown = (
            exp.column(f"q{index}_{suffix}", table=self.fact_table) for suffix in ("t", "f", "n")
        )
        zero = exp.Literal.number(0)
        if node.kind == "count":
            return true
        if node.kind == "all":
            decisive, if_decisive, otherwise = false, exp.false(), exp.true()
        elif node.kind == "any":
            decisive, if_decisive, otherwise = true, exp.true(), exp.false()
        else:
            decisive, if_decisive, otherwise = true, exp.false(), exp.true()
        return (
            exp.Case()
            .when(exp.GT(this=decisive, expression=zero), if_decisive)
            .when(exp.GT(this=unknown, expression=zero), exp.Null())
            .else_(otherwise)
        )

    def member_aggregates(self) -> list[exp.Expression]:
        """Per quantifier: members whose condition is true (t) and known (k).

        COUNT skips NULLs, so `COUNT(CASE WHEN c THEN 1 END)` counts the true ones and
        `COUNT(c)` the known ones; false and unknown follow from those and the household
        size in the fact step. Two counts instead of three sums of CASE: aggregating
        100 million members, each aggregate costs seconds.
        """
        columns = []
        for index, node in enumerate(self.plan.quantifiers):
            condition = exp.paren(self.expr(node.where, member_table="mm"))
            true = exp.Case().when(condition, exp.Literal.number(1))
            columns.append(exp.alias_(exp.Count(this=true), f"q{index}_t"))
            columns.append(exp.alias_(exp.Count(this=condition.copy()), f"q{index}_k"))
        return columns

    def packed_member_aggregates(self, size: exp.Expression):
        """The same counts, several summed in one integer (compact answer, ADR 0032).

        Each member adds 1 << (10 * j) to word j // 6 for every count j it is in, so one SUM
        replaces six COUNTs: at national scale DuckDB keeps an array of every aggregate's
        state per thread over the whole id range, and six count states are most of that
        memory (half of the member aggregation's page faults) and of its updates. A count
        stays in its 10 bits while the household has at most 1,023 current members; a
        larger one stops the query with an error rather than give a wrong count.

        Returns the aggregates (`packed<w>`) and the counts read back from them (`q<n>_t`,
        `q<n>_k`), for a step selecting from the aggregation as `mp`.
        """
        fields = []
        for index, node in enumerate(self.plan.quantifiers):
            condition = exp.paren(self.expr(node.where, member_table="mm"))
            fields.append((f"q{index}_t", condition))
            fields.append(
                (
                    f"q{index}_k",
                    exp.Not(this=exp.paren(exp.Is(this=condition.copy(), expression=exp.Null()))),
                )
            )
        aggregates, counts = [], []
        mask = exp.Literal.number(PACKED_MAX_MEMBERS)
        for start in range(0, len(fields), PACKED_FIELDS_PER_WORD):
            word = f"packed{start // PACKED_FIELDS_PER_WORD}"
            total = None
            for offset, (name, test) in enumerate(fields[start : start + PACKED_FIELDS_PER_WORD]):
                shift = offset * PACKED_FIELD_BITS
                part = (
                    exp.Case()
                    .when(test, exp.Literal.number(1 << shift))
                    .else_(exp.Literal.number(0))
                )
                total = part if total is None else exp.Add(this=total, expression=part)
                value = exp.BitwiseAnd(
                    this=exp.paren(
                        exp.BitwiseRightShift(
                            this=exp.column(word, table="mp"), expression=exp.Literal.number(shift)
                        )
                    ),
                    expression=mask.copy(),
                )
                counts.append(
                    exp.alias_(exp.Cast(this=value, to=exp.DataType.build("BIGINT")), name)
                )
            aggregates.append(exp.alias_(exp.Sum(this=total), word))
        if counts:
            too_many = exp.GT(this=size, expression=mask.copy())
            stop = exp.Anonymous(
                this="error",
                expressions=[
                    exp.Literal.string(
                        f"a household has more than {PACKED_MAX_MEMBERS} current members"
                    )
                ],
            )
            first = counts[0]
            counts[0] = exp.alias_(exp.Case().when(too_many, stop).else_(first.this), first.alias)
        return aggregates, counts

    def clause_truth(self, node: ast.Node) -> exp.Expression:
        """The clause as one three-valued boolean: TRUE pass, FALSE fail, NULL unknown."""
        return exp.paren(self.expr(node))

    def seen_text(self, key: str, kind: str) -> exp.Expression:
        column = exp.column(key, table=self.fact_table)
        if kind == BOOL:
            text = (
                exp.Case()
                .when(column, exp.Literal.string("1"))
                .when(exp.Not(this=column), exp.Literal.string("0"))
            )
        elif kind == TEXT:
            text = column
        else:
            text = exp.Cast(this=column, to=exp.DataType.build("VARCHAR"))
        return exp.Coalesce(this=text, expressions=[exp.Literal.string("")])


def _concat(parts: list[exp.Expression]) -> exp.Expression:
    result = parts[0]
    for part in parts[1:]:
        result = exp.DPipe(this=result, expression=part, safe=True)
    return result


def seen_column(key: str) -> str:
    return f"seen_{key}"


def is_own_fact(key: str) -> bool:
    """A value of the household's own row (not derived, not a quantifier count)."""
    return key not in DERIVED_FACTS and not key.startswith("q")


def derived_seen(plan: Plan) -> list[tuple[str, str]]:
    """The values seen a compact answer stores: those the household's row does not hold."""
    return [(key, kind) for key, kind in plan.seen if not is_own_fact(key)]


def _reads_own_row_only(node: ast.Node) -> bool:
    return not ast.quantifiers(node) and all(
        is_own_fact(name) for name in ast.household_facts_used(node)
    )


def _mask(columns: list[exp.Expression], test) -> exp.Expression:
    """Bit k set when `test(column k)`: one integer for all the clauses."""
    kind = "INT" if len(columns) <= 30 else "BIGINT"
    parts = [
        exp.Case().when(test(column), exp.Literal.number(1 << k)).else_(exp.Literal.number(0))
        for k, column in enumerate(columns)
    ]
    total = parts[0] if parts else exp.Literal.number(0)
    for part in parts[1:]:
        total = exp.Add(this=total, expression=part)
    return exp.Cast(this=total, to=exp.DataType.build(kind))


def _final_compact(compiler: _Compiler, plan: Plan, own_clauses: dict[int, str]):
    """The compact answer: id, `failed` and `unknown` (bit k: clause k false / unknown) and
    the derived values seen. Clauses that read only the household's own row were already
    evaluated before the joins (column `own_clauses[k]` of f)."""
    if len(plan.clauses) > COMPACT_MAX_CLAUSES:
        raise ValueError(f"a compact answer holds at most {COMPACT_MAX_CLAUSES} clauses")
    truths = [
        exp.alias_(
            exp.column(own_clauses[index], table="f")
            if index in own_clauses
            else compiler.clause_truth(node),
            f"c{index}",
        )
        for index, (_code, node) in enumerate(plan.clauses)
    ]
    derived = derived_seen(plan)
    inner = exp.select(
        exp.alias_(exp.column("id", table="f"), "id"),
        *truths,
        *[exp.alias_(exp.column(key, table="f"), seen_column(key)) for key, _kind in derived],
    ).from_(exp.alias_(exp.to_table(compiler.fact_table), "f"))
    columns = [exp.column(f"c{index}") for index in range(len(plan.clauses))]
    return inner, exp.select(
        "id",
        exp.alias_(_mask(columns, lambda c: exp.Not(this=c.copy())), "failed"),
        exp.alias_(
            _mask(columns, lambda c: exp.Is(this=c.copy(), expression=exp.Null())), "unknown"
        ),
        *[seen_column(key) for key, _kind in derived],
    ).from_("c")


def result_of_masks(table: str | None = None) -> exp.Expression:
    """'fail' if any clause failed, else 'unknown' if any is unknown, else 'pass': the
    three-valued AND of the clauses, read from a compact answer's masks."""
    zero = exp.Literal.number(0)
    failed, unknown = (exp.column(name, table=table) for name in ("failed", "unknown"))
    return (
        exp.Case()
        .when(exp.NEQ(this=failed, expression=zero), exp.Literal.string("fail"))
        .when(exp.NEQ(this=unknown, expression=zero.copy()), exp.Literal.string("unknown"))
        .else_(exp.Literal.string("pass"))
    )


def expanded_steps(plan: Plan, results: str = "r", households: str = "h"):
    """The full answer (id, number, region_code, result, clauses, seen_<key> for every
    value seen) from a compact answer `results` and the households' rows, joined by id:
    what an explanation of a household reads."""
    masks = {name: exp.column(name, table="r") for name in ("failed", "unknown")}

    def bit_set(mask: str, k: int) -> exp.Expression:
        return exp.NEQ(
            this=exp.BitwiseAnd(this=masks[mask].copy(), expression=exp.Literal.number(1 << k)),
            expression=exp.Literal.number(0),
        )

    result = result_of_masks("r")
    letters = [
        exp.Case()
        .when(bit_set("failed", k), exp.Literal.string("F"))
        .when(bit_set("unknown", k), exp.Literal.string("U"))
        .else_(exp.Literal.string("P"))
        for k in range(len(plan.clauses))
    ]
    seen = [
        exp.alias_(
            exp.column(key, table="h")
            if is_own_fact(key)
            else exp.column(seen_column(key), table="r"),
            seen_column(key),
        )
        for key, _kind in plan.seen
    ]
    answer = (
        exp.select(
            exp.alias_(exp.column("id", table="r"), "id"),
            exp.alias_(exp.column("number", table="h"), "number"),
            exp.alias_(exp.column("village_code", table="h"), "region_code"),
            exp.alias_(result, "result"),
            exp.alias_(_concat(letters) if letters else exp.Literal.string(""), "clauses"),
            *seen,
        )
        .from_(exp.alias_(exp.to_table(results), "r"))
        .join(exp.alias_(exp.to_table(households), "h"), on="h.id = r.id", join_type="left")
    )
    return [("answer", answer)]


def _final(
    compiler: _Compiler,
    plan: Plan,
    id_column: str,
    number_column: str,
    region: str,
    seen_as_columns: bool = False,
):
    """The two last steps: each clause once as a boolean, then its letter and the result.

    A clause's condition is evaluated once (step c) and the letters and the result read
    that column: at 30 million households re-evaluating each condition for its letter
    and comparing letters for the result cost more than evaluating the clauses. The
    result is SQL's own three-valued AND of the clauses: FALSE if any clause fails,
    else NULL if any is unknown, else TRUE.

    The values seen are one '|'-joined text (what the results table stores) or, with
    `seen_as_columns`, one typed column each (`seen_<key>`) for Parquet output: at 30
    million households building the text costs more than every clause together.
    """
    truths = [
        exp.alias_(compiler.clause_truth(node), f"c{index}")
        for index, (_code, node) in enumerate(plan.clauses)
    ]
    seen_parts: list[exp.Expression] = []
    for index, (key, kind) in enumerate(plan.seen):
        if index:
            seen_parts.append(exp.Literal.string("|"))
        seen_parts.append(compiler.seen_text(key, kind))
    seen = _concat(seen_parts) if seen_parts else exp.Literal.string("")
    if seen_as_columns:
        seen_output = [
            exp.alias_(exp.column(key, table=compiler.fact_table), seen_column(key))
            for key, _kind in plan.seen
        ]
    else:
        seen_output = [exp.alias_(seen, "seen")]
    inner = exp.select(
        exp.alias_(exp.column(id_column, table="f"), "id"),
        exp.alias_(exp.column(number_column, table="f"), "number"),
        exp.alias_(exp.column(region, table="f"), "region_code"),
        *truths,
        *seen_output,
    ).from_(exp.alias_(exp.to_table(compiler.fact_table), "f"))
    columns = [exp.column(f"c{index}") for index in range(len(plan.clauses))]

    def three_valued(truth: exp.Expression, if_true: str, if_false: str, if_null: str):
        return (
            exp.Case()
            .when(truth, exp.Literal.string(if_true))
            .when(exp.Not(this=truth.copy()), exp.Literal.string(if_false))
            .else_(exp.Literal.string(if_null))
        )

    every = exp.paren(exp.and_(*columns)) if columns else exp.true()
    letters = [three_valued(column, "P", "F", "U") for column in columns]
    return inner, exp.select(
        "id",
        "number",
        "region_code",
        exp.alias_(three_valued(every, "pass", "fail", "unknown"), "result"),
        exp.alias_(_concat(letters) if letters else exp.Literal.string(""), "clauses"),
        *([seen_column(key) for key, _kind in plan.seen] if seen_as_columns else ["seen"]),
    ).from_("c")


def household_steps(
    plan: Plan, as_of_ymd: int, seen_as_columns: bool = False, compact: bool = False
) -> list[tuple[str, exp.Expression]]:
    """Named steps (CTEs) after the base relations h, m, i, me; the last one is the answer.

    `compact` (ADR 0032): the answer of `_final_compact`, and the clauses that read only the
    household's own row evaluated from it before the joins (step hc), so that the joins
    carry one boolean per such clause instead of the row's columns.
    """
    compiler = _Compiler(plan, "f")
    year = _literal(plan.params["year"])
    age = exp.Case().when(
        exp.LTE(this=exp.column("birth_ymd", table="m"), expression=_literal(as_of_ymd)),
        exp.IntDiv(
            this=exp.paren(
                exp.Sub(this=_literal(as_of_ymd), expression=exp.column("birth_ymd", table="m"))
            ),
            expression=exp.Literal.number(10000),
        ),
    )
    current = (
        exp.select(
            exp.Column(this=exp.Star(), table=exp.to_identifier("m")), exp.alias_(age, "age")
        )
        .from_("m")
        .where(
            exp.EQ(
                this=exp.column("status", table="m"),
                expression=exp.Literal.string(MEMBER_CURRENT_STATUS),
            )
        )
    )
    if compact:
        aggregates, counts = compiler.packed_member_aggregates(exp.column("size", table="mp"))
        packed = (
            exp.select(
                exp.column("household_id", table="mm"),
                exp.alias_(exp.Count(this=exp.Star()), "size"),
                *aggregates,
            )
            .from_(exp.alias_(exp.Subquery(this=current), "mm"))
            .group_by(exp.column("household_id", table="mm"))
        )
        ms = exp.select(
            exp.column("household_id", table="mp"), exp.column("size", table="mp"), *counts
        ).from_(exp.alias_(exp.Subquery(this=packed), "mp"))
    else:
        ms = (
            exp.select(
                exp.column("household_id", table="mm"),
                exp.alias_(exp.Count(this=exp.Star()), "size"),
                *compiler.member_aggregates(),
            )
            .from_(exp.alias_(exp.Subquery(this=current), "mm"))
            .group_by(exp.column("household_id", table="mm"))
        )
    ic = (
        exp.select("household_id", exp.alias_(exp.Sum(this=exp.column("net_cents")), "net_cents"))
        .from_("i")
        .where(exp.EQ(this=exp.column("year"), expression=year))
        .group_by("household_id")
    )
    # Counted, not summed: SUM of an integer is HUGEINT in DuckDB, which its Parquet
    # writer stores as DOUBLE, while COUNT is BIGINT on every engine (Spark included).
    raises = exp.Case().when(exp.column("raises_income"), exp.Literal.number(1))
    mc = (
        exp.select(
            "household_id",
            exp.alias_(exp.Count(this=exp.Star()), "measure_count"),
            exp.alias_(exp.Count(this=raises), "income_measure_count"),
        )
        .from_("me")
        .where(exp.LTE(this=exp.column("year"), expression=year))
        .group_by("household_id")
    )
    size = exp.Coalesce(this=exp.column("size", table="ms"), expressions=[exp.Literal.number(0)])
    net_cents = _double(exp.column("net_cents", table="ic"))

    def zero_if_null(expression: exp.Expression) -> exp.Expression:
        return exp.Coalesce(this=expression, expressions=[exp.Literal.number(0)])

    quantifier_columns = []
    for i in range(len(plan.quantifiers)):
        true, known = (exp.column(f"q{i}_{s}", table="ms") for s in ("t", "k"))
        quantifier_columns += [
            exp.alias_(zero_if_null(true), f"q{i}_t"),
            exp.alias_(zero_if_null(exp.Sub(this=known, expression=true.copy())), f"q{i}_f"),
            exp.alias_(
                zero_if_null(exp.Sub(this=exp.column("size", table="ms"), expression=known.copy())),
                f"q{i}_n",
            ),
        ]
    own_clauses: dict[int, str] = {}
    steps: list[tuple[str, exp.Expression]] = []
    households: exp.Expression = exp.to_table("h")
    if compact:
        own_compiler = _Compiler(plan, "h")
        own = []
        needed: list[str] = []
        for index, (_code, node) in enumerate(plan.clauses):
            if _reads_own_row_only(node):
                own_clauses[index] = f"own_c{index}"
                own.append(exp.alias_(own_compiler.clause_truth(node), own_clauses[index]))
            else:
                needed += [
                    name
                    for name in ast.household_facts_used(node)
                    if is_own_fact(name) and name not in needed
                ]
        steps.append(
            (
                "hc",
                exp.select(
                    exp.column("id", table="h"),
                    *own,
                    *[exp.column(name, table="h") for name in needed],
                ).from_("h"),
            )
        )
        households = exp.alias_(exp.to_table("hc"), "h")
    facts = (
        exp.select(
            exp.Column(this=exp.Star(), table=exp.to_identifier("h")),
            exp.alias_(size, "size"),
            exp.alias_(
                exp.Div(this=net_cents, expression=_double(exp.Literal.number(100))), "net_income"
            ),
            exp.alias_(
                exp.Div(
                    this=net_cents,
                    expression=_double(
                        exp.Mul(
                            this=exp.Nullif(this=size, expression=exp.Literal.number(0)),
                            expression=exp.Literal.number(100),
                        )
                    ),
                ),
                "per_capita_income",
            ),
            exp.alias_(
                exp.Coalesce(
                    this=exp.column("measure_count", table="mc"),
                    expressions=[exp.Literal.number(0)],
                ),
                "measure_count",
            ),
            exp.alias_(
                exp.Coalesce(
                    this=exp.column("income_measure_count", table="mc"),
                    expressions=[exp.Literal.number(0)],
                ),
                "income_measure_count",
            ),
            *quantifier_columns,
        )
        .from_(households)
        .join("ms", on="ms.household_id = h.id", join_type="left")
        .join("ic", on="ic.household_id = h.id", join_type="left")
        .join("mc", on="mc.household_id = h.id", join_type="left")
    )
    if compact:
        inner, final = _final_compact(compiler, plan, own_clauses)
    else:
        inner, final = _final(compiler, plan, "id", "number", "village_code", seen_as_columns)
    steps += [("ms", ms), ("ic", ic), ("mc", mc), ("f", facts), ("c", inner), ("answer", final)]
    return steps


def subject_steps(plan: Plan) -> list[tuple[str, exp.Expression]]:
    """Villages and counties: the engine supplies the fact relation `f` (code, name, facts)."""
    compiler = _Compiler(plan, "f")
    inner, final = _final(compiler, plan, "code", "name", "code")
    return [("c", inner), ("answer", final)]


def _for_postgres(query: exp.Expression) -> exp.Expression:
    """The same logic in the forms PostgreSQL computes fastest (a city run evaluates
    them for 764,166 members and 230,000 households).

    - A member's age: sqlglot writes `DIV(a, b)`, which is numeric division; both
      operands are integers and the dividend is never negative (the age is NULL for a
      birth after the date), so integer `/` gives the same whole years.
    - The values seen: one `CONCAT(...)`, which reads NULL as '', instead of a chain of
      `COALESCE(x, '') || '|' || ...` that builds a new text at every `||`.
    """

    def rewrite(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.IntDiv):
            return exp.Div(this=node.this, expression=node.expression, typed=True)
        if (
            isinstance(node, exp.Alias)
            and node.alias == "seen"
            and isinstance(node.this, exp.DPipe)
        ):
            parts = [part.this if _blank_if_null(part) else part for part in node.this.flatten()]
            return exp.alias_(exp.Concat(expressions=parts, coalesce=True), "seen")
        return node

    return query.transform(rewrite)


def _blank_if_null(node: exp.Expression) -> bool:
    """`COALESCE(x, '')`"""
    return (
        isinstance(node, exp.Coalesce)
        and len(node.expressions) == 1
        and node.expressions[0] == exp.Literal.string("")
    )


def render(steps: list[tuple[str, exp.Expression]], dialect: str, base_ctes: str = "") -> str:
    """`WITH <base_ctes>, step AS (...), ... SELECT * FROM answer` in the dialect."""
    if dialect == "postgres":
        steps = [(name, _for_postgres(query)) for name, query in steps]
    parts = [f"{name} AS ({query.sql(dialect=dialect)})" for name, query in steps]
    prefix = f"{base_ctes}, " if base_ctes else ""
    return f"WITH {prefix}{', '.join(parts)} SELECT * FROM answer"
