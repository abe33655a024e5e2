"""Loading division files: the vendored Shangqiu file, reloads, changes and malformed files."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from conftest import CITY, MINQUAN, RENHE
from tuopin.core.errors import TuopinError
from tuopin.regions.enums import PoorCountyType, RegionKind, RegionLevel
from tuopin.regions.loader import DEFAULT_FILE, kind_from_name, parse_division_csv
from tuopin.regions.models import Region
from tuopin.regions.services import regions_load

SHANGQIU_STATS = {"city": 1, "county": 11, "township": 199, "village": 4556, "community": 278}
SHANGQIU_TOTAL = sum(SHANGQIU_STATS.values())  # 5,045 divisions
HEADER = "code,name,level,parent_code"
HistoricalRegion = Region.history.model


def stats_json(*args: str) -> dict:
    out = StringIO()
    call_command("regions", "stats", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def write_csv(tmp_path, lines: list[str], name: str = "divisions.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def snapshot() -> dict:
    """What a failed load must leave untouched."""
    return {
        "regions": Region.objects.count(),
        "history": HistoricalRegion.objects.count(),
        "renhe": Region.objects.get(code=RENHE).name,
        "minquan": Region.objects.get(code=MINQUAN).name,
    }


# ---------------------------------------------------------------- the vendored file


def test_a_fresh_load_of_the_vendored_file_gives_the_shangqiu_counts(shangqiu):
    with connection.cursor() as cursor:  # start from an empty tree (rolled back after the test)
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(Region._meta.db_table)}")
    assert Region.objects.count() == 0
    history_before = HistoricalRegion.objects.count()

    out = StringIO()
    call_command("regions", "load", stdout=out)

    assert f"新增 {SHANGQIU_TOTAL}" in out.getvalue()
    assert f"created {SHANGQIU_TOTAL}" in out.getvalue()
    assert stats_json() == SHANGQIU_STATS
    assert Region.objects.count() == SHANGQIU_TOTAL
    created = HistoricalRegion.objects.count() - history_before
    assert created == SHANGQIU_TOTAL
    assert HistoricalRegion.objects.filter(code=RENHE, history_type="+").exists()


def test_the_session_database_holds_exactly_the_shangqiu_divisions(shangqiu):
    assert stats_json() == SHANGQIU_STATS
    assert shangqiu.name == "商丘市"
    assert shangqiu.level == RegionLevel.CITY
    assert shangqiu.parent is None  # the province is not part of the tree


def test_loading_the_same_file_twice_changes_nothing(shangqiu):
    history_before = HistoricalRegion.objects.count()
    names_before = dict(Region.objects.values_list("code", "name"))

    report = regions_load()

    assert report.created == 0
    assert report.updated == 0
    assert report.changes == []
    assert report.unchanged == SHANGQIU_TOTAL
    assert report.not_in_file == 0
    assert HistoricalRegion.objects.count() == history_before
    assert dict(Region.objects.values_list("code", "name")) == names_before


def test_the_command_reports_a_reload_as_unchanged(shangqiu):
    history_before = HistoricalRegion.objects.count()
    out = StringIO()
    call_command("regions", "load", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["created"] == 0
    assert report["updated"] == 0
    assert report["unchanged"] == SHANGQIU_TOTAL
    assert report["changes"] == []
    assert HistoricalRegion.objects.count() == history_before


def test_a_changed_file_updates_the_name_prints_the_change_and_keeps_history(shangqiu, tmp_path):
    text = DEFAULT_FILE.read_text(encoding="utf-8-sig")
    old_line = f"{RENHE},人和镇,township,{MINQUAN}"
    assert old_line in text
    path = tmp_path / "shangqiu-2024.csv"
    path.write_text(
        text.replace(old_line, f"{RENHE},人和新镇,township,{MINQUAN}"), encoding="utf-8"
    )
    history_before = HistoricalRegion.objects.filter(code=RENHE).count()
    all_history_before = HistoricalRegion.objects.count()

    out = StringIO()
    call_command("regions", "load", str(path), stdout=out)

    printed = out.getvalue()
    assert "更新 1" in printed and "updated 1" in printed
    assert f"{RENHE} name: 人和镇 → 人和新镇" in printed
    assert Region.objects.get(code=RENHE).name == "人和新镇"
    assert Region.objects.filter(name="人和镇").count() == 0
    # Exactly one new history row, for the changed division only.
    assert HistoricalRegion.objects.count() == all_history_before + 1
    assert HistoricalRegion.objects.filter(code=RENHE).count() == history_before + 1
    latest = HistoricalRegion.objects.filter(code=RENHE).latest("history_id")
    assert latest.name == "人和新镇"
    assert latest.history_type == "~"
    assert latest.history_change_reason == "regions load shangqiu-2024.csv"
    # The children keep their parent.
    assert Region.objects.filter(parent_id=RENHE).count() > 0


def test_the_service_reports_each_changed_field(shangqiu, tmp_path):
    village = Region.objects.filter(parent_id=RENHE, kind=RegionKind.VILLAGE).first()
    new_name = village.name.removesuffix("村委会") + "新村委会"  # still a 村委会
    path = write_csv(tmp_path, [HEADER, f"{village.code},{new_name},village,{RENHE}"])
    report = regions_load(path=path)
    assert report.created == 0
    assert report.updated == 1
    assert report.changes == [
        {"code": village.code, "field": "name", "old": village.name, "new": new_name}
    ]
    # Divisions absent from a partial file are kept and only counted.
    assert report.not_in_file == SHANGQIU_TOTAL - 1
    assert Region.objects.count() == SHANGQIU_TOTAL


def test_a_new_division_is_created_with_its_kind(shangqiu, tmp_path):
    path = write_csv(
        tmp_path,
        [
            HEADER,
            f"411421101998,新建村委会,village,{RENHE}",
            # Short codes are expanded to 12 digits.
            "411421101997,新建社区居委会,village,411421101",
        ],
    )
    report = regions_load(path=path)
    assert report.created == 2
    new_village = Region.objects.get(code="411421101998")
    assert (new_village.level, new_village.kind, new_village.parent_id) == (
        RegionLevel.VILLAGE,
        RegionKind.VILLAGE,
        RENHE,
    )
    community = Region.objects.get(code="411421101997")
    assert community.kind == RegionKind.COMMUNITY
    assert community.parent_id == RENHE


# ---------------------------------------------------------------- malformed files

# Two valid lines first (a changed name and a new village) so that a partial write would show.
VALID_PREFIX = [
    HEADER,
    f"{RENHE},人和镇（已改名）,township,{MINQUAN}",
    f"411421101998,尚未载入村委会,village,{RENHE}",
]

MALFORMED = {
    "bad code": (VALID_PREFIX + [f"41142110199X,坏代码村委会,village,{RENHE}"], 4),
    "short code": (VALID_PREFIX + [f"4114211019,短代码村委会,village,{RENHE}"], 4),
    "unknown level": (VALID_PREFIX + [f"411421101996,某村委会,hamlet,{RENHE}"], 4),
    "missing parent": (VALID_PREFIX + ["411421199001,某村委会,village,411421199000"], 4),
    "empty parent": (VALID_PREFIX + ["411421101996,某村委会,village,"], 4),
    "wrong parent level": (VALID_PREFIX + [f"411421101996,某村委会,village,{MINQUAN}"], 4),
    "duplicate code": (VALID_PREFIX + [f"411421101998,重复村委会,village,{RENHE}"], 4),
    "empty name": (VALID_PREFIX + [f"411421101996,,village,{RENHE}"], 4),
    "too few columns": (VALID_PREFIX + ["411421101996,某村委会"], 4),
    "bad kind": (
        [
            "code,name,level,parent_code,kind",
            f"{RENHE},人和镇（已改名）,township,{MINQUAN},",
            f"411421101998,尚未载入村委会,village,{RENHE},",
            f"411421101996,某村,village,{RENHE},hamlet",
        ],
        4,
    ),
    "bad code after a blank line": (
        VALID_PREFIX + ["", f"41142110199X,坏代码村委会,village,{RENHE}"],
        5,
    ),
    "missing header column": (
        ["code,name,level", f"{RENHE},人和镇（已改名）,township"],
        1,
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_malformed_file_names_its_line_and_loads_nothing(shangqiu, tmp_path, case):
    lines, line = MALFORMED[case]
    path = write_csv(tmp_path, lines)
    before = snapshot()

    with pytest.raises(TuopinError) as error:
        regions_load(path=path)
    assert error.value.code == "regions_file_invalid"
    assert error.value.row == line
    assert f"第 {line} 行" in error.value.message_zh
    assert f"line {line}" in error.value.message_en

    with pytest.raises(CommandError) as command_error:
        call_command("regions", "load", str(path), stdout=StringIO())
    message = str(command_error.value)
    assert f"第 {line} 行" in message
    assert f"line {line}" in message
    assert "nothing was loaded" in message

    assert snapshot() == before
    assert not Region.objects.filter(code="411421101998").exists()


def test_an_excel_file_with_bom_and_crlf_loads(shangqiu, tmp_path):
    path = tmp_path / "excel.csv"
    lines = [HEADER.upper(), f"411421101998,新建村委会,village,{RENHE}"]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))
    report = regions_load(path=path)
    assert report.created == 1
    assert Region.objects.get(code="411421101998").name == "新建村委会"


def test_a_duplicate_names_both_lines(tmp_path):
    with pytest.raises(TuopinError) as error:
        parse_division_csv("\n".join(MALFORMED["duplicate code"][0]))
    assert "与第 3 行重复" in error.value.message_zh
    assert "repeats line 3" in error.value.message_en


def test_an_empty_file_is_refused_at_line_1(shangqiu, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    before = snapshot()
    with pytest.raises(CommandError) as error:
        call_command("regions", "load", str(path), stdout=StringIO())
    assert "第 1 行" in str(error.value)
    assert "line 1" in str(error.value)
    assert snapshot() == before


def test_a_file_with_only_a_header_is_refused(shangqiu, tmp_path):
    path = write_csv(tmp_path, [HEADER])
    before = snapshot()
    with pytest.raises(TuopinError) as error:
        regions_load(path=path)
    assert error.value.code == "regions_file_empty"
    assert snapshot() == before


def test_a_missing_file_is_refused_clearly(shangqiu, tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("regions", "load", str(tmp_path / "nope.csv"), stdout=StringIO())
    assert "找不到文件" in str(error.value)
    assert "file not found" in str(error.value)


def test_a_non_utf8_file_names_its_line_and_loads_nothing(shangqiu, tmp_path):
    # A file saved from Excel in GBK halfway: lines 1-3 are UTF-8, line 4 is GBK.
    utf8 = ("\n".join(VALID_PREFIX) + "\n").encode("utf-8")
    gbk = f"411421101996,某村委会,village,{RENHE}\n".encode("gbk")
    path = tmp_path / "gbk.csv"
    path.write_bytes(utf8 + gbk)
    before = snapshot()

    with pytest.raises(TuopinError) as error:
        regions_load(path=path)
    assert error.value.code == "regions_file_encoding"
    assert "UTF-8" in error.value.message_zh

    with pytest.raises(CommandError) as command_error:
        call_command("regions", "load", str(path), stdout=StringIO())
    assert snapshot() == before
    # Like every other malformed file, the message names the offending line.
    assert "第 4 行" in str(command_error.value)
    assert "line 4" in str(command_error.value)


def test_a_name_longer_than_the_column_is_refused_with_its_line(shangqiu, tmp_path):
    long_name = "很" * 70 + "村委会"  # Region.name holds 64 characters
    path = write_csv(tmp_path, VALID_PREFIX + [f"411421101996,{long_name},village,{RENHE}"])
    before = snapshot()
    try:
        regions_load(path=path)
    except TuopinError as error:
        assert error.row == 4
        assert "第 4 行" in error.message_zh
    else:
        pytest.fail("a 73-character name was accepted into a 64-character column")
    assert snapshot() == before


INCONSISTENT = {
    # The code lies in 睢县 (411422) but the parent is 人和镇 in 民权县: prefix scope would break.
    "code outside its parent's prefix": f"411422101996,跨县村委会,village,{RENHE}",
    # A village-shaped code declared as a county under the city.
    "code shape disagrees with level": f"411421101996,假县,county,{CITY}",
}


@pytest.mark.parametrize("case", sorted(INCONSISTENT))
def test_a_code_that_does_not_fit_the_tree_is_refused(shangqiu, tmp_path, case):
    path = write_csv(tmp_path, VALID_PREFIX + [INCONSISTENT[case]])
    before = snapshot()
    with pytest.raises(TuopinError) as error:
        regions_load(path=path)
    assert error.value.row == 4
    assert "第 4 行" in error.value.message_zh
    assert snapshot() == before
    assert not Region.objects.filter(code__in=["411422101996", "411421101996"]).exists()


# ---------------------------------------------------------------- seeded attributes


def test_poor_counties_are_seeded(shangqiu):
    counties = dict(
        Region.objects.filter(level=RegionLevel.COUNTY).values_list("code", "poor_county_type")
    )
    assert len(counties) == 11
    national = {f"4114{n}000000" for n in range(21, 26)}
    assert {code for code, kind in counties.items() if kind == PoorCountyType.NATIONAL} == national
    assert {code for code, kind in counties.items() if kind == PoorCountyType.PROVINCIAL} == {
        "411426000000"
    }
    others = set(counties) - national - {"411426000000"}
    assert len(others) == 5
    assert all(counties[code] == "" for code in others)
    minquan = Region.objects.get(code=MINQUAN)
    assert (minquan.poor_identified_year, minquan.poor_exited_year) == (2011, 2018)
    assert Region.objects.get(code="411402000000").poor_identified_year is None
    # Only counties carry a poor-county type.
    assert (
        not Region.objects.exclude(level=RegionLevel.COUNTY).exclude(poor_county_type="").exists()
    )


def test_village_level_units_are_villages_by_their_official_name(shangqiu):
    village_level = Region.objects.filter(level=RegionLevel.VILLAGE)
    assert village_level.count() == 4556 + 278
    assert village_level.filter(kind=RegionKind.VILLAGE).count() == 4556
    assert village_level.filter(name__endswith="村委会", kind=RegionKind.COMMUNITY).count() == 0
    assert village_level.filter(name__endswith="居委会", kind=RegionKind.VILLAGE).count() == 0
    assert not Region.objects.exclude(level=RegionLevel.VILLAGE).exclude(kind="").exists()


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("朱寨村委会", RegionKind.VILLAGE),
        ("某某村民委员会", RegionKind.VILLAGE),
        ("教育新村社区", RegionKind.COMMUNITY),
        ("东关居委会", RegionKind.COMMUNITY),
        ("某某生活区", RegionKind.COMMUNITY),
    ],
)
def test_kind_from_name(name, kind):
    assert kind_from_name(name) == kind


def test_an_explicit_kind_wins_over_the_name():
    assert kind_from_name("朱寨村委会", RegionKind.COMMUNITY) == RegionKind.COMMUNITY
