"""The whitelist of facts a rule may read, per subject level.

A rule names facts by these identifiers only; the compiler maps them to columns of
the engine's input relations and the Python evaluator to keys of plain dicts. Text
facts carry their national code list so a literal outside it is refused when a
policy is saved.
"""

from dataclasses import dataclass, field

from tuopin.registry import enums

BOOL = "bool"
NUMBER = "number"
TEXT = "text"


@dataclass(frozen=True)
class Fact:
    name: str
    type: str
    label: str
    unit: str = ""
    codes: dict[str, str] = field(default_factory=dict)


def _codes(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


HOUSEHOLD_FACTS: dict[str, Fact] = {
    fact.name: fact
    for fact in [
        Fact("per_capita_income", NUMBER, "人均纯收入", "元"),
        Fact("net_income", NUMBER, "家庭纯收入", "元"),
        Fact("size", NUMBER, "现有家庭人口", "人"),
        Fact("food_secure", BOOL, "不愁吃"),
        Fact("clothing_secure", BOOL, "不愁穿"),
        Fact("owns_house", BOOL, "有自有住房"),
        Fact("is_relocated", BOOL, "易地扶贫搬迁户"),
        Fact("relocation_moved_in", BOOL, "已搬迁入住"),
        Fact("housing_grade", TEXT, "危房等级", codes=_codes(enums.HousingGrade)),
        Fact("water_safe", BOOL, "饮水安全"),
        Fact("water_difficult", BOOL, "饮水困难"),
        Fact("has_household_power", BOOL, "通生活用电"),
        Fact("has_production_power", BOOL, "通生产用电"),
        Fact("has_radio_tv", BOOL, "通广播电视"),
        Fact("has_sanitary_toilet", BOOL, "有卫生厕所"),
        Fact("road_type", TEXT, "入户路类型", codes=_codes(enums.RoadType)),
        Fact("identified_year", NUMBER, "首次识别年度", "年"),
        Fact("returned_year", NUMBER, "返贫年度", "年"),
        Fact("exit_year", NUMBER, "脱贫年度", "年"),
        Fact("status", TEXT, "脱贫状态", codes=_codes(enums.PovertyStatus)),
        Fact("attribute", TEXT, "贫困户属性", codes=_codes(enums.HouseholdAttribute)),
        Fact("main_cause", TEXT, "主要致贫原因", codes=_codes(enums.PovertyCause)),
        Fact("measure_count", NUMBER, "帮扶措施", "项"),
        Fact("income_measure_count", NUMBER, "增收帮扶措施", "项"),
    ]
}

# Facts of one current member (status 正常); reachable only inside a member quantifier.
MEMBER_FACTS: dict[str, Fact] = {
    fact.name: fact
    for fact in [
        Fact("age", NUMBER, "年龄", "岁"),
        Fact("sex", TEXT, "性别", codes=_codes(enums.Sex)),
        Fact("relation", TEXT, "与户主关系", codes=_codes(enums.Relation)),
        Fact("student_status", TEXT, "在校生状况", codes=_codes(enums.StudentStatus)),
        Fact("education", TEXT, "文化程度", codes=_codes(enums.Education)),
        Fact("is_chronically_ill", BOOL, "长期慢性病"),
        Fact("is_seriously_ill", BOOL, "患有大病"),
        Fact("is_disabled", BOOL, "残疾"),
        Fact("labour", TEXT, "劳动技能", codes=_codes(enums.Labour)),
        Fact("work_status", TEXT, "务工状况", codes=_codes(enums.WorkStatus)),
        Fact("work_months", NUMBER, "务工时间", "月"),
        Fact("has_basic_medical_insurance", BOOL, "参加基本医疗保险"),
        Fact("has_serious_illness_insurance", BOOL, "参加大病保险"),
        Fact("has_basic_pension", BOOL, "参加基本养老保险"),
        Fact("receives_dibao", BOOL, "享受低保"),
    ]
}

VILLAGE_FACTS: dict[str, Fact] = {
    fact.name: fact
    for fact in [
        Fact("incidence", NUMBER, "贫困发生率", "%"),
        Fact("poor_remaining", NUMBER, "未脱贫人口", "人"),
        Fact("registered_population", NUMBER, "户籍人口", "人"),
        Fact("road", BOOL, "通硬化路"),
        Fact("bus", BOOL, "通客车"),
        Fact("water", BOOL, "饮水安全"),
        Fact("electricity", BOOL, "生产生活用电"),
        Fact("radio_tv", BOOL, "广播电视户户通"),
        Fact("culture_centre", BOOL, "综合性文化服务中心"),
        Fact("clinic", BOOL, "标准化卫生室"),
        Fact("doctor", BOOL, "合格村医"),
        Fact("broadband", BOOL, "宽带网络"),
        Fact("collective_income", NUMBER, "村集体经济收入", "元"),
    ]
}

COUNTY_FACTS: dict[str, Fact] = {
    fact.name: fact
    for fact in [
        Fact("incidence", NUMBER, "贫困发生率", "%"),
        Fact("poor_remaining", NUMBER, "未脱贫人口", "人"),
        Fact("registered_population", NUMBER, "农业户籍人口", "人"),
        Fact("wrong_exit_rate", NUMBER, "错退率", "%"),
        Fact("missed_rate", NUMBER, "漏评率", "%"),
        Fact("approval", NUMBER, "群众认可度", "%"),
        Fact("poor_villages", NUMBER, "贫困村", "个"),
        Fact("villages_exited", NUMBER, "已退出贫困村", "个"),
        Fact("villages_exited_share", NUMBER, "贫困村退出比例", "%"),
    ]
}

LEVEL_FACTS = {"household": HOUSEHOLD_FACTS, "village": VILLAGE_FACTS, "county": COUNTY_FACTS}
