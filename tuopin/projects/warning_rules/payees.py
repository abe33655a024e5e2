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
    money,
    rows,
    tables,
    value,
)
from tuopin.registry.enums import EXITED, MemberEventKind, MemberStatus


def _base(context: Context) -> tuple[str, list]:
    """Payments to people in scope up to as_of (alias x)."""
    scope, scope_params = context.scope("x.region_id")
    return (
        f"x.payee_kind = %s AND x.paid_on <= %s AND {scope}",
        [PayeeKind.PERSON, context.as_of, *scope_params],
    )


UNLINKED = "x.member_id IS NULL AND x.household_id IS NULL"


def _households(context: Context, extra: str = "1 = 1", *, person: bool = True) -> tuple[str, list]:
    """A CTE `hp`: payments to people with the household the registry knows them by —
    the payment's own, its member's, or (neither named) the household of the member with
    the same ID number in any form; payments of no known household are left out. Three
    disjoint branches, each by index or by a hash of the few it needs."""
    t = tables()
    base, params = _base(context)
    # The person's key costs a text expression on every payment: only when asked for.
    columns = "x.id, {household} AS household, x.item, x.period, x.account"
    if person:
        columns += ", {key} AS person"
    key = Sql.id_key("x.id_number")
    sql = f"""hp AS (
        SELECT {columns.format(household="x.household_id", key=key)}
        FROM {t["pay"]} x WHERE {base} AND {extra} AND x.household_id IS NOT NULL
        UNION ALL
        SELECT {columns.format(household="k.household_id", key=key)}
        FROM {t["pay"]} x JOIN {t["member"]} k ON k.id = x.member_id
        WHERE {base} AND {extra} AND x.household_id IS NULL
        UNION ALL
        SELECT {columns.format(household="m.household_id", key=key)}
        FROM {t["pay"]} x JOIN {t["member"]} m
          ON m.id_number <> '' AND {Sql.id_key("m.id_number")} = {key}
        WHERE {base} AND {extra} AND {UNLINKED}
    )"""
    return sql, [*params, *params, *params]


_COLUMNS = "x.id, x.region_id, x.amount, x.id_number, x.fund_id, x.project_id"


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


def _payee_not_registered(context: Context, group: Group) -> list[Finding]:
    """Payments naming neither member nor household whose number no member carries."""
    t = tables()
    base, params = _base(context)
    sql = f"""
        SELECT {_COLUMNS}, x.item, x.paid_on FROM {t["pay"]} x
        WHERE {base} AND {UNLINKED}
          AND NOT EXISTS (SELECT 1 FROM {t["member"]} m WHERE m.id_number <> ''
                          AND {Sql.id_key("m.id_number")} = {Sql.id_key("x.id_number")})"""
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
    base, params = _base(context)
    where, where_params = group.where("t.region_id")
    # Only households whose period ended before the as-of year can be paid beyond it:
    # compared on the bare column (exit_year < year - period), so that the planner knows
    # from its statistics how few they are and looks their payments up by index. Each
    # branch carries the payment's columns: joining the matches back to the payments
    # would read all of them.
    columns = f"{_COLUMNS}, x.item, x.paid_on, hh.exit_year"
    sql = f"""
        WITH hh AS (
          SELECT h.id, h.exit_year FROM {t["household"]} h
          WHERE h.status IN (%s, %s) AND h.exit_year < %s
        ), matched AS (
          SELECT {columns} FROM {t["pay"]} x JOIN hh ON hh.id = x.household_id
          WHERE {base}
          UNION ALL
          SELECT {columns} FROM {t["pay"]} x JOIN {t["member"]} k ON k.id = x.member_id
          JOIN hh ON hh.id = k.household_id WHERE {base} AND x.household_id IS NULL
          UNION ALL
          SELECT {columns} FROM hh JOIN {t["member"]} m ON m.household_id = hh.id
          JOIN {t["pay"]} x ON m.id_number <> ''
           AND {Sql.id_key("x.id_number")} = {Sql.id_key("m.id_number")}
          WHERE {base} AND {UNLINKED}
        )
        SELECT DISTINCT t.* FROM matched t
        WHERE {Sql.year("t.paid_on")} > t.exit_year + %s AND {where}"""
    all_params = [
        *EXITED,
        context.as_of.year - years,
        *params,
        *params,
        *params,
        years,
        *where_params,
    ]
    return [
        _payment_finding(
            "payee_exited_beyond",
            Severity.MEDIUM,
            row,
            f"{row[7]} 支付“{row[6]}”，收款户 {row[8]} 年已脱贫，巩固期 {years} 年已过",
        )
        for row in rows(sql, all_params)
    ]


def _payee_deceased(context: Context, group: Group) -> list[Finding]:
    t = tables()
    base, params = _base(context)
    # Each branch carries the payment's columns (see _payee_exited_beyond).
    columns = f"{_COLUMNS}, x.item, x.paid_on, dead.died_on"
    sql = f"""
        WITH dead AS (
          SELECT m.id, m.id_number, d.died_on FROM {t["member"]} m
          LEFT JOIN (SELECT e.member_id, MIN(e.date) AS died_on FROM {t["event"]} e
                     WHERE e.kind = %s GROUP BY e.member_id) d ON d.member_id = m.id
          WHERE m.status = %s
        ), matched AS (
          SELECT {columns} FROM {t["pay"]} x JOIN dead ON dead.id = x.member_id
          WHERE {base}
          UNION ALL
          SELECT {columns} FROM dead JOIN {t["pay"]} x ON dead.id_number <> ''
           AND {Sql.id_key("x.id_number")} = {Sql.id_key("dead.id_number")}
          WHERE {base} AND x.member_id IS NULL
        )
        SELECT DISTINCT t.* FROM matched t
        WHERE t.died_on IS NULL OR t.died_on < t.paid_on"""
    all_params = [MemberEventKind.DEATH, MemberStatus.DECEASED, *params, *params]
    found = []
    for row in rows(sql, all_params):
        died = f"已于 {row[8]} 死亡" if row[8] else "已登记死亡（死亡日期未登记）"
        found.append(
            _payment_finding(
                "payee_deceased", Severity.HIGH, row, f"{row[7]} 支付“{row[6]}”，收款人{died}"
            )
        )
    return found


