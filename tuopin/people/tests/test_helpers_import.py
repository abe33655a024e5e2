"""`tuopin import helpers|visits`, and the registry import's 帮扶责任人 resolution."""

import csv
import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command

from conftest import RENHE, first_village
from tuopin.core.tests.write_behind_spy import writers_started
from tuopin.people.models import Pairing, Visit
from tuopin.people.pairing_services import county_of
from tuopin.people.tests.helpers_factories import an_id_number, helper, household
from tuopin.registry.enums import UnitLevel
from tuopin.registry.interchange.importer import import_registry
from tuopin.registry.models import Helper, Household
from tuopin.registry.tests.test_import import family, write_xlsx

pytestmark = pytest.mark.django_db

HELPERS_HEADER = [
    "户编号",
    "帮扶责任人姓名",
    "身份证号",
    "工作单位",
    "单位级别",
    "职务",
    "联系电话",
    "结对日期",
]
VISITS_HEADER = [
    "户编号",
    "帮扶责任人身份证号",
    "帮扶责任人姓名",
    "走访日期",
    "标题",
    "内容",
    "商定事项",
]


def write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def command(*args):
    out = StringIO()
    code = 0
    try:
        call_command("import", *args, "--json", stdout=out)
    except SystemExit as stop:
        code = stop.code
    return code, json.loads(out.getvalue())


def test_the_registry_import_refuses_an_ambiguous_helper_name_and_pairings_follow(tmp_path):
    helper(name="李帮扶")
    helper(name="李帮扶")
    path = write_xlsx(tmp_path / "in.xlsx", family())
    report = import_registry(path)
    assert {(e.column, e.code) for e in report.errors} == {("帮扶责任人", "helper_name_ambiguous")}
    assert "2 名帮扶责任人叫“李帮扶”" in report.errors[0].message_zh
    assert report.errors[0].message_en
    assert not Household.objects.exists()
    # One of them renamed: the import goes through, and the command opens the pairing.
    Helper.objects.filter(name="李帮扶").order_by("pk").first().delete()
    code, result = command("registry", str(path))
    assert code == 0, result["errors"]
    home = Household.objects.get()
    pairing = Pairing.objects.get(household=home)
    assert pairing.helper_id == home.helper_id and pairing.ended_on is None
    assert pairing.started_on is None


def test_helpers_import_dry_run_all_or_nothing_partial_and_reimport(tmp_path):
    village = first_village(RENHE)
    a, b = household(village), household(village)
    rows = [
        [
            a.number,
            "赵一",
            an_id_number(11),
            "县农业局",
            "县直",
            "科员",
            "13800000001",
            "2018-03-01",
        ],
        [b.number, "钱二", "", "人和镇政府", "乡镇", "", "", ""],
        ["NOPE-1", "孙三", "", "", "", "", "", ""],
        [a.number, "李四", an_id_number(12), "", "市直", "", "", "2018/4/1"],
        [household(village).number, "周五", "411421198001021230", "", "", "", "", ""],
        [household(village).number, "吴六", "", "", "部直", "", "", "明天"],
    ]
    path = write_csv(tmp_path / "helpers.csv", HELPERS_HEADER, rows)
    code, result = command("helpers", str(path))
    assert code == 1 and not result["written"]
    found = {(e["row"], e["column"], e["code"]) for e in result["errors"]}
    assert found == {
        (4, "户编号", "household_unknown"),
        (5, "户编号", "household_twice"),
        (6, "身份证号", "cadre_id_invalid"),
        (7, "单位级别", "cadre_unit_level"),
    }
    assert all(e["message"] and e["message_en"] for e in result["errors"])
    assert not Pairing.objects.exists() and not Helper.objects.exists()
    code, result = command("helpers", str(path), "--dry-run", "--partial")
    assert result["created"] == 2 and result["dry_run"] and not Pairing.objects.exists()
    code, result = command("helpers", str(path), "--partial")
    assert code == 1 and result["written"] and result["created"] == 2
    a.refresh_from_db()
    assert a.helper.name == "赵一" and a.helper.unit_level == "3"
    assert Pairing.objects.get(household=a).started_on.isoformat() == "2018-03-01"
    assert Pairing.objects.get(household=b).started_on is None
    history = Pairing.history.count()
    code, result = command("helpers", str(path), "--partial")
    assert result["created"] == 0 and result["updated"] == 0 and result["unchanged"] == 2
    assert Pairing.history.count() == history
    # A new helper for a: the old pairing ends (history kept), a's registry helper follows.
    again = write_csv(
        tmp_path / "again.csv",
        HELPERS_HEADER,
        [[a.number, "郑七", "", "", "", "", "", "2018-09-01"]],
    )
    code, result = command("helpers", str(again))
    assert code == 0 and result["created"] == 1
    assert Pairing.objects.filter(household=a).count() == 2
    version = a.version
    a.refresh_from_db()
    assert a.helper.name == "郑七" and a.version == version + 1
    ended = Pairing.objects.get(household=a, ended_on__isnull=False)
    assert (ended.helper.name, str(ended.ended_on), ended.ended_reason) == (
        "赵一",
        "2018-09-01",
        "replaced",
    )
    last = ended.history.order_by("-history_id").first()
    assert (last.history_type, str(last.ended_on), last.ended_reason) == (
        "~",
        "2018-09-01",
        "replaced",
    )
    changed = a.history.order_by("-history_id").first()
    assert (changed.history_type, changed.helper_id, changed.history_change_reason) == (
        "~",
        a.helper_id,
        "帮扶结对",
    )


