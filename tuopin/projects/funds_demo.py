"""The demo's funds of 2018 for the demo county (`tuopin demo`, after the library's part):
funds from the centre, the province and the city registered at the city and passed down
to the county, a county fund, disbursements to the county's planned or running projects
(a few minimal projects of its own when the library's part made none), and a few hundred
payments to registry people of the demo village and its township.

Planted for the warnings part, each once: a payment to a deceased member, the same
person paid twice for the same item and period, one account on two households, a
payment split in three just under the approval limit (50,000 元) within days, and the
province's fund passed down 45 days after it arrived (the limit is 30).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from tuopin.accounts.demo import DEMO_TOWNSHIP, DEMO_VILLAGE
from tuopin.core.bulk import insert_with_history
from tuopin.projects.enums import (
    FundNature,
    PayeeKind,
    ProjectCategory,
    ProjectNature,
    ProjectStage,
    SourceLevel,
)
from tuopin.projects.models import Allocation, Disbursement, Fund, FundPayment, Project
from tuopin.regions.models import Region
from tuopin.registry.enums import MemberStatus
from tuopin.registry.models import Member

PAYABLE = (ProjectStage.PLANNED, ProjectStage.IMPLEMENTING)
ITEMS = ["产业奖补", "光伏收益分配", "务工交通补助", "雨露计划补助"]
ENTERPRISE = ("民权县华丰食品有限公司", "91411421MA3X5Q2K0L")


def _funds(city: str, county: str, year: int):
    """(document, name, nature, level, amount, at, integrated, received_on, allocated_after)."""
    return [
        (f"财农〔{year}〕17号", "中央财政专项扶贫资金", FundNature.SPECIAL, SourceLevel.CENTRAL,
         Decimal("3000000"), city, True, date(year, 1, 15), 20),
        (f"豫财农〔{year}〕36号", "省级财政专项扶贫资金", FundNature.SPECIAL, SourceLevel.PROVINCE,
         Decimal("1500000"), city, True, date(year, 2, 10), 45),  # late: planted
        (f"商财农〔{year}〕12号", "市级财政专项扶贫资金", FundNature.SPECIAL, SourceLevel.CITY,
         Decimal("600000"), city, True, date(year, 3, 1), 15),
        (f"民财农〔{year}〕5号", "县级财政专项扶贫资金", FundNature.SPECIAL, SourceLevel.COUNTY,
         Decimal("400000"), county, False, date(year, 3, 20), None),
    ]  # fmt: skip


def _own_projects(county: Region, year: int) -> list[Project]:
    """A few planned and running projects when the library's part left none."""
    made = []
    for n, (name, category, amount) in enumerate(
        [
            ("朱寨村扶贫车间建设", ProjectCategory.INDUSTRY, "1200000"),
            ("人和镇光伏扶贫电站", ProjectCategory.INDUSTRY, "1500000"),
            ("朱寨村道路硬化", ProjectCategory.INFRASTRUCTURE, "800000"),
            ("贫困户产业奖补", ProjectCategory.INDUSTRY, "900000"),
        ],
        start=1,
    ):
        made.append(
            Project.objects.create(
                county=county, region_id=DEMO_VILLAGE if n != 2 else DEMO_TOWNSHIP,
                code=f"{county.code[:6]}-{year}-Z{n:02d}", year=year, name=name,
                category=category, nature=ProjectNature.NEW, unit="民权县扶贫开发办公室",
                person="李建设", tasks=name, amount=Decimal(amount),
                targets="带动建档立卡贫困户增收", stage=ProjectStage.IMPLEMENTING,
                starts_on=date(year, 3, 1), ends_on=date(year, 11, 30),
            )
        )  # fmt: skip
    return made


def funds_demo(*, region_code: str, year: int, seed: int, if_empty: bool, say) -> None:
    if if_empty and Fund.objects.exists():
        say("资金：已有数据，跳过")
        return
    county = Region.objects.filter(code=region_code).first()
    if county is None or county.parent_id is None:
        return
    city = county.parent_id
    rng = random.Random(seed)
    with transaction.atomic():
        projects = list(
            Project.objects.filter(county=county, stage__in=PAYABLE).order_by("code")[:12]
        ) or _own_projects(county, year)
        disbursements = _ledger(city, county.code, year, projects)
        paid = _payments(disbursements, year, rng)
    say(
        f"资金：{len(_funds(city, county.code, year))} 项指标，拨付 {len(disbursements)} 笔，"
        f"支付 {paid} 笔（含预警样例）"
    )


