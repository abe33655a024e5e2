"""Unknown is not zero, not no: a blank cell stays unknown from the spreadsheet to the
explanation.

Every fact a rule may read (rules/facts.py) is imported blank from a real .xlsx, then
checked in storage, in every engine (this run's database: SQLite or PostgreSQL; DuckDB on
a Parquet snapshot; the Python evaluator) and in the explanations (live and stored). A
second household of the same file, with the fact given, passes the same clause: the
test can fail.
"""

from datetime import date

import openpyxl
import pytest

from conftest import RENHE, first_village
from tuopin.policy import henan2018
from tuopin.policy.engine import python as pyengine
from tuopin.policy.explain import MISSING, Explainer
from tuopin.policy.rules.ast import parse_clause
from tuopin.policy.rules.facts import HOUSEHOLD_FACTS, MEMBER_FACTS
from tuopin.policy.rules.params import resolve_parameters
from tuopin.policy.rules.sqlcompile import Plan
from tuopin.policy.tests.test_parity import evaluate_everywhere
from tuopin.registry.idnumbers import make_id_number
from tuopin.registry.interchange.importer import import_registry
from tuopin.registry.models import Household, Income, Member

pytestmark = pytest.mark.django_db

AS_OF = date(2018, 12, 31)
HEAD_ID = make_id_number("411421", date(1968, 3, 12), 1, "1")
OTHER_HEAD_ID = make_id_number("411421", date(1966, 5, 2), 2, "1")
INCOME_COLUMNS = ["工资性收入", "生产经营性收入", "财产性收入", "转移性收入", "生产经营性支出"]

HOUSEHOLD_CELLS = {
    "市": "商丘市",
    "县(市、区)": "民权县",
    "乡(镇)": "人和",
    "行政村": "朱寨村",
    "识别标准": "国家标准",
    "贫困户属性": "一般贫困户",
    "主要致贫原因": "因病",
    "脱贫状态": "未脱贫",
    "首次识别年度": 2014,
    "返贫年度": 2016,
    "脱贫年度": 2015,
    "帮扶措施": "产业扶贫",
    "收入年度": 2018,
    "工资性收入": 9000,
    "生产经营性收入": 6000,
    "财产性收入": 300,
    "转移性收入": 1200,
    "生产经营性支出": 1500,
    "危房等级": "A",
    "是否有自有住房": "是",
    "是否易地扶贫搬迁户": "是",
    "搬迁方式": "集中",
    "是否已搬迁入住": "是",
    "饮水是否安全": "是",
    "饮水是否困难": "否",
    "是否通生活用电": "是",
    "是否通生产用电": "是",
    "入户路类型": "水泥路",
    "有无卫生厕所": "是",
    "不愁吃": "是",
    "不愁穿": "是",
}
HEAD_CELLS = {
    "姓名": "张建国",
    "性别": "男",
    "出生日期": "1968-03-12",
    "与户主关系": "户主",
    "民族": "汉族",
    "文化程度": "初中",
    "在校生状况": "非在校生",
    "健康状况": "健康",
    "劳动技能": "普通劳动力",
    "务工状况": "省外务工",
    "务工时间(月)": 10,
    "是否参加城乡居民基本医疗保险": "是",
    "是否参加大病保险": "是",
    "是否参加城乡居民基本养老保险": "是",
    "是否享受低保": "否",
}
# The second member has no ID number (a child not yet numbered), so that the birth date
# and sex are only what the cells say.
DAUGHTER_CELLS = {
    **HEAD_CELLS,
    "姓名": "张丽",
    "性别": "女",
    "出生日期": "2000-01-01",
    "与户主关系": "之女",
}