def test_visits_import(tmp_path):
    village = first_village(RENHE)
    cadre = helper(name="冯八", id_number=an_id_number(20))
    helper(name="重名")
    helper(name="重名")
    a = household(village, helper=cadre)
    rows = [
        [a.number, an_id_number(20), "", "2018-05-02", "了解就医情况", "已办慢病卡", "下月复查"],
        [a.number, "", "冯八", "2018-06-02", "看望", "", ""],
        [a.number, "", "重名", "2018-06-03", "看望", "", ""],
        [a.number, "", "冯八", "", "看望", "", ""],
        [a.number, "", "冯八", "2018-06-04", "", "", ""],
    ]
    path = write_csv(tmp_path / "visits.csv", VISITS_HEADER, rows)
    code, result = command("visits", str(path))
    assert code == 1 and not Visit.objects.exists()
    assert {(e["row"], e["column"], e["code"]) for e in result["errors"]} == {
        (4, "帮扶责任人姓名", "helper_name_ambiguous"),
        (5, "走访日期", "date_empty"),
        (6, "标题", "title_empty"),
    }
    code, result = command("visits", str(path), "--partial")
    assert result["created"] == 2 and Visit.objects.filter(helper=cadre).count() == 2
    code, result = command("visits", str(path), "--partial")
    assert result["created"] == 0 and result["unchanged"] == 2
    # What a visit found, changed: that visit is updated, with a history row.
    rows[0][5] = "已办慢病卡并已报销"
    code, result = command("visits", str(write_csv(tmp_path / "v2.csv", VISITS_HEADER, rows[:2])))
    assert (code, result["updated"], result["unchanged"]) == (0, 1, 1)
    visit = Visit.objects.get(title="了解就医情况")
    assert (visit.content, visit.helper_id) == ("已办慢病卡并已报销", cadre.pk)
    assert [h.history_type for h in visit.history.order_by("history_id")] == ["+", "~"]
    assert visit.history.order_by("history_id").last().content == "已办慢病卡并已报销"


def test_a_new_helper_cannot_start_before_the_current_pairing(tmp_path):
    village = first_village(RENHE)
    a = household(village)
    first = write_csv(
        tmp_path / "a.csv", HELPERS_HEADER, [[a.number, "甲", "", "", "", "", "", "2018-06-01"]]
    )
    code, result = command("helpers", str(first))
    assert code == 0 and result["created"] == 1
    earlier = write_csv(
        tmp_path / "b.csv", HELPERS_HEADER, [[a.number, "乙", "", "", "", "", "", "2018-01-01"]]
    )
    code, result = command("helpers", str(earlier))
    assert code == 1 and not result["written"]
    assert [(e["row"], e["column"], e["code"]) for e in result["errors"]] == [
        (2, "结对日期", "pairing_before_current")
    ]
    assert Pairing.objects.get(household=a).helper.name == "甲"
    assert not Helper.objects.filter(name="乙").exists()


