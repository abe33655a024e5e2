"""Delta runs (ADR 0021): a DuckDB run after a change stores only what differs from its
base run, and reads back, household by household, as a full run would."""

from decimal import Decimal

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from conftest import MINQUAN, RENHE, SUIXIAN, other_county_village
from tuopin.accounts.roles import Role
from tuopin.policy import deltas
from tuopin.policy.export import result_rows
from tuopin.policy.ledgers import write_household_ledger
from tuopin.policy.models import HouseholdResult, PolicyVersion
from tuopin.policy.results import LEFT, household_results, stored_results
from tuopin.policy.runs import evaluation_run
from tuopin.policy.selectors import (
    ledger_rows,
    ledger_runs,
    run_comparison,
    run_results,
    stored_explanation,
    stored_household_results,
)
from tuopin.policy.tests.test_henan import ADULT, household
from tuopin.registry.analytic.analytic_copy import copy_rebuild
from tuopin.registry.models import Household, Income, Member

pytestmark = pytest.mark.django_db


@pytest.fixture
def henan():
    return PolicyVersion.objects.get(code="henan-2018", version=1)


@pytest.fixture
def root():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("root", password="x")


def duckdb_run(henan, region=MINQUAN, **options):
    return evaluation_run(
        acting_user=None, policy=henan, year=2018, region_code=region, engine="duckdb", **options
    )


def full_duckdb_run(henan, region=MINQUAN):
    """A full DuckDB run of the data as it is: a copy built afresh has no log that
    reaches back to any earlier run, so nothing can serve as its base."""
    copy_rebuild()
    run = duckdb_run(henan, region)
    assert run.base_id is None
    return run


def by_household(run) -> dict[int, tuple]:
    return {
        row[0]: row[1:]
        for row in stored_results(run).values_list(
            "household_id", "household_number", "village_code", "result", "clauses", "seen"
        )
    }


def own_rows(run) -> dict[int, str]:
    return dict(HouseholdResult.objects.filter(run=run).values_list("household_id", "result"))


def changed_registry() -> dict[str, Household]:
    """Eight passing households of 民权县."""
    return {number: household(number) for number in "ABCDEFGH"}


def change(homes) -> Household:
    """Poorer, unsure, deleted, moved to another county, a member gone; a new household."""
    income = Income.objects.get(household=homes["B"])
    income.wages = Decimal("100.00")
    income.save()
    unsure = homes["C"]
    unsure.food_secure = None
    unsure.save()
    Household.objects.get(pk=homes["D"].pk).delete()  # homes["D"] keeps its pk
    mover = homes["E"]
    mover.village = other_county_village(SUIXIAN)
    mover.save()
    Member.objects.filter(household=homes["F"]).first().delete()
    return household("N")


def test_a_run_after_a_change_stores_the_difference_and_reads_as_a_full_run(henan):
    homes = changed_registry()
    base = duckdb_run(henan)
    assert base.base_id is None and len(own_rows(base)) == 8
    new = change(homes)
    delta = duckdb_run(henan)
    assert delta.base_id == base.pk
    # Stored: the two whose result changed, the new one, and the two that left; not the
    # untouched ones nor F (one adult fewer, values seen changed: size).
    own = own_rows(delta)
    assert own[homes["B"].pk] == "fail" and own[homes["C"].pk] == "unknown"
    assert own[homes["D"].pk] == LEFT and own[homes["E"].pk] == LEFT
    assert own[new.pk] == "pass" and homes["F"].pk in own
    assert not {homes[n].pk for n in "AGH"} & own.keys()
    full = full_duckdb_run(henan)
    assert by_household(delta) == by_household(full)
    assert delta.counts == full.counts and delta.counts["total"] == 7
    database = evaluation_run(acting_user=None, policy=henan, year=2018, region_code=MINQUAN)
    assert {pk: row[:4] for pk, row in by_household(delta).items()} == {
        pk: row[:4] for pk, row in by_household(database).items()
    }
    assert list(result_rows(delta)) == list(result_rows(full))
    # Where the household went, a run of its new county sees it.
    assert homes["E"].pk in by_household(duckdb_run(henan, region=SUIXIAN))


