"""The demo step of weak branches, enterprises and workshops."""

import pytest
from django.contrib.auth import get_user_model

from tuopin.cases.demo import demo_setup
from tuopin.people.branches_selectors import branch_shares
from tuopin.people.checks import offenders
from tuopin.people.demo import people_demo
from tuopin.people.enterprises_services import credit_code_clean
from tuopin.people.models import Enterprise, WeakBranch, Workshop
from tuopin.people.workshops_rules import LAPSED, RECOGNISED, recognitions
from tuopin.people.workshops_selectors import workshop_search

pytestmark = pytest.mark.django_db


def test_the_demo_gives_every_demo_user_something(shangqiu):
    demo_setup(households=150, seed=1)
    people_demo(region_code="411421000000", year=2018, seed=1, if_empty=False, say=print)
    User = get_user_model()
    county = User.objects.get(username="county")
    (share,) = branch_shares(county, 2018)
    assert not share.outside and share.listed == WeakBranch.objects.count()
    assert WeakBranch.objects.filter(village_id="411421101201").exists()
    assert WeakBranch.objects.filter(signed_off_on__isnull=False).count() == 1
    assert all(credit_code_clean(e.credit_code) for e in Enterprise.objects.all())
    statuses = {
        Workshop.objects.get(pk=pk).name: r.status
        for pk, r in recognitions(workshop_search(county), 2018).items()
    }
    assert sorted(statuses.values()) == [LAPSED, RECOGNISED, RECOGNISED]
    assert offenders("person_in_two_workshops", county, region_prefix="411421").count() == 1
    # if_empty: a second run adds nothing.
    people_demo(region_code="411421000000", year=2018, seed=1, if_empty=True, say=print)
    assert WeakBranch.objects.count() == share.listed
