"""Rules on the money of a fund at a region: passed down late, put on projects late,
lying idle. Money at a region = the fund's own receipt (at its region) plus allocations
to the region, minus allocations from it and disbursements to projects there."""

from __future__ import annotations

from tuopin.projects.enums import Severity, SourceLevel
from tuopin.projects.warning_rules.framework import (
    CENT,
    Context,
    Finding,
    Group,
    Rule,
    Sql,
    money,
    rows,
    tables,
    value,
)


def _allocation_late_upper(context: Context, group: Group) -> list[Finding]:
    t = tables()
    days = value(group.values["allocation_days_upper"])
    scope, scope_params = context.scope("f.region_id")
    where, where_params = group.where("f.region_id")
    sql = f"""
        SELECT fund_id, region_id, document, received_on, late FROM (
          SELECT f.id AS fund_id, f.region_id AS region_id, f.document AS document,
                 f.received_on AS received_on,
                 f.amount
                 - COALESCE((SELECT SUM(a.amount) FROM {t["alloc"]} a
                             WHERE a.fund_id = f.id AND a.from_region_id = f.region_id
                               AND {Sql.days("f.received_on", "a.allocated_on")} <= %s), 0)
                 - COALESCE((SELECT SUM(d.amount) FROM {t["disb"]} d
                             WHERE d.fund_id = f.id AND d.region_id = f.region_id
                               AND {Sql.days("f.received_on", "d.disbursed_on")} <= %s), 0)
                 AS late
          FROM {t["fund"]} f JOIN {t["region"]} r ON r.code = f.region_id
          WHERE f.level IN (%s, %s) AND r.level IN ('city', 'county')
            AND {Sql.days("f.received_on", "%s")} > %s AND {scope} AND {where}
        ) q WHERE late > %s"""
    params = [
        days,
        days,
        SourceLevel.CENTRAL,
        SourceLevel.PROVINCE,
        context.as_of,
        days,
        *scope_params,
        *where_params,
        CENT,
    ]
    return [
        Finding(
            rule="allocation_late_upper",
            severity=Severity.MEDIUM,
            subject=f"fund:{fund_id}@{region}",
            region=region,
            amount=money(late),
            detail=(
                f"{document} 于 {received_on} 到达，{days} 天内未分解下达或拨付到项目的"
                f"金额 {money(late)} 元"
            ),
            fund_id=fund_id,
        )
        for fund_id, region, document, received_on, late in rows(sql, params)
    ]


def _allocation_late_project(context: Context, group: Group) -> list[Finding]:
    """Each arrival at a county (the fund's receipt there, or an allocation to it) must be
    passed on (disbursed to projects, or allocated further down) within the days: what
    had arrived by an arrival's date but had not left by that date plus the days is late."""
    t = tables()
    days = value(group.values["allocation_days_project"])
    scope, scope_params = context.scope("t.region_id")
    where, where_params = group.where("t.region_id")
    came_alloc = f"""COALESCE((SELECT SUM(i.amount) FROM {t["alloc"]} i
        WHERE i.fund_id = t.fund_id AND i.to_region_id = t.region_id
          AND i.allocated_on <= t.on_), 0)"""
    came_own = f"""COALESCE((SELECT SUM(o.amount) FROM {t["fund"]} o
        WHERE o.id = t.fund_id AND o.region_id = t.region_id AND o.received_on <= t.on_), 0)"""
    went_alloc = f"""COALESCE((SELECT SUM(a.amount) FROM {t["alloc"]} a
        WHERE a.fund_id = t.fund_id AND a.from_region_id = t.region_id
          AND {Sql.days("t.on_", "a.allocated_on")} <= %s), 0)"""
    went_disb = f"""COALESCE((SELECT SUM(d.amount) FROM {t["disb"]} d
        WHERE d.fund_id = t.fund_id AND d.region_id = t.region_id
          AND {Sql.days("t.on_", "d.disbursed_on")} <= %s), 0)"""
    sql = f"""
        WITH arrivals AS (
          SELECT f.id AS fund_id, f.region_id AS region_id, f.received_on AS on_
          FROM {t["fund"]} f JOIN {t["region"]} r ON r.code = f.region_id
          WHERE r.level = 'county'
          UNION
          SELECT a.fund_id, a.to_region_id, a.allocated_on
          FROM {t["alloc"]} a JOIN {t["region"]} r ON r.code = a.to_region_id
          WHERE r.level = 'county'
        ), tranches AS (
          SELECT t.fund_id, t.region_id, t.on_,
                 {came_alloc} + {came_own} - {went_alloc} - {went_disb} AS late
          FROM arrivals t
          WHERE {Sql.days("t.on_", "%s")} > %s AND {scope} AND {where}
        )
        SELECT x.fund_id, x.region_id, f.document, MIN(x.on_), MAX(x.late)
        FROM tranches x JOIN {t["fund"]} f ON f.id = x.fund_id
        WHERE x.late > %s
        GROUP BY x.fund_id, x.region_id, f.document"""
    params = [days, days, context.as_of, days, *scope_params, *where_params, CENT]
    return [
        Finding(
            rule="allocation_late_project",
            severity=Severity.MEDIUM,
            subject=f"fund:{fund_id}@{region}",
            region=region,
            amount=money(late),
            detail=(
                f"{document} 于 {arrived} 到达本县，{days} 天内未拨付到项目的金额 {money(late)} 元"
            ),
            fund_id=fund_id,
        )
        for fund_id, region, document, arrived, late in rows(sql, params)
    ]


