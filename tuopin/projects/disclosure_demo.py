"""Demo notices (公告公示) of 民权县, the last step of the projects demo: the county's
library, its annual plan and its fund allocation result, and a subsidy list of the demo
village, built from whatever the other parts' demo steps hold. When they hold no
project yet, two projects of the demo village, a fund that pays them and a few payments
to its people are written first, so the public page is not empty.

Dates are counted back from today, so some notices run now and one has ended."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from tuopin.accounts.roles import Role
from tuopin.assistance.models import Payment
from tuopin.core.errors import TuopinError
from tuopin.projects.disclosure_posting import FUND_PAYMENTS, disclosure_publish
from tuopin.projects.enums import (
    DisclosureKind,
    FundNature,
    PayeeKind,
    ProjectCategory,
    ProjectNature,
    ProjectStage,
    SourceLevel,
)
from tuopin.projects.models import (
    Allocation,
    Disbursement,
    Disclosure,
    Fund,
    FundPayment,
    Project,
    ProjectFunding,
)
from tuopin.regions.enums import RegionKind, RegionLevel
from tuopin.regions.models import Region
from tuopin.registry.models import Member

DEMO_VILLAGE = "411421101201"  # 朱寨 (as the accounts demo)


def _poster(county: Region):
    """The county office's demo user (民权县扶贫办), else any county office user there."""
    users = get_user_model().objects.filter(
        assignments__role=Role.COUNTY_OFFICE, assignments__region=county, is_active=True
    )
    return users.filter(username="county").first() or users.order_by("pk").first()


def _village(county: Region) -> Region:
    return Region.objects.filter(code=DEMO_VILLAGE).first() or (
        Region.objects.filter(code__startswith=county.prefix, kind=RegionKind.VILLAGE)
        .order_by("code")
        .first()
    )


def _seed_projects(county: Region, village: Region, year: int, user) -> None:
    """Two projects of the village in the year's plan, a fund paying one of them and a
    few payments to its registered people."""
    city = Region.objects.filter(level=RegionLevel.CITY).first()
    projects = []
    for number, (name, category, amount, stage) in enumerate(
        (
            ("朱寨村产业路硬化", ProjectCategory.INFRASTRUCTURE, "360000", ProjectStage.COMPLETED),
            ("朱寨村食用菌大棚", ProjectCategory.INDUSTRY, "500000", ProjectStage.IMPLEMENTING),
        ),
        start=1,
    ):
        project = Project.objects.create(
            county=county,
            region=village,
            code=f"{county.code[:6]}-{year}-D{number:02d}",
            year=year,
            name=name,
            category=category,
            nature=ProjectNature.NEW,
            location="村东",
            starts_on=date(year, 3, 1),
            ends_on=date(year, 10, 31),
            unit=f"{village.parent.name}人民政府",
            person="李建国",
            tasks="硬化道路 2.4 公里" if number == 1 else "建设食用菌大棚 20 座",
            subsidy_standard="按实际工程量据实结算",
            amount=Decimal(amount),
            targets="受益贫困户 86 户，户均年增收 800 元",
            mechanism="优先吸纳贫困户务工，大棚租赁收益按户分红",
            households_planned=86,
            stage=stage,
            created_by=user,
        )
        project.villages.add(village)
        ProjectFunding.objects.create(
            project=project,
            level=SourceLevel.CENTRAL,
            nature=FundNature.SPECIAL,
            amount=Decimal(amount),
        )
        projects.append(project)
    fund = Fund.objects.create(
        document=f"豫财农〔{year}〕演示1号",
        name="中央财政专项扶贫资金",
        nature=FundNature.SPECIAL,
        level=SourceLevel.CENTRAL,
        integrated=True,
        year=year,
        amount=Decimal("860000"),
        region=city or county,
        received_on=date(year, 2, 1),
    )
    if city is not None:
        Allocation.objects.create(
            fund=fund,
            from_region=city,
            to_region=county,
            document=f"商财农〔{year}〕演示5号",
            amount=Decimal("860000"),
            allocated_on=date(year, 2, 20),
        )
    disbursement = Disbursement.objects.create(
        fund=fund,
        region=county,
        project=projects[1],
        amount=Decimal("500000"),
        disbursed_on=date(year, 4, 1),
    )
    members = Member.objects.filter(household__village=village).exclude(id_number="")[:6]
    FundPayment.objects.bulk_create(
        FundPayment(
            disbursement=disbursement,
            fund=fund,
            project=projects[1],
            region=village,
            payee_kind=PayeeKind.PERSON,
            payee=member.name,
            id_number=member.id_number,
            household_id=member.household_id,
            member=member,
            item="食用菌大棚分红",
            period=str(year),
            amount=Decimal("800"),
            paid_on=date(year, 12, 20),
            created_by=user,
        )
        for member in members
    )


def disclosure_demo(*, region_code: str, year: int, seed: int, if_empty: bool, say) -> None:
    county = Region.objects.filter(code=region_code.ljust(12, "0")[:12]).first()
    if county is None:
        return
    if if_empty and Disclosure.objects.filter(region__code__startswith=county.prefix).exists():
        say("公告公示：已有数据，跳过")
        return
    user, village = _poster(county), _village(county)
    if user is None or village is None:
        say("公告公示：没有县扶贫办用户或村，跳过")
        return
    today = timezone.localdate()
    with transaction.atomic():
        if not Project.objects.filter(county=county, year=year).exists():
            _seed_projects(county, village, year, user)
        item = FUND_PAYMENTS
        if not FundPayment.objects.filter(
            region__code__startswith=village.prefix, paid_on__year=year, payee_kind="person"
        ).exists():
            kinds = Payment.objects.filter(region=village, year=year).values_list("kind", flat=True)
            item = kinds.order_by("kind").first() or ""
        plan = (
            (DisclosureKind.LIBRARY, county, today - timedelta(days=3), ""),
            (DisclosureKind.ANNUAL_PLAN, county, today - timedelta(days=2), ""),
            (DisclosureKind.FUND_ALLOCATION, county, today - timedelta(days=40), ""),
            (DisclosureKind.SUBSIDY_LIST, village, today - timedelta(days=1), item),
        )
        posted = 0
        for kind, region, starts_on, what in plan:
            try:
                with transaction.atomic():
                    disclosure_publish(
                        acting_user=user,
                        kind=kind,
                        region=region,
                        year=year,
                        starts_on=starts_on,
                        item=what,
                    )
                posted += 1
            except TuopinError as error:  # an empty kind (no data yet) is skipped, said
                say(f"公告公示：{DisclosureKind(kind).label} 未发布（{error}）")
    say(f"公告公示：发布 {posted} 条")
