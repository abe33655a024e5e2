"""Kinds with their own ways: loans and the rows below them, training courses made from
trainee rows, households by household number, village stations, measures from ledgers."""

from datetime import date

import pytest

from conftest import RENHE, first_village
from tuopin.accounts.roles import Role
from tuopin.assistance.importer import import_ledger
from tuopin.assistance.measures import measures_sync
from tuopin.assistance.models import (
    HousingRenovation,
    Loan,
    LoanRepayment,
    PvStation,
    Trainee,
    TrainingCourse,
)
from tuopin.assistance.tests.factories_import import person_id, registered, write_csv
from tuopin.registry.models import Measure

pytestmark = pytest.mark.django_db

LOAN_HEADER = [
    "贷款人姓名",
    "贷款人身份证号",
    "贷款金额",
    "期限(月)",
    "放款日期",
    "贷款机构",
    "贷款用途",
]


@pytest.fixture
def village():
    return first_village(RENHE)


@pytest.fixture
def cadre(make_user, village):
    return make_user(Role.VILLAGE, village.code)


@pytest.fixture
def family(cadre, village):
    return registered(cadre, village, "411421101001000201")


def test_a_loan_gets_its_due_date_year_and_measure_and_repayments_find_it(tmp_path, family):
    household, ids = family
    loans = write_csv(
        tmp_path / "贷款.csv",
        [LOAN_HEADER, ["张大山", ids[0], "50,000元", 36, "2018-03-15", "民权农商行", "养殖"]],
    )
    report = import_ledger("loan", loans)
    assert report.errors == [] and report.created == 1
    loan = Loan.objects.get()
    assert (loan.year, loan.due_on, loan.purpose) == (2018, date(2021, 3, 15), "2")
    measure = Measure.objects.get(household=household, source="loan")
    assert (measure.category, measure.year, measure.raises_income) == ("03", 2018, True)

    repayments = write_csv(
        tmp_path / "还款.csv",
        [
            ["身份证号", "贷款机构", "放款日期", "还款时间", "偿还金额"],
            [ids[0], "民权农商行", "2018-03-15", "2018-12-20", 1000],
            [ids[0], "民权农商行", "2018-04-01", "2018-12-20", 1000],
        ],
    )
    report = import_ledger("loan_repayment", repayments, partial=True)
    assert [(m.row, m.code) for m in report.errors] == [(3, "parent_missing")]
    assert LoanRepayment.objects.get().loan_id == loan.pk


def test_loan_amount_must_be_positive_and_a_year_must_be_known(tmp_path, family):
    household, ids = family
    path = write_csv(
        tmp_path / "贷款.csv",
        [LOAN_HEADER, ["张大山", ids[0], 0, 36, "2018-03-15", "农商行", ""]],
    )
    report = import_ledger("loan", path)
    assert [m.code for m in report.errors] == ["loan_amount_not_positive"]
    posts = write_csv(
        tmp_path / "岗位.csv",
        [["身份证号", "姓名", "岗位类型"], [ids[1], "刘桂兰", "保洁员"]],
    )
    assert [m.code for m in import_ledger("post", posts).errors] == ["year_empty"]
    assert import_ledger("post", posts, year=2018).created == 1


def test_trainees_make_their_course_once(tmp_path, family):
    household, ids = family
    path = write_csv(
        tmp_path / "培训.csv",
        [
            ["年度", "学员身份证号", "学员姓名", "培训名称", "培训机构", "培训开始日期", "结业"],
            [2018, ids[0], "张大山", "电工培训", "县职教中心", "2018-05-01", "是"],
            [2018, ids[1], "刘桂兰", "电工培训", "县职教中心", "2018-05-01", "否"],
        ],
    )
    report = import_ledger("training", path)
    assert report.errors == [] and report.created == 2
    course = TrainingCourse.objects.get()
    assert course.region_id == "411421000000"
    assert set(Trainee.objects.values_list("course_id", flat=True)) == {course.pk}
    assert import_ledger("training", path).unchanged == 2
    assert TrainingCourse.objects.count() == 1


def test_housing_is_matched_by_household_number(tmp_path, family, village):
    household, ids = family
    path = write_csv(
        tmp_path / "危房.csv",
        [
            ["年度", "户编号", "户主姓名", "鉴定等级", "四类对象类别", "行政区划代码"],
            [2018, household.number, "张大山", "D级", "建档立卡贫困户", ""],
            [2018, "999999", "钱某", "C", "低保户", village.code],
        ],
    )
    report = import_ledger("housing", path)
    assert report.errors == [] and report.not_registered == 1
    matched = HousingRenovation.objects.get(household_number=household.number)
    assert (matched.household_id, matched.grade, matched.priority_group) == (household.pk, "D", "1")
    assert HousingRenovation.objects.get(household_number="999999").region_id == village.code


def test_a_station_belongs_to_the_village_it_names(tmp_path, village):
    path = write_csv(
        tmp_path / "电站.csv",
        [
            ["行政区划代码", "电站名称", "装机容量(千瓦)"],
            [village.code, "朱寨村光伏电站", 300],
            ["", "无村电站", 60],
        ],
    )
    report = import_ledger("pv_station", path, partial=True)
    assert [(m.row, m.code) for m in report.errors] == [(3, "village_empty")]
    assert PvStation.objects.get().village_id == village.code


def test_measures_follow_the_ledgers_and_leave_typed_ones_alone(tmp_path, family, cadre):
    household, ids = family
    Measure.objects.create(household=household, category="01", year=2018, source="")
    path = write_csv(
        tmp_path / "护林员.csv",
        [
            ["年度", "护林员身份证号", "护林员姓名"],
            [2018, ids[0], "张大山"],
            [2018, ids[1], "刘桂兰"],
        ],
    )
    import_ledger("ranger", path)
    ranger = Measure.objects.get(household=household, source="ranger")
    assert ranger.raises_income and ranger.history.first().history_type == "+"
    assert measures_sync() == {"created": 0, "deleted": 0}
    from tuopin.assistance.models import Ranger

    Ranger.objects.all().delete()
    assert measures_sync(kinds=["ranger"]) == {"created": 0, "deleted": 1}
    assert list(Measure.objects.values_list("source", flat=True)) == [""]
    stranger = person_id()
    assert stranger  # an unregistered ranger gives no household a measure


def test_what_one_cell_says_another_may_leave_out(tmp_path, family):
    household, ids = family
    loans = write_csv(
        tmp_path / "贷款.csv",
        [
            ["身份证号", "贷款金额", "放款日期", "到期日期"],
            [ids[0], 30000, "2018-03-15", "2020-03-15"],
        ],
    )
    assert import_ledger("loan", loans).errors == []
    loan = Loan.objects.get()
    assert (loan.term_months, loan.bank, loan.year) == (24, "", 2018)

    aid = write_csv(
        tmp_path / "资助.csv",
        [
            ["身份证号", "资助项目", "发放金额", "发放日期"],
            [ids[2], "营养改善计划", 400, "2018-10-09"],
        ],
    )
    assert import_ledger("student_aid", aid).errors == []
    from tuopin.assistance.models import HealthInsurance, Payment

    assert Payment.objects.values_list("period", "year").get() == ("2018S2", 2018)

    insured = write_csv(
        tmp_path / "参保.csv",
        [["年度", "身份证号", "参保状态"], [2018, ids[0], "已参保"], [2018, ids[1], "未参保"]],
    )
    assert import_ledger("insurance", insured).created == 2
    assert dict(HealthInsurance.objects.values_list("id_number", "basic_insured")) == {
        ids[0]: True,
        ids[1]: False,
    }
