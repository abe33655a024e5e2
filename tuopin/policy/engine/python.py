"""The Python engine: the same relations, the same derived facts, evaluated in Python.

Used to explain one household and, in tests, to prove the SQL engines right. Each
derived fact mirrors the SQL of `rules.sqlcompile.household_steps`.
"""

from collections import defaultdict

from tuopin.policy.rules import pyeval
from tuopin.policy.rules.facts import BOOL, NUMBER
from tuopin.policy.rules.sqlcompile import MEMBER_CURRENT_STATUS, Plan


def member_age(birth_ymd, as_of_ymd: int):
    if birth_ymd is None or birth_ymd > as_of_ymd:
        return None
    return (as_of_ymd - birth_ymd) // 10000


def household_facts(rows: dict[str, list[dict]], year: int, as_of_ymd: int):
    """Yield (household row + derived facts, its current members with age) per household."""
    members = defaultdict(list)
    for member in rows["m"]:
        if member["status"] == MEMBER_CURRENT_STATUS:
            members[member["household_id"]].append(
                {**member, "age": member_age(member["birth_ymd"], as_of_ymd)}
            )
    # One income row per household and year; its net is None (unknown) when any
    # component is unknown, as SQL's NULL arithmetic makes it in the relation `i`.
    net_cents: dict[int, int | None] = {}
    for income in rows["i"]:
        if income["year"] == year:
            net_cents[income["household_id"]] = income["net_cents"]
    measure_count, income_measure_count = defaultdict(int), defaultdict(int)
    for measure in rows["me"]:
        if measure["year"] <= year:
            measure_count[measure["household_id"]] += 1
            income_measure_count[measure["household_id"]] += 1 if measure["raises_income"] else 0
    for household in rows["h"]:
        key = household["id"]
        size = len(members[key])
        cents = net_cents.get(key)
        facts = {
            **household,
            "size": size,
            "net_income": None if cents is None else cents / 100,
            "per_capita_income": None if cents is None or size == 0 else cents / (size * 100),
            "measure_count": measure_count[key],
            "income_measure_count": income_measure_count[key],
        }
        yield facts, members[key]


def evaluate(plan: Plan, facts: dict, members: list[dict]) -> dict:
    """One subject's result: clause values, combined result and the values seen."""
    clauses = {
        code: pyeval.clause_value(node, facts, plan.params, members) for code, node in plan.clauses
    }
    seen = {key: facts.get(key) for key, _kind in plan.seen if not key.startswith("q")}
    for index, quantifier in enumerate(plan.quantifiers):
        true, _false, unknown = pyeval.quantifier_counts(quantifier, facts, plan.params, members)
        seen[f"q{index}_t"], seen[f"q{index}_n"] = true, unknown
    return {"clauses": clauses, "result": pyeval.combine(clauses.values()), "seen": seen}


LETTERS = {"P": pyeval.PASS, "F": pyeval.FAIL, "U": pyeval.UNKNOWN}


def decode(plan: Plan, clauses: str, seen: str) -> tuple[dict, dict]:
    """A stored SQL result row back into {code: value} and {fact: value}."""
    values = {
        code: LETTERS[letter] for (code, _node), letter in zip(plan.clauses, clauses, strict=True)
    }
    return values, decode_seen(plan.seen, seen)


def decode_seen(keys: list[tuple[str, str]], text: str) -> dict:
    parts = text.split("|") if keys else []
    seen = {}
    for (key, kind), part in zip(keys, parts, strict=True):
        if part == "":
            seen[key] = None
        elif kind == BOOL:
            seen[key] = part in ("1", "true", "t")
        elif kind == NUMBER:
            number = float(part)
            seen[key] = int(number) if number.is_integer() and "." not in part else number
        else:
            seen[key] = part
    return seen


def encode_seen(keys: list[tuple[str, str]], seen: dict) -> str:
    """The stored form of the values seen, as the SQL engines write it."""
    parts = []
    for key, kind in keys:
        value = seen.get(key)
        if value is None:
            parts.append("")
        elif kind == BOOL:
            parts.append("1" if value else "0")
        else:
            parts.append(str(value))
    return "|".join(parts)
