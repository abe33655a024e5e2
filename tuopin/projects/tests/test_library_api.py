"""/api/v1/projects: the list with its filters, a project with its fundings and steps; a
village cadre sees only their village's projects."""

import pytest
from django.test import Client

from conftest import RENHE
from tuopin.accounts.roles import Role
from tuopin.projects.tests.library_factories import Users
from tuopin.regions.models import Region

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_api_lists_and_details_within_the_users_scope(make_user):
    users = Users(make_user)
    own = users.walk(users.apply(), "enter")
    neighbour = Region.objects.filter(parent_id=RENHE).order_by("code")[1]
    other = users.apply(name="邻村项目", villages=[neighbour.code])
    other.region = neighbour
    other.save()
    village = _client(users.village)
    items = village.get("/api/v1/projects").json()["items"]
    assert [item["id"] for item in items] == [own.pk]
    assert items[0]["stage"] == "in_library" and items[0]["percent"] is None
    assert village.get(f"/api/v1/projects/{other.pk}").status_code == 404
    county = _client(users.county)
    assert county.get("/api/v1/projects", {"stage": "applied"}).json()["total"] == 1
    detail = county.get(f"/api/v1/projects/{own.pk}").json()
    assert detail["targets"] and len(detail["fundings"]) == 2
    assert detail["villages"] == [users.village_region.code]
    steps = county.get(f"/api/v1/projects/{own.pk}/steps").json()
    assert [s["action"] for s in steps] == ["apply", "review", "appraise", "approve", "enter"]
    hotline = _client(make_user(Role.HOTLINE, "411400000000"))
    assert hotline.get("/api/v1/projects").status_code == 404
