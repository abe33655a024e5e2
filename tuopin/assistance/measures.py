"""Measures (帮扶措施) from the ledgers, kept in step set-based.

Every household with a ledger entry of a kind that is help (kinds.py `measure`) has, for
the entry's year, one measure of that kind's category with `source` = the kind's code;
a ledger-derived measure whose entries are gone is removed. Typed measures (source
blank, 手工录入) are never touched. Each kind is a few statements over the whole scope
(INSERT ... SELECT, DELETE with a subquery), with their history rows written the same
way, so the registry's 帮扶措施 and the `has_measure` clause read the ledgers.
"""

from collections.abc import Iterable

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone, translation
from simple_history.utils import get_history_model_for_model

from tuopin.accounts.roles import Department
from tuopin.assistance.kinds import KINDS, LedgerKind
from tuopin.registry.models import Household, Measure

REASON = "由行业台账生成"
# Entries of these kinds that are no help: an employment record of someone unemployed.
NOT_HELP = {"employment": ("status = %s", ["2"])}


def measures_sync(
    *,
    kinds: Iterable[str] | None = None,
    region_prefix: str = "",
    years: Iterable[int] | None = None,
) -> dict[str, int]:
    """Bring the ledger-derived measures of `kinds` (every kind that gives one by
    default) in `region_prefix` and `years` (all by default) in step with the entries.
    Returns how many measures were created and deleted."""
    chosen = [KINDS[code] for code in (kinds if kinds is not None else KINDS)]
    chosen = [kind for kind in chosen if kind.measure]
    years = sorted(set(years)) if years is not None else None
    created = deleted = 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # `(household, year) NOT IN (entries)` is a hashed lookup only while the entries
            # fit in work_mem; over the city's 760,000 insurance rows the default 4MB made
            # it a nested loop that ran for many minutes.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = '256MB'")
        for kind in chosen:
            deleted += _delete_gone(kind, region_prefix, years)
            created += _insert_missing(kind, region_prefix, years)
    return {"created": created, "deleted": deleted}


def _entries(kind: LedgerKind, region_prefix: str, years) -> tuple[str, list]:
    """FROM ... WHERE of the kind's entries that give their household a measure (alias e)."""
    model = apps.get_model("assistance", kind.model)
    quote = connection.ops.quote_name
    where, params = ["e.household_id IS NOT NULL"], []
    if kind.payment_kind:
        where.append("e.kind = %s")
        params.append(kind.payment_kind)
    if kind.code in NOT_HELP:
        condition, values = NOT_HELP[kind.code]
        where.append(f"NOT (e.{condition})")
        params += values
    if region_prefix:
        where.append("e.region_id LIKE %s")
        params.append(f"{region_prefix}%")
    if years is not None:
        where.append(f"e.year IN ({', '.join(['%s'] * len(years))})" if years else "1 = 0")
        params += years
    return f"{quote(model._meta.db_table)} e WHERE {' AND '.join(where)}", params


def _measures_of(kind: LedgerKind, region_prefix: str, years) -> tuple[str, list]:
    """WHERE of the kind's derived measures in scope (alias m)."""
    where, params = ["m.source = %s"], [kind.code]
    if region_prefix:
        households = connection.ops.quote_name(Household._meta.db_table)
        where.append(f"m.household_id IN (SELECT id FROM {households} WHERE village_id LIKE %s)")
        params.append(f"{region_prefix}%")
    if years is not None:
        where.append(f"m.year IN ({', '.join(['%s'] * len(years))})" if years else "1 = 0")
        params += years
    return " AND ".join(where), params


def _delete_gone(kind: LedgerKind, region_prefix: str, years) -> int:
    entries, entry_params = _entries(kind, region_prefix, years)
    measures, measure_params = _measures_of(kind, region_prefix, years)
    # NOT IN over a subquery is a hashed lookup whatever the planner believes of the
    # table sizes (right after an import its statistics still say "tiny", and a
    # correlated NOT EXISTS became a nested loop over every entry per measure).
    condition = (
        f"{measures} AND (m.household_id, m.year) NOT IN "
        f"(SELECT e.household_id, e.year FROM {entries})"
    )
    params = [*measure_params, *entry_params]
    table = connection.ops.quote_name(Measure._meta.db_table)
    _history(f"FROM {table} m WHERE {condition}", params, "-")
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE id IN (SELECT m.id FROM {table} m WHERE {condition})",
            params,
        )
        return cursor.rowcount


def _insert_missing(kind: LedgerKind, region_prefix: str, years) -> int:
    entries, entry_params = _entries(kind, region_prefix, years)
    table = connection.ops.quote_name(Measure._meta.db_table)
    with translation.override("zh-hans"):
        unit = str(Department(kind.department).label)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {table}")
        before = cursor.fetchone()[0] or 0
        cursor.execute(
            f"INSERT INTO {table} (household_id, category, content, unit, year, "
            "raises_income, source) "
            "SELECT DISTINCT e.household_id, %s, %s, %s, e.year, %s, %s "
            f"FROM {entries} AND (e.household_id, e.year) NOT IN "
            f"(SELECT m.household_id, m.year FROM {table} m WHERE m.source = %s)",
            [
                kind.measure,
                kind.label_zh,
                unit,
                kind.raises_income,
                kind.code,
                *entry_params,
                kind.code,
            ],
        )
        created = cursor.rowcount
    if created:  # the new rows are the kind's rows after the largest id before
        _history(f"FROM {table} m WHERE m.source = %s AND m.id > %s", [kind.code, before], "+")
    return created


def _history(source: str, params: list, history_type: str) -> None:
    """History rows of the measures `source` selects (FROM ... alias m), as simple-history
    writes them (type +, ~ or -, no user: the ledgers' import or seed made them)."""
    history = get_history_model_for_model(Measure)
    quote = connection.ops.quote_name
    tracked = [quote(field.column) for field in history.tracked_fields]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(tracked)}, history_date, "
            "history_change_reason, history_type, history_user_id) "
            f"SELECT {', '.join('m.' + column for column in tracked)}, %s, %s, %s, NULL {source}",
            [timezone.now(), REASON, history_type, *params],
        )