def test_explanations_comparisons_ledgers_and_household_pages_read_a_delta_as_a_full_run(
    henan, root
):
    homes = changed_registry()
    base = duckdb_run(henan)
    change(homes)
    delta = duckdb_run(henan)
    full = full_duckdb_run(henan)
    assert delta.base_id == base.pk
    delta_rows = {row.household_id: row for row in run_results(root, delta)}
    full_rows = {row.household_id: row for row in run_results(root, full)}
    assert delta_rows.keys() == full_rows.keys()
    for pk, row in full_rows.items():
        assert stored_explanation(delta, delta_rows[pk]) == stored_explanation(full, row)
    assert run_comparison(root, base, delta) == run_comparison(root, base, full)
    assert run_comparison(root, base, delta)["transitions"] == {
        ("pass", "fail"): 1,
        ("pass", "unknown"): 1,
    }
    assert run_comparison(root, delta, full)["total"] == 0
    ledgers = []
    for run in (delta, full):
        parts = [(run, [MINQUAN[:6]])]
        ledgers.append(
            [
                (row.household_id, row.result, row.head_name, row.size)
                for passing in (True, False)
                for row in ledger_rows(root, parts, MINQUAN, passing=passing)
            ]
        )
    assert ledgers[0] == ledgers[1] and len(ledgers[0]) == 7
    # The ledger of the newest run (full) and of the delta as the newest: the same.
    assert ledger_runs(root, "household", MINQUAN) == [(full, [MINQUAN[:6]])]
    # A household's page: an untouched household's result in the delta run is its base's,
    # shown under the delta run; one that left shows no result in the delta run.
    untouched = Household.objects.get(pk=homes["A"].pk)
    page = stored_household_results(root, untouched, limit=10)
    assert [item["run"].pk for item in page] == [full.pk, delta.pk, base.pk]
    assert page[0]["clauses"] is not None and page[1]["result"] == "pass"
    left = [row.run_id for row in household_results(homes["D"].pk)]
    assert left == [base.pk]


def test_a_base_run_cannot_be_deleted_under_its_deltas(henan):
    homes = changed_registry()
    base = duckdb_run(henan)
    change(homes)
    delta = duckdb_run(henan)
    with pytest.raises(ProtectedError):
        base.delete()
    delta.delete()
    assert not HouseholdResult.objects.filter(run_id=delta.pk).exists()
    base.delete()


def test_deltas_on_one_base_carry_every_change_since_it(henan):
    homes = changed_registry()
    base = duckdb_run(henan)
    unsure = homes["A"]
    unsure.food_secure = None
    unsure.save()
    first = duckdb_run(henan)
    Member.objects.create(household=homes["G"], name="新成员", **ADULT)
    second = duckdb_run(henan)
    assert first.base_id == second.base_id == base.pk
    # The second delta holds A's change as well as G's: its base is still the full run.
    assert {homes["A"].pk, homes["G"].pk} <= own_rows(second).keys()
    assert by_household(second) == by_household(full_duckdb_run(henan))


def test_too_many_changes_or_another_scope_make_a_full_run(henan, monkeypatch):
    homes = changed_registry()
    duckdb_run(henan)
    unsure = homes["A"]
    unsure.food_secure = None
    unsure.save()
    monkeypatch.setattr(deltas, "DELTA_SHARE_LIMIT", 0.1)  # 1 of 8 is more than 10 %
    monkeypatch.setattr(deltas, "DELTA_MINIMUM", 0)
    run = duckdb_run(henan)
    assert run.base_id is None and len(own_rows(run)) == 8
    assert duckdb_run(henan, region=RENHE).base_id is None  # no run of the township yet
    monkeypatch.setattr(deltas, "DELTA_SHARE_LIMIT", 1)
    assert duckdb_run(henan).base_id == run.pk
    assert duckdb_run(henan, full=True).base_id is None  # asked for in full


def test_a_delta_runs_page_names_its_base_and_counts_as_a_full_run(henan, client, make_user):
    homes = changed_registry()
    base = duckdb_run(henan)
    change(homes)
    delta = duckdb_run(henan)
    client.force_login(make_user(Role.COUNTY_OFFICE, MINQUAN))
    page = client.get(reverse("policy:run", args=[delta.pk])).content.decode()
    link = reverse("policy:run", args=[base.pk])
    assert f'<span data-testid="run-base">基准运行 <a href="{link}">#{base.pk}</a></span>' in page
    assert "共 7：达标 5，未达标 1，待核实 1。" in page


def test_a_database_run_is_never_a_base(henan):
    household("A")
    database = evaluation_run(acting_user=None, policy=henan, year=2018, region_code=MINQUAN)
    assert database.base_id is None  # the database engine never stores a delta
    assert duckdb_run(henan).base_id is None  # and its moment is not the copy's


def test_a_delta_runs_ledger_page_and_workbook_list_its_bases_rows_too(
    henan, client, make_user, root, tmp_path
):
    """The rows a delta run reads from its base are decoded with the delta run: the
    ledger page and its workbook list every household, as the full run's do."""
    homes = changed_registry()
    duckdb_run(henan)
    change(homes)
    delta = duckdb_run(henan)
    full = full_duckdb_run(henan)
    assert delta.base_id
    client.force_login(make_user(Role.COUNTY_OFFICE, MINQUAN))
    shown = {}
    for run in (delta, full):
        for kind in ("exit", "shortfall"):
            url = reverse("policy:ledger", args=[kind])
            page = client.get(url, {"run": run.pk, "region": MINQUAN})
            assert page.status_code == 200
            shown[run.pk, kind] = [row["row"].household_id for row in page.context["rows"]]
        workbook = tmp_path / f"{run.pk}.xlsx"
        written = write_household_ledger(
            root, [(run, [MINQUAN[:6]])], MINQUAN, workbook, passing=False
        )
        shown[run.pk, "workbook"] = written
    for kind in ("exit", "shortfall", "workbook"):
        assert shown[delta.pk, kind] == shown[full.pk, kind], kind
    assert shown[delta.pk, "exit"] and shown[delta.pk, "shortfall"]
