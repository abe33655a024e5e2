"""A cadre who logs in as themselves (role 帮扶责任人): their paired households, their
cards and visits, the visit form, and nothing else; linking a login to a cadre."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import MINQUAN, RENHE, SUIXIAN, first_village
from tuopin.accounts.roles import Role
from tuopin.core.errors import TuopinError
from tuopin.people.models import Visit
from tuopin.people.pairing_services import cadre_account_link, pairing_end, pairing_start
from tuopin.people.tests.helpers_factories import JPEG, helper, household
from tuopin.registry.models import Member

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(make_user):
    village = first_village(RENHE)
    mine = household(village)
    Member.objects.create(household=mine, name="王户主", relation="02", id_number="")
    other = household(village)
    cadre = helper(name="李干部")
    someone = helper(name="赵干部")
    today = timezone.localdate()
    pairing_start(
        acting_user=None, household=mine, helper=cadre, started_on=today - datetime.timedelta(60)
    )
    pairing_start(acting_user=None, household=other, helper=someone, started_on=None)
    login = make_user(Role.HELPER, MINQUAN, username="lihelper")
    cadre_account_link(acting_user=None, helper=cadre, username="lihelper")
    client = Client()
    client.force_login(login)
    return {"client": client, "mine": mine, "other": other, "cadre": cadre, "login": login}


def test_a_helper_sees_their_households_and_records_a_visit(scene):
    client, mine, other = scene["client"], scene["mine"], scene["other"]
    listing = client.get(reverse("people:my_households")).content.decode()
    assert "王户主" in listing and other.number not in listing
    assert 'data-testid="visit-due"' in listing  # paired 60 days ago, never visited
    card = client.get(reverse("people:my_household", args=[mine.pk]))
    assert card.status_code == 200 and "王户主" in card.content.decode()
    assert client.get(reverse("people:my_household", args=[other.pk])).status_code == 404
    # The registry and the region's people pages stay closed.
    assert client.get(reverse("registry:household", args=[mine.pk])).status_code == 403
    assert client.get(reverse("people:helpers")).status_code == 403
    assert client.get(reverse("people:visit_new", args=[other.pk])).status_code == 404

    answer = client.post(
        reverse("people:visit_new", args=[mine.pk]),
        {
            "visited_on": timezone.localdate().isoformat(),
            "title": "了解务工情况",
            "token": "helper-token-0001",
            "photos": [SimpleUploadedFile("p.jpg", JPEG, content_type="image/jpeg")],
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:500]
    visit = Visit.objects.get()
    assert visit.helper == scene["cadre"] and visit.household == mine
    shown = client.get(answer["Location"]).content.decode()
    assert "了解务工情况" in shown and reverse("people:my_household", args=[mine.pk]) in shown
    photo = visit.photos.get()
    assert client.get(reverse("people:visit_photo", args=[photo.pk])).status_code == 200
    assert (
        'data-testid="visit-due"'
        not in client.get(reverse("people:my_households")).content.decode()
    )
    # The API answers the same: their visits only.
    listed = client.get("/api/v1/visits").json()["items"]
    assert [v["id"] for v in listed] == [visit.pk]

    # Once the pairing ends, the household and its visits are closed to them.
    pairing_end(
        acting_user=None,
        pairing=mine.pairings.get(ended_on__isnull=True),
        ended_on=timezone.localdate(),
        reason="other",
    )
    assert client.get(reverse("people:my_household", args=[mine.pk])).status_code == 404
    assert client.get(reverse("people:visit", args=[visit.pk])).status_code == 404


def test_a_helper_home_shows_their_households_and_their_county(scene):
    page = scene["client"].get("/").content.decode()
    assert 'data-testid="helper-panel"' in page and "王户主" in page
    assert reverse("people:my_households") in page
    assert reverse("web:region", args=[MINQUAN]) in page
    # Of the registry, not even the county's figures: those link to lists they may not read.
    assert 'data-testid="figures-' not in page


def test_linking_a_login_to_a_cadre(scene, make_user):
    cadre, someone = scene["cadre"], helper(name="孙干部")
    with pytest.raises(TuopinError) as taken:
        cadre_account_link(acting_user=None, helper=someone, username="lihelper")
    assert taken.value.code == "cadre_account_taken"
    make_user(Role.VILLAGE, first_village(RENHE).code, username="cunganbu")
    with pytest.raises(TuopinError) as wrong_role:
        cadre_account_link(acting_user=None, helper=someone, username="cunganbu")
    assert wrong_role.value.code == "cadre_account_unknown"
    make_user(Role.HELPER, SUIXIAN, username="suixianhelper")
    with pytest.raises(TuopinError):  # a login of another county
        cadre_account_link(acting_user=None, helper=someone, username="suixianhelper")
    township = make_user(Role.VILLAGE, first_village(RENHE).code)
    with pytest.raises(PermissionDenied):
        cadre_account_link(acting_user=township, helper=cadre, username="")
    county = make_user(Role.COUNTY_OFFICE, MINQUAN)
    client = Client()
    client.force_login(county)
    assert "lihelper" in client.get(reverse("people:helper", args=[cadre.pk])).content.decode()
    client.post(reverse("people:helper_account", args=[cadre.pk]), {"username": ""})
    cadre.refresh_from_db()
    assert cadre.account is None and cadre.history.first().account_id is None
    # Without a cadre, the login sees no household at all.
    assert "王户主" not in scene["client"].get(reverse("people:my_households")).content.decode()


def test_the_demo_links_the_helper_login_to_a_cadre_of_the_demo_village(make_user):
    from tuopin.people.helpers_demo import DEMO_VILLAGE, helpers_demo

    busy, idle = helper(name="忙干部"), helper(name="闲干部")
    for _ in range(3):
        household(DEMO_VILLAGE, helper=busy)
    household(DEMO_VILLAGE, helper=idle)
    login = make_user(Role.HELPER, MINQUAN, username="helper")
    said = []
    helpers_demo(region_code=MINQUAN, year=2018, seed=7, if_empty=True, say=said.append)
    busy.refresh_from_db()
    assert busy.account == login and any("helper" in line for line in said)
    client = Client()
    client.force_login(login)
    listing = client.get(reverse("people:my_households")).content.decode()
    paired = busy.pairings.filter(ended_on__isnull=True).count()
    assert paired >= 3
    assert listing.count('data-testid="visit-due"') + listing.count("下次走访") == paired
