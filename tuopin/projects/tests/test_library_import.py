"""`tuopin import projects`: the documented sample imports; bad rows are reported by row,
column and message in Chinese and English and nothing is half-written; a re-import
changes nothing; the stage goes no further than 已入库 and needs targets there."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import MINQUAN, RENHE, SUIXIAN
from tuopin.accounts.roles import Role
from tuopin.core.tests.write_behind_spy import writers_started
from tuopin.projects.enums import ProjectStage
from tuopin.projects.library_import import import_projects
from tuopin.projects.models import LibraryEntry, Project, ProjectBeneficiary, ProjectFunding
from tuopin.registry.services import household_register
from tuopin.registry.tests.factories import family

pytestmark = pytest.mark.django_db
SAMPLE = Path(__file__).parent / "samples" / "projects.csv"
HEADER = SAMPLE.read_text(encoding="utf-8").splitlines()[0]


def _file(tmp_path, *lines: str) -> Path:
    path = tmp_path / "projects.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def _row(**cells) -> str:
    columns = HEADER.split(",")
    base = dict(
        zip(columns, SAMPLE.read_text(encoding="utf-8").splitlines()[1].split(","), strict=True)
    )
    base.update(cells)
    return ",".join(base[c] for c in columns)


def test_the_sample_imports_and_a_reimport_changes_nothing():
    report = import_projects(SAMPLE)
    assert report.errors == [] and (report.rows, report.created) == (4, 4)
    road = Project.objects.get(code="MQ2018-001")
    assert road.stage == ProjectStage.IN_LIBRARY and road.county_id == MINQUAN
    assert sorted(ProjectFunding.objects.filter(project=road).values_list("level", flat=True)) == [
        "central",
        "county",
    ]
    assert LibraryEntry.objects.get(project=road).document == "民扶组〔2018〕1号"
    farm = Project.objects.get(code="MQ2018-003")
    assert farm.stage == ProjectStage.APPLIED and farm.villages.count() == 2
    assert farm.households_planned is None  # not said: unknown, not 0
    assert Project.objects.get(code="MQ2018-004").region_id == RENHE
    counts = (Project.history.count(), ProjectFunding.history.count(), LibraryEntry.objects.count())
    again = import_projects(SAMPLE)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert (
        Project.history.count(),
        ProjectFunding.history.count(),
        LibraryEntry.objects.count(),
    ) == counts


def test_an_edit_before_the_library_updates_with_history_and_one_after_is_refused(tmp_path):
    import_projects(SAMPLE)
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    changed = [line.replace("扩建牛舍 20 间", "扩建牛舍 30 间") for line in lines[1:]]
    report = import_projects(_file(tmp_path, *changed))
    assert (report.updated, report.unchanged) == (1, 3)
    farm = Project.objects.get(code="MQ2018-003")
    assert farm.tasks == "扩建牛舍 30 间" and farm.history.count() == 2
    edited = [line.replace("硬化道路 2.5 公里", "硬化道路 3 公里") for line in lines[1:]]
    refused = import_projects(_file(tmp_path, *edited))
    assert [e.code for e in refused.errors] == ["not_editable"]
    assert Project.objects.get(code="MQ2018-001").tasks == "硬化道路 2.5 公里"


@pytest.mark.parametrize(
    ("cells", "column", "code"),
    [
        ({"绩效目标": ""}, "绩效目标", "entry_incomplete"),
        ({"带贫减贫机制": ""}, "带贫减贫机制", "entry_incomplete"),
        ({"所处环节": "实施中"}, "所处环节", "stage_not_importable"),
        ({"项目类别": "修路"}, "项目类别", "bad_choice"),
        ({"申报单位区划代码": "41142110120"}, "申报单位区划代码", "bad_value"),
        ({"申报单位区划代码": "411421999999"}, "申报单位区划代码", "region_unknown"),
        ({"实施地点": "不存在村"}, "实施地点", "village_unknown"),
        ({"县级资金（元）": "100"}, "项目总投资（元）", "fundings_total"),
        ({"项目总投资（元）": "-5"}, "项目总投资（元）", "negative"),
        ({"项目名称": ""}, "项目名称", "required"),
        ({"计划完工日期": "2018-01-01"}, "计划完工日期", "dates_order"),
        ({"受益户编号": "NOPE-1"}, "受益户编号", "household_unknown"),
    ],
)
def test_a_bad_row_is_named_and_nothing_is_written(tmp_path, cells, column, code):
    good = SAMPLE.read_text(encoding="utf-8").splitlines()[2]
    report = import_projects(_file(tmp_path, good, _row(**cells)))
    assert len(report.errors) >= 1
    error = report.errors[0]
    assert (error.row, error.column) == (3, column), report.errors
    assert error.code == code or code == "bad_value"
    assert error.message_zh and error.message_en
    assert not Project.objects.exists() and report.created == 0


def test_a_bad_value_repeated_down_a_column_is_reported_on_each_of_its_rows(tmp_path):
    # Each distinct cell is parsed once: its error must still name every row and the column.
    bad = _row(项目类别="修路", 项目编号="X-1")
    report = import_projects(_file(tmp_path, bad, _row(项目类别="修路", 项目编号="X-2")))
    assert [(e.row, e.column, e.code) for e in report.errors] == [
        (2, "项目类别", "bad_choice"),
        (3, "项目类别", "bad_choice"),
    ]
    assert report.rejected == 2 and not Project.objects.exists()


def test_partial_writes_the_good_rows_and_a_dry_run_nothing(tmp_path):
    good = SAMPLE.read_text(encoding="utf-8").splitlines()[2]
    path = _file(tmp_path, good, _row(绩效目标=""))
    assert import_projects(path, dry_run=True, partial=True).created == 1
    assert not Project.objects.exists()
    report = import_projects(path, partial=True)
    assert report.created == 1 and report.rejected == 1 and Project.objects.count() == 1


def test_a_stage_is_not_moved_by_an_import_nor_a_duplicate_code(tmp_path):
    import_projects(SAMPLE)
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    moved = lines[3].replace("村申报公示", "乡镇已审核")
    report = import_projects(_file(tmp_path, moved))
    assert [e.code for e in report.errors] == ["stage_changed"]
    twice = import_projects(_file(tmp_path, lines[1], lines[1]))
    assert [e.code for e in twice.errors] == ["duplicate"] and twice.errors[0].row == 3


def test_beneficiaries_by_household_number_and_the_users_scope(tmp_path, make_user):
    county = make_user(Role.COUNTY_OFFICE, MINQUAN)
    household_register(
        acting_user=county,
        village_code="411421101201",
        number="ZZ-0101",
        attributes={},
        members=family(),
    )
    path = _file(tmp_path, _row(受益户编号="ZZ-0101"))
    report = import_projects(path, acting_user=county)
    assert report.errors == [] and ProjectBeneficiary.objects.get().household.number == "ZZ-0101"
    assert import_projects(path, acting_user=county).unchanged == 1
    stranger = make_user(Role.COUNTY_OFFICE, SUIXIAN)
    refused = import_projects(_file(tmp_path, _row(项目编号="X-1")), acting_user=stranger)
    assert [e.code for e in refused.errors] == ["out_of_scope"]


def test_the_command_prints_json(capsys):
    with pytest.raises(SystemExit) as leaving:
        call_command("import", "projects", str(SAMPLE), "--json")
        raise SystemExit(0)
    assert leaving.value.code == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["created"] == 4 and answer["kind"] == "projects"


def _children_without_their_project() -> dict[str, int]:
    """Rows naming a project (or a village, or a project a region) that is not there: the
    database no longer refuses them (ADR 0019, 0025), so the writers must never make one."""
    from django.db.models import Exists, OuterRef

    from tuopin.projects.models import ProjectStep
    from tuopin.regions.models import Region

    stored = Project.objects.filter(pk=OuterRef("project_id"))
    found = {
        model.__name__: model.objects.exclude(Exists(stored)).count()
        for model in (ProjectFunding, ProjectStep, LibraryEntry, ProjectBeneficiary)
    }
    through = Project.villages.through.objects
    found["villages"] = through.exclude(Exists(stored)).count()
    villages = Region.objects.filter(code=OuterRef("region_id"), level="village")
    found["village regions"] = through.exclude(Exists(villages)).count()
    # Nor are a project's region and county checked (ADR 0025).
    for key in ("region_id", "county_id"):
        regions = Region.objects.filter(code=OuterRef(key))
        found[f"project {key}"] = Project.objects.exclude(Exists(regions)).count()
    return found


def test_children_name_only_their_project_and_its_deletion_takes_them(tmp_path):
    """A project's fundings, villages, steps, entries and beneficiaries are not checked by
    the database (ADR 0019): the import writes them only under the projects it has just
    inserted and only with villages it checked, and Django applies CASCADE and PROTECT."""
    from django.db.models import ProtectedError

    from tuopin.projects.models import ProjectStep

    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    bad_village = _row(项目编号="MQ2018-009", 实施地点="411421999999")
    refused = import_projects(_file(tmp_path, *lines[1:], bad_village))
    assert [(e.row, e.code) for e in refused.errors] == [(6, "village_unknown")]
    assert not ProjectFunding.objects.exists() and not ProjectStep.objects.exists()
    import_projects(_file(tmp_path, *lines[1:], _row(项目编号="MQ2018-009")))
    assert Project.objects.count() == 5 and ProjectFunding.objects.count() >= 5
    assert set(_children_without_their_project().values()) == {0}
    farm = Project.objects.get(code="MQ2018-003")  # before the library: no entry
    assert farm.villages.count() == 2 and farm.steps.count() == 1
    farm.delete()
    assert set(_children_without_their_project().values()) == {0}
    road = Project.objects.get(code="MQ2018-001")  # in the library: its entry is filed
    with pytest.raises(ProtectedError):
        road.delete()


def test_an_import_names_its_user_on_each_row_and_the_user_stays(make_user):
    """The user keys the import writes are not checked by the database (ADR 0019): each
    is the acting user, and Django's PROTECT still keeps a user who entered projects."""
    from django.db.models import ProtectedError

    from tuopin.projects.models import ProjectStep

    county = make_user(Role.COUNTY_OFFICE, MINQUAN)
    assert import_projects(SAMPLE, acting_user=county).created == 4
    assert set(Project.objects.values_list("created_by", flat=True)) == {county.pk}
    assert set(ProjectStep.objects.values_list("acting_user", flat=True)) == {county.pk}
    for model in (Project, ProjectFunding, LibraryEntry):
        assert set(model.history.values_list("history_user", flat=True)) == {county.pk}
    with pytest.raises(ProtectedError):
        county.delete()


