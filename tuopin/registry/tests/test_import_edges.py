"""Import cases found by writing files the way offices do: county codes, village names,
files without a county column, partial imports around rows of no village, namesakes."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from tuopin.registry.enums import Relation
from tuopin.registry.idnumbers import make_id_number
from tuopin.registry.interchange import importer
from tuopin.registry.interchange.exporter import export_registry, households_under
from tuopin.registry.interchange.importer import import_registry
from tuopin.registry.interchange.reader import UnusableFile
from tuopin.registry.interchange.rows import RowParser
from tuopin.registry.models import Helper, Household, HouseholdCause, Measure, Member
from tuopin.registry.tests.test_import import HEADER, SON_ID, family, person, write_xlsx


def single(number: str, serial: int, **overrides) -> dict:
    id_number = make_id_number("411421", date(1950, 1, 1), 200 + serial, "1")
    return person(
        number, f"单身{serial}", "男", id_number, "1950-01-01", "户主", size=1, **overrides
    )


def test_an_unknown_county_code_is_a_warning_and_an_old_one_is_not(shangqiu, tmp_path):
    foreign = make_id_number("999999", date(1950, 1, 1), 7, "1")
    old = make_id_number("412323", date(1950, 1, 1), 8, "1")  # 民权县 before 1997
    rows = [
        person("A1", "甲", "男", foreign, "1950-01-01", "户主", size=1),
        person("A2", "乙", "男", old, "1950-01-01", "户主", size=1),
    ]
    report = import_registry(write_xlsx(tmp_path / "codes.xlsx", rows))
    assert report.errors == []
    assert [(w.row, w.column, w.code) for w in report.warnings] == [
        (4, "证件号码", "id_county_unknown")
    ]
    assert report.households.created == 2


def test_a_village_whose_official_name_keeps_an_inner_cun(shangqiu, tmp_path):
    # 东村村委会 of 北关镇: files write 东村 (and 六合村 for 六合村村委会).
    rows = [
        single("B1", 1, township="北关镇", village="东村"),
        single("B2", 2, township="北关", village="六合村村委会"),
    ]
    report = import_registry(write_xlsx(tmp_path / "dongcun.xlsx", rows))
    assert report.errors == []
    assert dict(Household.objects.values_list("number", "village_id")) == {
        "B1": "411421103201",
        "B2": "411421103239",
    }


def test_without_a_county_column_township_and_village_decide(shangqiu, tmp_path):
    header = [column for column in HEADER if column not in ("市", "县(市、区)")]
    found = single("C1", 1)  # 人和镇 朱寨村: one village of that name in the city
    # 城关镇 南关 exists in more than one county: the file must say which.
    ambiguous = single("C2", 2, township="城关镇", village="南关")
    report = import_registry(
        write_xlsx(tmp_path / "nocounty.xlsx", [found, ambiguous], header=header)
    )
    [error] = report.errors
    assert (error.row, error.column, error.code) == (5, "行政村", "village_unknown")
    assert "多个县" in error.message_zh
    report = import_registry(write_xlsx(tmp_path / "one.xlsx", [found], header=header))
    assert report.errors == [] and Household.objects.get().village_id == "411421101201"


def test_partial_never_writes_a_household_without_a_row_of_no_village(shangqiu, tmp_path):
    rows = family("411421101201001", 家庭人口数=None)  # no declared size to give it away
    rows[1]["行政村"] = "朱寨材"  # a typo: the row finds no village
    rows.append(single("411421101201002", 1))
    report = import_registry(write_xlsx(tmp_path / "typo.xlsx", rows), partial=True)
    codes = {(e.row, e.code) for e in report.errors}
    assert codes == {(4, "household_row_unplaced"), (5, "village_unknown")}
    assert list(Household.objects.values_list("number", flat=True)) == ["411421101201002"]
    assert vars(report.households) == {"created": 1, "updated": 0, "unchanged": 0, "rejected": 1}
    assert report.members.rejected == 3


def test_a_row_of_no_village_after_its_household_was_written_starts_over(
    shangqiu, tmp_path, monkeypatch
):
    monkeypatch.setattr(importer, "WRITE_CHUNK", 1)
    monkeypatch.setattr(RowParser, "BLOCK", 2)
    head, wife, son = family("411421101201001")
    wife["行政村"] = "朱寨材"
    rows = [head, son, single("D1", 1), single("D2", 2), wife, single("D3", 3)]
    report = import_registry(write_xlsx(tmp_path / "late.xlsx", rows), partial=True)
    assert ("household_row_unplaced", 4) in {(e.code, e.row) for e in report.errors}
    assert sorted(Household.objects.values_list("number", flat=True)) == ["D1", "D2", "D3"]


def test_households_of_no_village_count_as_rejected(shangqiu, tmp_path):
    lost = [
        single("E1", 1, village="不存在村"),
        single("E1", 2, village="不存在村", 与户主关系="其他"),
    ]
    path = write_xlsx(tmp_path / "lost.xlsx", [*family(), *lost])
    everything = import_registry(path)
    assert vars(everything.households)["rejected"] == 2 and not Household.objects.exists()
    partial = import_registry(path, partial=True)
    assert (partial.households.created, partial.households.rejected) == (1, 1)
    assert partial.members.rejected == 2


def test_a_namesake_helper_is_kept_through_export_and_import(shangqiu, tmp_path):
    first = Helper.objects.create(region_id="411421000000", name="李帮扶")
    second = Helper.objects.create(region_id="411421000000", name="李帮扶")
    # A new household named with a name two cadres of the county bear: which one is
    # meant cannot be told (issue 14): an error on the row, nothing written.
    refused = import_registry(write_xlsx(tmp_path / "in.xlsx", family()))
    assert {(e.column, e.code) for e in refused.errors} == {("帮扶责任人", "helper_name_ambiguous")}
    assert not Household.objects.exists()
    second.name = "李帮扶（暂）"
    second.save()
    import_registry(write_xlsx(tmp_path / "in.xlsx", family()))
    household = Household.objects.get()
    assert household.helper_id == first.pk  # the one cadre of the name
    second.name = "李帮扶"
    second.save()
    # The household already has one of the namesakes: the name still says that one.
    Household.objects.filter(pk=household.pk).update(helper=second)
    out = tmp_path / "out.xlsx"
    export_registry(households_under("411421"), out)
    report = import_registry(out)
    assert report.households.unchanged == 1, report.as_dict()
    assert Household.objects.get().helper_id == second.pk


def test_measure_categories_with_or_without_fupin(shangqiu, tmp_path):
    rows = [single("F1", 1, 帮扶措施="生态护林员扶贫、其他扶贫、小额信贷扶贫、光伏")]
    report = import_registry(write_xlsx(tmp_path / "measures.xlsx", rows))
    assert report.errors == []
    assert sorted(Measure.objects.values_list("category", flat=True)) == ["03", "08", "10", "99"]


def test_json_of_an_unusable_file_has_the_usual_shape(shangqiu, tmp_path):
    path = tmp_path / "note.csv"
    path.write_text("甲,乙\n1,2\n", encoding="utf-8")
    out = StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("import", "registry", str(path), "--json", stdout=out)
    assert exited.value.code == 2
    result = json.loads(out.getvalue())
    assert result["households"]["created"] == 0 and result["warnings"] == []
    [error] = result["errors"]
    assert error["code"] == "header_missing" and error["message"]


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_a_stored_defect_re_imports_unchanged_but_blocks_any_change(shangqiu, tmp_path, suffix):
    import_registry(write_xlsx(tmp_path / "in.xlsx", family()))
    # A defect the checks would refuse, already stored (data of before the checks).
    Member.objects.filter(name="张建国").update(relation=Relation.SON)
    out = tmp_path / f"out.{suffix}"
    export_registry(households_under("411421"), out)
    report = import_registry(out)
    assert report.errors == [] and report.exit_code == 0
    assert report.households.unchanged == 1 and report.members.unchanged == 3
    [warning] = report.warnings
    assert warning.code == "household_without_head" and "登记库中已是如此" in warning.message_zh
    changed = family()
    changed[0]["与户主关系"] = "之子"
    changed[1]["姓名"] = "王秀兰"  # any change to the household: the defect is an error again
    refused = import_registry(write_xlsx(tmp_path / "changed.xlsx", changed))
    assert "household_without_head" in {e.code for e in refused.errors}
    assert Member.objects.filter(name="王秀英").exists()


def test_a_stored_repeat_of_the_main_cause_is_kept_not_silently_removed(shangqiu, tmp_path):
    import_registry(write_xlsx(tmp_path / "in.xlsx", family()))
    household = Household.objects.get()
    HouseholdCause.objects.create(household=household, cause=household.main_cause)
    out = tmp_path / "out.xlsx"
    export_registry(households_under("411421"), out)
    report = import_registry(out)
    assert report.households.unchanged == 1, report.as_dict()
    assert household.other_causes.filter(cause=household.main_cause).exists()


def write_xls(path, rows):
    """An Excel 97-2003 workbook as county offices still save: a title row, numbers as
    numbers, a date cell."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("人口信息")
    sheet.write(0, 0, "2018年民权县建档立卡贫困人口信息表")
    dated = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for position, column in enumerate(HEADER):
        sheet.write(1, position, column)
    for number, row in enumerate(rows, start=2):
        for position, column in enumerate(HEADER):
            value = row.get(column)
            if value is None or value == "":
                continue
            style = dated if isinstance(value, date) else xlwt.Style.default_style
            sheet.write(number, position, value, style)
    book.save(str(path))
    return path


