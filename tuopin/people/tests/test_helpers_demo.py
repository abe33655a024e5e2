"""The helpers demo step: pairings follow the registry, visits (some overdue), one helper
over the limit, households left to visit in the demo village."""

import pytest

from conftest import MINQUAN
from tuopin.accounts.roles import Role
from tuopin.people.checks import offenders
from tuopin.people.helpers_demo import DEMO_VILLAGE, helpers_demo
from tuopin.people.models import Pairing, Visit
from tuopin.people.tests.helpers_factories import helper, household

pytestmark = pytest.mark.django_db


def test_the_demo_step(make_user):
    cadres = [helper() for _ in range(3)]
    homes = [household(DEMO_VILLAGE, helper=cadres[i % 3]) for i in range(12)]
    said = []
    helpers_demo(region_code=MINQUAN, year=2018, seed=7, if_empty=True, say=said.append)
    assert Pairing.objects.filter(ended_on__isnull=True).count() == len(homes)
    assert Visit.objects.exists() and said
    user = make_user(Role.COUNTY_OFFICE, MINQUAN)
    assert offenders("helper_over_limit", user, region_prefix="411421", year=2018).exists()
    assert offenders("visit_overdue", user, region_prefix="411421", year=2018).exists()
    count = Visit.objects.count()
    helpers_demo(region_code=MINQUAN, year=2018, seed=7, if_empty=True, say=said.append)
    assert Visit.objects.count() == count