# Household fact -> the columns that carry it (None: the layout has no such column).
HOUSEHOLD_FACT_COLUMNS = {
    "per_capita_income": INCOME_COLUMNS,
    "net_income": INCOME_COLUMNS,
    "food_secure": ["不愁吃"],
    "clothing_secure": ["不愁穿"],
    "owns_house": ["是否有自有住房"],
    "is_relocated": ["是否易地扶贫搬迁户"],
    "relocation_moved_in": ["是否已搬迁入住"],
    "housing_grade": ["危房等级"],
    "water_safe": ["饮水是否安全"],
    "water_difficult": ["饮水是否困难"],
    "has_household_power": ["是否通生活用电"],
    "has_production_power": ["是否通生产用电"],
    "has_radio_tv": None,
    "has_sanitary_toilet": ["有无卫生厕所"],
    "road_type": ["入户路类型"],
    "identified_year": ["首次识别年度"],
    "returned_year": ["返贫年度"],
    "exit_year": ["脱贫年度"],
    "status": ["脱贫状态"],
    "attribute": ["贫困户属性"],
    "main_cause": ["主要致贫原因"],
}
# Sizes and counts of rows are never unknown: no members or measures is 0 of them.
COUNTS = {"size", "measure_count", "income_measure_count"}
MEMBER_FACT_COLUMNS = {
    "age": "出生日期",
    "sex": "性别",
    "relation": "与户主关系",
    "student_status": "在校生状况",
    "education": "文化程度",
    "is_chronically_ill": "健康状况",
    "is_seriously_ill": "健康状况",
    "is_disabled": "健康状况",
    "labour": "劳动技能",
    "work_status": "务工状况",
    "work_months": "务工时间(月)",
    "has_basic_medical_insurance": "是否参加城乡居民基本医疗保险",
    "has_serious_illness_insurance": "是否参加大病保险",
    "has_basic_pension": "是否参加城乡居民基本养老保险",
    "receives_dibao": "是否享受低保",
}
HEADER = list(dict.fromkeys(["户编号", "证件号码", *HOUSEHOLD_CELLS, *HEAD_CELLS, "人员状态"]))


def write_xlsx(path, rows: list[dict]):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["2018年民权县建档立卡贫困人口信息表"])
    sheet.append(HEADER)
    for row in rows:
        sheet.append([row.get(column) for column in HEADER])
    workbook.save(path)
    return path


def family(number: str, head_id: str, household_blank=(), daughter_blank=()) -> list[dict]:
    household = {**HOUSEHOLD_CELLS, "户编号": number}
    household.update(dict.fromkeys(household_blank))
    head = {**household, **HEAD_CELLS, "证件号码": head_id}
    daughter = {**household, **DAUGHTER_CELLS, **dict.fromkeys(daughter_blank)}
    return [head, daughter]


def import_clean(path):
    report = import_registry(path)
    assert report.errors == [], [e.as_dict() for e in report.errors]
    assert report.written
    return report


def unknown_and_known(tmp_path, household_blank=(), daughter_blank=()) -> tuple:
    """Import two households, the first with the cells blank; both stored."""
    rows = [
        *family("411421101201001", HEAD_ID, household_blank, daughter_blank),
        *family("411421101201002", OTHER_HEAD_ID),
    ]
    import_clean(write_xlsx(tmp_path / "blank.xlsx", rows))
    return (
        Household.objects.get(number="411421101201001"),
        Household.objects.get(number="411421101201002"),
    )


def same_as_itself(name: str, member: bool) -> dict:
    """fact = fact: true when the fact is known, unknown when it is not."""
    itself = {"op": "eq", "args": [{"fact": name}, {"fact": name}]}
    return {"op": "all", "over": "members", "where": itself} if member else itself


def letters_everywhere(clauses, ids, tmp_path) -> dict[int, dict[str, tuple]]:
    """household id -> engine -> (clause letters, values seen), and the Python facts."""
    plan = Plan("household", clauses, resolve_parameters(henan2018.PARAMETERS, 2018, AS_OF))
    village = first_village(RENHE)
    by_db, by_duck, by_python = evaluate_everywhere(plan, village.code, AS_OF, ids, tmp_path)
    answers = {}
    for household_id in ids:
        python = by_python[household_id]
        letters = "".join(
            {"pass": "P", "fail": "F", "unknown": "U"}[python["clauses"][code]]
            for code, _node in clauses
        )
        duck_row = by_duck[household_id]
        answers[household_id] = {
            "db": (by_db[household_id][4], pyengine.decode_seen(plan.seen, by_db[household_id][5])),
            "duckdb": (duck_row["clauses"], pyengine.decode_seen(plan.seen, duck_row["seen"])),
            "python": (letters, python["seen"]),
        }
    return answers