@pytest.mark.django_db(transaction=True)
def test_helpers_are_written_behind_block_by_block_all_or_nothing(tmp_path, monkeypatch):
    """On PostgreSQL, outside a transaction, each checked block is written by a thread
    with a connection of its own while the next is read. A cadre the file creates is
    created once though their households lie in several blocks; a stored cadre changed
    alike on rows of two blocks is changed once; an error in a later block, or a failure
    in the writer, leaves nothing written."""
    from django.db import connection

    from tuopin.people import helpers_importer

    monkeypatch.setattr(helpers_importer, "FIRST_BLOCK", 1)  # a block per row
    monkeypatch.setattr(helpers_importer, "BLOCK", 1)
    threaded = writers_started(monkeypatch)
    village = first_village(RENHE)
    homes = [household(village) for _ in range(4)]
    stored = helper(name="钱二", id_number=an_id_number(22))
    new_cadre = ["赵一", an_id_number(21), "县农业局", "县直", "", "", "2018-03-01"]
    stored_cadre = ["钱二", an_id_number(22), "", "", "", "13900000002", ""]
    rows = [
        [homes[0].number, *new_cadre],
        [homes[1].number, *new_cadre],
        [homes[2].number, *stored_cadre],
        [homes[3].number, *stored_cadre],
    ]
    late_error = write_csv(tmp_path / "late.csv", HELPERS_HEADER, [*rows, ["NOPE-1", "孙三"]])
    code, result = command("helpers", str(late_error))
    assert threaded == [connection.vendor == "postgresql"]
    assert code == 1 and not result["written"]
    assert [(e["row"], e["code"]) for e in result["errors"]] == [(6, "household_unknown")]
    assert not Pairing.objects.exists() and Helper.objects.count() == 1

    path = write_csv(tmp_path / "helpers.csv", HELPERS_HEADER, rows)
    # The writer runs what the reading thread prepared (`_send_helpers`, PostgreSQL with
    # a writer thread: ADR 0027) or the block's plans (`_write_helpers`, at the end).
    written = []
    saved = {name: getattr(helpers_importer, name) for name in ("_write_helpers", "_send_helpers")}

    def failing_on_third(name):
        def write(*args):
            written.append(name)
            if len(written) == 3:
                raise RuntimeError("disk full")
            saved[name](*args)

        return write

    for name in saved:
        monkeypatch.setattr(helpers_importer, name, failing_on_third(name))
    with pytest.raises(RuntimeError, match="disk full"):
        command("helpers", str(path))
    sent = "_send_helpers" if connection.vendor == "postgresql" else "_write_helpers"
    assert written == [sent] * 3
    assert not Pairing.objects.exists() and Helper.objects.count() == 1
    assert not Helper.history.filter(history_type="~").exists()

    for name, function in saved.items():
        monkeypatch.setattr(helpers_importer, name, function)
    code, result = command("helpers", str(path))
    assert code == 0 and result["written"] and result["created"] == 4
    cadre = Helper.objects.get(name="赵一")
    assert cadre.history.filter(history_type="+").count() == 1
    pairings = Pairing.objects.filter(ended_on__isnull=True).order_by("household_id")
    assert [p.helper_id for p in pairings] == [cadre.pk, cadre.pk, stored.pk, stored.pk]
    assert [h.helper_id for h in Household.objects.order_by("pk")] == [
        cadre.pk,
        cadre.pk,
        stored.pk,
        stored.pk,
    ]
    assert [(p.started_on, p.region_code, p.ended_reason) for p in pairings] == [
        (datetime.date(2018, 3, 1), village.code, ""),
        (datetime.date(2018, 3, 1), village.code, ""),
        (None, village.code, ""),
        (None, village.code, ""),
    ]
    assert all(p.created_at is not None for p in pairings)
    assert Pairing.history.filter(history_type="+").count() == 4
    assert (cadre.region_id, cadre.work_unit, cadre.unit_level, cadre.post) == (
        county_of(village.code),
        "县农业局",
        UnitLevel.COUNTY,
        "",
    )
    stored.refresh_from_db()
    assert stored.phone == "13900000002"
    assert stored.history.filter(history_type="~").count() == 1
    history = Pairing.history.count() + Helper.history.count() + Household.history.count()
    code, result = command("helpers", str(path))
    assert (result["unchanged"], result["written"]) == (4, False)
    assert history == (Pairing.history.count() + Helper.history.count() + Household.history.count())
