"""Ledger rows for the pages' tests, written straight to the tables (the import is
another part's): two registered households, one in 民权县 and one in 睢县, each with a row
in ledgers of three departments, and people outside the registry."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model

from tuopin.accounts.roles import Department, Role
from tuopin.accounts.selectors import forget_assignments
from tuopin.assistance.models import EmploymentRecord, HealthInsurance, Loan, Payment, Ranger
from tuopin.regions.models import Region
from tuopin.registry.models import Household
from tuopin.registry.services import household_register
from tuopin.registry.tests.factories import family

MINQUAN_VILLAGE = "411421101201"


def department_user(make_user, role: str, region_code: str, department: str = ""):
    user = make_user(role, region_code)
    user.first_name = "测试用户"  # the screens show it; a Latin login name is not a label
    user.save(update_fields=["first_name"])
    if department:
        user.assignments.update(department=department)
    forget_assignments(user)
    return get_user_model().objects.get(pk=user.pk)


def sector_user(make_user, department: str, region_code: str = "411421000000"):
    return department_user(make_user, Role.SECTOR, region_code, department)


def _village(county_prefix: str) -> Region:
    return Region.objects.filter(code__startswith=county_prefix, level="village").order_by("code")[
        0
    ]


def _registrar():
    registrar, created = get_user_model().objects.get_or_create(
        username="ledger-registrar", defaults={"is_superuser": True, "first_name": "登记员"}
    )
    return registrar


def registered(village: Region, number: str) -> Household:
    return household_register(
        acting_user=_registrar(),
        village_code=village.code,
        number=number,
        attributes={},
        members=family(county=village.code[:6]),
    )


def _person(household: Household) -> dict:
    member = household.members.order_by("id").first()
    return {
        "region_id": household.village_id,
        "year": 2018,
        "id_number": member.id_number,
        "name": member.name,
        "household_number": household.number,
        "household": household,
        "member": member,
    }


@dataclass
class Ledgers:
    own_household: Household
    foreign_household: Household
    own_employment: EmploymentRecord
    foreign_employment: EmploymentRecord
    own_insurance: HealthInsurance
    own_loan: Loan
    own_payment: Payment
    stranger_ranger: Ranger  # 护林员 outside the registry, in 民权县


def ledgers() -> Ledgers:
    own = registered(Region.objects.get(code=MINQUAN_VILLAGE), "41142110120100001")
    foreign = registered(_village("411422"), "41142210120100001")
    rows = {}
    for key, household in (("own", own), ("foreign", foreign)):
        rows[key] = EmploymentRecord.objects.create(
            **_person(household),
            status="1",
            form="1",
            employer={"own": "本县工厂", "foreign": "外县工厂"}[key],
            monthly_income=Decimal("3000.00"),
        )
        HealthInsurance.objects.create(**_person(household), basic_insured=True)
        Loan.objects.create(
            **_person(household),
            amount=Decimal("50000.00"),
            term_months=36,
            drawn_on=date(2018, 3, 1),
            due_on=date(2021, 3, 1),
            bank="民权农商银行",
            state="1",
        )
        student = household.members.get(name="王小明")
        Payment.objects.create(
            **{**_person(household), "member": student, "id_number": student.id_number},
            kind="student_aid",
            item="living",
            period="2018S1",
            amount=Decimal("625.00"),
            account="6228480012345678901",
        )
    ranger = Ranger.objects.create(
        region_id=MINQUAN_VILLAGE,
        year=2018,
        id_number="411421198001011234",
        name="外来护林员",
        annual_pay=Decimal("10000.00"),
        state="1",
    )
    return Ledgers(
        own,
        foreign,
        rows["own"],
        rows["foreign"],
        HealthInsurance.objects.get(household=own),
        Loan.objects.get(household=own),
        Payment.objects.get(household=own),
        ranger,
    )


HRSS, HEALTH, FINANCE, EDUCATION, FORESTRY = (
    Department.HUMAN_RESOURCES,
    Department.HEALTH,
    Department.FINANCE,
    Department.EDUCATION,
    Department.FORESTRY,
)
