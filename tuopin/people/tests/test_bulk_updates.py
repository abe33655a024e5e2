"""`core.bulk.update_with_history`, which the people imports write changes with: the
values stored and one "~" history row per changed row with the user and reason (UPDATE
FROM unnest on PostgreSQL, bulk_update_with_history elsewhere)."""

from datetime import date

import pytest

from conftest import RENHE, first_village
from tuopin.accounts.roles import Role
from tuopin.core.bulk import update_with_history
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
