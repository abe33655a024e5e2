"""The data migration of 0004_pairings: every household with a helper gets an open pairing
(start unknown); no pairing is lost, and one already open is not doubled.

The step's own function runs on today's tables, which hold the columns it writes: running
it through the migration executor (the people app unapplied to zero and applied again)
re-rendered every model of the project once per created model, about a minute of the
test run on each database for one INSERT … SELECT (docs/benchmarks.md, "Test suite time").
"""

from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection

from conftest import RENHE, first_village
from tuopin.people.models import Pairing
from tuopin.registry.models import Helper, Household

pair_existing_helpers = import_module(
    "tuopin.people.migrations.0004_pairings"
).pair_existing_helpers


class StatementsOnly:
    """What the step uses of a schema editor: SQLite refuses a real one inside the test's
    transaction (it would turn off foreign-key checks)."""

    quote_name = staticmethod(connection.ops.quote_name)

    def execute(self, sql, params=()):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


@pytest.mark.django_db
def test_every_helper_of_a_household_becomes_an_open_pairing():
    village = first_village(RENHE).code
    cadre = Helper.objects.create(region_id="411421000000", name="老帮扶")
    with_helper = [
        Household.objects.create(village_id=village, number=f"M{i}", helper=cadre, status="1")
        for i in range(3)
    ]
    Household.objects.create(village_id=village, number="M9", status="1")
    paired = Household.objects.create(village_id=village, number="M8", helper=cadre, status="1")
    Pairing.objects.create(helper=cadre, household=paired, region_code=village)

    pair_existing_helpers(apps, StatementsOnly())

    created = Pairing.objects.exclude(household=paired)
    assert sorted(p.household_id for p in created) == sorted(h.pk for h in with_helper)
    assert all(
        p.helper_id == cadre.pk and p.started_on is None and p.ended_on is None for p in created
    )
    assert all(p.region_code == village for p in created)
    assert Pairing.objects.filter(household=paired).count() == 1
