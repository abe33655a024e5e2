"""The ledger import engine: rows kept as received, matched to the registry, errors by
row and column in Chinese and English, dry run, all or nothing, re-import unchanged."""

from datetime import date

import pytest

from conftest import RENHE, first_village
from tuopin.accounts.roles import Role
from tuopin.assistance.importer import import_ledger
from tuopin.assistance.models import Payment, StudentEnrolment
from tuopin.assistance.tests.factories_import import person_id, registered, write_csv, write_xlsx

pytestmark = pytest.mark.django_db

STUDENT_HEADER = ["年度", "学生姓名", "学生身份证号", "户编号", "学段", "学校", "寄宿生"]


@pytest.fixture
def village():
    return first_village(RENHE)


@pytest.fixture
def family(make_user, village):
    cadre = make_user(Role.VILLAGE, village.code)
    return registered(cadre, village, "411421101001000101")


def test_students_are_matched_and_an_unregistered_one_is_kept_as_a_finding(tmp_path, family):
    household, ids = family
    stranger = person_id(date(2010, 3, 1))
    path = write_csv(
        tmp_path / "学籍.csv",
        [
            STUDENT_HEADER,
            [2018, "张小军", ids[2], household.number, "初中", "人和镇一中", "是"],
            [2018, "赵外来", stranger, "", "小学", "人和镇小学", "否"],
        ],
        title="2018年 建档立卡学生学籍台账",
    )
    report = import_ledger("student", path)
    assert report.errors == []
    assert (report.created, report.not_registered, report.written) == (2, 1, True)
    matched = StudentEnrolment.objects.get(id_number=ids[2])
    assert matched.household_id == household.pk and matched.member_id is not None
    assert matched.region_id == household.village_id
    assert (matched.stage, matched.boarding, matched.source_row) == ("junior", True, 3)
    kept = StudentEnrolment.objects.get(id_number=stranger)
    assert kept.household_id is None and kept.member_id is None
    assert kept.region_id == "411421000000"  # the county of the ID number
    finding = [w for w in report.warnings if w.code == "not_registered"]
    assert [(w.row, w.message_zh[:8]) for w in finding] == [(4, "不在建档立卡库中")]

    again = import_ledger("student", path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert StudentEnrolment.history.filter(id_number=ids[2]).count() == 1


def test_a_malformed_row_rejects_the_file_unless_partial(tmp_path, family):
    household, ids = family
    path = write_csv(
        tmp_path / "学籍.csv",
        [
            STUDENT_HEADER,
            [2018, "张小军", ids[2], household.number, "初中", "", ""],
            [2018, "坏号码", "41142119900101123", "", "小学", "", ""],
            [2018, "李四", person_id(), "", "火星学段", "", "也许"],
        ],
    )
    report = import_ledger("student", path)
    assert not report.written and StudentEnrolment.objects.count() == 0
    assert sorted((m.row, m.column) for m in report.errors) == [
        (3, "学生身份证号"),
        (4, "学段"),
        (4, "寄宿生"),
    ]
    assert all(m.message_zh and m.message_en for m in report.errors)
    assert report.exit_code == 1 and report.rejected == 2

    dry = import_ledger("student", path, partial=True, dry_run=True)
    assert dry.created == 1 and not dry.written and StudentEnrolment.objects.count() == 0

    partial = import_ledger("student", path, partial=True)
    assert partial.written and partial.created == 1 and partial.rejected == 2
    assert list(StudentEnrolment.objects.values_list("id_number", flat=True)) == [ids[2]]


def test_an_update_keeps_history_and_goes_back_to_review(tmp_path, family):
    household, ids = family
    rows = [STUDENT_HEADER, [2018, "张小军", ids[2], household.number, "初中", "一中", "是"]]
    import_ledger("student", write_csv(tmp_path / "a.csv", rows))
    StudentEnrolment.objects.update(review_status="approved")
    rows[1][5] = "二中"
    report = import_ledger("student", write_csv(tmp_path / "b.csv", rows))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    entry = StudentEnrolment.objects.get()
    assert (entry.school, entry.review_status) == ("二中", "pending")
    assert [h.history_type for h in entry.history.order_by("history_id")] == ["+", "~"]


def test_payments_may_repeat_and_reimport_unchanged_from_xlsx(tmp_path, family):
    household, ids = family
    header = ["学生身份证号", "姓名", "资助项目", "学期", "发放金额", "发放日期"]
    row = [ids[2], "张小军", "生活补助", "2018年秋季", 625, date(2018, 10, 9)]
    path = write_xlsx(tmp_path / "资助.xlsx", [header, row, list(row)])
    report = import_ledger("student_aid", path)
    assert report.errors == [] and report.created == 2
    paid = Payment.objects.filter(kind="student_aid", id_number=ids[2])
    assert paid.count() == 2
    assert {(p.item, p.period, p.year, str(p.amount)) for p in paid} == {
        ("living", "2018S2", 2018, "625.00")
    }
    again = import_ledger("student_aid", path)
    assert (again.created, again.unchanged) == (0, 2)


def test_a_file_of_another_ledger_is_refused_plainly(tmp_path):
    from tuopin.core.uploads import UnusableFile

    path = write_csv(tmp_path / "x.csv", [["甲", "乙"], [1, 2]])
    with pytest.raises(UnusableFile) as refused:
        import_ledger("loan", path)
    assert refused.value.code == "header_missing"


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_file_is_checked_first_then_written_at_once(tmp_path, make_user):
    """On SQLite the rows are written after the whole file is checked (the one writer's
    lock is held only for the writing); the outcome is the same on every database."""
    from tuopin.assistance.models import LedgerImport, Trainee, TrainingCourse

    village = first_village(RENHE)
    household, ids = registered(make_user(Role.VILLAGE, village.code), village, "0001")
    header = ["年度", "身份证号", "培训名称", "培训开始日期", "出勤天数"]
    rows = [
        header,
        [2018, ids[0], "养殖培训", "2018-06-01", 5],
        [2018, ids[1], "养殖培训", "2018-06-01", 5],
        [2018, ids[1], "养殖培训", "2018-06-01", "五天"],
    ]
    path = write_csv(tmp_path / "培训.csv", rows)
    refused = import_ledger("training", path)
    assert [(m.row, m.code) for m in refused.errors] == [(4, "bad_value")]
    assert not Trainee.objects.exists() and not TrainingCourse.objects.exists()
    assert not LedgerImport.objects.exists()
    kept = import_ledger("training", path, partial=True)
    assert (kept.created, kept.rejected, kept.written) == (2, 1, True)
    assert TrainingCourse.objects.count() == 1 and Trainee.objects.count() == 2
    assert LedgerImport.objects.get().created == 2
    assert import_ledger("training", path, partial=True).unchanged == 2
