"""Every funds warning rule (tuopin/projects/warning_rules) at city scale, with planted
anomalies: times each rule over the city on PostgreSQL and prints recall and precision
against the planted set.

Usage (a throw-away PostgreSQL database; the target is ≤ 20 s for all rules together):
    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE tuopin_bench_funds"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tuopin_bench_funds \\
        .venv/bin/python benchmarks/funds_warnings.py [--households 50000] [--payments 2000000]

On a copy of the seeded city registry (230,000 households, see docs/benchmarks.md) the
registry is not seeded again:
    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE warn15_city TEMPLATE tpl_city230k"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/warn15_city \\
        .venv/bin/python benchmarks/funds_warnings.py --payments 2000000

Seeds the registry when it is empty (`tuopin seed`, --households; the city has about
230,000 — fewer is faster to seed), then writes straight into the tables with COPY: 2,850 upper-level funds at
the city, each allocated to every county within 10 days and put on the county's
projects in nine disbursements within 50 days (about 200,000 fund movements); 5,000
projects (their amount what was disbursed to them, their schedule 2018, paid 95 %);
--payments payments to registry people (one household's people never paid twice for
an item in a period, one account per household, one in ten by the 15-digit form of the
ID number, one in five without the member and household the import would fill in).
Around them, 20 planted anomalies of every rule and 20 near misses (just inside each
boundary), kept apart from the ordinary records. As of 2018-12-31.
"""

import argparse
import os
import sys
import time
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.base")
os.environ.setdefault("TUOPIN_ENV", "development")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from benchmarks.server_cpu import server_cpu  # noqa: E402

CITY = "411400000000"
AS_OF = date(2018, 12, 31)
PLANTS = 20
PROJECTS = 5000
FUNDS = 2850
ITEMS = [f"补助事项{n}" for n in range(10)]
PERIODS = [f"2018-{m:02d}" for m in range(1, 13)]
CENTS = Decimal("0.01")

PAYMENT_COLUMNS = (
    "project_id",
    "region_id",
    "payee_kind",
    "payee",
    "id_number",
    "credit_code",
    "household_id",
    "member_id",
    "account",
    "item",
    "period",
    "amount",
    "paid_on",
    "voucher",
)


def copy(table: str, columns, rows) -> int:
    count = 0
    with connection.cursor() as cursor:
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with cursor.cursor.copy(statement) as out:
            for row in rows:
                out.write_row(row)
                count += 1
    return count


