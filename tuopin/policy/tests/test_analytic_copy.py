"""The analytic copy: brought current by the households changed since its moment."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import Count
from django.db.models.functions import Substr
from django.utils import timezone

from conftest import MINQUAN, RENHE, SUIXIAN, first_village, other_county_village
from tuopin.core.errors import TuopinError
from tuopin.policy.engine import areas
from tuopin.policy.models import PolicyVersion
from tuopin.policy.results import stored_results
from tuopin.policy.runs import evaluation_run
from tuopin.policy.tests.test_henan import ADULT, household
from tuopin.registry.analytic.analytic_copy import analytic_connection, copy_is_current
from tuopin.registry.enums import STILL_POOR, MemberStatus
from tuopin.registry.models import Helper, Household, Income, Member, MemberEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def henan():
    return PolicyVersion.objects.get(code="henan-2018", version=1)


def duckdb_run(henan, region=MINQUAN, **options):
    return evaluation_run(
        acting_user=None, policy=henan, year=2018, region_code=region, engine="duckdb", **options
    )


def results(run) -> dict[str, tuple[str, str]]:
    return {
        number: (result, clauses)
        for number, result, clauses in stored_results(run).values_list(
            "household_number", "result", "clauses"
        )
    }


def test_a_change_to_a_few_households_is_seen_by_the_next_duckdb_run(henan):
    kept, poorer, unsure = household("K1"), household("K2"), household("K3")
    first = duckdb_run(henan)
    assert {number: result for number, (result, _c) in results(first).items()} == {
        "K1": "pass",
        "K2": "pass",
        "K3": "pass",
    }
    income = Income.objects.get(household=poorer)
    income.wages = Decimal("100.00")
    income.save()
    unsure.food_secure = None
    unsure.save()
    with analytic_connection(RENHE[:9]) as copy:
        # Brought current, not built again (K1 too when made within the clock margin).
        assert not copy.built and copy.changed_households in (2, 3)
        assert copy.reflects <= timezone.now()
    second = duckdb_run(henan)
    changed = results(second)
    assert changed["K1"] == results(first)["K1"]
    assert changed["K2"][0] == "fail" and changed["K3"][0] == "unknown"
    database = evaluation_run(acting_user=None, policy=henan, year=2018, region_code=MINQUAN)
    assert results(database) == changed and database.counts == second.counts
    assert kept.pk  # untouched, still evaluated from the copy


def test_deleted_households_and_members_leave_the_copy(henan):
    gone, shrinking = household("D1"), household("D2")
    duckdb_run(henan)
    gone.delete()
    Member.objects.filter(household=shrinking).first().delete()
    run = duckdb_run(henan)
    assert set(results(run)) == {"D2"}
    with analytic_connection(RENHE[:9]) as copy:
        sizes = copy.connection.execute("SELECT household_id, count(*) FROM m GROUP BY 1")
        assert sizes.fetchall() == [(shrinking.pk, 1)]


def test_moves_between_villages_and_households_follow_the_rows(henan):
    mover, stayer = household("MV1"), household("MV2")
    duckdb_run(henan)
    elsewhere = other_county_village(SUIXIAN)
    mover.village = elsewhere
    mover.save()
    member = Member.objects.filter(household=stayer).first()
    member.household = mover
    member.save()
    assert set(results(duckdb_run(henan))) == {"MV2"}
    assert set(results(duckdb_run(henan, region=SUIXIAN))) == {"MV1"}
    with analytic_connection("") as copy:
        sizes = dict(
            copy.connection.execute("SELECT household_id, count(*) FROM m GROUP BY 1").fetchall()
        )
    assert sizes == {mover.pk: 3, stayer.pk: 1}


def test_households_written_without_history_rebuild_the_copy(henan):
    household("W1")
    duckdb_run(henan)
    Household.objects.bulk_create([Household(village=first_village(RENHE), number="W2")])
    assert set(results(duckdb_run(henan))) == {"W1", "W2"}


def test_a_stale_copy_is_refused_unless_brought_current(henan):
    changed = household("S1")
    run = duckdb_run(henan)
    assert run.data_as_of is not None and run.data_as_of <= run.finished_at
    assert copy_is_current(MINQUAN[:6])
    Member.objects.create(household=changed, name="新成员", **ADULT)
    assert not copy_is_current(MINQUAN[:6])
    assert copy_is_current(SUIXIAN[:6])  # a change elsewhere leaves this region current
    with pytest.raises(TuopinError) as refused:
        duckdb_run(henan, bring_current=False)
    assert refused.value.code == "analytic_copy_stale" and "分析副本" in refused.value.message_zh
    duckdb_run(henan, region=SUIXIAN, bring_current=False)  # nothing changed there
    current = duckdb_run(henan)
    assert current.data_as_of >= run.data_as_of and current.counts["total"] == 1
    assert copy_is_current(MINQUAN[:6])
    assert duckdb_run(henan, bring_current=False).counts == current.counts


def test_the_village_facts_count_from_the_copy_as_the_database_does(henan):
    household("P1")
    household("P2", members=[ADULT, {**ADULT, "status": "2"}])
    household("P3", facts={"status": "2"})  # exited: not counted
    household("P4").delete()
    expected = {
        row["area"]: row["n"]
        for row in Member.objects.filter(
            status=MemberStatus.NORMAL, household__status__in=STILL_POOR
        )
        .values(area=Substr("household__village_id", 1, 12))
        .annotate(n=Count("id"))
        .order_by()
    }
    assert sum(expected.values()) == 3
    with analytic_connection(MINQUAN[:6]) as copy:
        assert areas.poor_remaining(copy, 12) == expected
        assert areas.poor_remaining(copy, 6) == {MINQUAN[:6]: 3}


def counts_of(queries, table: str) -> list[str]:
    return [q["sql"] for q in queries if "COUNT(*)" in q["sql"].upper() and table in q["sql"]]


def test_tables_without_inserts_or_deletes_are_not_counted_on_postgresql(henan):
    """The fingerprints (analytic/fingerprints.py): with only updates since the copy last
    agreed, PostgreSQL is not asked to count the households or the mirrors; SQLite has
    no fingerprint and counts every time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    changed = household("N1")
    duckdb_run(henan)
    with analytic_connection("", mirrors=True):
        pass
    changed.food_secure = None
    changed.save()
    Helper.objects.create(region_id=MINQUAN, name="新干部")  # inserted, with history
    with (
        CaptureQueriesContext(connection) as queries,
        analytic_connection("", mirrors=True) as copy,
    ):
        assert not copy.built and copy.changed_households
    counted = counts_of(queries.captured_queries, '"registry_household"')
    helpers = counts_of(queries.captured_queries, '"registry_helper"')
    regions = counts_of(queries.captured_queries, '"regions_region"')
    if connection.vendor == "postgresql":
        # The helpers gained a row: counted; households and regions only updated or
        # untouched: not.
        assert (len(counted), len(helpers), len(regions)) == (0, 1, 0)
    else:
        assert (len(counted), len(helpers), len(regions)) == (1, 1, 1)
    assert run_results_equal_database(henan)


