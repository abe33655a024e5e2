"""Import of the interchange spreadsheet, on files written the way offices write them."""

import csv
import json
from datetime import date, datetime
from io import StringIO

import openpyxl
import pytest
from django.core.management import call_command

from tuopin.registry.enums import MemberStatus, PovertyStatus, Relation
from tuopin.registry.idnumbers import make_id_number
from tuopin.registry.interchange.exporter import export_registry, households_under
from tuopin.registry.interchange.importer import import_registry
from tuopin.registry.interchange.reader import UnusableFile
from tuopin.registry.models import Household, Income, Measure, Member

HEADER = [
    "市",
    "县(市、区)",
    "乡(镇)",
    "行政村",
    "户编号",
    "人编号",
    "姓名",
    "性别",
    "证件号码",
    "出生日期",
    "与户主关系",
    "民族",
    "健康状况",
    "人员状态",
    "主要致贫原因",
    "其他致贫原因",
    "脱贫状态",
    "首次识别年度",
    "家庭人口数",
    "帮扶责任人",
    "帮扶措施",
    "收入年度",
    "工资性收入",
    "生产经营性收入",
    "财产性收入",
    "转移性收入",
    "生产经营性支出",
    "饮水是否安全",
    "危房等级",
    "不愁吃",
]

HEAD_ID = make_id_number("411421", date(1968, 3, 12), 1, "1")
WIFE_ID = make_id_number("412323", date(1970, 7, 2), 2, "2")  # pre-1997 county code
SON_ID = make_id_number("411421", date(2005, 9, 1), 3, "1")
OTHER_HEAD_ID = make_id_number("411421", date(1948, 1, 20), 4, "2")


def person(
    number,
    name,
    sex,
    id_number,
    birth,
    relation,
    *,
    village="朱寨村",
    township="人和",
    size=3,
    **overrides,
):
    row = {
        "市": "商丘市",
        "县(市、区)": "民权县",
        "乡(镇)": township,
        "行政村": village,
        "户编号": number,
        "人编号": "",
        "姓名": name,
        "性别": sex,
        "证件号码": id_number,
        "出生日期": birth,
        "与户主关系": relation,
        "民族": "汉族",
        "健康状况": "健康",
        "人员状态": "",
        "主要致贫原因": "因病",
        "其他致贫原因": "缺技术、缺资金",
        "脱贫状态": "未脱贫",
        "首次识别年度": 2014,
        "家庭人口数": size,
        "帮扶责任人": "李帮扶",
        "帮扶措施": "产业扶贫、光伏扶贫",
        "收入年度": 2018,
        "工资性收入": 9000,
        "生产经营性收入": "6,000",
        "财产性收入": 300,
        "转移性收入": 1200,
        "生产经营性支出": 1500,
        "饮水是否安全": "是",
        "危房等级": "A",
        "不愁吃": "√",
    }
    row.update(overrides)
    return row


def family(number="411421101201001", **overrides):
    return [
        person(number, "张建国", "男", HEAD_ID, "1968-03-12", "户主", **overrides),
        person(number, "王秀英", "女", WIFE_ID, "1970.07.02", "配偶", **overrides),
        person(number, "张磊", "男", SON_ID, "2005/9/1", "之子", **overrides),
    ]


def write_xlsx(path, rows, *, title=True, header=HEADER, totals=True):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if title:
        sheet.append(["2018年民权县建档立卡贫困人口信息表"])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=8)
        sheet.append(["填报单位：人和镇", None, None, "填报日期：2018年10月"])
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(column) for column in header] if isinstance(row, dict) else row)
    if totals:
        sheet.append(["合计", None, None, None, f"{len(rows)} 人"])
        sheet.append(["注：本表由村委会填报"])
    workbook.save(path)
    return path


def run(path, **options):
    return import_registry(path, **options)


def test_a_real_looking_file_loads_and_reimports_unchanged(shangqiu, tmp_path):
    widow = person("411421101201002", "刘桂兰", "女", OTHER_HEAD_ID, "1948-01-20", "户主", size=1)
    path = write_xlsx(tmp_path / "in.xlsx", [*family(), [None] * len(HEADER), widow])
    report = run(path)
    assert report.errors == [] or [e.as_dict() for e in report.errors] == []
    household = Household.objects.get(number="411421101201001")
    assert household.village_id == "411421101201"  # 人和 + 朱寨村 -> 朱寨村委会
    assert household.status == PovertyStatus.NOT_EXITED
    assert sorted(c.cause for c in household.other_causes.all()) == ["07", "09"]
    assert household.helper.name == "李帮扶" and household.water_safe is True
    assert household.food_secure is True and household.housing_grade == "A"
    income = Income.objects.get(household=household, year=2018)
    assert income.business == 6000
    assert sorted(
        Measure.objects.filter(household=household).values_list("category", flat=True)
    ) == ["01", "08"]
    wife = Member.objects.get(id_number=WIFE_ID)
    assert wife.birth_date == date(1970, 7, 2) and wife.relation == Relation.SPOUSE
    again = run(path)
    assert (again.households.unchanged, again.members.unchanged) == (2, 4), again.as_dict()