def test_an_old_format_xls_file_loads_and_reimports_unchanged(shangqiu, tmp_path):
    rows = family()
    rows[0]["出生日期"] = date(1968, 3, 12)  # a real date cell
    rows[1]["家庭人口数"] = 3  # a number cell: 3.0 in the file
    path = write_xls(tmp_path / "old.xls", rows)
    report = import_registry(path)
    assert report.errors == [], [e.as_dict() for e in report.errors]
    assert (report.households.created, report.members.created) == (1, 3)
    assert Member.objects.get(name="张建国").birth_date == date(1968, 3, 12)
    assert import_registry(path).members.unchanged == 3
    bad = family()
    bad[2]["证件号码"] = SON_ID[:-1] + ("0" if SON_ID[-1] != "0" else "1")
    errors = import_registry(write_xls(tmp_path / "bad.xls", bad)).errors
    assert [(e.row, e.column) for e in errors] == [(5, "证件号码")]  # the row Excel shows


def test_a_file_that_is_not_really_xls_is_unusable(shangqiu, tmp_path):
    path = tmp_path / "fake.xls"
    path.write_text("<html><table><tr><td>户编号</td></tr></table></html>")
    with pytest.raises(UnusableFile) as refused:
        import_registry(path)
    assert refused.value.code == "file_unreadable"


