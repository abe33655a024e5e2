"""Rules on payments to people, read against the registry: the payee is in no household,
exited beyond the consolidation period, dead before the payment; a person or household
paid twice for one item in one period; one account on payments to several households.

A payment names its member and household when the import found them; otherwise the
registry is searched by the ID number in every form the registry may hold it (the
15-digit original of an 18-digit number, a small x), as registry.idnumbers does."""

from __future__ import annotations

from tuopin.projects.enums import PayeeKind, Severity
from tuopin.projects.warning_rules.framework import (
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
from tuopin.registry.enums import EXITED, MemberEventKind, MemberStatus


def resolved(context: Context) -> tuple[str, list]:
    """A CTE `resolved`: the payments to people in scope up to as_of, with the member and
    household the registry knows them by (NULL: not in the registry)."""
    t = tables()
    scope, scope_params = context.scope("x.region_id")
    sql = f"""resolved AS (
        SELECT x.id, x.region_id, x.paid_on, x.amount, x.item, x.period, x.account,
               x.id_number, x.payee, x.fund_id, x.project_id,
               {Sql.id_key("x.id_number")} AS person,
               COALESCE(x.member_id, m.id) AS member_id,
               COALESCE(x.household_id, k.household_id, m.household_id) AS household_id
        FROM {t["pay"]} x
        LEFT JOIN {t["member"]} k ON k.id = x.member_id
        LEFT JOIN {t["member"]} m ON x.member_id IS NULL AND m.id_number <> ''
             AND {Sql.id_key("m.id_number")} = {Sql.id_key("x.id_number")}
        WHERE x.payee_kind = %s AND x.paid_on <= %s AND {scope}
    )"""
    return sql, [PayeeKind.PERSON, context.as_of, *scope_params]


def _payment_finding(rule, severity, row, detail) -> Finding:
    payment_id, region, amount, id_number, fund_id, project_id = row[:6]
    return Finding(
        rule=rule,
        severity=severity,
        subject=f"payment:{payment_id}",
        region=region,
        amount=money(amount),
        detail=detail,
        fund_id=fund_id,
        project_id=project_id,
        payment_id=payment_id,
        payment_ids=(payment_id,),
        id_number=id_number,
    )


_COLUMNS = "r.id, r.region_id, r.amount, r.id_number, r.fund_id, r.project_id"


def _payee_not_registered(context: Context, group: Group) -> list[Finding]:
    cte, params = resolved(context)
    sql = f"""WITH {cte}
        SELECT {_COLUMNS}, r.item, r.paid_on FROM resolved r WHERE r.member_id IS NULL"""
    return [
        _payment_finding(
            "payee_not_registered",
            Severity.HIGH,
            row,
            f"{row[7]} 支付“{row[6]}”，收款人身份证号不在建档立卡户中",
        )
        for row in rows(sql, params)
    ]


def _payee_exited_beyond(context: Context, group: Group) -> list[Finding]:
    t = tables()
    years = value(group.values["consolidation_years"])
    cte, params = resolved(context)
    where, where_params = group.where("r.region_id")
    sql = f"""WITH {cte}
        SELECT {_COLUMNS}, r.item, r.paid_on, h.exit_year
        FROM resolved r JOIN {t["household"]} h ON h.id = r.household_id
        WHERE h.status IN (%s, %s) AND h.exit_year IS NOT NULL
          AND {Sql.year("r.paid_on")} > h.exit_year + %s AND {where}"""
    return [
        _payment_finding(
            "payee_exited_beyond",
            Severity.MEDIUM,
            row,
            f"{row[7]} 支付“{row[6]}”，收款户 {row[8]} 年已脱贫，巩固期 {years} 年已过",
        )
        for row in rows(sql, [*params, *EXITED, years, *where_params])
    ]


def _payee_deceased(context: Context, group: Group) -> list[Finding]:
    t = tables()
    cte, params = resolved(context)
    sql = f"""WITH {cte}
        SELECT {_COLUMNS}, r.item, r.paid_on, d.died_on
        FROM resolved r JOIN {t["member"]} m ON m.id = r.member_id
        LEFT JOIN (SELECT e.member_id, MIN(e.date) AS died_on FROM {t["event"]} e
                   WHERE e.kind = %s GROUP BY e.member_id) d ON d.member_id = m.id
        WHERE m.status = %s AND (d.died_on IS NULL OR d.died_on < r.paid_on)"""
    found = []
    for row in rows(sql, [*params, MemberEventKind.DEATH, MemberStatus.DECEASED]):
        died = f"已于 {row[8]} 死亡" if row[8] else "已登记死亡（死亡日期未登记）"
        found.append(
            _payment_finding(
                "payee_deceased", Severity.HIGH, row, f"{row[7]} 支付“{row[6]}”，收款人{died}"
            )
        )
    return found


def _paid_twice(context: Context, group: Group) -> list[Finding]:
    """The same person, or different people of one household, paid for one item in one
    period (a payment without a period is not compared: its period is unknown)."""
    cte, params = resolved(context)
    sql = f"""WITH {cte}
        SELECT 'person', r.person, r.item, r.period, MIN(r.region_id), SUM(r.amount),
               MIN(r.id_number), {agg_ids("r.id")}, MIN(r.fund_id), MIN(r.project_id)
        FROM resolved r WHERE r.period <> '' AND r.person <> ''
        GROUP BY r.person, r.item, r.period HAVING COUNT(DISTINCT r.id) > 1
        UNION ALL
        SELECT 'household', CAST(r.household_id AS TEXT), r.item, r.period, MIN(r.region_id),
               SUM(r.amount), MIN(r.id_number), {agg_ids("r.id")}, MIN(r.fund_id),
               MIN(r.project_id)
        FROM resolved r WHERE r.period <> '' AND r.household_id IS NOT NULL
        GROUP BY r.household_id, r.item, r.period HAVING COUNT(DISTINCT r.person) > 1"""
    found = []
    for kind, who, item, period, region, amount, id_number, ids, fund_id, project_id in rows(
        sql, params
    ):
        payment_ids = ids_of(ids)
        whom = "同一人" if kind == "person" else "同一户的不同成员"
        found.append(
            Finding(
                rule="paid_twice",
                severity=Severity.HIGH,
                subject=f"{kind}:{who}|{item}|{period}"[:120],
                region=region,
                amount=money(amount),
                detail=f"{whom}在 {period} 期间重复领取“{item}”，共 {len(payment_ids)} 笔",
                fund_id=fund_id,
                project_id=project_id,
                payment_id=payment_ids[-1],
                payment_ids=payment_ids,
                id_number=id_number if kind == "person" else "",
            )
        )
    return found


def _account_shared(context: Context, group: Group) -> list[Finding]:
    cte, params = resolved(context)
    sql = f"""WITH {cte}
        SELECT r.account, MIN(r.region_id), SUM(r.amount), COUNT(DISTINCT r.household_id),
               {agg_ids("r.id")}
        FROM resolved r WHERE r.account <> '' AND r.household_id IS NOT NULL
        GROUP BY r.account HAVING COUNT(DISTINCT r.household_id) > 1"""
    found = []
    for account, region, amount, households, ids in rows(sql, params):
        payment_ids = ids_of(ids)
        found.append(
            Finding(
                rule="account_shared",
                severity=Severity.HIGH,
                subject=f"account:{account}"[:120],
                region=region,
                amount=money(amount),
                detail=f"同一收款账号用于 {households} 户的 {len(payment_ids)} 笔支付",
                payment_id=payment_ids[0],
                payment_ids=payment_ids,
            )
        )
    return found


RULES = [
    Rule(
        "payee_not_registered",
        "收款人不在建档立卡户中",
        "payee not in the registry",
        Severity.HIGH,
        (),
        "支付给个人、其身份证号（含 15 位与 18 位两种写法）不属于任何建档立卡户成员",
        _payee_not_registered,
    ),
    Rule(
        "payee_exited_beyond",
        "脱贫户超过巩固期仍获支付",
        "paid after the exit's consolidation period",
        Severity.MEDIUM,
        ("consolidation_years",),
        "收款户已脱贫，支付年度大于脱贫年度加巩固期年数（>）；巩固期最后一年内的支付不预警",
        _payee_exited_beyond,
    ),
    Rule(
        "payee_deceased",
        "向已死亡人员支付",
        "paid to a deceased person",
        Severity.HIGH,
        (),
        "收款人已登记死亡，死亡日期早于支付日期（<）；死亡当日的支付不预警；"
        "已标记死亡但未登记日期的也预警",
        _payee_deceased,
    ),
    Rule(
        "paid_twice",
        "同一事项同一期间重复支付",
        "paid twice for one item in one period",
        Severity.HIGH,
        (),
        "同一人（或同一户不同成员）同一支付事项、同一所属期间有两笔及以上支付；未填期间的不比较",
        _paid_twice,
    ),
    Rule(
        "account_shared",
        "一个账号用于多户",
        "one bank account for several households",
        Severity.HIGH,
        (),
        "同一收款账号出现在两户及以上建档立卡户的支付中（>1 户）",
        _account_shared,
    ),
]
