"""The fund ledger's writes: each refuses what the rules refuse, and writes nothing then;
balances are the database's sums."""

from datetime import date
from decimal import Decimal

import pytest

from conftest import CITY, MINQUAN, RENHE, SUIXIAN, first_village
from tuopin.accounts.roles import Department, Role
from tuopin.core.errors import OutOfScope, TuopinError
from tuopin.projects.enums import PayeeKind, ProjectStage
from tuopin.projects.funds_selectors import balance_at, fund_ledger, ledger_row_figures
from tuopin.projects.funds_services import (
    allocation_add,
    disbursement_add,
    fund_register,
    payment_add,
)
from tuopin.projects.models import Allocation, Disbursement, Fund, FundPayment
from tuopin.projects.tests.funds_factories import a_chain, a_project, county
from tuopin.registry.services import household_register
from tuopin.registry.tests.factories import family

pytestmark = pytest.mark.django_db

CREDIT = "91411421MA3X5Q2K0L"


def _treasury(make_user, code=MINQUAN):
    return make_user(Role.SECTOR, code, department=Department.TREASURY)


def _fund(user, **changes):
    data = {
        "document": "豫财农〔2018〕7号",
        "name": "省级财政专项扶贫资金",
        "nature": "special",
        "level": "province",
        "amount": "800000",
        "region_code": MINQUAN,
        "year": 2018,
        "received_on": date(2018, 2, 1),
        "issued_on": date(2018, 1, 25),
        "integrated": True,
    }
    return fund_register(acting_user=user, **{**data, **changes})


def test_a_fund_is_registered_once_by_its_document(make_user):
    treasury = _treasury(make_user)
    fund = _fund(treasury)
    assert fund.history.count() == 1 and balance_at(fund, MINQUAN) == Decimal("800000")
    with pytest.raises(TuopinError) as taken:
        _fund(treasury)
    assert taken.value.code == "document_taken" and "已登记" in taken.value.message_zh


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"amount": "-1"}, "amount_negative"),
        ({"amount": "abc"}, "amount_invalid"),
        ({"nature": "gift"}, "nature_invalid"),
        ({"level": "town"}, "level_invalid"),
        ({"received_on": date(2018, 1, 1)}, "received_before_issued"),
        ({"region_code": RENHE}, "fund_region_level"),
        ({"document": " "}, "document_missing"),
    ],
)
def test_a_bad_fund_is_refused_with_its_field(make_user, changes, code):
    with pytest.raises(TuopinError) as refused:
        _fund(_treasury(make_user), **changes)
    assert refused.value.code == code and refused.value.field
    assert not Fund.objects.exists()


def test_only_the_treasury_of_the_region_keeps_funds(make_user):
    with pytest.raises(TuopinError):  # the county office reads the funds, keeps none
        _fund(make_user(Role.COUNTY_OFFICE, MINQUAN))
    with pytest.raises(OutOfScope):
        _fund(_treasury(make_user, SUIXIAN))
    assert not Fund.objects.exists()


def test_an_allocation_goes_one_level_down_within_the_balance(make_user):
    city = _treasury(make_user, CITY)
    fund = _fund(city, region_code=CITY)
    with pytest.raises(TuopinError) as far:
        allocation_add(acting_user=city, fund=fund, from_region_code=CITY, to_region_code=RENHE,
                       amount="1", allocated_on=date(2018, 2, 2))  # fmt: skip
    assert far.value.code == "not_a_child"
    with pytest.raises(TuopinError) as over:
        allocation_add(acting_user=city, fund=fund, from_region_code=CITY,
                       to_region_code=MINQUAN, amount="800000.01",
                       allocated_on=date(2018, 2, 2))  # fmt: skip
    assert over.value.code == "over_balance"
    with pytest.raises(OutOfScope):  # 民权县 cannot pass down the city's money
        allocation_add(acting_user=_treasury(make_user), fund=fund, from_region_code=CITY,
                       to_region_code=MINQUAN, amount="1", allocated_on=date(2018, 2, 2))  # fmt: skip
    allocation_add(acting_user=city, fund=fund, from_region_code=CITY, to_region_code=MINQUAN,
                   amount="500000", allocated_on=date(2018, 2, 2))  # fmt: skip
    assert balance_at(fund, CITY) == Decimal("300000")
    assert balance_at(fund, MINQUAN) == Decimal("500000")
    assert Allocation.objects.get().history.count() == 1