def test_a_number_stored_with_15_digits_is_the_same_person_in_an_import(shangqiu, tmp_path):
    import_registry(write_xlsx(tmp_path / "in.xlsx", family()))
    head = Member.objects.get(name="张建国")
    legacy = head.id_number[:6] + head.id_number[8:17]
    Member.objects.filter(pk=head.pk).update(id_number=legacy)
    # The same household: the member is matched and upgraded, not added a second time.
    report = import_registry(write_xlsx(tmp_path / "again.xlsx", family()))
    assert report.errors == [] and report.members.updated == 1, report.as_dict()
    assert Member.objects.filter(name="张建国").count() == 1
    Member.objects.filter(pk=head.pk).update(id_number=legacy)
    # Another household: refused, naming the first.
    intruder = person(
        "411421101201009", "张建国", "男", head.id_number, "1968-03-12", "户主", size=1
    )
    refused = import_registry(write_xlsx(tmp_path / "other.xlsx", [intruder]))
    [error] = refused.errors
    assert error.code == "id_in_other_household" and "411421101201001" in error.message_zh


def test_the_export_command_writes_logs_and_refuses_clearly(shangqiu, tmp_path):
    from django.core.management.base import CommandError

    from tuopin.audit.models import AccessKind, AccessLog

    import_registry(write_xlsx(tmp_path / "in.xlsx", family()))
    out = tmp_path / "人和镇.csv"
    call_command(
        "export", "registry", "--region", "411421101000", "--out", str(out), stdout=StringIO()
    )
    assert import_registry(out).members.unchanged == 3
    logged = AccessLog.objects.get(kind=AccessKind.EXPORT)
    assert logged.region_code == "411421101000" and "3 rows" in logged.detail
    for region, where, message in [
        ("411421", tmp_path / "no-such-folder" / "x.csv", "不存在"),
        ("民权", tmp_path / "x.csv", "区划代码"),
        ("411421", tmp_path / "x.pdf", ".xlsx"),
    ]:
        with pytest.raises(CommandError) as refused:
            call_command("export", "registry", "--region", region, "--out", str(where))
        assert message in str(refused.value)