def explanations(node, household: Household, seen: dict, member: bool) -> tuple[str, str]:
    """The live explanation (Python evaluator, names) and the stored one (values seen)."""
    from tuopin.registry.analytic import sources

    params = resolve_parameters(henan2018.PARAMETERS, 2018, AS_OF)
    rows = sources.base_rows(household.village_id, [household.pk], names=True)
    facts, members = next(pyengine.household_facts(rows, 2018, 20181231))
    live = Explainer(HOUSEHOLD_FACTS, henan2018.PARAMETERS, params).clause(node, facts, members)
    plan = Plan("household", [("c", node)], params)
    counts = {q: (seen.get(f"q{i}_t"), seen.get(f"q{i}_n")) for i, q in enumerate(plan.quantifiers)}
    stored = Explainer(HOUSEHOLD_FACTS, henan2018.PARAMETERS, params, counts).clause(node, seen)
    return "；".join(live), "；".join(stored)


def test_every_fact_has_a_case():
    assert set(HOUSEHOLD_FACT_COLUMNS) | COUNTS == set(HOUSEHOLD_FACTS)
    assert set(MEMBER_FACT_COLUMNS) == set(MEMBER_FACTS)


@pytest.mark.parametrize("name", sorted(HOUSEHOLD_FACT_COLUMNS))
def test_a_blank_household_fact_is_unknown_everywhere(shangqiu, tmp_path, name):
    columns = HOUSEHOLD_FACT_COLUMNS[name] or ()
    blank, known = unknown_and_known(tmp_path, household_blank=columns)
    # Storage: NULL (or the empty code), never 0 or no.
    if columns is INCOME_COLUMNS:
        income = Income.objects.get(household=blank, year=2018)
        stored = [
            income.wages,
            income.business,
            income.property_income,
            income.transfers,
            income.production_costs,
        ]
        assert stored == [None] * 5 and income.net_income is None
    else:
        assert getattr(blank, name) in (None, ""), getattr(blank, name)
    node = parse_clause(same_as_itself(name, False), HOUSEHOLD_FACTS, henan2018.PARAMETERS)
    answers = letters_everywhere([("c", node)], [blank.pk, known.pk], tmp_path)
    for engine, (letters, seen) in answers[blank.pk].items():
        assert letters == "U", (engine, letters)
        assert seen[name] is None, (engine, seen)
    if HOUSEHOLD_FACT_COLUMNS[name] is not None:  # the layout gives it: known passes
        for engine, (letters, _seen) in answers[known.pk].items():
            assert letters == "P", (engine, letters)
    live, stored = explanations(node, blank, answers[blank.pk]["db"][1], member=False)
    assert MISSING in live and MISSING in stored


@pytest.mark.parametrize("name", sorted(MEMBER_FACT_COLUMNS))
def test_a_blank_member_fact_is_unknown_everywhere(shangqiu, tmp_path, name):
    column = MEMBER_FACT_COLUMNS[name]
    blank, known = unknown_and_known(tmp_path, daughter_blank=[column])
    daughter = Member.objects.get(household=blank, name="张丽")
    field = "birth_date" if name == "age" else name
    assert getattr(daughter, field) in (None, ""), getattr(daughter, field)
    node = parse_clause(same_as_itself(name, True), HOUSEHOLD_FACTS, henan2018.PARAMETERS)
    answers = letters_everywhere([("c", node)], [blank.pk, known.pk], tmp_path)
    for engine, (letters, seen) in answers[blank.pk].items():
        assert letters == "U", (engine, letters)
        assert (seen["q0_t"], seen["q0_n"]) == (1, 1), (engine, seen)
    for engine, (letters, _seen) in answers[known.pk].items():
        assert letters == "P", (engine, letters)
    live, stored = explanations(node, blank, answers[blank.pk]["db"][1], member=True)
    assert f"张丽（{MEMBER_FACTS[name].label} {MISSING}）" in live, live
    assert "待核实 1 人" in stored, stored


