"""Rows for the funds tests: a project of the library, a fund at the city passed down to
民权县, a registered household to pay."""

from datetime import date
from decimal import Decimal

from conftest import CITY, MINQUAN
from tuopin.projects.enums import FundNature, ProjectCategory, ProjectNature, ProjectStage
from tuopin.projects.models import Allocation, Disbursement, Fund, Project
from tuopin.regions.models import Region


def a_project(code="MQ-2018-001", *, county=MINQUAN, region=None, stage=ProjectStage.IMPLEMENTING,
              amount="500000") -> Project:  # fmt: skip
    return Project.objects.create(
        county_id=county,
        region_id=region or county,
        code=code,
        year=2018,
        name="朱寨村扶贫车间",
        category=ProjectCategory.INDUSTRY,
        nature=ProjectNature.NEW,
        unit="民权县扶贫办",
        person="张三",
        tasks="建设车间 1 座",
        amount=Decimal(amount),
        targets="带动贫困户 50 户",
        stage=stage,
        starts_on=date(2018, 3, 1),
        ends_on=date(2018, 11, 30),
    )


def a_fund(document="财农〔2018〕1号", *, amount="1000000", region=CITY, integrated=True) -> Fund:
    return Fund.objects.create(
        document=document,
        name="中央财政专项扶贫资金",
        nature=FundNature.SPECIAL,
        level="central",
        integrated=integrated,
        year=2018,
        amount=Decimal(amount),
        region_id=region,
        issued_on=date(2018, 1, 10),
        received_on=date(2018, 1, 20),
    )


def a_chain(project=None, *, amount="1000000", passed="600000", disbursed="300000"):
    """A fund at the city, `passed` allocated to 民权县, `disbursed` put on the project."""
    project = project or a_project()
    fund = a_fund(amount=amount)
    Allocation.objects.create(fund=fund, from_region_id=CITY, to_region_id=MINQUAN,
                              amount=Decimal(passed), allocated_on=date(2018, 2, 1))  # fmt: skip
    disbursement = Disbursement.objects.create(fund=fund, region_id=MINQUAN, project=project,
                                               amount=Decimal(disbursed),
                                               disbursed_on=date(2018, 3, 5))  # fmt: skip
    return fund, project, disbursement


def county(code=MINQUAN) -> Region:
    return Region.objects.get(code=code)