def _grouped(rule, severity, keyed_rows, detail, *, person: bool) -> list[Finding]:
    """Findings of payments grouped by their key (one finding per key)."""
    t = tables()
    groups: dict[tuple, list[int]] = {}
    for key, pid in keyed_rows:
        groups.setdefault(key, []).append(pid)
    ids = sorted({pid for pids in groups.values() for pid in pids})
    info = {}
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        marks = ", ".join(["%s"] * len(chunk))
        for pid, region, amount, id_number, fund_id, project_id in rows(
            f"SELECT {_COLUMNS} FROM {t['pay']} x WHERE x.id IN ({marks})", chunk
        ):
            info[pid] = (region, amount, id_number, fund_id, project_id)
    found = []
    for key, pids in groups.items():
        pids = sorted(set(pids))
        first = info[pids[0]]
        total = sum((info[p][1] for p in pids), start=0)
        subject, text = detail(key, pids)
        found.append(
            Finding(
                rule=rule,
                severity=severity,
                subject=subject[:120],
                region=min(info[p][0] for p in pids),
                amount=money(total),
                detail=text,
                fund_id=first[3],
                project_id=first[4],
                payment_id=pids[-1] if person else pids[0],
                payment_ids=tuple(pids),
                id_number=first[2] if person else "",
            )
        )
    return found


def _exact(ids, key: str) -> list[tuple]:
    """(id, person, item, period) of the payments."""
    t = tables()
    ids = sorted(ids)
    found = []
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        marks = ", ".join(["%s"] * len(chunk))
        found += rows(
            f"SELECT x.id, {key}, x.item, x.period FROM {t['pay']} x WHERE x.id IN ({marks})",
            chunk,
        )
    return found


def _paid_twice(context: Context, group: Group) -> list[Finding]:
    """The same person paid for one item in one period (a payment without a period is not
    compared: its period is unknown). Different members of one household paid the same
    item are not compared: many items are paid per person (a post's wage, a pupil's
    aid), so that would raise false alarms."""
    t = tables()
    base, params = _base(context)
    key = Sql.id_key("x.id_number")
    # Grouping 2 million payments by their text would spill to disk: they are grouped
    # by a 64-bit hash of the text on PostgreSQL (the text itself on SQLite), in one pass
    # keeping the first and last payment of each group; the few candidates are then
    # grouped exactly (a hash collision only adds a candidate).
    person_bucket = Sql.bucket(f"{key} || '|' || x.item || '|' || x.period")
    person_sql = f"""
        SELECT MIN(x.id), MAX(x.id), COUNT(*), {person_bucket} FROM {t["pay"]} x
        WHERE {base} AND x.period <> '' AND x.id_number <> ''
        GROUP BY 4 HAVING COUNT(*) > 1"""

    def detail(key, pids):
        who, item, period = key
        return (
            f"person:{who}|{item}|{period}",
            f"同一人在 {period} 期间重复领取“{item}”，共 {len(pids)} 笔",
        )

    candidates = set()
    crowded = []  # groups of more than two: their payments are looked up by the hash
    for first, last, count, bucket_value in rows(person_sql, params):
        candidates.update((first, last))
        if count > 2:
            crowded.append(bucket_value)
    for start in range(0, len(crowded), 500):
        chunk = crowded[start : start + 500]
        marks = ", ".join(["%s"] * len(chunk))
        more = f"""SELECT x.id FROM {t["pay"]} x WHERE {base} AND x.period <> ''
            AND x.id_number <> '' AND {person_bucket} IN ({marks})"""
        candidates.update(pid for (pid,) in rows(more, [*params, *chunk]))
    people: dict[tuple, set] = {}
    for pid, who, item, period in _exact(candidates, key):
        people.setdefault((who, item, period), set()).add(pid)
    return _grouped(
        "paid_twice",
        Severity.HIGH,
        [(k, pid) for k, pids in people.items() if len(pids) > 1 for pid in pids],
        detail,
        person=True,
    )


def _account_shared(context: Context, group: Group) -> list[Finding]:
    cte, params = _households(context, "x.account <> ''", person=False)
    # Grouped by a 64-bit hash of the account on PostgreSQL (see _paid_twice): two
    # accounts of one household each that share a hash come back as one candidate and
    # are told apart exactly below.
    bucket = Sql.bucket("hp.account")
    sql = f"""
        WITH {cte}, g AS (
          SELECT {bucket} AS b FROM hp GROUP BY 1 HAVING MIN(household) <> MAX(household)
        )
        SELECT hp.account, hp.household, hp.id FROM hp JOIN g ON g.b = {bucket}"""
    candidates, households = [], {}
    for account, household, pid in rows(sql, params):
        candidates.append((account, pid))
        households.setdefault(account, set()).add(household)
    keyed = [(account, pid) for account, pid in candidates if len(households[account]) > 1]

    def detail(account, pids):
        return (
            f"account:{account}",
            f"同一收款账号用于 {len(households[account])} 户的 {len(pids)} 笔支付",
        )

    return _grouped("account_shared", Severity.HIGH, keyed, detail, person=False)


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
        "同一人同一支付事项、同一所属期间有两笔及以上支付；未填期间的不比较",
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
