"""`tuopin import ratings FILE`: rows, columns and messages of every error, dry run,
all or nothing unless --partial, re-import changes nothing, the JSON shape and exit codes."""

import json
import shutil
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection

from conftest import MINQUAN, RENHE, first_village
from tuopin.accounts.roles import Role
from tuopin.core.tests.write_behind_spy import writers_started
from tuopin.people.models import HouseholdRating
from tuopin.people.ratings_import import import_ratings
from tuopin.people.ratings_selectors import rating_lines
from tuopin.people.ratings_services import rating_confirm
from tuopin.regions.models import Region
from tuopin.registry.models import Household

pytestmark = pytest.mark.django_db
SAMPLE = Path(__file__).resolve().parents[3] / "docs/formats/samples/people-ratings.csv"
HEADER = "户编号,年度,勤劳致富星,学习教育星,健身康复星,卫生整洁星,精神面貌星,评定日期\n"


@pytest.fixture
def homes():
    village = first_village(RENHE)
    assert village.code == "411421101201"  # the sample's village
    return [
        Household.objects.create(village=village, number=f"411421101201{n:03d}") for n in (1, 2, 3)
    ]


def _csv(tmp_path, body: str, name="ratings.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def _run(*args) -> tuple[int, dict]:
    out = StringIO()
    try:
        call_command("import", "ratings", *map(str, args), "--json", stdout=out)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, json.loads(out.getvalue())


def test_the_sample_imports_and_a_second_run_changes_nothing(make_user, homes, tmp_path):
    make_user(Role.VILLAGE, homes[0].village_id, username="cunganbu")
    sample = tmp_path / "sample.csv"
    shutil.copy(SAMPLE, sample)
    code, report = _run(sample, "--user", "cunganbu", "--dry-run")
    assert code == 0 and report["dry_run"] and report["created"] == 2 and not report["written"]
    assert not HouseholdRating.objects.exists()
    code, report = _run(sample, "--user", "cunganbu")
    assert code == 0 and (report["rows"], report["created"], report["written"]) == (2, 2, True)
    assert set(report) >= {"kind", "rows", "created", "updated", "unchanged", "rejected"}
    first = HouseholdRating.objects.get(household=homes[0])
    second = HouseholdRating.objects.get(household=homes[1])
    assert (first.star_count, first.unknown_count, first.status) == (4, 0, "proposed")
    assert (second.star_count, second.unknown_count) == (2, 1)  # an empty cell is unknown
    assert str(first.rated_on) == "2018-11-20"
    histories = first.history.count()
    code, report = _run(sample, "--user", "cunganbu")
    assert code == 0 and report["unchanged"] == 2 and not report["written"]
    assert first.history.count() == histories


def test_bad_rows_are_named_and_nothing_is_written_unless_partial(make_user, homes, tmp_path):
    make_user(Role.VILLAGE, homes[0].village_id, username="cunganbu")
    path = _csv(
        tmp_path,
        "411421101201001,2018,是,是,是,是,是,2018-11-20\n"
        "411421101201002,2018,也许,是,是,是,是,\n"
        "999999,2018,是,是,是,是,是,\n"
        "411421101201003,二〇一八,是,是,是,是,是,\n"
        "411421101201001,2018,是,是,是,是,是,2018-11-20\n",
    )
    code, report = _run(path, "--user", "cunganbu")
    assert code == 1 and not report["written"] and report["rejected"] == 4
    errors = {(e["row"], e["column"], e["code"]) for e in report["errors"]}
    assert errors == {
        (3, "勤劳致富星", "ratings_star_value"),
        (4, "户编号", "ratings_household_unknown"),
        (5, "年度", "ratings_year_invalid"),
        (6, "年度", "ratings_duplicate"),
    }
    assert all(e["message"] and e["message_en"] for e in report["errors"])
    assert not HouseholdRating.objects.exists()
    code, report = _run(path, "--user", "cunganbu", "--partial")
    assert code == 1 and report["written"] and report["created"] == 1
    assert list(HouseholdRating.objects.values_list("household__number", flat=True)) == [
        "411421101201001"
    ]


def test_scope_role_confirmed_rows_and_xlsx(make_user, homes, tmp_path):
    neighbour = Region.objects.filter(parent_id=RENHE).order_by("code")[1]
    Household.objects.create(village=neighbour, number="411421101202001")
    village = make_user(Role.VILLAGE, homes[0].village_id)
    path = _csv(tmp_path, "411421101202001,2018,是,是,是,是,是,\n")
    report = import_ratings(path, acting_user=village)
    assert report.errors[0].code == "ratings_household_unknown"  # the neighbour's household
    township = make_user(Role.TOWNSHIP, RENHE)
    report = import_ratings(path, acting_user=township)
    assert report.errors[0].code == "ratings_not_allowed"  # a township does not propose
    # xlsx, a title row above the header, a star the scheme does not have.
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["2018年度星级评定表"])
    sheet.append(["户编号", "年度", "勤劳致富星", "孝老爱亲星", "评定日期"])
    sheet.append(["411421101201001", 2018, "是", "是", None])
    sheet.append(["411421101201002", 2018, "否", None, None])
    xlsx = tmp_path / "ratings.xlsx"
    book.save(xlsx)
    report = import_ratings(xlsx, acting_user=village)
    assert [(m.row, m.column, m.code) for m in report.errors] == [
        (3, "孝老爱亲星", "ratings_star_unknown")
    ]
    assert report.created == 1 and not report.written
    report = import_ratings(xlsx, acting_user=village, partial=True)
    rating = HouseholdRating.objects.get()
    assert (rating.star_count, rating.unknown_count) == (0, 4)
    rating_confirm(acting_user=township, rating=rating)
    changed = _csv(tmp_path, "411421101201002,2018,是,,,,,\n", "changed.csv")
    report = import_ratings(changed, acting_user=make_user(Role.COUNTY_OFFICE, MINQUAN))
    assert report.errors[0].code == "ratings_confirmed"


