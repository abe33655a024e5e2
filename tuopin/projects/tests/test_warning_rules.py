"""Each warning rule finds its planted anomaly and not the near misses around it (the
boundary values docs/warnings.md names), on the ORM's data, as of a fixed day."""

from datetime import date
from decimal import Decimal

import pytest

from conftest import CITY, MINQUAN
from tuopin.projects.enums import PayeeKind, SourceLevel
from tuopin.projects.tests import warnings_data as data
from tuopin.projects.warning_rules import RULES, context_for
from tuopin.registry.enums import PovertyStatus

pytestmark = pytest.mark.django_db

END = date(2018, 12, 31)


def found(rule: str, as_of: date = END) -> dict:
    return {f.subject: f for f in RULES[rule].run(context_for(prefix="4114", as_of=as_of))}


def test_upper_funds_not_passed_down_in_thirty_days():
    late = data.fund(100000, date(2018, 1, 1))
    p = data.project(100000)
    data.disburse(late, p, 60000, date(2018, 1, 31))  # day 30: in time
    data.disburse(late, p, 40000, date(2018, 2, 1))  # day 31: late
    in_time = data.fund(80000, date(2018, 1, 1))
    data.allocate(in_time, "411421101000", 80000, date(2018, 1, 31))
    county_money = data.fund(50000, date(2018, 1, 1), level=SourceLevel.COUNTY)
    result = found("allocation_late_upper")
    assert set(result) == {f"fund:{late.pk}@{MINQUAN}"}
    assert result[f"fund:{late.pk}@{MINQUAN}"].amount == Decimal("40000.00")
    assert f"fund:{county_money.pk}@{MINQUAN}" not in result
    # still within the 30 days on the as-of day: not late yet
    assert found("allocation_late_upper", date(2018, 1, 31)) == {}


def test_money_at_a_county_not_on_projects_in_sixty_days():
    late = data.fund(200000, date(2018, 3, 1), level=SourceLevel.CITY, at=CITY)
    data.allocate(late, MINQUAN, 200000, date(2018, 3, 10))
    p = data.project(500000)
    data.disburse(late, p, 150000, date(2018, 5, 9))  # day 60
    data.disburse(late, p, 50000, date(2018, 5, 10))  # day 61
    in_time = data.fund(90000, date(2018, 3, 1), level=SourceLevel.CITY, at=CITY)
    data.allocate(in_time, MINQUAN, 90000, date(2018, 3, 10))
    data.disburse(in_time, p, 90000, date(2018, 5, 9))
    result = found("allocation_late_project")
    assert set(result) == {f"fund:{late.pk}@{MINQUAN}"}
    assert result[f"fund:{late.pk}@{MINQUAN}"].amount == Decimal("50000.00")


def test_idle_balance_from_the_minimum_after_the_idle_days():
    p = data.project(500000)
    idle = data.fund(30000, date(2018, 6, 1), level=SourceLevel.COUNTY)
    data.disburse(idle, p, 20000, date(2018, 6, 10))  # 10,000.00 left: ≥ the minimum
    small = data.fund(30000, date(2018, 6, 1), level=SourceLevel.COUNTY)
    data.disburse(small, p, Decimal("20000.01"), date(2018, 6, 10))  # 9,999.99 left
    recent = data.fund(80000, date(2018, 6, 1), level=SourceLevel.COUNTY)
    data.disburse(recent, p, 30000, date(2018, 10, 2))  # 90 days before 12-31: not idle
    result = found("idle_balance")
    assert set(result) == {f"fund:{idle.pk}@{MINQUAN}"}
    assert result[f"fund:{idle.pk}@{MINQUAN}"].amount == Decimal("10000.00")


def test_spending_behind_by_more_than_the_points():
    behind = data.project(100000, starts_on=date(2018, 1, 1), ends_on=date(2018, 12, 31))
    edge = data.project(100000, starts_on=date(2018, 1, 1), ends_on=date(2018, 12, 31))
    data.pay(29990, date(2018, 3, 1), to=behind, kind=PayeeKind.ENTERPRISE, payee="建设公司")
    data.pay(30000, date(2018, 3, 1), to=edge, kind=PayeeKind.ENTERPRISE, payee="建设公司")
    as_of = date(2018, 7, 2)  # 182 of 364 days: 50 % elapsed
    result = found("spending_behind", as_of)
    assert set(result) == {f"project:{behind.pk}"}  # 50 − 29.99 > 20; 50 − 30 = 20 is not


def test_project_paid_beyond_its_budget():
    over = data.project(100000)
    exact = data.project(100000)
    data.pay(Decimal("100000.01"), date(2018, 5, 1), to=over, kind=PayeeKind.ENTERPRISE)
    data.pay(100000, date(2018, 5, 1), to=exact, kind=PayeeKind.ENTERPRISE)
    assert set(found("project_over_budget")) == {f"project:{over.pk}"}


