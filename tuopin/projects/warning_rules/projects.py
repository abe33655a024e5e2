"""Rules on a project's money: spending behind its schedule, paid beyond its budget."""

from __future__ import annotations

from tuopin.projects.enums import ProjectStage, Severity
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

# Projects that are no longer going to be built are not judged on their spending.
NOT_BUILT = (ProjectStage.RETURNED, ProjectStage.REMOVED)


def _paid(t: dict) -> str:
    return f"""(SELECT x.project_id, SUM(x.amount) AS paid FROM {t["pay"]} x
        WHERE x.project_id IS NOT NULL AND x.paid_on <= %s GROUP BY x.project_id)"""


def _spending_behind(context: Context, group: Group) -> list[Finding]:
    t = tables()
    lag = value(group.values["spending_lag_points"])
    scope, scope_params = context.scope("p.region_id")
    where, where_params = group.where("p.region_id")
    elapsed = Sql.days("p.starts_on", "%s")
    total = Sql.days("p.starts_on", "p.ends_on")
    sql = f"""
        SELECT id, region_id, code, amount, paid, elapsed_share, paid_share FROM (
          SELECT p.id, p.region_id, p.code, p.amount, COALESCE(x.paid, 0) AS paid,
                 {Sql.num(f"CASE WHEN {elapsed} > {total} THEN {total} ELSE {elapsed} END")}
                   * 100 / {total} AS elapsed_share,
                 {Sql.num("COALESCE(x.paid, 0)")} * 100 / p.amount AS paid_share
          FROM {t["project"]} p LEFT JOIN {_paid(t)} x ON x.project_id = p.id
          WHERE p.stage NOT IN (%s, %s) AND p.amount > 0
            AND p.starts_on IS NOT NULL AND p.ends_on IS NOT NULL AND p.ends_on > p.starts_on
            AND p.starts_on < %s AND {scope} AND {where}
        ) q WHERE elapsed_share - paid_share > %s"""
    params = [
        context.as_of,
        context.as_of,
        context.as_of,
        *NOT_BUILT,
        context.as_of,
        *scope_params,
        *where_params,
        float(lag) + 1e-9,
    ]
    found = []
    for project_id, region, code, amount, paid, elapsed_share, paid_share in rows(sql, params):
        found.append(
            Finding(
                rule="spending_behind",
                severity=Severity.LOW,
                subject=f"project:{project_id}",
                region=region,
                amount=money(amount - paid),
                detail=(
                    f"项目 {code} 计划工期已过 {float(elapsed_share):.1f}%，"
                    f"资金支出 {float(paid_share):.1f}%，落后超过 {lag} 个百分点"
                ),
                project_id=project_id,
            )
        )
    return found


def _project_over_budget(context: Context, group: Group) -> list[Finding]:
    t = tables()
    scope, scope_params = context.scope("p.region_id")
    sql = f"""
        SELECT id, region_id, code, amount, paid, disbursed FROM (
          SELECT p.id, p.region_id, p.code, p.amount,
                 COALESCE(x.paid, 0) AS paid, COALESCE(d.disbursed, 0) AS disbursed
          FROM {t["project"]} p
          LEFT JOIN {_paid(t)} x ON x.project_id = p.id
          LEFT JOIN (SELECT y.project_id, SUM(y.amount) AS disbursed FROM {t["disb"]} y
                     WHERE y.disbursed_on <= %s GROUP BY y.project_id) d ON d.project_id = p.id
          WHERE {scope}
        ) q WHERE paid > amount + %s OR disbursed > amount + %s"""
    params = [context.as_of, context.as_of, *scope_params, CENT, CENT]
    found = []
    for project_id, region, code, amount, paid, disbursed in rows(sql, params):
        beyond = max(paid, disbursed) - amount
        found.append(
            Finding(
                rule="project_over_budget",
                severity=Severity.HIGH,
                subject=f"project:{project_id}",
                region=region,
                amount=money(beyond),
                detail=(
                    f"项目 {code} 总投资 {money(amount)} 元，已拨付 {money(disbursed)} 元，"
                    f"已支付 {money(paid)} 元，超出 {money(beyond)} 元"
                ),
                project_id=project_id,
            )
        )
    return found


RULES = [
    Rule(
        "spending_behind",
        "项目支出进度落后",
        "project spending behind schedule",
        Severity.LOW,
        ("spending_lag_points",),
        "已开工项目：计划工期已过比例减去已支付占总投资比例，大于落后幅度（>）；"
        "已退回、已出库或工期不全的项目不判断",
        _spending_behind,
    ),
    Rule(
        "project_over_budget",
        "项目超预算支付",
        "project paid beyond its budget",
        Severity.HIGH,
        (),
        "项目的支付合计或拨付合计大于项目总投资（>），等于不预警",
        _project_over_budget,
    ),
]
