"""The demo's weak branches, enterprises and workshops (`tuopin demo`).

The demo county gets weak branches for about 7% of its villages (the demo village among
them) with their plans, leaders and notes, one signed off; enterprises (valid credit
codes; an invalid one is never in the demo: imports refuse it) paired with poor
villages and the demo village; an industrial park in the demo township; and three
workshops in the demo village: two recognised, one below its threshold (lapsed). So the
county office signs off and imports, the township writes plans and notes, 组织部 reads
and signs off branches, 人社局 reads workshops, the village reads its own.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from stdnum.cn import uscc

from tuopin.accounts.demo import DEMO_TOWNSHIP, DEMO_VILLAGE
from tuopin.people.models import (
    BranchNote,
    Enterprise,
    EnterprisePairing,
    IndustrialPark,
    PairingBeneficiary,
    PairingProject,
    WeakBranch,
    Workshop,
    WorkshopEmployee,
)
from tuopin.people.orgs_enums import BeneficiaryKind, PairingForm, WorkshopType
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region
from tuopin.registry.enums import UnitLevel
from tuopin.registry.models import Helper, Member

SITUATIONS = [
    "村党组织书记长期缺职，班子配备不齐",
    "班子不团结、内耗严重，工作不能正常开展",
    "组织软弱，换届选举受到宗族势力干扰",
    "村务财务管理混乱，群众反映强烈",
    "集体经济薄弱，带领群众脱贫致富能力不强",
    "信访矛盾集中，长期得不到有效解决",
]
ENTERPRISES = [
    # name, body (17 characters before the check character), leading, chamber
    ("民权县华丰食品有限公司", "91411421MA3X5Q2K0", True, "民权县工商业联合会"),
    ("民权县绿源果蔬专业合作社", "93411421MA44PL7R0", False, "民权县工商业联合会"),
    ("商丘市兴农农业科技有限公司", "91411400MA40BN6C0", False, "商丘市豫商联合会"),
    ("民权县恒通服饰有限公司", "91411421MA45EJ1D0", False, ""),
]


def _code(body: str) -> str:
    return body + uscc.calc_check_digit(body)


def orgs_demo(*, region_code: str, year: int, seed: int, if_empty: bool, say) -> None:
    prefix = region_code[:6]
    if WeakBranch.objects.filter(
        village__code__startswith=prefix
    ).exists():  # a second run adds none
        return
    rng = random.Random(seed)
    with transaction.atomic():
        branches = _branches(prefix, year, rng)
        enterprises, pairings = _enterprises(prefix, year, rng)
        workshops = _workshops(prefix, year, enterprises)
    say(
        f"软弱涣散村党组织 {branches} 个，帮扶企业 {len(enterprises)} 家、"
        f"结对 {pairings} 个，扶贫车间 {workshops} 个 "
        f"(weak branches, enterprises, pairings, workshops)"
    )


def _branches(prefix: str, year: int, rng: random.Random) -> int:
    villages = list(
        Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith=prefix).order_by("code")
    )
    if not villages:
        return 0
    wanted = max(1, round(len(villages) * 7 / 100))
    chosen = rng.sample(villages, min(wanted, len(villages)))
    demo_village = next((v for v in villages if v.code == DEMO_VILLAGE), None)
    if demo_village is not None and demo_village not in chosen:
        chosen[0] = demo_village
    leaders = list(
        Helper.objects.filter(
            region__code__startswith=prefix,
            unit_level__in=[UnitLevel.COUNTY, UnitLevel.TOWNSHIP],
        ).order_by("pk")[:200]
    )
    if not leaders:
        leaders = [
            Helper.objects.create(
                region_id=prefix.ljust(12, "0"),
                name=name,
                work_unit=unit,
                unit_level=UnitLevel.COUNTY,
                post=post,
            )
            for name, unit, post in (
                ("陈志刚", "民权县委组织部", "副部长"),
                ("刘建华", "民权县农业农村局", "局长"),
                ("王德明", "人和镇党委", "副书记"),
            )
        ]
    User = get_user_model()
    county_user = User.objects.filter(username="county").first()
    township_user = User.objects.filter(username="township").first()
    for index, village in enumerate(sorted(chosen, key=lambda v: v.code)):
        planned = index % 5 != 4  # every fifth still without a plan
        branch = WeakBranch.objects.create(
            village=village,
            year=year,
            reasons=rng.choice(SITUATIONS),
            listed_on=date(year, 3, 15),
            measures="选派第一书记，调整充实村两委班子，建立整顿台账" if planned else "",
            deadline=date(year, 12, 31) if planned else None,
            leader=leaders[index % len(leaders)] if planned else None,
        )
        if planned:
            BranchNote.objects.create(
                branch=branch,
                date=date(year, 6, 30),
                text="召开党员大会，整改情况已公示",
                recorded_by=township_user,
            )
        if index == 1:  # one signed off (not the demo village's: it stays to work on)
            branch.signed_off_on, branch.signed_off_by = date(year, 11, 20), county_user
            branch.save()
    return len(chosen)


def _enterprises(prefix: str, year: int, rng: random.Random):
    villages = list(
        Region.objects.filter(
            level=RegionLevel.VILLAGE, code__startswith=prefix, is_poor_village=True
        ).order_by("code")[:6]
    )
    demo_village = Region.objects.filter(code=DEMO_VILLAGE).first()
    if demo_village is not None and demo_village not in villages:
        villages.insert(0, demo_village)
    if not villages:
        return [], 0
    county = prefix.ljust(12, "0")
    enterprises = []
    for name, body, leading, chamber in ENTERPRISES:
        region = county if body[2:8] == prefix else body[2:6].ljust(12, "0")
        enterprise, _ = Enterprise.objects.get_or_create(
            credit_code=_code(body),
            defaults={
                "name": name,
                "region_id": region if Region.objects.filter(code=region).exists() else county,
                "legal_representative": "",
                "chamber": chamber,
                "is_leading": leading,
            },
        )
        enterprises.append(enterprise)
    forms = [PairingForm.INDUSTRY, PairingForm.EMPLOYMENT, PairingForm.CO_BUILDING]
    members = list(
        Member.objects.filter(household__village__in=villages[:2])
        .exclude(id_number="")
        .order_by("pk")[:6]
    )
    pairings = 0
    # Every poor village but the last gets an enterprise: the check finds that one.
    for index, village in enumerate(villages[:-1] if len(villages) > 1 else villages):
        enterprise = enterprises[index % len(enterprises)]
        pairing = EnterprisePairing.objects.create(
            enterprise=enterprise,
            village=village,
            started_on=date(year, 4, 1),
            form=forms[index % len(forms)],
        )
        pairings += 1
        PairingProject.objects.create(
            pairing=pairing,
            name=["食用菌大棚", "扶贫车间用工", "村级道路硬化"][index % 3],
            money=Decimal(rng.choice([50000, 120000, 300000])),
        )
        if index == 0:
            for member in members:
                PairingBeneficiary.objects.create(
                    pairing=pairing,
                    name=member.name,
                    id_number=member.id_number,
                    member=member,
                    kind=BeneficiaryKind.EMPLOYED,
                )
    township = Region.objects.filter(code=DEMO_TOWNSHIP).first()
    if township is not None:
        IndustrialPark.objects.get_or_create(
            township=township, year=year, name=f"{township.name}扶贫产业园"
        )
    return enterprises, pairings


def _workshops(prefix: str, year: int, enterprises) -> int:
    village = Region.objects.filter(code=DEMO_VILLAGE).first()
    if village is None or not village.code.startswith(prefix):
        return 0
    people = list(
        Member.objects.filter(household__village__code__startswith=DEMO_VILLAGE[:9])
        .exclude(id_number="")
        .order_by("pk")[:40]
    )
    plans = [
        # name, type, staff, employees, wage, start: the third is below its threshold, and
        # employs one person of the first at the same time (a warning)
        ("朱寨村服装扶贫车间", WorkshopType.FACTORY, 30, people[:14], Decimal("1800"), 1),
        ("朱寨村种养扶贫基地", WorkshopType.FARMING, 20, people[14:26], Decimal("1600"), 2),
        (
            "朱寨村居家编织点",
            WorkshopType.HOME,
            15,
            [*people[26:30], *people[:1]],
            Decimal("1200"),
            5,
        ),
    ]
    for index, (name, kind, staff, employees, wage, month) in enumerate(plans):
        workshop = Workshop.objects.create(
            name=name,
            village=village,
            type=kind,
            total_staff=staff,
            established_on=date(year - 1, 10, 1),
            operator=enterprises[index % len(enterprises)] if enterprises else None,
        )
        WorkshopEmployee.objects.bulk_create(
            WorkshopEmployee(
                workshop=workshop,
                name=member.name,
                id_number=member.id_number,
                member=member,
                contract_start=date(year, month, 1),
                contract_end=date(year, 12, 31),
                monthly_wage=wage,
            )
            for member in employees
        )
    return len(plans)
