"""住建: 危房改造, one row per household and plan year."""

from tuopin.assistance.enums import PriorityGroup, RenovationMethod
from tuopin.assistance.layouts.base import (
    HOUSEHOLD,
    HOUSEHOLD_NUMBER,
    ID_NUMBER,
    NOTE,
    PLACEMENT,
    YEAR,
    Column,
    Layout,
    a_date,
    code,
    money,
    text,
    whole,
)
from tuopin.registry.enums import HousingGrade
from tuopin.registry.interchange import values as v

HOUSING = Layout(
    "housing",
    "HousingRenovation",
    (
        YEAR,
        Column(
            HOUSEHOLD_NUMBER.key,
            HOUSEHOLD_NUMBER.header,
            v.text,
            HOUSEHOLD_NUMBER.synonyms,
            required=True,
        ),
        text("name", "户主姓名", "姓名", distinct=True),
        Column(
            ID_NUMBER.key,
            "户主身份证号",
            v.text,
            ("户主身份证号码", *ID_NUMBER.headers),
            distinct=True,
        ),
        *PLACEMENT,
        code(
            "priority_group",
            "四类对象类别",
            PriorityGroup,
            "对象类别",
            "四类重点对象",
            words={
                "贫困户": "1",
                "建档立卡户": "1",
                "低保": "2",
                "分散供养特困": "3",
                "特困": "3",
                "贫困残疾人": "4",
            },
        ),
        code(
            "grade",
            "鉴定等级",
            HousingGrade,
            "危房等级",
            "房屋等级",
            words={"A级": "A", "B级": "B", "C级": "C", "D级": "D"},
        ),
        a_date("assessed_on", "鉴定日期"),
        text("assessor", "鉴定机构", "鉴定单位"),
        code(
            "method",
            "改造方式",
            RenovationMethod,
            words={"重建": "1", "拆除重建": "1", "修缮": "2", "加固": "2", "维修加固": "2"},
        ),
        money("area_m2", "改造面积(平方米)", "改造面积", "面积"),
        whole("persons", "人口数", "家庭人口"),
        a_date("started_on", "开工日期", "开工时间"),
        a_date("finished_on", "竣工日期", "竣工时间"),
        a_date("accepted_on", "验收日期", "验收时间"),
        money("subsidy_standard", "补助标准", "补助金额"),
        text("account", "一卡通账号", "一卡通", "银行账号", distinct=True),
        NOTE,
    ),
    ("year", "household_number"),
    match=HOUSEHOLD,
)

LAYOUTS = [HOUSING]
