"""Stored runs, the evaluate command, area evaluations, comparisons and indicator imports."""

import csv
import io
import json
from decimal import Decimal

import openpyxl
import pyarrow.parquet as pq
import pytest
from django.core.management import CommandError, call_command

from conftest import MINQUAN, RENHE, first_village
from tuopin.accounts.roles import Role
from tuopin.core.errors import TuopinError
from tuopin.policy.indicators import indicators_import
from tuopin.policy.models import AreaResult, HouseholdResult, PolicyVersion
from tuopin.policy.runs import evaluation_run
from tuopin.policy.selectors import run_comparison
from tuopin.policy.services import county_indicator_record, policy_draft_open
from tuopin.policy.tests.test_henan import household
from tuopin.regions.models import Region
from tuopin.registry.models import Household, Member

pytestmark = pytest.mark.django_db


@pytest.fixture
def henan():
    return PolicyVersion.objects.get(code="henan-2018", version=1)


def evaluate(*args) -> str:
    out = io.StringIO()
    call_command("evaluate", *args, stdout=out)
    return out.getvalue()


def test_evaluate_prints_json_and_writes_the_csv_layout(tmp_path):
    household("C1")
    household("C2", facts={"housing_grade": "C"}, income=False)
    out = tmp_path / "r.csv"
    summary = json.loads(
        evaluate(
            "--policy",
            "henan-2018",
            "--year",
            "2018",
            "--region",
            "411421101",
            "--json",
            "--out",
            str(out),
        )
    )
    assert summary["total"] == 2 and summary["results"] == {"pass": 1, "fail": 1, "unknown": 0}
    assert summary["clauses"]["income"] == {"pass": 1, "fail": 0, "unknown": 1}
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows[0] == [
        "household_number",
        "village_code",
        "result",
        "income",
        "food_clothing",
        "education",
        "medical",
        "housing",
        "water",
        "not_new_this_year",
        "has_measure",
    ]
    by_number = {row[0]: row for row in rows[1:]}
    assert by_number["C1"][2:] == ["pass"] * 9
    assert by_number["C2"][2] == "fail" and by_number["C2"][3] == "unknown"
    assert by_number["C2"][7] == "fail"


@pytest.mark.parametrize("suffix", ["xlsx", "parquet"])
def test_evaluate_writes_xlsx_and_parquet(tmp_path, suffix):
    household("D1", facts={"water_safe": False})
    out = tmp_path / f"r.{suffix}"
    evaluate("--policy", "henan-2018", "--year", "2018", "--engine", "duckdb", "--out", str(out))
    if suffix == "xlsx":
        rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    else:
        table = pq.read_table(out)
        rows = [tuple(table.column_names), *zip(*table.to_pydict().values(), strict=True)]
    assert rows[0][:3] == ("household_number", "village_code", "result")
    assert rows[1][0] == "D1" and rows[1][2] == "fail" and rows[1][rows[0].index("water")] == "fail"


def test_evaluate_refuses_unknown_regions_policies_and_years():
    with pytest.raises(CommandError, match="不存在"):
        evaluate("--policy", "henan-2018", "--year", "2018", "--region", "999999")
    with pytest.raises(CommandError, match="没有已发布的退出标准"):
        evaluate("--policy", "nowhere-2018", "--year", "2018")
    with pytest.raises(CommandError, match="2009"):
        evaluate("--policy", "henan-2018", "--year", "2009")


def test_a_run_records_version_parameters_and_values_seen(henan):
    poor = household("S1", income="5780.00")
    run = evaluation_run(acting_user=None, policy=henan, year=2018, region_code=MINQUAN)
    assert run.policy == henan and run.parameters["poverty_line"] == 2995
    assert run.as_of.isoformat() == "2018-12-31"
    row = HouseholdResult.objects.get(run=run, household=poor)
    seen = dict(zip([key for key, _type in run.seen_keys], row.seen.split("|"), strict=True))
    assert float(seen["per_capita_income"]) == 2890.0 and seen["housing_grade"] == "B"


def test_drafts_cannot_run_and_published_runs_stay_reproducible(henan, make_user):
    city = make_user(Role.CITY_OFFICE, "411400000000")
    draft = policy_draft_open(acting_user=city, code="henan-2018")
    with pytest.raises(TuopinError, match="尚未发布"):
        evaluation_run(acting_user=None, policy=draft, year=2018, region_code=MINQUAN)


