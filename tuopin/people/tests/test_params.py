"""People parameters: the county's row beats the city's, the latest start year wins,
a default otherwise; only a city or county, only by whoever keeps people data there."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from conftest import CITY, MINQUAN, RENHE, SUIXIAN, first_village
from tuopin.accounts.roles import Role
from tuopin.core.errors import TuopinError
from tuopin.people.params import people_parameter_set, people_parameter_values
from tuopin.regions.models import Region

pytestmark = pytest.mark.django_db


def test_county_over_city_over_default_by_start_year(make_user):
    village = first_village(RENHE).code
    assert people_parameter_values(2018, village)["team_members_min"] == 3
    city = Region.objects.get(code=CITY)
    minquan = Region.objects.get(code=MINQUAN)
    people_parameter_set(acting_user=None, code="team_members_min", region=city, year=2017, value=4)
    people_parameter_set(
        acting_user=None, code="team_members_min", region=minquan, year=2018, value="5"
    )
    assert people_parameter_values(2018, village)["team_members_min"] == Decimal(5)
    assert people_parameter_values(2017, village)["team_members_min"] == Decimal(4)
    assert people_parameter_values(2018, SUIXIAN)["team_members_min"] == Decimal(4)


def test_bad_values_and_places_are_refused(make_user):
    minquan = Region.objects.get(code=MINQUAN)
    with pytest.raises(TuopinError) as refused:
        people_parameter_set(
            acting_user=None, code="team_members_min", region=minquan, year=2018, value="x"
        )
    assert refused.value.field == "value"
    with pytest.raises(TuopinError):
        people_parameter_set(
            acting_user=None,
            code="team_members_min",
            region=Region.objects.get(code=RENHE),
            year=2018,
            value=3,
        )
    village = make_user(Role.VILLAGE, first_village(RENHE).code)
    with pytest.raises(PermissionDenied):
        people_parameter_set(
            acting_user=village, code="team_members_min", region=minquan, year=2018, value=3
        )
    county = make_user(Role.COUNTY_OFFICE, MINQUAN)
    row = people_parameter_set(
        acting_user=county, code="team_members_min", region=minquan, year=2018, value=3
    )
    assert row.set_by == county


def test_parameter_page_reads_for_every_reader_and_sets_for_the_county(client, make_user):
    from django.urls import reverse

    url = reverse("people:parameters")
    village = make_user(Role.VILLAGE, first_village(RENHE).code)
    client.force_login(village)
    shown = client.get(url).content.decode()
    # A village cadre reads the values in force in their county, with no form to change them.
    assert "驻村工作队队员不少于" in shown and 'name="value"' not in shown
    assert client.post(url, {"code": "team_members_min", "value": "4"}).status_code == 403

    county = make_user(Role.COUNTY_OFFICE, MINQUAN)
    client.force_login(county)
    assert 'name="value"' in client.get(url).content.decode()
    answer = client.post(
        url,
        {"region": MINQUAN, "year": "2018", "code": "team_members_min", "value": "4", "note": "文"},
    )
    assert answer.status_code == 302
    assert people_parameter_values(2018, first_village(RENHE).code)["team_members_min"] == 4
    refused = client.post(
        url, {"region": MINQUAN, "year": "2018", "code": "team_members_min", "value": "x"}
    )
    assert "取值" in client.get(refused["Location"]).content.decode()
    assert people_parameter_values(2018, MINQUAN)["team_members_min"] == 4
    # Another county's page is out of the user's scope.
    assert client.get(url, {"region": SUIXIAN}).status_code == 404
    # English page: labels in English.
    client.cookies["django_language"] = "en"
    english = client.get(url).content.decode()
    assert "Work-team members at least" in english


def test_a_department_sets_only_the_parameters_of_what_it_keeps(client, make_user):
    from django.urls import reverse

    from tuopin.accounts.roles import Department
    from tuopin.people.parameters import PARAMETERS
    from tuopin.people.params import PARAMETER_TOPICS

    assert set(PARAMETER_TOPICS) == set(PARAMETERS)
    minquan = Region.objects.get(code=MINQUAN)
    hrss = make_user(Role.SECTOR, MINQUAN, department=Department.HUMAN_RESOURCES)
    row = people_parameter_set(
        acting_user=hrss, code="workshop_wage_min", region=minquan, year=2018, value=1600
    )
    assert row.value == 1600
    with pytest.raises(PermissionDenied):
        people_parameter_set(
            acting_user=hrss, code="team_members_min", region=minquan, year=2018, value=2
        )
    client.force_login(hrss)
    page = client.get(reverse("people:parameters")).content.decode()
    forms = page.count('name="value"')
    assert forms == sum(1 for topic in PARAMETER_TOPICS.values() if topic == "workshops")
    refused = client.post(
        reverse("people:parameters"),
        {"region": MINQUAN, "year": "2018", "code": "team_members_min", "value": "2"},
    )
    assert refused.status_code == 403
    assert people_parameter_values(2018, MINQUAN)["team_members_min"] == 3