def _ledger(city: str, county: str, year: int, projects) -> list[Disbursement]:
    disbursements = []
    shares = [Decimal(1) / len(projects)] * len(projects)
    for doc, name, nature, level, amount, at, integrated, received, after in _funds(
        city, county, year
    ):
        fund = Fund.objects.create(
            document=doc, name=name, nature=nature, level=level, functional_class="2130505",
            integrated=integrated, year=year, amount=amount, region_id=at,
            issued_on=received - timedelta(days=7), received_on=received,
        )  # fmt: skip
        on = received
        if after is not None:
            on = received + timedelta(days=after)
            Allocation.objects.create(
                fund=fund, from_region_id=city, to_region_id=county, amount=amount,
                document=f"商财农〔{year}〕{after}号", allocated_on=on,
            )  # fmt: skip
        spend = (amount * Decimal("0.8")).quantize(Decimal("1"))
        for n, (project, share) in enumerate(zip(projects, shares, strict=True)):
            disbursements.append(
                Disbursement.objects.create(
                    fund=fund, region_id=county, project=project,
                    amount=(spend * share).quantize(Decimal("0.01")),
                    disbursed_on=on + timedelta(days=20 + n), voucher=f"BF{year}{n:03d}",
                )
            )  # fmt: skip
    return disbursements


def _a_death(member: Member, year: int) -> Member | None:
    """A death recorded through the registry (with its history) by the county office."""
    from django.contrib.auth import get_user_model

    from tuopin.accounts.roles import Role
    from tuopin.registry.enums import MemberEventKind
    from tuopin.registry.services import member_record_event

    county = member.household.village_id[:6].ljust(12, "0")
    office = (
        get_user_model()
        .objects.filter(assignments__role=Role.COUNTY_OFFICE, assignments__region_id=county)
        .first()
    )
    if office is None:
        return None
    member_record_event(
        acting_user=office, member=member, kind=MemberEventKind.DEATH, when=date(year, 8, 1)
    )
    return member


def _payments(disbursements, year: int, rng: random.Random) -> int:
    people = list(
        Member.objects.filter(
            household__village__parent_id=DEMO_TOWNSHIP, status=MemberStatus.NORMAL
        )
        .exclude(id_number="")
        .select_related("household")
        .order_by("pk")[:300]
    )
    if not people:
        return 0
    rows = []

    def pay(d, member, item, period, amount, on, account=None, kind=PayeeKind.PERSON, **other):
        rows.append({
            "disbursement_id": d.pk, "fund_id": d.fund_id, "project_id": d.project_id,
            "region_id": member.household.village_id if member else d.project.region_id,
            "payee_kind": kind, "payee": other.get("payee") or (member.name if member else ""),
            "id_number": member.id_number if member else "", "credit_code": other.get("credit", ""),
            "household_id": member.household_id if member else None,
            "member_id": member.pk if member else None,
            "account": account if account is not None else (
                f"62284800{member.household_id:010d}" if member else ""),
            "item": item, "period": period, "amount": amount, "paid_on": on,
            "voucher": f"ZF{year}{len(rows):05d}", "created_by_id": None,
        })  # fmt: skip

    # Ordinary payments: each person once, for an item and a month, a modest amount.
    budget = {d.pk: d.amount for d in disbursements}
    for n, member in enumerate(people):
        d = disbursements[n % len(disbursements)]
        amount = Decimal(rng.choice([300, 450, 600, 800, 1200])) + Decimal(rng.randint(1, 99))
        if budget[d.pk] < amount:
            continue
        budget[d.pk] -= amount
        month = 4 + n % 8
        pay(d, member, ITEMS[n % len(ITEMS)], f"{year}-{month:02d}", amount,
            d.disbursed_on + timedelta(days=10 + n % 30))  # fmt: skip
    d = max(disbursements, key=lambda x: budget[x.pk])
    # Planted: the first person paid twice for the same item and period.
    first = rows[0]
    rows.append(
        {**first, "voucher": f"ZF{year}DUP", "paid_on": first["paid_on"] + timedelta(days=3)}
    )
    # Planted: one account on two households.
    a, b = people[1], next(p for p in people if p.household_id != people[1].household_id)
    pay(d, b, "产业奖补", f"{year}-09", Decimal("520.00"), d.disbursed_on + timedelta(days=40),
        account=f"62284800{a.household_id:010d}")  # fmt: skip
    # Planted: a payment split in three just under the approval limit, within a week.
    for k in range(3):
        pay(d, None, "工程款", "", Decimal("49500.00"), d.disbursed_on + timedelta(days=30 + 2 * k),
            account="41050162630800000123", kind=PayeeKind.ENTERPRISE, payee=ENTERPRISE[0],
            credit=ENTERPRISE[1])  # fmt: skip
    # Planted: a payment to a member who has died.
    dead = (
        Member.objects.filter(
            household__village__parent_id=DEMO_TOWNSHIP, status=MemberStatus.DECEASED
        )
        .exclude(id_number="")
        .select_related("household")
        .first()
    )
    if dead is None:
        dead = _a_death(people[-1], year)
    if dead is not None:
        pay(d, dead, "光伏收益分配", f"{year}-10", Decimal("600.00"),
            d.disbursed_on + timedelta(days=50))  # fmt: skip
    insert_with_history(FundPayment, rows)
    return len(rows)