def test_a_disbursement_goes_to_a_payable_project_of_the_region(make_user):
    treasury = _treasury(make_user)
    fund, project, _d = a_chain()
    approved = a_project("MQ-2018-002", stage=ProjectStage.IN_LIBRARY)
    elsewhere = a_project("SX-2018-001", county=SUIXIAN)
    common = {"acting_user": treasury, "fund": fund, "region_code": MINQUAN,
              "disbursed_on": date(2018, 4, 1)}  # fmt: skip
    for other, code in ((approved, "project_not_payable"), (elsewhere, "project_elsewhere")):
        with pytest.raises(TuopinError) as refused:
            disbursement_add(project=other, amount="1", **common)
        assert refused.value.code == code
    with pytest.raises(TuopinError) as over:  # 600000 arrived, 300000 already disbursed
        disbursement_add(project=project, amount="300000.01", **common)
    assert over.value.code == "over_balance"
    disbursement_add(project=project, amount="300000", **common)
    assert balance_at(fund, MINQUAN) == 0
    row = fund_ledger(treasury, county()).get()
    assert ledger_row_figures(row) == {
        "received": Decimal("600000"), "allocated": 0, "disbursed": Decimal("600000"),
        "paid": 0, "balance": 0,
    }  # fmt: skip
    assert Disbursement.objects.count() == 2


def test_a_payment_to_a_person_is_checked_and_found_in_the_registry(make_user):
    treasury = _treasury(make_user)
    registrar = make_user(Role.COUNTY_OFFICE, MINQUAN)
    village = first_village(RENHE)
    household = household_register(acting_user=registrar, village_code=village.code,
                                    number="FK-1", attributes={}, members=family())  # fmt: skip
    person = household.members.order_by("pk").first()
    _fund_row, _project, disbursement = a_chain()
    common = {"acting_user": treasury, "disbursement": disbursement, "item": "产业奖补",
              "period": "2018-06", "paid_on": date(2018, 6, 1)}  # fmt: skip
    refusals = [
        ({"payee_kind": PayeeKind.PERSON, "payee": "王建国", "id_number": "411421196805011234",
          "account": "6228480012345678", "amount": "100"}, "id_number"),
        ({"payee_kind": PayeeKind.PERSON, "payee": "王建国", "id_number": person.id_number,
          "amount": "100"}, "account"),
        ({"payee_kind": PayeeKind.ENTERPRISE, "payee": "某公司", "credit_code": CREDIT[:-1] + "X",
          "amount": "100"}, "credit_code"),
        ({"payee_kind": PayeeKind.PROJECT, "payee": "实施单位", "amount": "300000.01"}, "amount"),
        ({"payee_kind": PayeeKind.PROJECT, "payee": "实施单位", "amount": "0"}, "amount"),
    ]  # fmt: skip
    for data, field in refusals:
        with pytest.raises(TuopinError) as refused:
            payment_add(**common, **data)
        assert refused.value.field == field, (data, refused.value)
    assert not FundPayment.objects.exists()
    paid = payment_add(**common, payee_kind=PayeeKind.PERSON, payee=person.name,
                       id_number=person.id_number, account="6228480012345678", amount="1200")  # fmt: skip
    assert paid.member == person and paid.household == household
    assert paid.region_id == village.code and paid.history.count() == 1
    firm = payment_add(**common, payee_kind=PayeeKind.ENTERPRISE, payee="某公司",
                       credit_code=CREDIT.lower(), amount="5000")  # fmt: skip
    assert firm.credit_code == CREDIT and firm.region_id == MINQUAN