def test_blank_incomes_make_the_income_clause_unknown_on_every_engine(shangqiu, tmp_path):
    """The shipped henan-2018 income clause: unknown (待核实), never fail, for a household
    whose income cells are all blank with 收入年度 given; one unknown component is enough."""
    rows = [
        *family("411421101201001", HEAD_ID, household_blank=INCOME_COLUMNS),
        *family("411421101201002", OTHER_HEAD_ID, household_blank=["财产性收入"]),
    ]
    import_clean(write_xlsx(tmp_path / "incomes.xlsx", rows))
    households = list(Household.objects.order_by("number"))
    income = [c for c in henan2018.HOUSEHOLD_CLAUSES if c[0] == "income"][0]
    node = parse_clause(income[3], HOUSEHOLD_FACTS, henan2018.PARAMETERS)
    answers = letters_everywhere([("income", node)], [h.pk for h in households], tmp_path)
    for household in households:
        for engine, (letters, seen) in answers[household.pk].items():
            assert letters == "U", (household.number, engine)
            assert seen["per_capita_income"] is None
    live, stored = explanations(node, households[0], answers[households[0].pk]["db"][1], False)
    assert f"人均纯收入 {MISSING}" in live and f"人均纯收入 {MISSING}" in stored


# --- real spreadsheets: incomes, amounts, resettlement, suspect values -------------------


def test_blank_incomes_show_as_not_reported_export_blank_and_reimport_unchanged(
    shangqiu, make_user, tmp_path
):
    from django.test import Client
    from django.urls import reverse

    from tuopin.accounts.roles import Role
    from tuopin.registry.interchange.exporter import export_registry, households_under

    rows = family("411421101201001", HEAD_ID, household_blank=INCOME_COLUMNS)
    import_clean(write_xlsx(tmp_path / "in.xlsx", rows))
    household = Household.objects.get()
    client = Client()
    client.force_login(make_user(Role.COUNTY_OFFICE, "411421000000"))
    page = client.get(reverse("registry:household", args=[household.pk])).content.decode()
    incomes = page.split('data-testid="incomes"')[1].split("</table>")[0]
    assert incomes.count("未填报") == 6  # five amounts and the per-capita income
    assert ">0<" not in incomes and "0.00" not in incomes
    out = tmp_path / "out.xlsx"
    export_registry(households_under("411421"), out)
    sheet = openpyxl.load_workbook(out).active
    header = [cell.value for cell in sheet[1]]
    first = [cell.value for cell in sheet[2]]
    assert first[header.index("收入年度")] == 2018
    assert [first[header.index(c)] for c in INCOME_COLUMNS] == [None] * 5
    again = import_registry(out)
    assert again.errors == [] and again.households.unchanged == 1, again.as_dict()
    income = Income.objects.get()
    assert (income.wages, income.production_costs, income.net_income) == (None, None, None)


def test_a_dibao_household_without_the_amount_is_not_counted_as_amount_zero(shangqiu, tmp_path):
    """The layout carries no 低保金: a 低保 household's amount is unknown, not zero."""
    from tuopin.registry.quality import quality_counts

    rows = family("411421101201001", HEAD_ID)
    for row in rows:
        row["贫困户属性"] = "低保贫困户"
    rows[0]["是否享受低保"] = "是"
    rows += family("411421101201002", OTHER_HEAD_ID, household_blank=INCOME_COLUMNS)
    for row in rows[2:]:
        row["贫困户属性"] = "特困供养贫困户"
    import_clean(write_xlsx(tmp_path / "dibao.xlsx", rows))
    assert Income.objects.filter(dibao_payment__isnull=True, tekun_payment__isnull=True).count()
    assert quality_counts(None)["dibao_tekun_amount_zero"] == 0
    Income.objects.filter(household__number="411421101201001").update(dibao_payment=0)
    assert quality_counts(None)["dibao_tekun_amount_zero"] == 1


