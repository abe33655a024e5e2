"""Changing a region's poverty attributes: validated, recorded in history, only by who may."""

import pytest
from django.core.exceptions import ValidationError

from conftest import CITY, MINQUAN, RENHE, SUIXIAN, first_village
from tuopin.accounts.roles import Role
from tuopin.regions.models import Region
from tuopin.regions.services import region_update_attributes

HistoricalRegion = Region.history.model


def test_an_attribute_change_is_recorded_with_the_acting_user(make_user):
    user = make_user(Role.COUNTY_OFFICE, MINQUAN)
    village = first_village(RENHE)
    before = HistoricalRegion.objects.filter(code=village.code).count()

    region_update_attributes(
        acting_user=user, region=village, is_poor_village=True, poor_identified_year=2014
    )

    village.refresh_from_db()
    assert village.is_poor_village is True
    assert village.poor_identified_year == 2014
    history = HistoricalRegion.objects.filter(code=village.code)
    assert history.count() == before + 1
    latest = history.latest("history_id")
    assert latest.history_user == user
    assert latest.history_type == "~"
    assert latest.is_poor_village is True
    previous = latest.prev_record
    assert previous is not None and previous.is_poor_village is False


def test_only_poverty_attributes_may_be_changed(make_user):
    user = make_user(Role.CITY_OFFICE, CITY)
    village = first_village(RENHE)
    with pytest.raises(ValueError, match="name"):
        region_update_attributes(acting_user=user, region=village, name="别名")
    assert Region.objects.get(code=village.code).name == village.name


def test_the_database_rules_are_checked_before_saving(make_user):
    user = make_user(Role.CITY_OFFICE, CITY)
    county = Region.objects.get(code=SUIXIAN)
    history_before = HistoricalRegion.objects.count()
    with pytest.raises(ValidationError):
        region_update_attributes(acting_user=user, region=county, is_poor_village=True)
    village = first_village(RENHE)
    with pytest.raises(ValidationError):
        region_update_attributes(
            acting_user=user, region=village, poor_identified_year=2016, poor_exited_year=2015
        )
    assert Region.objects.get(code=SUIXIAN).is_poor_village is False
    assert Region.objects.get(code=village.code).poor_exited_year is None
    assert HistoricalRegion.objects.count() == history_before
