"""残联 and 民政: disability certificates, 低保 and 特困 households."""

from tuopin.assistance.enums import (
    AssistanceKind,
    DisabilityCategory,
    DisabilityGrade,
    TekunMode,
)
from tuopin.assistance.layouts.base import (
    NOTE,
    Layout,
    a_date,
    code,
    money,
    person,
    text,
    whole,
    yes_no,
)

DISABILITY = Layout(
    "disability",
    "DisabilityCertificate",
    (
        *person("残疾人身份证号", name_synonyms=("残疾人姓名",)),
        text("certificate_number", "残疾证号", "残疾人证号", distinct=True),
        code(
            "category",
            "残疾类别",
            DisabilityCategory,
            words={
                "视力": "1",
                "听力": "2",
                "言语": "3",
                "肢体": "4",
                "智力": "5",
                "精神": "6",
                "多重": "7",
            },
        ),
        code(
            "grade",
            "残疾等级",
            DisabilityGrade,
            words={
                "1级": "1",
                "2级": "2",
                "3级": "3",
                "4级": "4",
                "一": "1",
                "二": "2",
                "三": "3",
                "四": "4",
            },
        ),
        a_date("issued_on", "发证日期", "办证日期"),
        yes_no("assessment_pending", "待评定", "是否待评定"),
        NOTE,
    ),
    ("year", "id_number"),
)

SOCIAL_ASSISTANCE = Layout(
    "social_assistance",
    "SocialAssistance",
    (
        *person("申请人身份证号", name_synonyms=("申请人姓名", "户主姓名")),
        code(
            "kind",
            "救助类别",
            AssistanceKind,
            "保障类别",
            "类别",
            words={
                "低保": "dibao",
                "低保户": "dibao",
                "特困": "tekun",
                "五保": "tekun",
                "五保户": "tekun",
            },
            required=True,
        ),
        text("dibao_category", "低保类别", "分类施保类别"),
        whole("persons_covered", "保障人数", "享受人数"),
        money("monthly_amount", "月补助金额", "月保障金", "月补助金额(元)"),
        code("tekun_mode", "供养方式", TekunMode, words={"分散": "1", "集中": "2"}),
        a_date("started_on", "起始日期", "享受起始日期", "批准日期"),
        a_date("ended_on", "终止日期", "停保日期"),
        NOTE,
    ),
    ("year", "kind", "id_number"),
)

LAYOUTS = [DISABILITY, SOCIAL_ASSISTANCE]
