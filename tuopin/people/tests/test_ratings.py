"""Star ratings: the scheme in force, the village → township flow, payments, checks and
counts per region, with the roles and scopes of access.RATINGS."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import ProtectedError

from conftest import MINQUAN, RENHE, SUIXIAN, first_village
from tuopin.accounts.roles import Department, Role
from tuopin.core.errors import OutOfScope, TuopinError
from tuopin.people.models import HouseholdRating, IncentivePayment, RatingScheme, RatingStatus
from tuopin.people.params import people_parameter_set
from tuopin.people.ratings_selectors import (
    household_ratings,
    rating_counts,
    rating_findings,
    rating_lines,
    rating_search,
)
from tuopin.people.ratings_services import (
    incentive_record,
    rating_confirm,
    rating_propose,
    rating_return,
    rating_scheme_define,
    scheme_in_force,
)
from tuopin.regions.models import Region
from tuopin.registry.models import Household

pytestmark = pytest.mark.django_db
YEAR = 2018
ALL = dict.fromkeys(["勤劳致富星", "学习教育星", "健身康复星", "卫生整洁星", "精神面貌星"], True)


@pytest.fixture
def scene(make_user):
    village = first_village(RENHE)
    other_village = Region.objects.filter(parent_id=RENHE).order_by("code")[1]
    foreign_village = Region.objects.filter(code__startswith="411422", level="village").first()
    return {
        "village": village,
        "home": Household.objects.create(village=village, number="XJ-0001"),
        "home2": Household.objects.create(village=village, number="XJ-0002"),
        "neighbour": Household.objects.create(village=other_village, number="XJ-0003"),
        "foreign": Household.objects.create(village=foreign_village, number="XJ-0004"),
        "cadre": make_user(Role.VILLAGE, village.code),
        "township": make_user(Role.TOWNSHIP, RENHE),
        "county": make_user(Role.COUNTY_OFFICE, MINQUAN),
        "county2": make_user(Role.COUNTY_OFFICE, MINQUAN),
    }


def test_the_default_scheme_is_shipped_unconfirmed_with_five_stars():
    scheme = scheme_in_force(YEAR, first_village(RENHE).code)
    assert scheme.region_id is None and not scheme.confirmed
    assert "默认" in scheme.name and "待核实" in scheme.name
    assert [s.name_zh for s in scheme.stars.all()] == list(ALL)


def test_a_county_scheme_applies_from_its_year_county_over_city(scene, make_user):
    county = Region.objects.get(code=MINQUAN)
    scheme = rating_scheme_define(
        acting_user=scene["county"],
        region=county,
        year_from=2019,
        name="民权县三星",
        stars=[("a", "勤劳星", "Diligence"), ("b", "孝老星", "Filial"), ("c", "诚信星", "Honest")],
    )
    village = scene["village"].code
    assert scheme_in_force(2018, village).region_id is None
    assert scheme_in_force(2019, village) == scheme
    assert scheme_in_force(2020, village) == scheme
    assert scheme_in_force(2020, SUIXIAN[:6] + "101201").region_id is None
    with pytest.raises(PermissionDenied):
        rating_scheme_define(
            acting_user=scene["township"],
            region=county,
            year_from=2020,
            name="x",
            stars=[("a", "甲", "A")],
        )
    with pytest.raises(TuopinError) as error:
        rating_scheme_define(
            acting_user=scene["county"],
            region=county,
            year_from=2019,
            name="又一",
            stars=[("a", "甲", "A")],
        )
    assert error.value.code == "rating_scheme_exists"


def test_village_proposes_township_confirms(scene):
    rating = rating_propose(
        acting_user=scene["cadre"],
        household=scene["home"],
        year=YEAR,
        stars={"勤劳致富星": True, "学习教育星": False, "health": True},
    )
    assert rating.status == RatingStatus.PROPOSED
    assert (rating.star_count, rating.unknown_count) == (2, 2)  # unknown is not no
    awarded = {line.star.code: line.awarded for line in rating_lines(rating)}
    assert awarded == {
        "diligence": True,
        "learning": False,
        "health": True,
        "hygiene": None,
        "spirit": None,
    }
    with pytest.raises(PermissionDenied):  # the village does not confirm
        rating_confirm(acting_user=scene["cadre"], rating=rating)
    rating = rating_confirm(acting_user=scene["township"], rating=rating)
    assert rating.status == RatingStatus.CONFIRMED and rating.confirmed_by == scene["township"]
    assert rating.confirmed_on == datetime.date.today()
    with pytest.raises(TuopinError) as error:  # confirmed: closed to the village
        rating_propose(acting_user=scene["cadre"], household=scene["home"], year=YEAR, stars=ALL)
    assert error.value.code == "rating_confirmed"
    assert rating.history.count() == 2


def test_a_star_that_ratings_name_is_not_deleted(scene):
    """The stars are stored on the rating by id (ADR 0024): a star of a scheme that a
    rating names is refused deletion, as PROTECT did for the star rows."""
    rating_propose(acting_user=scene["cadre"], household=scene["home"], year=YEAR, stars=ALL)
    scheme = scheme_in_force(YEAR, scene["village"].code)
    with pytest.raises(ProtectedError), transaction.atomic():
        scheme.stars.first().delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        scheme.stars.all().delete()
    assert scheme.stars.count() == 5
    spare = rating_scheme_define(
        acting_user=scene["county"],
        region=Region.objects.get(code=MINQUAN),
        year_from=2030,
        name="未用方案",
        stars=[("a", "甲星", "A"), ("b", "乙星", "B")],
    )
    spare.stars.first().delete()
    assert spare.stars.count() == 1


def test_the_township_returns_with_a_reason_and_the_village_proposes_again(scene):
    rating = rating_propose(
        acting_user=scene["cadre"], household=scene["home"], year=YEAR, stars=ALL
    )
    with pytest.raises(TuopinError):
        rating_return(acting_user=scene["township"], rating=rating, reason=" ")
    rating = rating_return(acting_user=scene["township"], rating=rating, reason="卫生不达标")
    assert rating.status == RatingStatus.RETURNED and rating.returned_reason == "卫生不达标"
    with pytest.raises(TuopinError):  # a returned rating is not confirmed
        rating_confirm(acting_user=scene["township"], rating=rating)
    again = rating_propose(
        acting_user=scene["cadre"], household=scene["home"], year=YEAR, stars={"卫生整洁星": False}
    )
    assert again.pk == rating.pk and again.status == RatingStatus.PROPOSED
    assert again.returned_reason == "" and again.star_count == 0


def test_the_county_office_does_both_but_not_on_its_own_proposal(scene):
    rating = rating_propose(
        acting_user=scene["county"], household=scene["home"], year=YEAR, stars=ALL
    )
    with pytest.raises(TuopinError) as error:
        rating_confirm(acting_user=scene["county"], rating=rating)
    assert error.value.code == "rating_same_person"
    assert rating_confirm(acting_user=scene["county2"], rating=rating).status == "confirmed"


def test_who_may_not_propose_and_where(scene, make_user):
    with pytest.raises(PermissionDenied):  # a township confirms, it does not propose
        rating_propose(acting_user=scene["township"], household=scene["home"], year=YEAR, stars=ALL)
    with pytest.raises(OutOfScope):  # the neighbouring village
        rating_propose(
            acting_user=scene["cadre"], household=scene["neighbour"], year=YEAR, stars=ALL
        )
    with pytest.raises(OutOfScope):
        rating_propose(
            acting_user=scene["county"], household=scene["foreign"], year=YEAR, stars=ALL
        )
    inspector = make_user(Role.INSPECTOR, MINQUAN)
    with pytest.raises(PermissionDenied):
        rating_propose(acting_user=inspector, household=scene["home"], year=YEAR, stars=ALL)
    organisation = make_user(Role.SECTOR, MINQUAN, department=Department.ORGANISATION)
    with pytest.raises(OutOfScope):  # 组织部 does not read ratings at all
        rating_propose(acting_user=organisation, household=scene["home"], year=YEAR, stars=ALL)
    with pytest.raises(TuopinError) as error:
        rating_propose(
            acting_user=scene["cadre"], household=scene["home"], year=YEAR, stars={"富裕星": True}
        )
    assert error.value.code == "rating_star_unknown"
    assert not HouseholdRating.objects.exists()


def _confirmed(scene, home, stars):
    rating = rating_propose(acting_user=scene["cadre"], household=home, year=YEAR, stars=stars)
    return rating_confirm(acting_user=scene["township"], rating=rating)


def test_payments_need_a_confirmed_rating_and_the_checks_find_gaps(scene):
    proposed = rating_propose(
        acting_user=scene["cadre"], household=scene["home2"], year=YEAR, stars=ALL
    )
    with pytest.raises(TuopinError) as error:
        incentive_record(
            acting_user=scene["township"],
            household=scene["home2"],
            year=YEAR,
            amount=500,
            paid_on=datetime.date(2018, 12, 1),
        )
    assert error.value.code == "rating_unconfirmed"
    rating = _confirmed(scene, scene["home"], ALL)
    with pytest.raises(PermissionDenied):  # the village does not pay
        incentive_record(
            acting_user=scene["cadre"],
            household=scene["home"],
            year=YEAR,
            amount=500,
            paid_on=datetime.date(2018, 12, 1),
        )
    county = Region.objects.get(code=MINQUAN)
    renhe = Region.objects.get(code=RENHE)
    assert [r.pk for r in rating_findings(scene["county"], "confirmed_unpaid", county, YEAR)] == [
        rating.pk
    ]
    payment = incentive_record(
        acting_user=scene["township"],
        household=scene["home"],
        year=YEAR,
        amount="400",
        paid_on=datetime.date(2018, 12, 1),
        reason="五星户",
    )
    assert payment.rating == rating and payment.amount == Decimal("400.00")
    assert not rating_findings(scene["county"], "confirmed_unpaid", county, YEAR).exists()
    # 5 stars × 100 yuan (the unconfirmed default) = 500, not 400.
    differs = rating_findings(scene["county"], "amount_differs", renhe, YEAR)
    assert [r.pk for r in differs] == [rating.pk]
    # The county sets 80 yuan a star from 2018: 400 is right.
    people_parameter_set(
        acting_user=scene["county"],
        code="rating_award_per_star",
        region=county,
        year=2018,
        value=80,
    )
    assert not rating_findings(scene["county"], "amount_differs", county, YEAR).exists()
    assert not rating_findings(
        scene["county"], "amount_differs", Region.objects.get(code="411400000000"), YEAR
    ).exists()
    # A proposed rating is judged by neither check.
    assert proposed.pk not in {
        r.pk
        for code in ("confirmed_unpaid", "amount_differs")
        for r in rating_findings(scene["county"], code, county, YEAR)
    }
    with pytest.raises(TuopinError):
        incentive_record(
            acting_user=scene["township"],
            household=scene["home"],
            year=YEAR,
            amount="-3",
            paid_on=datetime.date(2018, 12, 1),
        )


def test_counts_per_child_region_and_the_scope(scene):
    _confirmed(scene, scene["home"], ALL)
    rating_propose(
        acting_user=scene["cadre"], household=scene["home2"], year=YEAR, stars={"勤劳致富星": True}
    )
    incentive_record(
        acting_user=scene["township"],
        household=scene["home"],
        year=YEAR,
        amount=500,
        paid_on=datetime.date(2018, 12, 1),
    )
    county = Region.objects.get(code=MINQUAN)
    rows, total = rating_counts(scene["county"], county, YEAR)
    renhe = next(r for r in rows if r.region.code == RENHE)
    assert (renhe.rated, renhe.confirmed, renhe.proposed) == (2, 1, 1)
    assert renhe.by_stars[5] == 1 and renhe.by_stars[1] == 1 and renhe.with_unknown == 1
    assert renhe.paid_households == 1 and renhe.paid_amount == Decimal("500")
    assert total.rated == 2 and all(r.rated == 0 for r in rows if r.region.code != RENHE)
    rows, total = rating_counts(scene["township"], Region.objects.get(code=RENHE), YEAR)
    assert next(r for r in rows if r.region == scene["village"]).rated == 2
    # The village cadre reads their village only; 睢县 reads none of it.
    assert rating_search(scene["cadre"], year=YEAR).count() == 2
    assert household_ratings(scene["cadre"], scene["home"])[0]["payments"][0].amount == 500
    with pytest.raises(OutOfScope):
        household_ratings(scene["cadre"], scene["neighbour"])
    assert IncentivePayment.objects.count() == 1 and RatingScheme.objects.count() == 1