def test_row_numbers_are_the_ones_excel_shows(shangqiu, tmp_path):
    rows = family()
    rows[1]["性别"] = "男"  # the spouse: same sex as the head, and disagrees with the ID
    rows[2]["证件号码"] = SON_ID[:17] + ("0" if SON_ID[17] != "0" else "1")  # check digit
    path = write_xlsx(tmp_path / "bad.xlsx", rows)
    report = run(path)
    # Title rows 1-2, header row 3: the spouse is on row 5, the son on row 6.
    assert {(e.row, e.column, e.code) for e in report.errors} == {
        (6, "证件号码", "id_check_digit"),
    }
    # Suspect but storable: warnings on their row and column (stored if nothing else fails).
    assert {(w.row, w.column, w.code) for w in report.warnings} == {
        (5, "性别", "id_sex_mismatch"),
        (5, "性别", "spouse_same_sex"),
    }
    assert not Household.objects.exists()
    assert report.households.rejected == 1 and report.members.rejected == 3


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1968-03-12", date(1968, 3, 12)),
        ("1968.03.12", date(1968, 3, 12)),
        ("1968/3/12", date(1968, 3, 12)),
        ("1968年3月12日", date(1968, 3, 12)),
        ("19680312", date(1968, 3, 12)),
        (24909, date(1968, 3, 12)),
        (datetime(1968, 3, 12), date(1968, 3, 12)),
    ],
)
def test_every_date_form_is_read(shangqiu, tmp_path, value, expected):
    rows = family()
    rows[0]["出生日期"] = value
    report = run(write_xlsx(tmp_path / "dates.xlsx", rows))
    assert report.errors == []
    assert Member.objects.get(id_number=HEAD_ID).birth_date == expected


def test_messy_id_numbers(shangqiu, tmp_path):
    rows = family()
    rows[0]["证件号码"] = " " + HEAD_ID.translate(
        str.maketrans("0123456789X", "０１２３４５６７８９ｘ")
    )
    rows[1]["证件号码"] = 4.11421e17  # scientific notation: the digits are gone
    report = run(write_xlsx(tmp_path / "ids.xlsx", rows))
    codes = {(e.row, e.code) for e in report.errors}
    assert (5, "id_scientific_notation") in codes
    assert not any(e.row == 4 for e in report.errors)


def test_codes_labels_and_synonym_headers(shangqiu, tmp_path):
    header = [h.replace("证件号码", "身份证号").replace("脱贫状态", "贫困户状态") for h in HEADER]
    rows = family()
    for row in rows:
        row["身份证号"] = row.pop("证件号码")
        row["贫困户状态"] = "2"  # the national code of 已脱贫(享受政策)
        row["主要致贫原因"] = "01"
        row["饮水是否安全"] = "Y"
    report = run(write_xlsx(tmp_path / "codes.xlsx", rows, header=header))
    assert report.errors == []
    household = Household.objects.get()
    assert household.status == PovertyStatus.EXITED_WITH_POLICY and household.main_cause == "01"


def test_household_columns_must_agree_and_size_must_match(shangqiu, tmp_path):
    rows = family()
    rows[2]["主要致贫原因"] = "因学"
    rows[0]["家庭人口数"] = rows[1]["家庭人口数"] = rows[2]["家庭人口数"] = 4
    report = run(write_xlsx(tmp_path / "disagree.xlsx", rows))
    codes = {(e.row, e.code) for e in report.errors}
    assert (6, "household_values_disagree") in codes
    assert (4, "declared_size_mismatch") in codes


def test_same_number_in_two_villages_and_an_unknown_village(shangqiu, tmp_path):
    rows = family()
    other = person(
        "411421101201001",
        "刘桂兰",
        "女",
        OTHER_HEAD_ID,
        "1948-01-20",
        "户主",
        village="虎西村",
        size=1,
    )
    lost = person(
        "411421101299001",
        "赵六",
        "男",
        make_id_number("411421", date(1980, 1, 1), 9, "1"),
        "1980-01-01",
        "户主",
        village="不存在村",
        size=1,
    )
    report = run(write_xlsx(tmp_path / "villages.xlsx", [*rows, other, lost]))
    codes = {(e.row, e.code) for e in report.errors}
    assert (7, "number_in_two_villages") in codes and (8, "village_unknown") in codes


def test_a_repeated_village_name_is_found_through_its_township(shangqiu, tmp_path):
    rows = [
        person(
            "411421103224001",
            "李四",
            "男",
            HEAD_ID,
            "1968-03-12",
            "户主",
            village="李庄",
            township="北关镇",
            size=1,
        )
    ]
    assert run(write_xlsx(tmp_path / "lizhuang.xlsx", rows)).errors == []
    assert Household.objects.get().village_id == "411421103224"