def run_results_equal_database(henan) -> bool:
    duck = duckdb_run(henan)
    database = evaluation_run(acting_user=None, policy=henan, year=2018, region_code=MINQUAN)
    return results(duck) == results(database)


def _written_an_hour_ago(model, pk) -> None:
    earlier = timezone.now() - timedelta(hours=1)
    model.history.model.objects.filter(id=pk).update(history_date=earlier)
    if any(field.name == "updated_at" for field in model._meta.fields):
        model.objects.filter(pk=pk).update(updated_at=earlier)


@pytest.mark.parametrize("how", ["delete", "delete all"])
def test_rows_deleted_without_history_rebuild_the_copy(henan, how):
    """A delete without history leaves the row count as the only trace: the table's
    fingerprint changes, so it is counted and the copy built afresh (on PostgreSQL
    `delete all` is a TRUNCATE, which the statistics' counters do not count)."""
    from django.db import connection

    # Neither deleted row is its table's newest: the highest id does not change.
    gone = Household.objects.create(village=first_village(RENHE), number="X2")
    household("X1")
    member = Member.objects.filter(household__number="X1").first()
    helper = Helper.objects.create(region_id=MINQUAN, name="将删除")
    Helper.objects.create(region_id=MINQUAN, name="留下")
    MemberEvent.objects.create(member=member, kind="birth", date=date(2018, 1, 1))
    # Written long before the copy: a row written within the clock margin of the copy's
    # moment is read again at the next bringing-current, which would see it gone without
    # any count (on a fast machine the whole test runs within that margin).
    for model, pk in ((Household, gone.pk), (Helper, helper.pk)):
        _written_an_hour_ago(model, pk)
    duckdb_run(henan)
    with analytic_connection("", mirrors=True) as copy:
        assert not copy.built
    with connection.cursor() as cursor:
        if how == "delete":
            cursor.execute("DELETE FROM registry_household WHERE id = %s", [gone.pk])
        elif connection.vendor == "postgresql":
            # TRUNCATE refuses a table with foreign-key checks still deferred.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("TRUNCATE registry_memberevent")
        else:
            cursor.execute("DELETE FROM registry_memberevent")
    with analytic_connection("") as copy:
        assert copy.built == (how == "delete")
        held = copy.connection.execute("SELECT count(*) FROM stored.h").fetchone()[0]
        assert held == Household.objects.count()
    if how == "delete":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM registry_helper WHERE id = %s", [helper.pk])
    with analytic_connection("", mirrors=True) as copy:
        assert copy.built
        for table, model in (("registry_helper", Helper), ("registry_memberevent", MemberEvent)):
            held = copy.connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            assert held == model.objects.count(), table