@pytest.mark.django_db(transaction=True)
def test_blocks_are_written_behind_and_kept_all_or_nothing(tmp_path, monkeypatch):
    """On PostgreSQL, outside a transaction, each checked block is written by a thread on
    a connection of its own while the next is read; an error in a later block, or a
    failure in the writer, leaves nothing written."""
    from django.db import connection

    from tuopin.projects import library_import

    monkeypatch.setattr(library_import, "WRITE_BLOCK", 1)
    threaded = writers_started(monkeypatch)
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()[1:]
    report = import_projects(_file(tmp_path, *lines, lines[0]))  # the last row repeats
    assert threaded == [connection.vendor == "postgresql"]
    assert [(e.row, e.code) for e in report.errors] == [(6, "duplicate")]
    assert not report.written and not Project.objects.exists()

    written = []
    write_new = library_import._Plan._write_new

    def fail_on_second(plan, new):
        written.append(len(new))
        if len(written) == 2:
            raise RuntimeError("disk full")
        write_new(plan, new)

    monkeypatch.setattr(library_import._Plan, "_write_new", fail_on_second)
    with pytest.raises(RuntimeError, match="disk full"):
        import_projects(_file(tmp_path, *lines))
    assert not Project.objects.exists() and not ProjectFunding.objects.exists()

    monkeypatch.setattr(library_import._Plan, "_write_new", write_new)
    report = import_projects(_file(tmp_path, *lines))
    assert (report.created, report.written) == (4, True)
    assert Project.objects.count() == 4 and Project.history.count() == 4
    assert ProjectFunding.objects.count() == ProjectFunding.history.count() > 0
    assert LibraryEntry.objects.count() == 2
    assert set(_children_without_their_project().values()) == {0}
    again = import_projects(_file(tmp_path, *lines))
    assert (again.unchanged, again.written, Project.history.count()) == (4, False, 4)


