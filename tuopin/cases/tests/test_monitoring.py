"""Who is a monitoring candidate (防止返贫监测, domain.md §5): exited households at risk only."""

from decimal import Decimal

import pytest

from conftest import MINQUAN
from tuopin.accounts.roles import Role
from tuopin.cases.selectors import monitoring_candidates
from tuopin.policy.tests.test_henan import household
from tuopin.registry.models import Income

pytestmark = pytest.mark.django_db

EXITED = {"status": "2", "exit_year": 2017}


def income(created, year, net):
    """Every component given, so that the net income is known whatever the defaults are."""
    zero = Decimal("0.00")
    Income.objects.update_or_create(
        household=created,
        year=year,
        defaults={
            "wages": Decimal(net),
            "business": zero,
            "property_income": zero,
            "transfers": zero,
            "production_costs": zero,
        },
    )


def test_candidates_are_exited_households_at_risk_never_the_still_poor(make_user):
    # Two members each: 1.5 × the 2018 line (2,995) is 4,492.50 a head, 8,985 a household.
    for number, status in (("STILL-1", "1"), ("STILL-4", "4"), ("STILL-5", "5")):
        low = household(number, facts={"status": status}, income=False)
        income(low, 2018, "4000.00")  # far below the line, and still poor: not a candidate
        income(low, 2017, "9000.00")  # and a fall of more than 30%: still not a candidate
    below = household("EXIT-LOW", facts=EXITED, income=False)
    income(below, 2018, "8000.00")  # 4,000 a head < 4,492.50
    fell = household("EXIT-FELL", facts=EXITED, income=False)
    income(fell, 2018, "20000.00")
    income(fell, 2017, "30000.00")  # down 33%
    slight = household("EXIT-SLIGHT", facts=EXITED, income=False)
    income(slight, 2018, "20000.00")
    income(slight, 2017, "25000.00")  # down 20%: not a fall that counts
    no_previous = household("EXIT-NEW", facts=EXITED, income=False)
    income(no_previous, 2018, "20000.00")  # last year unknown: no fall to see
    unknown = household("EXIT-UNKNOWN", facts={"status": "3", "exit_year": 2016}, income=False)
    income(unknown, 2017, "40000.00")  # this year unknown: never counted as a fall to zero
    county = make_user(Role.COUNTY_OFFICE, MINQUAN)

    candidates = {h.number: h for h in monitoring_candidates(county, MINQUAN, 2018)}

    assert set(candidates) == {"EXIT-LOW", "EXIT-FELL"}
    assert candidates["EXIT-FELL"].previous == pytest.approx(30000.0)
    assert candidates["EXIT-LOW"].per_capita == pytest.approx(4000.0)