def _idle_balance(context: Context, group: Group) -> list[Finding]:
    t = tables()
    idle_days = value(group.values["idle_days"])
    minimum = value(group.values["idle_amount_min"])
    scope, scope_params = context.scope("m.region_id")
    where, where_params = group.where("m.region_id")
    sql = f"""
        WITH moves AS (
          SELECT f.id AS fund_id, f.region_id AS region_id, f.received_on AS on_,
                 f.amount AS delta FROM {t["fund"]} f
          UNION ALL
          SELECT a.fund_id, a.to_region_id, a.allocated_on, a.amount FROM {t["alloc"]} a
          UNION ALL
          SELECT a.fund_id, a.from_region_id, a.allocated_on, -a.amount FROM {t["alloc"]} a
          UNION ALL
          SELECT d.fund_id, d.region_id, d.disbursed_on, -d.amount FROM {t["disb"]} d
        ), balances AS (
          SELECT m.fund_id, m.region_id, SUM(m.delta) AS balance, MAX(m.on_) AS last_on
          FROM moves m
          WHERE m.on_ <= %s AND {scope} AND {where}
          GROUP BY m.fund_id, m.region_id
        )
        SELECT b.fund_id, b.region_id, f.document, b.balance, b.last_on
        FROM balances b JOIN {t["fund"]} f ON f.id = b.fund_id
        WHERE b.balance >= %s AND {Sql.days("b.last_on", "%s")} > %s"""
    params = [
        context.as_of,
        *scope_params,
        *where_params,
        minimum - CENT,
        context.as_of,
        idle_days,
    ]
    return [
        Finding(
            rule="idle_balance",
            severity=Severity.MEDIUM,
            subject=f"fund:{fund_id}@{region}",
            region=region,
            amount=money(balance),
            detail=(
                f"{document} 结余 {money(balance)} 元，自 {last_on} 起超过 {idle_days} 天无资金变动"
            ),
            fund_id=fund_id,
        )
        for fund_id, region, document, balance, last_on in rows(sql, params)
    ]


RULES = [
    Rule(
        "allocation_late_upper",
        "上级资金未按时分解下达",
        "upper-level funds not passed down in time",
        Severity.MEDIUM,
        ("allocation_days_upper",),
        "中央、省级资金到达市或县（区）之日起，超过时限天数（第 31 天起）仍未下达或拨付的部分；"
        "在第 30 天当日下达的不预警",
        _allocation_late_upper,
    ),
    Rule(
        "allocation_late_project",
        "资金未按时拨付到项目",
        "funds not put on projects in time",
        Severity.MEDIUM,
        ("allocation_days_project",),
        "资金每次到达县（区）之日起，超过时限天数（第 61 天起）仍未拨付到项目或下达乡镇的部分；"
        "在第 60 天当日拨付的不预警",
        _allocation_late_project,
    ),
    Rule(
        "idle_balance",
        "资金闲置",
        "idle balance",
        Severity.MEDIUM,
        ("idle_days", "idle_amount_min"),
        "某资金在某区划的结余不少于预警起点（≥），且最近一次资金变动距今超过闲置天数（>）",
        _idle_balance,
    ),
]