_SPACES = [chr(c) for c in range(0x3001) if chr(c).isspace()]
_CELLS = st.lists(
    st.text(
        st.sampled_from([*_SPACES, *"ab1-'=+@\u0301\u0308ＡＢ１ｶﾞ가\u1100\u1161ﬁ½①㍿中文\x00"])
        | st.characters(),
        max_size=8,
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=400, deadline=None)
@given(_CELLS)
def test_a_column_of_text_is_normalised_at_once_as_cell_by_cell(cells):
    """A column's cells joined into one string and normalised once (NFKC, whitespace)
    give each cell's own v.text, or None (then cell by cell): combining marks, full-width
    and compatibility characters, every kind of space, the platform's formula quote."""
    from tuopin.projects.library_import import _texts
    from tuopin.registry.interchange import values

    texts = _texts(cells)
    assert texts is None or texts == [values.text(cell) for cell in cells]


def test_text_columns_read_whole_keep_each_cells_text(tmp_path):
    """Names and tasks are normalised a column at a time: full-width letters, runs of
    spaces and a formula quote (the platform's own export) come out as v.text gives them;
    a bad region code is still named on its row."""
    lines = [
        _row(项目编号="Ｑ1", 项目名称=" 道路  硬化\u3000工程 ", 建设任务="'=修路"),
        _row(项目编号="Q2", 项目名称="ﬁ 桥", 建设任务="  修桥 "),
        _row(项目编号="Q3", 申报单位区划代码="4114 21 1000"),
    ]
    report = import_projects(_file(tmp_path, *lines))
    assert [(e.row, e.column, e.code) for e in report.errors] == [
        (4, "申报单位区划代码", "bad_value")
    ]
    report = import_projects(_file(tmp_path, *lines[:2]))
    stored = dict(Project.objects.values_list("code", "name"))
    assert stored == {"Q1": "道路 硬化 工程", "Q2": "fi 桥"}
    assert set(Project.objects.values_list("tasks", flat=True)) == {"=修路", "修桥"}


def test_the_history_of_imported_rows_is_indexed_by_record_only():
    """The history the import writes in thousands is read by record, never by its date
    or user (ADR 0029): neither is indexed; the record's id is."""
    from django.db import connection

    from tuopin.projects.models import ProjectBeneficiary

    for model in (Project, ProjectFunding, LibraryEntry, ProjectBeneficiary):
        table = model.history.model._meta.db_table
        with connection.cursor() as cursor:
            found = connection.introspection.get_constraints(cursor, table)
        indexed = {tuple(c["columns"]) for c in found.values() if c["index"] or c["unique"]}
        assert ("id",) in indexed, table
        assert not indexed & {("history_date",), ("history_user_id",)}, table
