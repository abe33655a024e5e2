"""扶贫产业园区: added and removed by whoever keeps enterprises of the township, read by
every enterprise reader of the region, and counted by the “四有” scorecard."""

import pytest
from django.urls import reverse

from conftest import MINQUAN, RENHE, SUIXIAN, first_village
from tuopin.accounts.roles import Role
from tuopin.people.enterprises_selectors import siyou_scorecard
from tuopin.people.models import IndustrialPark
from tuopin.regions.models import Region

pytestmark = pytest.mark.django_db


def _renhe_row(user):
    minquan = Region.objects.get(code=MINQUAN)
    return next(r for r in siyou_scorecard(user, minquan, 2018) if r.region.code == RENHE)


def test_county_adds_a_park_the_scorecard_counts_it_and_removes_it(client, make_user):
    county = make_user(Role.COUNTY_OFFICE, MINQUAN)
    client.force_login(county)
    url = reverse("people:parks")
    assert _renhe_row(county).townships_with == 0
    page = client.get(url, {"region": MINQUAN, "year": "2018"}).content.decode()
    assert 'data-testid="park-add"' in page and "本区域本年度没有登记扶贫产业园区" in page
    added = client.post(
        url, {"region": MINQUAN, "year": "2018", "township": RENHE, "name": "仁和食品产业园"}
    )
    assert added.status_code == 302
    park = IndustrialPark.objects.get()
    assert (park.township_id, park.year, park.name) == (RENHE, 2018, "仁和食品产业园")
    assert _renhe_row(county).townships_with == 1
    # The same park twice is refused with a message; nothing is added.
    again = client.post(
        url, {"region": MINQUAN, "year": "2018", "township": RENHE, "name": "仁和食品产业园"}
    )
    assert "已有园区" in client.get(again["Location"]).content.decode()
    assert IndustrialPark.objects.count() == 1
    # Another year is another list.
    assert (
        "仁和食品产业园"
        not in client.get(url, {"region": MINQUAN, "year": "2017"}).content.decode()
    )
    removed = client.post(
        reverse("people:park_delete", args=[park.pk]), {"region": MINQUAN, "year": "2018"}
    )
    assert removed.status_code == 302 and not IndustrialPark.objects.exists()
    assert park.history.count() == 2  # created and deleted, both kept


def test_readers_see_keepers_change_strangers_get_nothing(client, make_user):
    park = IndustrialPark.objects.create(
        township=Region.objects.get(code=RENHE), year=2018, name="仁和产业园"
    )
    # The township reads its parks but only the county keeps them.
    township = make_user(Role.TOWNSHIP, RENHE)
    client.force_login(township)
    shown = client.get(reverse("people:parks"), {"year": "2018"}).content.decode()
    assert "仁和产业园" in shown
    assert 'data-testid="park-add"' not in shown and "删除" not in shown
    refused = client.post(reverse("people:park_delete", args=[park.pk]), {"region": RENHE})
    assert refused.status_code == 403 and IndustrialPark.objects.exists()
    # A village reads no township's park.
    client.force_login(make_user(Role.VILLAGE, first_village(RENHE).code))
    assert "仁和产业园" not in client.get(reverse("people:parks")).content.decode()

    stranger = make_user(Role.COUNTY_OFFICE, SUIXIAN)
    client.force_login(stranger)
    assert client.get(reverse("people:parks"), {"region": MINQUAN}).status_code == 404
    gone = client.post(reverse("people:park_delete", args=[park.pk]), {"region": SUIXIAN})
    assert gone.status_code == 404 and IndustrialPark.objects.exists()
    outside = client.post(
        reverse("people:parks"), {"region": SUIXIAN, "township": RENHE, "name": "越界园区"}
    )
    assert outside.status_code == 404
    assert not IndustrialPark.objects.filter(name="越界园区").exists()