def test_a_township_user_may_run_only_inside_the_township(henan, make_user):
    township = make_user(Role.TOWNSHIP, RENHE)
    household("T1")
    run = evaluation_run(acting_user=township, policy=henan, year=2018, region_code=RENHE)
    assert run.counts["total"] == 1
    with pytest.raises(Exception) as refused:
        evaluation_run(acting_user=township, policy=henan, year=2018, region_code=MINQUAN)
    assert refused.type.__name__ in ("OutOfScope", "PermissionDenied")
    village = make_user(Role.VILLAGE, first_village(RENHE).code)
    with pytest.raises(Exception, match="evaluation.run"):
        evaluation_run(
            acting_user=village, policy=henan, year=2018, region_code=first_village(RENHE).code
        )


def test_comparison_names_the_households_and_the_clause_that_changed(henan):
    target = household("K1", facts={"water_safe": False})
    household("K2")
    before = evaluation_run(acting_user=None, policy=henan, year=2018, region_code=MINQUAN)
    Household.objects.filter(pk=target.pk).update(water_safe=True)
    after = evaluation_run(acting_user=None, policy=henan, year=2018, region_code=MINQUAN)
    comparison = run_comparison(_superuser(), before, after)
    assert comparison["total"] == 1
    assert comparison["transitions"] == {("fail", "pass"): 1}
    (row,) = comparison["rows"]
    assert row["household_number"] == "K1"
    assert row["clauses"] == [
        {"code": "water", "title": "饮水安全", "before": "fail", "after": "pass"}
    ]


def _superuser():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("root", password="x")


def test_village_exit_uses_registry_incidence_and_entered_indicators(henan, make_user):
    village = first_village(RENHE)
    Region.objects.filter(code=village.code).update(is_poor_village=True, registered_population=100)
    poor = household("V1")  # two current members, not exited
    run = evaluation_run(
        acting_user=None, policy=henan, year=2018, region_code=MINQUAN, level="village"
    )
    row = AreaResult.objects.get(run=run, region=village)
    values = dict(zip(run.clause_codes, row.clauses, strict=True))
    assert values["incidence"] == "F"  # 2 of 100 = 2%, not below 2%
    assert values["road"] == "U" and row.result == "fail"
    Member.objects.filter(household=poor).first().delete()  # 1 of 100
    county = make_user(Role.COUNTY_OFFICE, MINQUAN)
    from tuopin.policy.services import village_indicator_record

    village_indicator_record(
        acting_user=county,
        village_code=village.code,
        year=2018,
        **{
            name: True
            for name in (
                "road",
                "bus",
                "water",
                "electricity",
                "radio_tv",
                "culture_centre",
                "clinic",
                "doctor",
                "broadband",
            )
        },
    )
    run = evaluation_run(
        acting_user=None, policy=henan, year=2018, region_code=MINQUAN, level="village"
    )
    row = AreaResult.objects.get(run=run, region=village)
    assert row.clauses == "P" * 10 and row.result == "pass"


def test_county_exit_is_unknown_until_rates_are_entered(henan, make_user):
    run = evaluation_run(
        acting_user=None, policy=henan, year=2018, region_code=MINQUAN, level="county"
    )
    row = AreaResult.objects.get(run=run)
    assert row.result == "unknown"
    Region.objects.filter(code=MINQUAN).update(registered_population=900_000)
    county_indicator_record(
        acting_user=make_user(Role.CITY_OFFICE, "411400000000"),
        county_code=MINQUAN,
        year=2018,
        wrong_exit_rate=Decimal("0.50"),
        missed_rate=Decimal("1.20"),
        approval=Decimal("95.38"),
    )
    run = evaluation_run(
        acting_user=None, policy=henan, year=2018, region_code=MINQUAN, level="county"
    )
    row = AreaResult.objects.get(run=run)
    assert row.result == "pass" and row.clauses == "PPPPP"
    with pytest.raises(TuopinError, match="0 到 100"):
        county_indicator_record(acting_user=None, county_code=MINQUAN, year=2018, approval=101)


