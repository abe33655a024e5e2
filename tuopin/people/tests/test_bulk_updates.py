"""`core.bulk.update_with_history`, `update_rows` and `insert_rows`, which the people imports write changes with: the
values stored and one "~" history row per changed row with the user and reason (UPDATE
FROM unnest on PostgreSQL, bulk_update_with_history elsewhere)."""

from datetime import date

import pytest

from conftest import RENHE, first_village
from tuopin.accounts.roles import Role
from tuopin.core.bulk import insert_rows, update_rows, update_with_history
from tuopin.people.models import Pairing
from tuopin.people.tests.helpers_factories import helper, household

pytestmark = pytest.mark.django_db


def test_update_with_history_stores_the_fields_and_one_history_row_each(make_user):
    user = make_user(Role.COUNTY_OFFICE, "411421000000")
    village = first_village(RENHE)
    cadres = [helper(name=f"干部{n}") for n in range(3)]
    pairings = [
        Pairing.objects.create(helper=c, household=household(village), region_code=village.code)
        for c in cadres
    ]
    before = Pairing.history.count()
    for n, pairing in enumerate(pairings[:2]):
        pairing.started_on = date(2018, 3, n + 1)
    update_with_history(pairings[:2], Pairing, ["started_on"], user=user, reason="导入")
    stored = dict(Pairing.objects.values_list("pk", "started_on"))
    assert stored == {
        pairings[0].pk: date(2018, 3, 1),
        pairings[1].pk: date(2018, 3, 2),
        pairings[2].pk: None,
    }
    added = Pairing.history.order_by("history_id")[before:]
    assert [(h.id, h.history_type, h.history_user_id, h.history_change_reason) for h in added] == [
        (pairings[0].pk, "~", user.pk, "导入"),
        (pairings[1].pk, "~", user.pk, "导入"),
    ]
    assert [h.started_on for h in added] == [date(2018, 3, 1), date(2018, 3, 2)]


def test_rows_as_tuples_are_inserted_and_updated_with_one_history_row_each(make_user):
    """insert_rows / update_rows: the people imports' writes without model instances
    (COPY and UPDATE FROM unnest on PostgreSQL, bulk_create and executemany elsewhere)."""
    user = make_user(Role.COUNTY_OFFICE, "411421000000")
    village = first_village(RENHE)
    cadre = helper(name="干部甲")
    homes = [household(village) for _ in range(3)]
    names = ["helper_id", "household_id", "region_code", "started_on"]
    rows = [(cadre.pk, h.pk, village.code, date(2018, 3, n + 1)) for n, h in enumerate(homes)]
    before = Pairing.history.count()
    ids = insert_rows(Pairing, names, rows, user=user, reason="导入")
    stored = Pairing.objects.in_bulk(ids)
    assert [(stored[i].household_id, stored[i].started_on) for i in ids] == [
        (h.pk, date(2018, 3, n + 1)) for n, h in enumerate(homes)
    ]
    assert stored[ids[0]].ended_on is None and stored[ids[0]].ended_reason == ""
    update_rows(
        Pairing,
        ["ended_on", "ended_reason"],
        [(ids[0], date(2018, 9, 1), "replaced"), (ids[2], date(2018, 9, 2), "replaced")],
        user=user,
        reason="导入",
    )
    assert dict(Pairing.objects.filter(pk__in=ids).values_list("pk", "ended_on")) == {
        ids[0]: date(2018, 9, 1),
        ids[1]: None,
        ids[2]: date(2018, 9, 2),
    }
    added = Pairing.history.order_by("history_id")[before:]
    assert [(h.id, h.history_type, h.history_user_id) for h in added] == [
        (ids[0], "+", user.pk),
        (ids[1], "+", user.pk),
        (ids[2], "+", user.pk),
        (ids[0], "~", user.pk),
        (ids[2], "~", user.pk),
    ]
    assert [(h.ended_on, h.ended_reason) for h in added[3:]] == [
        (date(2018, 9, 1), "replaced"),
        (date(2018, 9, 2), "replaced"),
    ]
    assert {h.history_change_reason for h in added} == {"导入"}