@pytest.mark.parametrize(
    ("relocated", "mode", "moved_in", "stored", "housing"),
    [
        ("是", "集中", "是", (True, "1", True), "P"),
        ("√", "分散安置", "否", (True, "2", False), "F"),
        ("是", "分散", "", (True, "2", None), "U"),
        ("否", "", "", (False, "", None), "F"),
        ("", "", "", (None, "", None), "U"),
    ],
)
def test_resettlement_is_imported_exported_and_read_by_the_housing_clause(
    shangqiu, tmp_path, relocated, mode, moved_in, stored, housing
):
    """A household without a house of its own: the housing clause passes only when it is
    resettled and moved in; unknown when that is not known."""
    from tuopin.registry.interchange.exporter import export_registry, households_under

    rows = family("411421101201001", HEAD_ID)
    for row in rows:
        row.update({"是否有自有住房": "否", "危房等级": "A"})
        row.update({"是否易地扶贫搬迁户": relocated, "搬迁方式": mode, "是否已搬迁入住": moved_in})
    import_clean(write_xlsx(tmp_path / "in.xlsx", rows))
    household = Household.objects.get()
    assert (
        household.is_relocated,
        household.relocation_mode,
        household.relocation_moved_in,
    ) == stored
    out = tmp_path / "out.xlsx"
    export_registry(households_under("411421"), out)
    again = import_registry(out)
    assert again.errors == [] and again.households.unchanged == 1, again.as_dict()
    household.refresh_from_db()
    assert (
        household.is_relocated,
        household.relocation_mode,
        household.relocation_moved_in,
    ) == stored
    clause = [c for c in henan2018.HOUSEHOLD_CLAUSES if c[0] == "housing"][0]
    node = parse_clause(clause[3], HOUSEHOLD_FACTS, henan2018.PARAMETERS)
    answers = letters_everywhere([("housing", node)], [household.pk], tmp_path)
    assert {engine: letters for engine, (letters, _s) in answers[household.pk].items()} == {
        "db": housing,
        "duckdb": housing,
        "python": housing,
    }


def test_resettlement_headers_are_read_under_their_synonyms(shangqiu, tmp_path):
    rows = family("411421101201001", HEAD_ID)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    renamed = {
        "是否易地扶贫搬迁户": "易地搬迁户",
        "搬迁方式": "安置方式",
        "是否已搬迁入住": "已入住",
    }
    sheet.append([renamed.get(column, column) for column in HEADER])
    for row in rows:
        sheet.append([row.get(column) for column in HEADER])
    workbook.save(tmp_path / "synonyms.xlsx")
    import_clean(tmp_path / "synonyms.xlsx")
    household = Household.objects.get()
    assert (household.is_relocated, household.relocation_mode, household.relocation_moved_in) == (
        True,
        "1",
        True,
    )