def test_indicator_import_writes_all_rows_or_none(tmp_path, make_user):
    county = make_user(Role.COUNTY_OFFICE, MINQUAN)
    villages = list(Region.objects.filter(parent_id=RENHE).order_by("code")[:2])
    good = tmp_path / "v.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["2018年贫困村退出指标"])
    sheet.append(["行政区划代码", "通硬化路", "宽带", "村集体经济收入"])
    sheet.append([villages[0].code, "是", "×", 32000])
    sheet.append([villages[1].code, "√", "", None])
    workbook.save(good)
    report = indicators_import(acting_user=county, path=good, year=2018)
    assert report.errors == [] and report.written == 2
    from tuopin.policy.models import VillageIndicator

    first = VillageIndicator.objects.get(village=villages[0], year=2018)
    assert (first.road, first.broadband, first.collective_income) == (True, False, Decimal("32000"))
    assert VillageIndicator.objects.get(village=villages[1]).broadband is None
    bad = tmp_path / "bad.csv"
    bad.write_text(
        f"行政区划代码,通硬化路\n{villages[0].code},否\n999999999999,是\n{villages[1].code},也许\n",
        encoding="utf-8",
    )
    report = indicators_import(acting_user=county, path=bad, year=2018)
    assert [(e["row"], e["column"]) for e in report.errors] == [
        (3, "行政区划代码"),
        (4, "通硬化路"),
    ]
    assert report.written == 0
    first.refresh_from_db()
    assert first.road is True  # nothing half-written


def test_indicator_import_refuses_villages_outside_the_users_county(tmp_path, make_user):
    county = make_user(Role.COUNTY_OFFICE, MINQUAN)
    foreign = Region.objects.filter(code__startswith="411422", level="village").first()
    path = tmp_path / "v.csv"
    path.write_text(f"行政区划代码,通硬化路\n{foreign.code},是\n", encoding="utf-8")
    report = indicators_import(acting_user=county, path=path, year=2018)
    assert report.written == 0 and report.errors[0]["row"] == 2


def test_seed_exit_flags_poor_villages_enters_indicators_and_runs_every_level():
    household("Z1")
    out = io.StringIO()
    call_command("seed_exit", "--region", "411421", "--year", "2018", "--seed", "3", stdout=out)
    poor = Region.objects.filter(code__startswith="411421", is_poor_village=True)
    assert poor.exists() and not poor.exclude(kind="village").exists()
    from tuopin.policy.models import EvaluationRun, VillageIndicator

    assert VillageIndicator.objects.filter(year=2018).count() == poor.count()
    assert sorted(EvaluationRun.objects.values_list("level", flat=True)) == [
        "county",
        "household",
        "village",
    ]
    flagged = set(poor.values_list("code", flat=True))
    call_command("seed_exit", "--region", "411421", "--if-empty", stdout=io.StringIO())
    assert EvaluationRun.objects.count() == 3  # --if-empty: nothing again
    assert (
        set(Region.objects.filter(is_poor_village=True).values_list("code", flat=True)) == flagged
    )


def test_evaluate_prints_the_csv_itself_with_out_dash(capsys):
    household("O1")
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "evaluate",
        "--policy",
        "henan-2018",
        "--year",
        "2018",
        "--out",
        "-",
        "--json",
        stdout=out,
        stderr=err,
    )
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("household_number,village_code,result,income")
    assert lines[1].startswith("O1,") and lines[1].endswith(",pass")
    assert json.loads(err.getvalue())["total"] == 1


