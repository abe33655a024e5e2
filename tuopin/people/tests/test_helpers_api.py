"""/api/v1/helpers, /pairings, /visits: scope, masking, the idempotent POST, photos."""

import base64

import pytest
from django.test import Client
from django.utils import timezone

from conftest import RENHE, SUIXIAN, first_village
from tuopin.accounts.roles import Role
from tuopin.audit.models import AccessKind, AccessLog
from tuopin.people.models import Visit
from tuopin.people.pairing_services import pairing_start
from tuopin.people.tests.helpers_factories import JPEG, an_id_number, helper, household

pytestmark = pytest.mark.django_db


def test_a_village_cadre_posts_a_visit_once_and_reads_it_back(make_user):
    village = first_village(RENHE)
    home = household(village)
    cadre = helper(name="陈帮扶", id_number=an_id_number(7))
    pairing_start(acting_user=None, household=home, helper=cadre, started_on=None)
    client = Client()
    client.force_login(make_user(Role.VILLAGE, village.code))
    body = {
        "household_id": home.pk,
        "visited_on": timezone.localdate().isoformat(),
        "title": "了解务工",
        "agreed": "推荐公益岗",
        "token": "api-token-0001",
        "photos": [{"name": "a.jpg", "data_base64": base64.b64encode(JPEG).decode()}],
    }
    first = client.post("/api/v1/visits", body, content_type="application/json")
    assert first.status_code == 201, first.content
    again = client.post("/api/v1/visits", body, content_type="application/json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert Visit.objects.count() == 1
    photo_id = first.json()["photo_ids"][0]
    photo = client.get(f"/api/v1/visit-photos/{photo_id}")
    assert photo.status_code == 200 and b"".join(photo.streaming_content) == JPEG
    assert AccessLog.objects.filter(kind=AccessKind.PHOTO, object_id=str(photo_id)).count() == 1
    helpers = client.get("/api/v1/helpers").json()["items"]
    assert [h["name"] for h in helpers] == ["陈帮扶"]
    assert helpers[0]["id_number"] != cadre.id_number and helpers[0]["households_now"] == 1
    for region in ("4114", "411421", "411421101", village.code):
        listed = client.get("/api/v1/helpers", {"region": region}).json()["items"]
        assert [h["name"] for h in listed] == ["陈帮扶"], region
    assert client.get("/api/v1/helpers", {"region": "411421102"}).json()["items"] == []
    pairings = client.get("/api/v1/pairings", {"current": "true"}).json()["items"]
    assert [p["household_id"] for p in pairings] == [home.pk]
    bad = client.post(
        "/api/v1/visits",
        {
            **body,
            "token": "api-token-0002",
            "photos": [{"name": "x.png", "data_base64": "bm90IGFuIGltYWdl"}],
        },
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["code"] == "visit_photo_type"
    stranger = Client()
    stranger.force_login(make_user(Role.COUNTY_OFFICE, SUIXIAN))
    assert stranger.get(f"/api/v1/visit-photos/{photo_id}").status_code == 404
    assert stranger.get("/api/v1/visits").json()["items"] == []