def test_an_id_already_in_another_household_is_reported_not_merged(shangqiu, tmp_path):
    run(write_xlsx(tmp_path / "first.xlsx", family()))
    intruder = person("411421101201009", "张建国", "男", HEAD_ID, "1968-03-12", "户主", size=1)
    report = run(write_xlsx(tmp_path / "second.xlsx", [intruder]))
    [error] = report.errors
    assert error.code == "id_in_other_household" and "411421101201001" in error.message_zh
    assert Household.objects.count() == 1


def test_dry_run_writes_nothing_and_partial_writes_only_valid_households(shangqiu, tmp_path):
    good = family()
    bad = [
        person("411421101201002", "孙七", "男", "411421196803120000", "1968-03-12", "户主", size=1)
    ]
    clean_dry = run(write_xlsx(tmp_path / "good.xlsx", good), dry_run=True)
    assert clean_dry.households.created == 1 and clean_dry.members.created == 3
    assert not Household.objects.exists() and not Member.objects.exists()
    path = write_xlsx(tmp_path / "mixed.xlsx", [*good, *bad])
    dry = run(path, dry_run=True)
    assert dry.errors and not Household.objects.exists()
    all_or_nothing = run(path)
    assert all_or_nothing.exit_code == 1 and not Household.objects.exists()
    partial = run(path, partial=True)
    assert partial.households.created == 1 and partial.households.rejected == 1
    assert list(Household.objects.values_list("number", flat=True)) == ["411421101201001"]


def test_an_updated_file_updates_with_history(shangqiu, tmp_path):
    run(write_xlsx(tmp_path / "v1.xlsx", family()))
    rows = family()
    for row in rows:
        row["脱贫状态"] = "已脱贫(享受政策)"
        row["工资性收入"] = 12000
    rows[2]["人员状态"] = "迁出"
    for row in rows:
        row["家庭人口数"] = 2
    report = run(write_xlsx(tmp_path / "v2.xlsx", rows))
    assert report.errors == []
    assert (report.households.updated, report.members.updated, report.members.unchanged) == (
        1,
        1,
        2,
    )
    household = Household.objects.get()
    assert household.status == PovertyStatus.EXITED_WITH_POLICY
    assert household.history.count() >= 2
    assert Member.objects.get(id_number=SON_ID).status == MemberStatus.MOVED_OUT
    assert Income.objects.get().wages == 12000


def test_csv_files_in_gbk_are_read(shangqiu, tmp_path):
    buffer = StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for row in family():
        writer.writerow([row[column] for column in HEADER])
    path = tmp_path / "gbk.csv"
    path.write_bytes(buffer.getvalue().encode("gb18030"))
    assert run(path).errors == []
    assert Member.objects.count() == 3


def test_unusable_files_exit_2(shangqiu, tmp_path):
    not_a_sheet = tmp_path / "note.pdf"
    not_a_sheet.write_text("hello")
    no_header = write_xlsx(tmp_path / "noheader.xlsx", [["a", "b"]], header=["甲", "乙"])
    for path in (not_a_sheet, no_header):
        with pytest.raises(UnusableFile):
            run(path)
        with pytest.raises(SystemExit) as exited:
            call_command("import", "registry", str(path), "--json", stdout=StringIO())
        assert exited.value.code == 2


def test_the_command_prints_json_and_writes_an_error_report(shangqiu, tmp_path):
    rows = family()
    rows[2]["证件号码"] = SON_ID[:-1] + ("0" if SON_ID[-1] != "0" else "1")
    path = write_xlsx(tmp_path / "report.xlsx", rows)
    out = StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command(
            "import",
            "registry",
            str(path),
            "--json",
            "--report",
            str(tmp_path / "errors.xlsx"),
            stdout=out,
        )
    assert exited.value.code == 1
    result = json.loads(out.getvalue())
    assert result["rows"] == 3 and result["households"]["rejected"] == 1
    assert result["errors"][0]["row"] == 6 and result["errors"][0]["column"] == "证件号码"
    sheet = openpyxl.load_workbook(tmp_path / "errors.xlsx").active
    rows_back = list(sheet.iter_rows(values_only=True))
    assert rows_back[0][:4] == (
        "Excel 行号",
        "错误（未导入）",
        "提示（已按原值导入，请核实）",
        "市",
    )
    assert rows_back[3][0] == 6 and "证件号码" in rows_back[3][1]


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_export_then_import_is_unchanged(shangqiu, tmp_path, suffix):
    run(write_xlsx(tmp_path / "in.xlsx", family()))
    out = tmp_path / f"out.{suffix}"
    assert export_registry(households_under("411421"), out) == 3
    report = run(out)
    assert report.errors == []
    assert (report.households.unchanged, report.members.unchanged) == (1, 3), report.as_dict()


def test_one_id_number_in_two_households_of_the_file_is_an_error(shangqiu, tmp_path):
    twin = person("411421101201002", "张建国", "男", HEAD_ID, "1968-03-12", "户主", size=1)
    report = run(write_xlsx(tmp_path / "twice.xlsx", [*family(), twin]))
    assert ("id_repeated_in_file", 7) in {(e.code, e.row) for e in report.errors}
    assert not Household.objects.exists()
