"""Fund data for the warnings' tests, written with the ORM (the funds part builds the
imports): a fund, its movements, projects, payments and registry people."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import count

from conftest import MINQUAN, RENHE, first_village
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
from tuopin.registry.enums import MemberEventKind, MemberStatus, PovertyStatus
from tuopin.registry.models import Household, Member, MemberEvent

_numbers = count(1)


def region(code: str = MINQUAN) -> Region:
    return Region.objects.get(code=code)


def village() -> Region:
    return first_village(RENHE)


def fund(amount, received_on, *, level=SourceLevel.CENTRAL, at: str = MINQUAN) -> Fund:
    n = next(_numbers)
    return Fund.objects.create(
        document=f"财农〔2018〕{n}号",
        name="中央财政专项扶贫资金",
        nature=FundNature.SPECIAL,
        level=level,
        year=2018,
        amount=Decimal(str(amount)),
        region=region(at),
        received_on=received_on,
    )


def allocate(of: Fund, to: str, amount, on: date, *, source: str | None = None) -> Allocation:
    return Allocation.objects.create(
        fund=of,
        from_region=region(source or of.region_id),
        to_region=region(to),
        amount=Decimal(str(amount)),
        allocated_on=on,
    )


def project(amount=100000, *, starts_on=None, ends_on=None, stage=ProjectStage.IMPLEMENTING):
    n = next(_numbers)
    return Project.objects.create(
        county=region(MINQUAN),
        region=village(),
        code=f"MQ-2018-{n:03d}",
        year=2018,
        name="朱寨村产业路",
        category=ProjectCategory.INFRASTRUCTURE,
        nature=ProjectNature.NEW,
        unit="人和镇人民政府",
        person="张三",
        tasks="修路 2 公里",
        amount=Decimal(str(amount)),
        targets="受益贫困户 120 户",
        starts_on=starts_on,
        ends_on=ends_on,
        stage=stage,
    )


def disburse(of: Fund, to: Project, amount, on: date, *, at: str = MINQUAN) -> Disbursement:
    return Disbursement.objects.create(
        fund=of, region=region(at), project=to, amount=Decimal(str(amount)), disbursed_on=on
    )


def household(*, status=PovertyStatus.NOT_EXITED, exit_year=None) -> Household:
    return Household.objects.create(
        village=village(),
        number=f"H{next(_numbers):05d}",
        status=status,
        identified_year=2014,
        exit_year=exit_year,
    )


def member(of: Household, id_number: str, *, died_on: date | None = None) -> Member:
    person = Member.objects.create(household=of, name="王五", id_number=id_number)
    if died_on:
        MemberEvent.objects.create(member=person, kind=MemberEventKind.DEATH, date=died_on)
        person.status = MemberStatus.DECEASED
        person.save(update_fields=["status"])
    return person


def pay(
    amount,
    paid_on: date,
    *,
    id_number: str = "",
    to: Project | None = None,
    item: str = "到户产业奖补",
    period: str = "2018",
    account: str = "",
    kind: str = PayeeKind.PERSON,
    payee: str = "王五",
    credit_code: str = "",
) -> FundPayment:
    return FundPayment.objects.create(
        project=to,
        region=village(),
        payee_kind=kind,
        payee=payee,
        id_number=id_number,
        credit_code=credit_code,
        account=account,
        item=item,
        period=period,
        amount=Decimal(str(amount)),
        paid_on=paid_on,
    )