def test_an_xlsx_saved_under_the_xls_name_is_read_as_one(shangqiu, tmp_path):
    path = write_xlsx(tmp_path / "renamed.xls", family())
    assert path.read_bytes()[:2] == b"PK"
    report = import_registry(path)
    assert report.errors == [] and report.members.created == 3


def test_a_number_registered_outside_the_importing_region_names_only_its_county(shangqiu, tmp_path):
    """The probe's report named a person of another region (翟全, village, household)."""
    first = single("N1", 31, township="北关镇", village="东村")
    assert import_registry(write_xlsx(tmp_path / "a.xlsx", [first])).households.created == 1
    again = single("N2", 32)  # 人和镇 朱寨村, the same person's number
    again["证件号码"] = first["证件号码"]
    report = import_registry(write_xlsx(tmp_path / "b.xlsx", [again]), scope_prefix="411421101")
    (error,) = report.errors
    assert error.code == "id_registered_elsewhere" and report.registered_elsewhere == 1
    assert "民权县" in error.message_zh
    for told in (error.message_zh, error.message_en):
        assert "N1" not in told and "单身31" not in told and "411421103201" not in told
    # The county office, whose region holds both, is told the household and the person.
    report = import_registry(write_xlsx(tmp_path / "b.xlsx", [again]), scope_prefix="411421")
    assert report.errors[0].code == "id_in_other_household" and report.registered_elsewhere == 0
    assert "N1" in report.errors[0].message_zh and "单身31" in report.errors[0].message_zh


def test_an_import_job_logs_the_numbers_it_found_registered_elsewhere(
    shangqiu, tmp_path, settings, make_user
):
    from tuopin.accounts.roles import Role
    from tuopin.audit.models import AccessKind, AccessLog
    from tuopin.core.jobs import worker_loop
    from tuopin.core.services import job_enqueue

    first = single("N1", 31, township="北关镇", village="东村")
    import_registry(write_xlsx(tmp_path / "a.xlsx", [first]))
    again = single("N2", 32)
    again["证件号码"] = first["证件号码"]
    upload = "uploads/" + "a" * 32 + ".xlsx"
    (settings.MEDIA_ROOT / "uploads").mkdir(parents=True)
    write_xlsx(settings.MEDIA_ROOT / upload, [again])
    township = make_user(Role.TOWNSHIP, "411421101000")
    job_enqueue(
        acting_user=township,
        kind="registry.import",
        region_code="411421101000",
        params={"upload": upload, "name": "朱寨村.xlsx"},
    )
    worker_loop(once=True, heartbeat=False)
    logged = AccessLog.objects.get(user=township, kind=AccessKind.LOOKUP)
    assert "朱寨村.xlsx" in logged.detail and "1 个证件号码" in logged.detail