def test_a_changed_row_re_proposes_the_rating_with_history(make_user, homes, tmp_path):
    user = make_user(Role.VILLAGE, homes[0].village_id)
    import_ratings(
        _csv(tmp_path, "411421101201001,2018,是,是,否,,是,2018-11-20\n"), acting_user=user
    )
    rating = HouseholdRating.objects.get()
    changed = _csv(tmp_path, "411421101201001,2018,是,是,是,是,,2018-11-21\n", "changed.csv")
    report = import_ratings(changed, acting_user=user)
    assert (report.created, report.updated, report.unchanged, report.written) == (0, 1, 0, True)
    rating.refresh_from_db()
    assert (rating.star_count, rating.unknown_count, str(rating.rated_on)) == (4, 1, "2018-11-21")
    awarded = {line.star.name_zh: line.awarded for line in rating_lines(rating)}
    assert awarded["健身康复星"] is True and awarded["精神面貌星"] is None
    assert rating.history.count() == 2
    # The stars' change is in the rating's history (ADR 0024): before and after.
    before, after = (
        {line.star.name_zh: line.awarded for line in rating_lines(version)}
        for version in rating.history.order_by("history_date")
    )
    assert (before["健身康复星"], after["健身康复星"]) == (False, True)
    assert (before["卫生整洁星"], after["卫生整洁星"]) == (None, True)
    again = import_ratings(changed, acting_user=user)
    assert (again.updated, again.unchanged, again.written) == (0, 1, False)
    assert rating.history.count() == 2


@pytest.mark.django_db(transaction=True)
def test_blocks_are_written_behind_and_kept_all_or_nothing(make_user, homes, tmp_path, monkeypatch):
    """On PostgreSQL, outside a transaction, each checked block is written by a thread
    with a connection of its own while the next is read; an error in a later block, or
    a failure in the writer, leaves nothing written."""
    from tuopin.people import ratings_import

    monkeypatch.setattr(ratings_import, "blocks", lambda rows: ([row] for row in rows))
    threaded = writers_started(monkeypatch)
    user = make_user(Role.VILLAGE, homes[0].village_id)
    rows = "".join(f"41142110120100{n},2018,是,是,否,,是,2018-11-20\n" for n in (1, 2, 3))
    late_error = _csv(tmp_path, rows + "411421101201001,2018,是,是,是,是,是,\n", "late.csv")
    report = import_ratings(late_error, acting_user=user)
    assert threaded == [connection.vendor == "postgresql"]
    assert [(m.row, m.code) for m in report.errors] == [(5, "ratings_duplicate")]
    assert not report.written and not HouseholdRating.objects.exists()

    written = []
    insert_new = ratings_import._insert_new

    def fail_on_second(rows, context):
        written.append(len(rows))
        if len(written) == 2:
            raise RuntimeError("disk full")
        insert_new(rows, context)

    monkeypatch.setattr(ratings_import, "_insert_new", fail_on_second)
    with pytest.raises(RuntimeError, match="disk full"):
        import_ratings(_csv(tmp_path, rows), acting_user=user)
    assert not HouseholdRating.objects.exists()

    monkeypatch.setattr(ratings_import, "_insert_new", insert_new)
    report = import_ratings(_csv(tmp_path, rows), acting_user=user)
    assert (report.created, report.written) == (3, True)
    assert HouseholdRating.objects.count() == 3
    assert HouseholdRating.history.filter(history_type="+").count() == 3
    stored = HouseholdRating.objects.filter(household__in=homes).order_by("household")
    lines = [[(line.star.name_zh, line.awarded) for line in rating_lines(r)] for r in stored]
    assert (
        lines
        == [list(zip(HEADER.split(",")[2:7], [True, True, False, None, True], strict=True))] * 3
    )
    assert [version.awards for version in HouseholdRating.history.all()] == [
        rating.awards for rating in stored
    ]


@pytest.mark.django_db(transaction=True)
def test_each_block_reads_its_own_households_and_stored_ratings(
    make_user, homes, tmp_path, monkeypatch
):
    """The households and stored ratings are read block by block: a re-import whose rows
    fall in different blocks still finds each stored rating (unchanged, re-proposed) and
    the households of later blocks, and writes only what changed."""
    from tuopin.people import ratings_import

    monkeypatch.setattr(ratings_import, "blocks", lambda rows: ([row] for row in rows))
    user = make_user(Role.VILLAGE, homes[0].village_id)
    first = "".join(f"41142110120100{n},2018,是,是,否,,是,2018-11-20\n" for n in (1, 2))
    assert import_ratings(_csv(tmp_path, first), acting_user=user).created == 2
    second = first.replace("201002,2018,是", "201002,2018,否")
    second += "411421101201003,2018,是,是,是,是,是,2018-11-20\n"
    second += "411421101201009,2018,是,是,是,是,是,2018-11-20\n"
    report = import_ratings(_csv(tmp_path, second, "second.csv"), acting_user=user, partial=True)
    assert (report.unchanged, report.updated, report.created) == (1, 1, 1)
    assert [(m.row, m.code) for m in report.errors] == [(5, "ratings_household_unknown")]
    changed = HouseholdRating.objects.get(household=homes[1])
    assert changed.history.count() == 2 and changed.star_count == 2
    assert HouseholdRating.objects.get(household=homes[0]).history.count() == 1
    assert HouseholdRating.objects.get(household=homes[2]).star_count == 5
