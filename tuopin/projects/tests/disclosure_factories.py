"""A small county of data for the notices' tests: projects of 民权县 in the library and
the year's plan (one completed), a fund allocated from the city to the county and put
on a project, payments and loans to people whose full names and ID numbers must never
reach a notice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from conftest import CITY, MINQUAN, RENHE, first_village
from tuopin.assistance.enums import LoanPurpose, LoanState, PaymentKind
from tuopin.assistance.models import Loan, Payment
from tuopin.projects.enums import (
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
    Fund,
    FundPayment,
    LibraryEntry,
    Project,
    ProjectFunding,
)
from tuopin.regions.models import Region

# People of the notices: their full names and ID numbers must stay out of every page.
PEOPLE = [
    ("王小明", "411421198001011234"),
    ("李秀英", "41142119850202232X"),
    ("赵大山", "411421197003033456"),
]


@dataclass
class County:
    county: Region
    village: Region
    planned: Project
    completed: Project
    fund: Fund


def project(county, village, code, stage, *, name="朱寨村产业路", year=2018, amount="300000"):
    made = Project.objects.create(
        county=county,
        region=village,
        code=code,
        year=year,
        name=name,
        category=ProjectCategory.INFRASTRUCTURE,
        nature=ProjectNature.NEW,
        location="村东",
        starts_on=date(year, 3, 1),
        ends_on=date(year, 9, 30),
        unit="人和镇人民政府",
        person="张建国",
        tasks="硬化道路 2 公里",
        subsidy_standard="每公里 15 万元",
        amount=Decimal(amount),
        targets="受益贫困户 120 户",
        mechanism="贫困户务工增收",
        stage=stage,
    )
    made.villages.add(village)
    ProjectFunding.objects.create(
        project=made, level=SourceLevel.CENTRAL, nature=FundNature.SPECIAL, amount=made.amount
    )
    return made


def county_data() -> County:
    county = Region.objects.get(code=MINQUAN)
    village = first_village(RENHE)
    library = project(county, village, "MQ-1", ProjectStage.IN_LIBRARY, name="朱寨村光伏电站")
    LibraryEntry.objects.create(project=library, year=2018, entered_on=date(2017, 12, 1))
    planned = project(county, village, "MQ-2", ProjectStage.PLANNED, name="朱寨村食用菌大棚")
    completed = project(county, village, "MQ-3", ProjectStage.COMPLETED, name="朱寨村产业路")
    project(county, village, "MQ-4", ProjectStage.APPLIED, name="朱寨村文化广场")
    city = Region.objects.get(code=CITY)
    fund = Fund.objects.create(
        document="豫财农〔2018〕1号",
        name="中央财政专项扶贫资金",
        nature=FundNature.SPECIAL,
        level=SourceLevel.CENTRAL,
        year=2018,
        amount=Decimal("1000000"),
        region=city,
        received_on=date(2018, 1, 10),
    )
    Allocation.objects.create(
        fund=fund,
        from_region=city,
        to_region=county,
        document="商财农〔2018〕3号",
        amount=Decimal("600000"),
        allocated_on=date(2018, 1, 30),
    )
    disbursement = Disbursement.objects.create(
        fund=fund,
        region=county,
        project=planned,
        amount=Decimal("300000"),
        disbursed_on=date(2018, 3, 1),
    )
    for name, number in PEOPLE[:2]:
        FundPayment.objects.create(
            disbursement=disbursement,
            fund=fund,
            project=planned,
            region=village,
            payee_kind=PayeeKind.PERSON,
            payee=name,
            id_number=number,
            item="大棚分红",
            period="2018",
            amount=Decimal("800"),
            paid_on=date(2018, 12, 1),
        )
    name, number = PEOPLE[2]
    Loan.objects.create(
        region=village,
        year=2018,
        id_number=number,
        name=name,
        amount=Decimal("50000"),
        term_months=36,
        drawn_on=date(2018, 4, 1),
        due_on=date(2021, 4, 1),
        interest_rate=Decimal("4.35"),
        bank="民权县农村信用社",
        purpose=LoanPurpose.BREEDING,
        state=LoanState.ACTIVE,
    )
    Payment.objects.create(
        region=village,
        year=2018,
        id_number=PEOPLE[0][1],
        name=PEOPLE[0][0],
        kind=PaymentKind.DIBAO,
        period="2018Q1",
        amount=Decimal("690"),
        paid_on=date(2018, 3, 20),
    )
    return County(county, village, planned, completed, fund)
