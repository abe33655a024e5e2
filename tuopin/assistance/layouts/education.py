"""教育 ledgers: enrolment (学籍) and dropout cases; aid is in payments.py."""

from tuopin.assistance.enums import DropoutOutcome, EnrolmentStatus, SchoolStage
from tuopin.assistance.layouts.base import (
    NOTE,
    Column,
    Layout,
    a_date,
    code,
    person,
    text,
    yes_no,
)
from tuopin.registry.interchange import values as v

STAGE_WORDS = {
    "学前": "preschool",
    "幼儿园": "preschool",
    "学前班": "preschool",
    "高中": "senior",
    "普高": "senior",
    "中职": "vocational",
    "中专": "vocational",
    "职高": "vocational",
    "高职": "higher_vocational",
    "专科": "higher_vocational",
    "大专": "higher_vocational",
    "硕士": "master",
    "研究生": "master",
    "博士": "doctorate",
    "大学": "undergraduate",
    "本科生": "undergraduate",
    "中等职业教育": "vocational",
}


def in_province(value) -> bool | None:
    """就读地: 省内 / 省外, or yes/no to 省内就读."""
    word = v.key(value)
    if word in ("省内", "本省", "河南", "河南省"):
        return True
    if word in ("省外", "外省"):
        return False
    return v.yes_no(value)


STUDENT = Layout(
    "student",
    "StudentEnrolment",
    (
        *person("学生身份证号", "学生身份证号码", name_synonyms=("学生姓名",)),
        code(
            "stage",
            "学段",
            SchoolStage,
            "就读学段",
            "教育阶段",
            "就读阶段",
            "学习阶段",
            words=STAGE_WORDS,
            required=True,
        ),
        code("status", "在校状态", EnrolmentStatus, "就学状态", words={"在读": "1", "失学": "2"}),
        text("school", "学校", "就读学校", "学校名称"),
        text("student_number", "学籍号", "全国学籍号", distinct=True),
        text("grade", "年级", "就读年级"),
        yes_no("boarding", "寄宿生", "是否寄宿", "寄宿"),
        Column("in_province", "省内就读", in_province, ("就读地", "是否省内就读")),
        NOTE,
    ),
    ("year", "id_number"),
)

DROPOUT = Layout(
    "dropout",
    "DropoutCase",
    (
        *person("学生身份证号", name_synonyms=("学生姓名",)),
        a_date("found_on", "发现日期", "辍学日期", "登记日期", required=True),
        text("reason", "辍学原因"),
        text("responsible", "责任人", "包保责任人"),
        text("steps", "劝返措施", "劝返情况"),
        code(
            "outcome",
            "结果",
            DropoutOutcome,
            "劝返结果",
            "处理结果",
            words={"已复学": "returned", "复学": "returned", "送教": "home_teaching"},
        ),
        a_date("closed_on", "结案日期"),
        NOTE,
    ),
    ("year", "id_number", "found_on"),
    year_from="found_on",
)

LAYOUTS = [STUDENT, DROPOUT]
