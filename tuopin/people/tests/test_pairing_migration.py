"""The data migration of 0004_pairings: every household with a helper gets an open pairing
(start unknown); no pairing is lost. Run as a database without the people app's tables
runs it: through the app's squashed migration (ADR 0017), which ends with that step."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from conftest import RENHE, first_village

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("people", None)]  # the registry as it is, no people tables
AFTER = [("people", "0001_squashed_0011_ratings_star_rows_unchecked")]


def test_every_helper_of_a_household_becomes_an_open_pairing():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "people"]
    old = executor.loader.project_state(others).apps
    Helper = old.get_model("registry", "Helper")
    Household = old.get_model("registry", "Household")
    village = first_village(RENHE).code
    cadre = Helper.objects.create(region_id="411421000000", name="老帮扶")
    with_helper = [
        Household.objects.create(village_id=village, number=f"M{i}", helper=cadre, status="1")
        for i in range(3)
    ]
    Household.objects.create(village_id=village, number="M9", status="1")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Pairing = new.get_model("people", "Pairing")
    pairs = Pairing.objects.all()
    assert sorted(p.household_id for p in pairs) == sorted(h.pk for h in with_helper)
    assert all(
        p.helper_id == cadre.pk and p.started_on is None and p.ended_on is None for p in pairs
    )
    assert all(p.region_code == village for p in pairs)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