def one(sql: str, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall() if cursor.description else []


def counties() -> list[str]:
    return [
        c for (c,) in one("SELECT code FROM regions_region WHERE level = 'county' ORDER BY code")
    ]


def seed_registry(households: int) -> None:
    from tuopin.regions.models import Region
    from tuopin.regions.services import regions_load
    from tuopin.registry.models import Household

    call_command("migrate", verbosity=0)
    if not Region.objects.exists():
        regions_load()
    if not Household.objects.exists():
        started = time.perf_counter()
        call_command("seed", households=households, seed=1, verbosity=0)
        print(f"registry seed: {time.perf_counter() - started:.0f} s", flush=True)


def _payment(project, region, kind, payee, amount, paid_on, voucher, **more):
    row = dict.fromkeys(PAYMENT_COLUMNS, "")
    row.update(household_id=None, member_id=None, project_id=project)
    row.update(region_id=region, payee_kind=kind, payee=payee, amount=amount)
    row.update(paid_on=paid_on, voucher=voucher, item=more.pop("item", "专项补助"))
    row.update(more)
    return tuple(row[c] for c in PAYMENT_COLUMNS)


def seed_funds(payments: int) -> None:
    """The ordinary records: funds, allocations, disbursements, projects, payments."""
    if one("SELECT COUNT(*) FROM projects_fund")[0][0]:
        return
    started = time.perf_counter()
    # The counties with the registry's people (the city districts and development zones
    # hold few households): 2,000 payments per household at most.
    county_codes = [
        c
        for c, households in one(
            "SELECT rpad(left(village_id, 6), 12, '0'), COUNT(*) FROM registry_household "
            "GROUP BY 1 ORDER BY 1"
        )
        if households * len(ITEMS) * len(PERIODS) * 0.9 >= payments / len(counties()) * 1.5
    ]
    village_of = {
        c: one(
            "SELECT code FROM regions_region WHERE level = 'village' AND code LIKE %s "
            "ORDER BY code LIMIT 1",
            [c[:6] + "%"],
        )[0][0]
        for c in county_codes
    }
    per_county = PROJECTS // len(county_codes)
    project_rows = []
    for c in county_codes:
        for n in range(per_county):
            project_rows.append((c, village_of[c], f"BENCH-{c[:6]}-{n:04d}"))
    copy(
        "projects_project",
        (
            "county_id",
            "region_id",
            "code",
            "year",
            "name",
            "category",
            "nature",
            "location",
            "starts_on",
            "ends_on",
            "unit",
            "person",
            "phone",
            "tasks",
            "subsidy_standard",
            "amount",
            "targets",
            "mechanism",
            "participation",
            "appraiser",
            "stage",
            "created_at",
        ),
        (
            (
                c,
                v,
                code,
                2018,
                "产业扶贫项目",
                "industry",
                "new",
                "",
                date(2018, 1, 1),
                date(2018, 12, 31),
                "乡镇人民政府",
                "张三",
                "",
                "建设",
                "",
                0,
                "带贫 100 户",
                "",
                "",
                "",
                "implementing",
                "2018-01-01 00:00+08",
            )
            for c, v, code in project_rows
        ),
    )
    project_ids = defaultdict(list)
    for pk, county in one(
        "SELECT id, county_id FROM projects_project WHERE code LIKE 'BENCH-%%' ORDER BY id"
    ):
        project_ids[county].append(pk)
    funds = []
    for f in range(FUNDS):
        received = date(2018, 1, 5) + timedelta(days=f % 60)
        each = Decimal(10000 + f) + Decimal("0.25")
        funds.append((f"BENCH-{f:05d}", received, each))
    copy(
        "projects_fund",
        (
            "document",
            "name",
            "nature",
            "level",
            "functional_class",
            "year",
            "amount",
            "region_id",
            "received_on",
            "created_at",
        ),
        (
            (
                doc,
                "专项扶贫资金",
                "special",
                "central" if n % 2 else "province",
                "",
                2018,
                each * 9 * len(county_codes),
                CITY,
                received,
                "2018-01-01 00:00+08",
            )
            for n, (doc, received, each) in enumerate(funds)
        ),
    )
    fund_ids = dict(one("SELECT document, id FROM projects_fund WHERE document LIKE 'BENCH-%%'"))
    allocations, disbursements = [], []
    spent = defaultdict(Decimal)
    for f, (doc, received, each) in enumerate(funds):
        for c in county_codes:
            allocated = received + timedelta(days=10)
            allocations.append((fund_ids[doc], CITY, c, "", each * 9, allocated))
            for j in range(9):
                project = project_ids[c][(f * 9 + j) % per_county]
                spent[project] += each
                disbursements.append(
                    (fund_ids[doc], c, project, each, allocated + timedelta(days=5 + 5 * j), "")
                )
    copy(
        "projects_allocation",
        ("fund_id", "from_region_id", "to_region_id", "document", "amount", "allocated_on"),
        allocations,
    )
    copy(
        "projects_disbursement",
        ("fund_id", "region_id", "project_id", "amount", "disbursed_on", "voucher"),
        disbursements,
    )
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE spent (id bigint, amount numeric)")
    copy("spent", ("id", "amount"), spent.items())
    one("UPDATE projects_project p SET amount = s.amount FROM spent s WHERE s.id = p.id")
    print(
        f"funds: {len(funds):,} funds, {len(allocations):,} allocations, "
        f"{len(disbursements):,} disbursements, {len(project_rows):,} projects "
        f"in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    started = time.perf_counter()
    people = _people_by_county(county_codes)  # read before COPY holds the connection
    written = copy(
        "projects_fundpayment",
        PAYMENT_COLUMNS,
        _ordinary_payments(payments, county_codes, project_ids, spent, people),
    )
    print(f"payments: {written:,} in {time.perf_counter() - started:.1f} s", flush=True)


def _people_by_county(county_codes):
    """Members of households that no plant touches: normal status, not exited before
    2015; grouped by household, households by county."""
    people = defaultdict(lambda: defaultdict(list))
    for member, household, id_number, village in one(
        """SELECT m.id, h.id, m.id_number, h.village_id FROM registry_member m
           JOIN registry_household h ON h.id = m.household_id
           WHERE m.status = '1' AND m.id_number <> '' AND LENGTH(m.id_number) = 18
             AND NOT (h.status IN ('2', '3') AND h.exit_year < 2015)
             AND h.id %% 50 <> 0
           ORDER BY h.id, m.id"""
    ):
        people[village[:6].ljust(12, "0")][(household, village)].append((member, id_number))
    return {c: list(people[c].items()) for c in county_codes}


def _ordinary_payments(payments, county_codes, project_ids, spent, people):
    projects = [p for c in county_codes for p in project_ids[c]]
    county_of = {p: c for c in county_codes for p in project_ids[c]}
    each_project = payments // len(projects)
    counters = defaultdict(int)
    amounts = {
        p: (spent[p] * Decimal("0.95") / each_project).quantize(CENTS, rounding="ROUND_DOWN")
        for p in projects
    }
    combos = len(ITEMS) * len(PERIODS)
    for j in range(each_project):
        for project in projects:
            c = county_of[project]
            households = people[c]
            t = counters[c]
            counters[c] += 1
            (household, village), members = households[t % len(households)]
            k = t // len(households)
            if k >= combos:
                raise SystemExit(f"too few households in {c}: seed more (--households)")
            member, id_number = members[k % len(members)]
            amount = amounts[project]
            if t % 10 == 3 and id_number[6:8] == "19":
                id_number = id_number[:6] + id_number[8:17]  # the 15-digit original
            linked = t % 5 != 4
            yield _payment(
                project,
                village,
                "person",
                "农户",
                amount,
                date(2018, 3, 1) + timedelta(days=j % 280),
                "",
                id_number=id_number,
                household_id=household if linked else None,
                member_id=member if linked else None,
                account=f"62284800{household:011d}",
                item=ITEMS[k % len(ITEMS)],
                period=PERIODS[k // len(ITEMS)],
            )


def plant() -> dict[str, set]:
    """20 anomalies of every rule (marked `P`) and 20 near misses (marked `N`), apart from
    the ordinary records; returns the planted keys per rule."""
    from tuopin.projects.models import Allocation, Disbursement, Fund, FundPayment, Project
    from tuopin.registry.models import Household, Member, MemberEvent

    if Fund.objects.filter(document__startswith="PLANT").exists():
        return planted_keys()
    county_codes = counties()
    village = {
        c: one(
            "SELECT code FROM regions_region WHERE level = 'village' AND code LIKE %s "
            "ORDER BY code DESC LIMIT 1",
            [c[:6] + "%"],
        )[0][0]
        for c in county_codes
    }
    pool = list(
        Household.objects.filter(
            id__in=[
                h
                for (h,) in one(
                    "SELECT id FROM registry_household WHERE id %% 50 = 0 ORDER BY id LIMIT 400"
                )
            ]
        ).order_by("id")
    )
    Household.objects.filter(pk__in=[h.pk for h in pool]).update(status="1", exit_year=None)
    members = {}
    for m in (
        Member.objects.filter(household__in=pool, status="1")
        .exclude(id_number="")
        .order_by("household_id", "id")
    ):
        members.setdefault(m.household_id, m)
    pool = [h for h in pool if h.pk in members]
    take = iter(pool)

    def fund(doc, level, at, amount, received):
        return Fund.objects.create(
            document=doc,
            name="测试资金",
            nature="special",
            level=level,
            year=2018,
            amount=amount,
            region_id=at,
            received_on=received,
        )

    def project(code, amount, county, starts=None, ends=None):
        return Project.objects.create(
            county_id=county,
            region_id=village[county],
            code=code,
            year=2018,
            name="项目",
            category="industry",
            nature="new",
            unit="单位",
            person="李四",
            tasks="建设",
            amount=amount,
            targets="带贫",
            starts_on=starts,
            ends_on=ends,
            stage="implementing",
        )

    def pay(mark, amount, paid_on, *, member=None, region=None, project=None, **more):
        kind = "person" if member else "enterprise"
        return FundPayment.objects.create(
            project=project,
            region_id=region
            or (member.household.village_id if member else village[county_codes[0]]),
            payee_kind=kind,
            payee="收款人",
            id_number=member.id_number if member else "",
            household_id=member.household_id if member else None,
            member_id=member.pk if member else None,
            amount=Decimal(str(amount)),
            paid_on=paid_on,
            voucher=mark,
            item=more.pop("item", f"事项{mark}"),
            period=more.pop("period", "2018"),
            **more,
        )

    for n in range(PLANTS):
        c = county_codes[n % len(county_codes)]
        for mark, delay in (("P", 31), ("N", 30)):
            # allocation_late_upper: passed down on day 31 (the near miss: day 30)
            f = fund(f"PLANT-upper-{mark}{n}", "central", CITY, 300000, date(2018, 2, 1))
            Allocation.objects.create(
                fund=f,
                from_region_id=CITY,
                to_region_id=c,
                amount=300000,
                allocated_on=date(2018, 2, 1) + timedelta(days=delay),
            )
            p = project(f"PLANT-upper-{mark}{n}", 300000, c)
            Disbursement.objects.create(
                fund=f,
                region_id=c,
                project=p,
                amount=300000,
                disbursed_on=date(2018, 2, 1) + timedelta(days=delay + 5),
            )
        for mark, delay in (("P", 61), ("N", 60)):
            # allocation_late_project: on projects on day 61 (the near miss: day 60)
            f = fund(f"PLANT-project-{mark}{n}", "city", CITY, 200000, date(2018, 3, 1))
            Allocation.objects.create(
                fund=f,
                from_region_id=CITY,
                to_region_id=c,
                amount=200000,
                allocated_on=date(2018, 3, 5),
            )
            p = project(f"PLANT-project-{mark}{n}", 200000, c)
            Disbursement.objects.create(
                fund=f,
                region_id=c,
                project=p,
                amount=200000,
                disbursed_on=date(2018, 3, 5) + timedelta(days=delay),
            )
        for mark, left in (("P", Decimal("10000.00")), ("N", Decimal("9999.99"))):
            # idle_balance at the city: 10,000 left since March (the near miss: 9,999.99)
            f = fund(f"PLANT-idle-{mark}{n}", "city", CITY, 100000, date(2018, 3, 1))
            Allocation.objects.create(
                fund=f,
                from_region_id=CITY,
                to_region_id=c,
                amount=100000 - left,
                allocated_on=date(2018, 3, 10),
            )
            p = project(f"PLANT-idle-{mark}{n}", 100000 - left, c)
            Disbursement.objects.create(
                fund=f, region_id=c, project=p, amount=100000 - left, disbursed_on=date(2018, 3, 20)
            )
        for mark, second in (("P", "39999.99"), ("N", "40000.00")):
            # spending_behind: the year elapsed, paid 79.99999 % (the near miss: 80 %)
            p = project(f"PLANT-behind-{mark}{n}", 100000, c, date(2018, 1, 1), date(2018, 12, 31))
            pay(
                f"{mark}:behind:{n}",
                "40000.00",
                date(2018, 6, 1),
                project=p,
                credit_code=f"91411400B{mark}{n:06d}1"[:18],
            )
            pay(
                f"{mark}:behind:{n}b",
                second,
                date(2018, 7, 1),
                project=p,
                credit_code=f"91411400B{mark}{n:06d}1"[:18],
            )
        for mark, parts in (("P", ["33333.34"] * 3), ("N", ["33333.33", "33333.33", "33333.34"])):
            # project_over_budget: 100,000.02 paid (the near miss: exactly 100,000)
            p = project(f"PLANT-over-{mark}{n}", 100000, c)
            for i, part in enumerate(parts):
                pay(
                    f"{mark}:over:{n}:{i}",
                    part,
                    date(2018, 5, 1 + i),
                    project=p,
                    credit_code=f"91411400O{mark}{n:06d}1"[:18],
                )
        # payee_not_registered: a number in no household (near miss: a registered
        # person's number with a small x or as its 15-digit original)
        FundPayment.objects.create(
            region_id=village[c],
            payee_kind="person",
            payee="外来人员",
            id_number=f"4114991901010{n:04d}1"[:18],
            amount=Decimal("512.30"),
            paid_on=date(2018, 5, 1),
            voucher=f"P:unregistered:{n}",
            item="临时补助",
            period="2018",
        )
        near = next(take)
        m = members[near.pk]
        FundPayment.objects.create(
            region_id=near.village_id,
            payee_kind="person",
            payee="农户",
            id_number=m.id_number[:6] + m.id_number[8:17]
            if m.id_number[6:8] == "19"
            else m.id_number.lower(),
            amount=Decimal("512.30"),
            paid_on=date(2018, 5, 1),
            voucher=f"N:unregistered:{n}",
            item="临时补助",
            period="2018",
        )
        for mark, exit_year in (("P", 2014), ("N", 2015)):
            # payee_exited_beyond: exited 2014, paid 2018 (near miss: exited 2015)
            h = next(take)
            Household.objects.filter(pk=h.pk).update(
                status="2", exit_year=exit_year, identified_year=2014
            )
            pay(f"{mark}:exited:{n}", "800.50", date(2018, 6, 1), member=members[h.pk])
        for mark, died, paid in (
            ("P", date(2018, 3, 1), date(2018, 4, 1)),
            ("N", date(2018, 6, 1), date(2018, 6, 1)),
        ):
            # payee_deceased: died before the payment (near miss: the same day)
            h = next(take)
            m = members[h.pk]
            MemberEvent.objects.create(member=m, kind="death", date=died)
            Member.objects.filter(pk=m.pk).update(status="2")
            pay(f"{mark}:deceased:{n}", "300.10", paid, member=m)
        for mark, periods in (("P", ["2018-05", "2018-05"]), ("N", ["2018-05", "2018-06"])):
            # paid_twice: one item, one period, twice (near miss: two periods)
            h = next(take)
            for i, period in enumerate(periods):
                pay(
                    f"{mark}:twice:{n}:{i}",
                    "450.20",
                    date(2018, 5 + i, 10),
                    member=members[h.pk],
                    item="生活补助",
                    period=period,
                )
        for mark in ("P", "N"):
            # account_shared: one account, two households (near miss: one household twice)
            first, second = next(take), next(take)
            account = f"6217000{mark}{n:010d}"
            pay(
                f"{mark}:account:{n}:0",
                "210.40",
                date(2018, 7, 1),
                member=members[first.pk],
                account=account,
            )
            other = members[second.pk] if mark == "P" else members[first.pk]
            pay(
                f"{mark}:account:{n}:1",
                "210.40",
                date(2018, 7, 2),
                member=other,
                account=account,
                item="另一事项",
            )
        for mark, gap in (("P", 30), ("N", 31)):
            # split_payment: 45,000 and 49,999.99 within 30 days (near miss: 31 days)
            code = f"91411400S{mark}{n:06d}1"[:18]
            pay(f"{mark}:split:{n}:0", "45000.00", date(2018, 8, 1), credit_code=code)
            pay(
                f"{mark}:split:{n}:1",
                "49999.99",
                date(2018, 8, 1) + timedelta(days=gap),
                credit_code=code,
            )
        for mark, amount in (("P", "50000.00"), ("N", "49000.00")):
            # round_amount: from 50,000 a multiple of 10,000 (near miss: 49,000)
            pay(
                f"{mark}:round:{n}",
                amount,
                date(2018, 9, 1),
                credit_code=f"91411400R{mark}{n:06d}1"[:18],
            )
    return planted_keys()


def planted_keys() -> dict[str, set]:
    keys: dict[str, set] = defaultdict(set)
    for pk, document, region in one(
        """SELECT f.id, f.document, a.to_region_id FROM projects_fund f
           JOIN projects_allocation a ON a.fund_id = f.id WHERE f.document LIKE 'PLANT-%%-P%%'"""
    ):
        rule = document.split("-")[1]
        if rule == "upper":
            keys["allocation_late_upper"].add(("fund", pk, CITY))
        elif rule == "project":
            keys["allocation_late_project"].add(("fund", pk, region))
        elif rule == "idle":
            keys["idle_balance"].add(("fund", pk, CITY))
    for pk, code in one("SELECT id, code FROM projects_project WHERE code LIKE 'PLANT-%%-P%%'"):
        rule = code.split("-")[1]
        if rule in ("behind", "over"):
            name = {"behind": "spending_behind", "over": "project_over_budget"}[rule]
            keys[name].add(("project", pk))
    rules = {
        "unregistered": "payee_not_registered",
        "exited": "payee_exited_beyond",
        "deceased": "payee_deceased",
        "twice": "paid_twice",
        "account": "account_shared",
        "split": "split_payment",
        "round": "round_amount",
    }
    for pk, voucher in one(
        "SELECT id, voucher FROM projects_fundpayment WHERE voucher LIKE 'P:%%'"
    ):
        rule = voucher.split(":")[1]
        if rule in rules:
            keys[rules[rule]].add(("payment", pk))
    return keys


def finding_keys(finding) -> set:
    keys = {("payment", pk) for pk in finding.payment_ids}
    if finding.fund_id:
        keys.add(("fund", finding.fund_id, finding.region))
    if finding.project_id:
        keys.add(("project", finding.project_id))
    return keys


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--payments", type=int, default=2_000_000)
    options = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("PostgreSQL only: set DATABASE_URL to a throw-away database")
    seed_registry(options.households)
    seed_funds(options.payments)
    planted = plant()
    one("ANALYZE")
    from tuopin.projects.warning_rules import RULES, context_for

    counts = one(
        """SELECT (SELECT COUNT(*) FROM projects_fund), (SELECT COUNT(*) FROM projects_allocation),
                  (SELECT COUNT(*) FROM projects_disbursement),
                  (SELECT COUNT(*) FROM projects_project),
                  (SELECT COUNT(*) FROM projects_fundpayment),
                  (SELECT COUNT(*) FROM registry_member)"""
    )[0]
    print(
        "funds {:,}, allocations {:,}, disbursements {:,}, projects {:,}, payments {:,}, "
        "members {:,}".format(*counts)
    )
    context = context_for(prefix="", as_of=AS_OF)
    print("load average before: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    total = total_cpu = total_server = 0.0
    all_true = all_found = all_planted = all_hit = 0
    for code, rule in RULES.items():
        started, cpu, server = time.perf_counter(), time.process_time(), server_cpu() or 0.0
        found = rule.run(context)
        seconds = time.perf_counter() - started
        cpu, server = time.process_time() - cpu, (server_cpu() or 0.0) - server
        total += seconds
        total_cpu += cpu
        total_server += server
        expected = planted.get(code, set())
        true = [f for f in found if finding_keys(f) & expected]
        hit = {k for f in found for k in finding_keys(f) & expected}
        all_true += len(true)
        all_found += len(found)
        all_planted += len(expected)
        all_hit += len(hit)
        print(
            f"{code:<24} {seconds:6.2f} s (cpu {cpu:5.2f} + db {server:5.2f})  found {len(found):>5}  planted records {len(expected):>3}  "
            f"recall {len(hit) / max(len(expected), 1):6.1%}  "
            f"precision {len(true) / max(len(found), 1):6.1%}",
            flush=True,
        )
    print(
        f"all rules over the city: {total:.2f} s (cpu {total_cpu:.2f} + db {total_server:.2f})"
        f"  recall {all_hit / max(all_planted, 1):.1%}  "
        f"precision {all_true / max(all_found, 1):.1%}"
    )
    print("load average after: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
