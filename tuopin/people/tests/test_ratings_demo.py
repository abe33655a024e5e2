"""The ratings demo step: ratings waiting for the township demo user, one returned, some
confirmed and paid, the two checks' planted cases; two courses with attendance."""

import pytest

from tuopin.accounts.demo import DEMO_COUNTY, DEMO_VILLAGE
from tuopin.cases.demo import demo_setup
from tuopin.people.models import HouseholdRating, IncentivePayment, TrainingCourse
from tuopin.people.ratings_demo import ratings_demo
from tuopin.people.ratings_selectors import rating_findings
from tuopin.regions.models import Region

pytestmark = pytest.mark.django_db


def test_the_demo_gives_each_user_something_to_do(django_user_model):
    demo_setup(households=80, seed=1)
    said = []
    ratings_demo(region_code=DEMO_COUNTY, year=2018, seed=1, if_empty=False, say=said.append)
    ratings = HouseholdRating.objects.filter(household__village_id=DEMO_VILLAGE, year=2018)
    assert ratings.filter(status="proposed").count() >= 3
    assert ratings.filter(status="returned").count() == 1
    assert ratings.filter(status="confirmed").exists() and IncentivePayment.objects.exists()
    county = django_user_model.objects.get(username="county")
    region = Region.objects.get(code=DEMO_COUNTY)
    assert rating_findings(county, "confirmed_unpaid", region, 2018).exists()
    assert rating_findings(county, "amount_differs", region, 2018).exists()
    courses = TrainingCourse.objects.filter(region_id=DEMO_COUNTY)
    assert courses.count() == 2 and all(c.attendance.exists() for c in courses)
    assert said and "星级评定" in said[0]
    before = ratings.count()
    ratings_demo(region_code=DEMO_COUNTY, year=2018, seed=1, if_empty=True, say=said.append)
    assert ratings.count() == before and TrainingCourse.objects.count() == 2