def test_suspect_values_load_with_warnings_and_their_checks_find_them(shangqiu, tmp_path):
    """Stored as given, reported as warnings (row, column, Chinese and English), nothing
    refused; then counted by their quality checks. An unstorable value stays an error."""
    from tuopin.registry.quality import quality_counts

    rows = family("411421101201001", HEAD_ID)
    rows[1]["务工时间(月)"] = 13
    rows[1]["性别"] = "男"  # a daughter recorded as male: relation does not fit the sex
    report = import_registry(write_xlsx(tmp_path / "suspect.xlsx", rows))
    assert report.errors == [] and report.written and report.exit_code == 0
    warnings = {(w.row, w.column, w.code) for w in report.warnings}
    assert warnings == {
        (4, "务工时间(月)", "work_months_range"),
        (4, "与户主关系", "relation_sex_mismatch"),
    }
    months = [w for w in report.warnings if w.code == "work_months_range"][0].as_dict()
    assert "13" in months["message"] and "13" in months["message_en"]
    from tuopin.registry.interchange.report import write_error_report

    write_error_report(tmp_path / "suspect.xlsx", report, tmp_path / "report.xlsx")
    lines = list(
        openpyxl.load_workbook(tmp_path / "report.xlsx").active.iter_rows(values_only=True)
    )
    daughter_line = [line for line in lines if line[0] == 4][0]
    assert daughter_line[1] in (None, "")  # no error
    assert "务工时间(月)：" in daughter_line[2] and "stored as given" in daughter_line[2]
    daughter = Member.objects.get(name="张丽")
    assert daughter.work_months == 13 and daughter.sex == "1"
    counts = quality_counts(None)
    assert counts["work_months_out_of_range"] == 1 and counts["relation_sex_mismatch"] == 1
    rows = family("411421101201002", OTHER_HEAD_ID)
    rows[1]["务工时间(月)"] = -1
    refused = import_registry(write_xlsx(tmp_path / "negative.xlsx", rows))
    assert {(e.row, e.column, e.code) for e in refused.errors} == {
        (4, "务工时间(月)", "work_months_unstorable")
    }
    assert not Household.objects.filter(number="411421101201002").exists()


@pytest.mark.parametrize("engine", ["db", "duckdb"])
def test_stored_runs_explanations_and_ledger_keep_blank_incomes_unknown(
    shangqiu, make_user, tmp_path, engine
):
    """A stored evaluation (each engine), its explanation and the shortfall ledger: the
    household with blank incomes is 待核实 on the income clause, never 未达标."""
    from tuopin.accounts.roles import Role
    from tuopin.policy.ledgers import write_household_ledger
    from tuopin.policy.models import HouseholdResult, PolicyVersion
    from tuopin.policy.runs import evaluation_run
    from tuopin.policy.selectors import stored_explanation

    rows = family("411421101201001", HEAD_ID, household_blank=INCOME_COLUMNS)
    import_clean(write_xlsx(tmp_path / "in.xlsx", rows))
    henan = PolicyVersion.objects.get(code="henan-2018", version=1)
    village = first_village(RENHE)
    run = evaluation_run(
        acting_user=None, policy=henan, year=2018, region_code=village.code, engine=engine
    )
    row = HouseholdResult.objects.get(run=run)
    assert row.result == "unknown"
    explained = {c["code"]: c for c in stored_explanation(run, row)}
    assert explained["income"]["verdict"] == "待核实"
    assert f"人均纯收入 {MISSING}" in "；".join(explained["income"]["sentences"])
    assert {c["value"] for code, c in explained.items() if code != "income"} == {"pass"}
    user = make_user(Role.COUNTY_OFFICE, "411421000000")
    path = tmp_path / "ledger.xlsx"
    assert (
        write_household_ledger(user, [(run, [village.code[:9]])], village.code, path, passing=False)
        == 1
    )
    sheet = openpyxl.load_workbook(path).active
    header = [cell.value for cell in sheet[2]]
    line = [cell.value for cell in sheet[3]]
    assert line[header.index("评估结果")] == "待核实"
    assert line[header.index("未达标条款")] in (None, "")
    assert line[header.index("待核实条款")] == "收入稳定超过国家扶贫标准"


def test_amounts_that_cannot_be_stored_are_row_errors_not_a_failed_insert(shangqiu, tmp_path):
    rows = family("411421101201001", HEAD_ID)
    for row in rows:
        row.update({"生产经营性支出": -5, "工资性收入": "123456789012"})
    report = import_registry(write_xlsx(tmp_path / "amounts.xlsx", rows))
    assert {(e.column, e.code) for e in report.errors} == {
        ("生产经营性支出", "value_negative"),
        ("工资性收入", "value_too_large"),
    }
    assert not Household.objects.exists()
    rows = family("411421101201001", HEAD_ID)
    for row in rows:
        row.update({"生产经营性收入": -800})  # a business loss: stored as given
    import_clean(write_xlsx(tmp_path / "loss.xlsx", rows))
    assert Income.objects.get().business == -800
