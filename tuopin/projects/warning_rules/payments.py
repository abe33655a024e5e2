"""Rules on the amounts of payments: split just under the approval limit, round numbers."""

from __future__ import annotations

from decimal import Decimal

from tuopin.projects.enums import PayeeKind, Severity
from tuopin.projects.warning_rules.framework import (
    CENT,
    Context,
    Finding,
    Group,
    Rule,
    Sql,
    agg_ids,
    ids_of,
    money,
    rows,
    tables,
    value,
)


def _payee_key(alias: str) -> str:
    """One payee: a person by ID number (any stored form), a unit by its credit code, else
    by the name written."""
    return (
        f"(CASE WHEN {alias}.payee_kind = '{PayeeKind.PERSON}' "
        f"THEN 'id:' || {Sql.id_key(f'{alias}.id_number')} "
        f"WHEN {alias}.credit_code <> '' THEN 'org:' || {alias}.credit_code "
        f"ELSE 'name:' || {alias}.payee END)"
    )


def _split_payment(context: Context, group: Group) -> list[Finding]:
    t = tables()
    limit = group.values["approval_limit"]
    low = limit * (1 - group.values["split_margin_percent"] / Decimal(100))
    window = value(group.values["split_window_days"])
    scope, scope_params = context.scope("x.region_id")
    where, where_params = group.where("x.region_id")
    sql = f"""
        WITH band AS (
          SELECT x.id, x.region_id, x.paid_on, x.amount, x.fund_id, x.project_id,
                 x.id_number, {_payee_key("x")} AS payee
          FROM {t["pay"]} x
          WHERE x.amount >= %s AND x.amount < %s AND x.paid_on <= %s AND {scope} AND {where}
        ), pairs AS (
          SELECT a.id AS first_id, b.id AS second_id, a.payee AS payee FROM band a
          JOIN band b ON b.payee = a.payee AND b.id <> a.id
           AND {Sql.days("a.paid_on", "b.paid_on")} BETWEEN 0 AND %s
           AND a.amount + b.amount > %s
        ), split AS (
          SELECT first_id AS id FROM pairs UNION SELECT second_id FROM pairs
        )
        SELECT band.payee, MIN(band.region_id), SUM(band.amount), MIN(band.id_number),
               {agg_ids("band.id")}, MIN(band.fund_id), MIN(band.project_id)
        FROM band JOIN split ON split.id = band.id GROUP BY band.payee"""
    params = [
        float(low) - CENT,
        float(limit) - CENT,
        context.as_of,
        *scope_params,
        *where_params,
        window,
        value(limit),
    ]
    found = []
    for payee, region, amount, id_number, ids, fund_id, project_id in rows(sql, params):
        payment_ids = ids_of(ids)
        found.append(
            Finding(
                rule="split_payment",
                severity=Severity.MEDIUM,
                subject=f"split:{payee}"[:120],
                region=region,
                amount=money(amount),
                detail=(
                    f"同一收款人 {window} 天内 {len(payment_ids)} 笔支付均略低于审批限额 "
                    f"{money(limit)} 元，合计 {money(amount)} 元"
                ),
                fund_id=fund_id,
                project_id=project_id,
                payment_id=payment_ids[-1],
                payment_ids=payment_ids,
                id_number=id_number if payee.startswith("id:") else "",
            )
        )
    return found


def _round_amount(context: Context, group: Group) -> list[Finding]:
    t = tables()
    unit = value(group.values["round_amount_unit"])
    minimum = value(group.values["round_amount_min"])
    scope, scope_params = context.scope("x.region_id")
    where, where_params = group.where("x.region_id")
    sql = f"""
        SELECT x.id, x.region_id, x.amount, x.id_number, x.fund_id, x.project_id, x.payee,
               x.paid_on
        FROM {t["pay"]} x
        WHERE x.amount >= %s AND x.amount = CAST(x.amount / %s AS INTEGER) * %s
          AND x.paid_on <= %s AND {scope} AND {where}"""
    params = [minimum, unit, unit, context.as_of, *scope_params, *where_params]
    found = []
    for payment_id, region, amount, id_number, fund_id, project_id, _payee, paid_on in rows(
        sql, params
    ):
        found.append(
            Finding(
                rule="round_amount",
                severity=Severity.LOW,
                subject=f"payment:{payment_id}",
                region=region,
                amount=money(amount),
                detail=f"{paid_on} 支付 {money(amount)} 元，为 {unit} 元的整数倍",
                fund_id=fund_id,
                project_id=project_id,
                payment_id=payment_id,
                payment_ids=(payment_id,),
                id_number=id_number,
            )
        )
    return found


RULES = [
    Rule(
        "split_payment",
        "疑似拆分支付规避审批",
        "payments split under the approval limit",
        Severity.MEDIUM,
        ("approval_limit", "split_margin_percent", "split_window_days"),
        "同一收款人两笔及以上支付，每笔低于审批限额（<）且不低于限额减识别幅度（≥），"
        "相隔不超过识别期间天数（≤），两笔合计超过限额（>）",
        _split_payment,
    ),
    Rule(
        "round_amount",
        "大额整数支付",
        "round-number payment",
        Severity.LOW,
        ("round_amount_unit", "round_amount_min"),
        "单笔支付不少于整数金额预警起点（≥），且为整数金额单位的整数倍",
        _round_amount,
    ),
]