def test_imported_edge_households_evaluate_as_domain_section_4_requires(tmp_path):
    """From the registry spreadsheet, as offices send it, through `tuopin evaluate`."""
    from datetime import date

    from tuopin.registry.interchange.importer import import_registry
    from tuopin.registry.tests.factories import member

    village = first_village(RENHE)
    header = [
        "行政区划代码", "户编号", "姓名", "性别", "证件号码", "出生日期", "与户主关系", "在校生状况",
        "健康状况", "是否参加城乡居民基本医疗保险", "是否参加大病保险", "首次识别年度", "收入年度",
        "工资性收入", "生产经营性收入", "财产性收入", "转移性收入", "生产经营性支出", "危房等级",
        "是否有自有住房", "饮水是否安全", "饮水是否困难", "不愁吃", "不愁穿", "帮扶措施",
    ]  # fmt: skip
    # Every income column given (a blank or absent one is unknown, and so is the income).
    known_zero = dict.fromkeys(
        ["生产经营性收入", "财产性收入", "转移性收入", "生产经营性支出"], "0"
    )
    households = {
        # number: (members [(relation, sex, birth, student, health)], wages, overrides)
        "E-LINE": ([("户主", "男", date(1970, 1, 1), "非在校生", "健康")] * 1, "2995", {}),
        "E-ABOVE": ([("户主", "男", date(1970, 1, 1), "非在校生", "健康")], "2995.01", {}),
        "E-CHILD": (
            [
                ("户主", "男", date(1970, 1, 1), "非在校生", "健康"),
                ("之子", "男", date(2012, 12, 31), "非在校生", "健康"),
            ],
            "9000",
            {},
        ),
        "E-CHILD5": (
            [
                ("户主", "男", date(1970, 1, 1), "非在校生", "健康"),
                ("之子", "男", date(2013, 1, 1), "非在校生", "健康"),
            ],
            "9000",
            {},
        ),
        "E-DISABLED": (
            [
                ("户主", "男", date(1970, 1, 1), "非在校生", "健康"),
                ("之女", "女", date(2008, 6, 1), "非在校生", "残疾"),
            ],
            "9000",
            {},
        ),
        "E-HOUSE": (
            [("户主", "男", date(1970, 1, 1), "非在校生", "健康")],
            "9000",
            {"危房等级": "C"},
        ),
        "E-FOOD": ([("户主", "男", date(1970, 1, 1), "非在校生", "健康")], "9000", {"不愁吃": ""}),
        "E-NEW": (
            [("户主", "男", date(1970, 1, 1), "非在校生", "健康")],
            "9000",
            {"首次识别年度": "2018"},
        ),
        "E-NOMEASURE": (
            [("户主", "男", date(1970, 1, 1), "非在校生", "健康")],
            "9000",
            {"帮扶措施": ""},
        ),
    }
    lines = [",".join(header)]
    for number, (people, wages, overrides) in households.items():
        for relation, sex, birth, student, health in people:
            person = member(
                relation={"户主": "02", "之子": "20", "之女": "30"}[relation],
                sex="1" if sex == "男" else "2",
                birth=birth,
            )
            values = {
                "行政区划代码": village.code, "户编号": number, "姓名": person["name"], "性别": sex,
                "证件号码": person["id_number"], "出生日期": birth.isoformat(), "与户主关系": relation,
                "在校生状况": student, "健康状况": health, "是否参加城乡居民基本医疗保险": "是",
                "是否参加大病保险": "是", "首次识别年度": "2016", "收入年度": "2018", "工资性收入": wages,
                "危房等级": "B", "是否有自有住房": "是", "饮水是否安全": "是", "饮水是否困难": "否",
                "不愁吃": "是", "不愁穿": "是", "帮扶措施": "产业扶贫", **known_zero, **overrides,
            }  # fmt: skip
            lines.append(",".join(values[column] for column in header))
    source = tmp_path / "edges.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = import_registry(source)
    assert report.errors == [], report.errors[:3]
    out = tmp_path / "r.csv"
    for engine in ("db", "duckdb"):
        evaluate(
            "--policy",
            "henan-2018",
            "--year",
            "2018",
            "--region",
            village.code,
            "--engine",
            engine,
            "--out",
            str(out),
        )
        rows = {row["household_number"]: row for row in csv.DictReader(out.open(encoding="utf-8"))}
        assert rows["E-LINE"]["income"] == "fail" and rows["E-ABOVE"]["income"] == "pass"
        assert rows["E-ABOVE"]["result"] == "pass"
        assert rows["E-CHILD"]["education"] == "fail"  # six on 31 December 2018
        assert rows["E-CHILD5"]["education"] == "pass"  # six only on 1 January 2019
        assert rows["E-DISABLED"]["education"] == "pass"
        assert rows["E-HOUSE"]["housing"] == "fail"
        assert (
            rows["E-FOOD"]["food_clothing"] == "unknown" and rows["E-FOOD"]["result"] == "unknown"
        )
        assert rows["E-NEW"]["not_new_this_year"] == "fail"
        assert rows["E-NOMEASURE"]["has_measure"] == "fail"