def test_payee_not_registered_whatever_form_of_the_number():
    home = data.household()
    data.member(home, "41142119800101001X")
    data.member(home, "411421198202020022")
    stranger = data.pay(1000, date(2018, 5, 1), id_number="411421199001010033")
    data.pay(1000, date(2018, 5, 1), id_number="41142119800101001x")  # small x
    data.pay(1000, date(2018, 5, 1), id_number="411421820202002")  # 15-digit original
    assert set(found("payee_not_registered")) == {f"payment:{stranger.pk}"}


def test_paid_after_the_consolidation_period():
    long_ago = data.household(status=PovertyStatus.EXITED_WITH_POLICY, exit_year=2014)
    last_year = data.household(status=PovertyStatus.EXITED_WITH_POLICY, exit_year=2015)
    still_poor = data.household()
    data.member(long_ago, "411421197001010011")
    data.member(last_year, "411421197101010011")
    data.member(still_poor, "411421197201010011")
    beyond = data.pay(1000, date(2018, 5, 1), id_number="411421197001010011")  # 2018 > 2017
    data.pay(1000, date(2018, 5, 1), id_number="411421197101010011")  # 2018 = 2015 + 3
    data.pay(1000, date(2018, 5, 1), id_number="411421197201010011")
    assert set(found("payee_exited_beyond")) == {f"payment:{beyond.pk}"}


def test_paid_after_death():
    home = data.household()
    data.member(home, "411421195001010011", died_on=date(2018, 5, 1))
    after = data.pay(1000, date(2018, 5, 2), id_number="411421195001010011")
    data.pay(1000, date(2018, 5, 1), id_number="411421195001010011")  # the day itself
    assert set(found("payee_deceased")) == {f"payment:{after.pk}"}


def test_paid_twice_for_one_item_in_one_period():
    home = data.household()
    data.member(home, "411421198001010011")
    first = data.pay(1000, date(2018, 5, 1), id_number="411421198001010011", period="2018")
    second = data.pay(1000, date(2018, 9, 1), id_number="411421198001010011", period="2018")
    data.pay(1000, date(2018, 5, 1), id_number="411421198001010011", period="2017")
    data.pay(1000, date(2018, 5, 1), id_number="411421198001010011", period="2018", item="教育")
    data.pay(1000, date(2018, 5, 1), id_number="411421198001010011", period="")
    data.pay(1000, date(2018, 6, 1), id_number="411421198001010011", period="")
    # Another member of the household paid the same item and period: a per-person item.
    data.member(home, "411421198203040022")
    data.pay(1000, date(2018, 5, 1), id_number="411421198203040022", period="2018")
    result = list(found("paid_twice").values())
    assert len(result) == 1
    assert result[0].payment_ids == (first.pk, second.pk)
    assert result[0].id_number == "411421198001010011"


def test_one_account_on_several_households():
    one, two = data.household(), data.household()
    data.member(one, "411421198001010011")
    data.member(one, "411421198101010011")
    data.member(two, "411421198201010011")
    shared = "6228480000000000001"
    own = "6228480000000000002"
    data.pay(500, date(2018, 5, 1), id_number="411421198001010011", account=shared)
    data.pay(500, date(2018, 5, 1), id_number="411421198201010011", account=shared)
    data.pay(500, date(2018, 5, 1), id_number="411421198001010011", account=own, item="a")
    data.pay(500, date(2018, 5, 1), id_number="411421198101010011", account=own, item="b")
    assert set(found("account_shared")) == {f"account:{shared}"}


def test_split_payments_just_under_the_limit():
    home = data.household()
    for n in range(1, 4):
        data.member(home, f"41142119800101{n:03d}1")
    a = data.pay(45000, date(2018, 5, 1), id_number="411421198001010011")
    b = data.pay(Decimal("49999.99"), date(2018, 5, 31), id_number="411421198001010011")
    # below the band, over the limit, too far apart: not split
    data.pay(Decimal("44999.99"), date(2018, 5, 1), id_number="411421198001010021")
    data.pay(49000, date(2018, 5, 10), id_number="411421198001010021")
    data.pay(50000, date(2018, 5, 1), id_number="411421198001010031")
    data.pay(49000, date(2018, 5, 2), id_number="411421198001010031")
    data.pay(46000, date(2018, 7, 1), id_number="411421198001010011")  # 31 days after b
    result = list(found("split_payment").values())
    assert len(result) == 1 and result[0].payment_ids == (a.pk, b.pk)


def test_round_amounts_from_the_minimum():
    fifty = data.pay(50000, date(2018, 5, 1), kind=PayeeKind.ENTERPRISE, payee="公司")
    data.pay(40000, date(2018, 5, 1), kind=PayeeKind.ENTERPRISE, payee="公司")
    data.pay(Decimal("60000.50"), date(2018, 5, 1), kind=PayeeKind.ENTERPRISE, payee="公司")
    data.pay(55000, date(2018, 5, 1), kind=PayeeKind.ENTERPRISE, payee="公司")
    assert set(found("round_amount")) == {f"payment:{fifty.pk}"}
