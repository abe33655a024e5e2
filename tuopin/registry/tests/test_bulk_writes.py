"""The import's set-based writes: COPY (PostgreSQL) and bulk_create give the rows and the
history rows that simple-history's own bulk_create_with_history gives."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from simple_history.utils import bulk_create_with_history

from conftest import CITY
from tuopin.accounts.roles import Role
from tuopin.core import bulk
from tuopin.core.bulk import insert_children, insert_rows, insert_with_history
from tuopin.core.db import Keys
from tuopin.registry.enums import MemberStatus
from tuopin.registry.interchange import writer
from tuopin.registry.interchange.exporter import export_registry, households_under
from tuopin.registry.models import Helper, Household, HouseholdCause, Income, Measure, Member
from tuopin.registry.tests.test_import import HEAD_ID, family, person, run, write_xlsx

VILLAGE = "411421101201"
HISTORY_ONLY = {"history_id", "history_date"}
TABLES = (Helper, Household, HouseholdCause, Member, Income, Measure)


def _members(household_id: int) -> list[dict]:
    return [
        {"household_id": household_id, "name": "张三", "id_number": HEAD_ID, "sex": "1"},
        {
            "household_id": household_id,
            "name": "李四",
            "birth_date": date(2001, 2, 3),
            "is_disabled": True,
            "work_months": 7,
            "status": MemberStatus.MOVED_OUT,
        },
    ]


def _snapshot(model, ids) -> tuple[list, list]:
    """Stored rows and history rows without their ids and times, in id order."""
    rows = list(model.objects.filter(pk__in=ids).order_by("pk").values())
    history = list(model.history.filter(id__in=ids).order_by("id").values())
    for row in rows:
        row.pop("id")
    for row in history:
        row.pop("id")
        for name in HISTORY_ONLY:
            row.pop(name)
    return rows, history


def _reference(model, rows: list[dict], user, reason) -> list[int]:
    objects = bulk_create_with_history(
        [model(**row) for row in rows], model, default_user=user, default_change_reason=reason
    )
    return [obj.pk for obj in objects]


@pytest.mark.parametrize("use_copy", [None, False])
def test_inserts_equal_simple_history_bulk_create(shangqiu, make_user, use_copy):
    user = make_user(Role.CITY_OFFICE, CITY)
    household = Household.objects.create(village_id=VILLAGE, number="1")
    mine = insert_with_history(
        Member, _members(household.pk), user=user, reason="import", use_copy=use_copy
    )
    assert len(mine) == 2 and mine == sorted(mine)
    history = Member.history.get(id=mine[0])
    assert (history.history_type, history.history_user, history.history_change_reason) == (
        "+",
        user,
        "import",
    )
    written = _snapshot(Member, mine)
    Member.objects.all().delete()  # the ID number is unique: make room for the reference
    Member.history.all().delete()
    theirs = _reference(Member, _members(household.pk), user, "import")
    assert written == _snapshot(Member, theirs)


def test_children_of_new_rows_equal_simple_history_bulk_create(shangqiu, make_user):
    """insert_children (COPY without ids on PostgreSQL, history by the parents' ids)."""
    user = make_user(Role.CITY_OFFICE, CITY)
    ids = insert_rows(Household, ["village_id", "number"], [(VILLAGE, "1"), (VILLAGE, "2")])
    other = Household.objects.create(village_id=VILLAGE, number="3")
    Member.objects.create(household=other, name="王五")  # a row of another parent: left alone
    names = ["household_id", "name", "sex"]
    rows = [(ids[0], "张三", "1"), (ids[1], "李四", "2"), (ids[1], "赵六", "")]
    insert_children(Member, names, rows, ids, user=user, reason="import")
    mine = list(Member.objects.filter(household_id__in=ids).values_list("pk", flat=True))
    assert Member.history.filter(history_type="+", history_change_reason="import").count() == 3
    written = _snapshot(Member, mine)
    Member.objects.filter(pk__in=mine).delete()
    Member.history.filter(id__in=mine).delete()
    reference = [dict(zip(names, row, strict=True)) for row in rows]
    assert written == _snapshot(Member, _reference(Member, reference, user, "import"))


def test_defaults_and_automatic_times_are_filled(shangqiu):
    [pk] = insert_with_history(Household, [{"village_id": VILLAGE, "number": "7"}])
    stored = Household.objects.get(pk=pk)
    assert stored.version == 1 and stored.status == Household().status
    assert stored.created_at is not None and stored.updated_at is not None
    assert stored.water_safe is None and stored.phone == ""
    assert Household.history.get(id=pk).history_user is None


def test_copy_is_used_on_postgresql_only(shangqiu, monkeypatch):
    used = []
    monkeypatch.setattr(bulk, "_copy", lambda model, rows: used.append(model) or [])
    monkeypatch.setattr(bulk, "_bulk_create", lambda model, rows: [])
    monkeypatch.setattr(bulk, "_history", lambda *args: None)
    insert_with_history(Helper, [{"region_id": "411421000000", "name": "甲"}])
    assert used == ([Helper] if connection.vendor == "postgresql" else [])


def test_any_of_finds_the_listed_values(shangqiu):
    household = Household.objects.create(village_id=VILLAGE, number="1")
    other = Household.objects.create(village_id=VILLAGE, number="2")
    numbers = Household.objects.filter(number__any_of=["1", "9"]).values_list("number", flat=True)
    assert list(numbers) == ["1"]
    assert not Household.objects.filter(number__any_of=[]).exists()
    assert set(Household.objects.filter(pk__any_of={household.pk, other.pk})) == {
        household,
        other,
    }
    Member.objects.create(household=other, name="乙")
    assert Member.objects.filter(household_id__any_of=[other.pk]).count() == 1
    # The same values passed whole (core.db.Keys), for a column and a relation.
    assert list(
        Household.objects.filter(pk__any_of=Keys([other.pk, 0])).values_list("number", flat=True)
    ) == ["2"]
    assert Member.objects.filter(household_id__any_of=Keys([other.pk])).count() == 1
    assert not Member.objects.filter(household_id__any_of=Keys([household.pk])).exists()
    assert not Household.objects.filter(pk__any_of=Keys([])).exists()


def _history_rows() -> dict:
    """History rows of every table without ids, times and the ids of rows they point to
    (which differ from one run to the next); the stored rows are compared by export."""
    varying = ("id", "history_id", "history_date", "created_at", "household_id", "helper_id")
    return {
        model.__name__: sorted(
            repr(sorted((k, str(v)) for k, v in row.items() if k not in varying))
            for row in model.history.values()
        )
        for model in TABLES
    }


def test_an_import_writes_the_same_through_copy_bulk_create_and_simple_history(
    shangqiu, tmp_path, monkeypatch
):
    path = write_xlsx(tmp_path / "in.xlsx", family())
    results = []
    for variant in ("default", "bulk_create", "simple_history"):
        if variant == "bulk_create":
            monkeypatch.setattr(
                writer,
                "insert_with_history",
                lambda model, rows, **kw: insert_with_history(model, rows, use_copy=False, **kw),
            )
        if variant == "simple_history":
            monkeypatch.setattr(
                writer,
                "insert_with_history",
                lambda model, rows, user=None, reason="": _reference(model, rows, user, reason),
            )
        report = run(path)
        assert report.households.created == 1 and report.members.created == 3
        out = tmp_path / f"{variant}.csv"
        export_registry(households_under("411421"), out)
        counts = [model.objects.count() for model in TABLES]
        results.append((out.read_text(encoding="utf-8-sig"), counts, _history_rows()))
        Household.objects.all().delete()
        Helper.objects.all().delete()
        for model in TABLES:
            model.history.all().delete()
    assert results[0] == results[1] == results[2]


def test_only_changed_households_are_updated_with_history(shangqiu, tmp_path):
    second = [person("411421101201002", "刘桂兰", "女", "", "1948-01-20", "户主", size=1)]
    run(write_xlsx(tmp_path / "v1.xlsx", [*family(), *second]))
    history_before = Member.history.count(), Household.history.count()
    rows = family()
    rows[1]["健康状况"] = "残疾"
    report = run(write_xlsx(tmp_path / "v2.xlsx", [*rows, *second]))
    # A member's change alone leaves the household itself unchanged.
    assert (report.households.updated, report.households.unchanged) == (0, 2)
    assert (report.members.updated, report.members.unchanged) == (1, 3)
    assert (Member.history.count(), Household.history.count()) == (
        history_before[0] + 1,
        history_before[1],
    )
    changed = Member.objects.get(name="王秀英")
    assert changed.is_disabled is True and changed.version == 2
    assert Income.objects.get(household__number="411421101201001").wages == Decimal(9000)
