"""The interchange layout (建档立卡 人口信息表): one row per member, household columns repeated.

The same table drives import (header synonyms, parsers) and export (header order and
text), so an exported file re-imports as unchanged.
"""

from collections.abc import Callable
from dataclasses import dataclass

from tuopin.registry.enums import (
    Education,
    Ethnicity,
    Fuel,
    HouseholdAttribute,
    HousingGrade,
    IdentificationStandard,
    Labour,
    MeasureCategory,
    MemberStatus,
    PovertyCause,
    PovertyStatus,
    Relation,
    RelocationMode,
    RoadType,
    Sex,
    StudentStatus,
    WorkStatus,
)
from tuopin.registry.interchange import values as v

LOCATION, HOUSEHOLD, MEMBER, INCOME = "location", "household", "member", "income"


@dataclass(frozen=True)
class Column:
    key: str  # model field (or an import-only key)
    header: str  # the header written on export
    level: str
    parse: Callable | None = None
    synonyms: tuple[str, ...] = ()
    exported: bool = True


MEASURE_SYNONYMS = {
    "产业扶贫": MeasureCategory.INDUSTRY,
    "就业扶贫": MeasureCategory.EMPLOYMENT,
    "金融扶贫": MeasureCategory.FINANCE,
    "小额信贷": MeasureCategory.FINANCE,
    "金融": MeasureCategory.FINANCE,
    "扶贫小额信贷": MeasureCategory.FINANCE,
    "教育扶贫": MeasureCategory.EDUCATION,
    "健康扶贫": MeasureCategory.HEALTH,
    "危房改造扶贫": MeasureCategory.HOUSING,
    "易地扶贫搬迁": MeasureCategory.RELOCATION,
    "易地搬迁扶贫": MeasureCategory.RELOCATION,
    "光伏扶贫": MeasureCategory.PHOTOVOLTAIC,
    "公益岗位扶贫": MeasureCategory.PUBLIC_WELFARE_JOB,
    "公益性岗位": MeasureCategory.PUBLIC_WELFARE_JOB,
    "生态扶贫": MeasureCategory.RANGER,
    "低保兜底": MeasureCategory.SOCIAL_SECURITY,
    "特困兜底": MeasureCategory.SOCIAL_SECURITY,
    "兜底保障": MeasureCategory.SOCIAL_SECURITY,
    "社会保障兜底": MeasureCategory.SOCIAL_SECURITY,
    "资产收益扶贫": MeasureCategory.ASSET_INCOME,
}
CAUSE_SYNONYMS = {
    "因病致贫": PovertyCause.ILLNESS,
    "因残致贫": PovertyCause.DISABILITY,
    "因学致贫": PovertyCause.SCHOOLING,
    "因灾致贫": PovertyCause.DISASTER,
}
RELATION_SYNONYMS = {
    "本人": Relation.HEAD,
    "妻": Relation.SPOUSE,
    "夫": Relation.SPOUSE,
    "妻子": Relation.SPOUSE,
    "丈夫": Relation.SPOUSE,
    "子": Relation.SON,
    "女": Relation.DAUGHTER,
    "儿媳": Relation.DAUGHTER_IN_LAW,
    "女婿": Relation.SON_IN_LAW,
    "孙子": Relation.GRANDSON,
    "孙女": Relation.GRANDDAUGHTER,
    "父亲": Relation.FATHER,
    "母亲": Relation.MOTHER,
}
GRADE_SYNONYMS = {
    "A级": HousingGrade.A,
    "B级": HousingGrade.B,
    "C级": HousingGrade.C,
    "D级": HousingGrade.D,
}
STATUS_SYNONYMS = {
    "已脱贫": PovertyStatus.EXITED_WITH_POLICY,
    "脱贫": PovertyStatus.EXITED_WITH_POLICY,
    "未脱贫户": PovertyStatus.NOT_EXITED,
    "贫困户": PovertyStatus.NOT_EXITED,
}
ETHNICITY_SYNONYMS = {"汉": "01", "回": "03"}
RELOCATION_MODE_SYNONYMS = {
    "集中": RelocationMode.CENTRALISED,
    "分散": RelocationMode.SCATTERED,
    "集中安置点": RelocationMode.CENTRALISED,
}

CAUSES = v.CodeList(PovertyCause, CAUSE_SYNONYMS)
MEASURES = v.CodeList(MeasureCategory, MEASURE_SYNONYMS, optional_suffix="扶贫")
GRADES = v.CodeList(HousingGrade, GRADE_SYNONYMS)


def dangerous_house(value) -> str:
    """是否危房: 否 / C级 / D级. 否 says only "not dangerous": recorded as B, the lowest safe grade."""
    word = v.key(value).upper()
    if not word:
        return ""
    if word in ("否", "N", "0", "NO"):
        return HousingGrade.B
    return GRADES(value)


MEMBER_STATUSES = v.CodeList(MemberStatus)


def member_status(value) -> str:
    """An empty status means 正常."""
    return MEMBER_STATUSES(value) or MemberStatus.NORMAL


COLUMNS: list[Column] = [
    Column("city", "市", LOCATION, v.text, ("市(州)", "地市")),
    Column("county", "县(市、区)", LOCATION, v.text, ("县", "县区", "县(区)", "县(市区)")),
    Column("township", "乡(镇)", LOCATION, v.text, ("乡镇", "乡镇(街道)", "乡(镇、街道)")),
    Column("village", "行政村", LOCATION, v.text, ("村", "村(社区)", "行政村(社区)")),
    Column("village_code", "行政区划代码", LOCATION, v.text, ("村代码", "村级区划代码")),
    Column("number", "户编号", HOUSEHOLD, v.text),
    Column("person_number", "人编号", MEMBER, v.text),
    Column("name", "姓名", MEMBER, v.text),
    Column("sex", "性别", MEMBER, v.CodeList(Sex)),
    Column("id_number", "证件号码", MEMBER, None, ("身份证号", "身份证号码", "证件号")),
    Column("birth_date", "出生日期", MEMBER, v.a_date),
    Column("relation", "与户主关系", MEMBER, v.CodeList(Relation, RELATION_SYNONYMS)),
    Column("ethnicity", "民族", MEMBER, v.CodeList(Ethnicity, ETHNICITY_SYNONYMS)),
    Column("education", "文化程度", MEMBER, v.CodeList(Education)),
    Column("student_status", "在校生状况", MEMBER, v.CodeList(StudentStatus)),
    Column("health", "健康状况", MEMBER, v.health_flags),
    Column("labour", "劳动技能", MEMBER, v.CodeList(Labour), ("劳动能力",)),
    Column("work_status", "务工状况", MEMBER, v.CodeList(WorkStatus)),
    Column("work_months", "务工时间(月)", MEMBER, v.whole_number, ("务工时间",)),
    Column(
        "has_basic_medical_insurance",
        "是否参加城乡居民基本医疗保险",
        MEMBER,
        v.yes_no,
        ("是否参加新农合",),
    ),
    Column("has_serious_illness_insurance", "是否参加大病保险", MEMBER, v.yes_no),
    Column("has_basic_pension", "是否参加城乡居民基本养老保险", MEMBER, v.yes_no),
    Column("receives_dibao", "是否享受低保", MEMBER, v.yes_no),
    Column("status", "人员状态", MEMBER, member_status),
    Column("identification_standard", "识别标准", HOUSEHOLD, v.CodeList(IdentificationStandard)),
    Column("attribute", "贫困户属性", HOUSEHOLD, v.CodeList(HouseholdAttribute), ("户属性",)),
    Column("main_cause", "主要致贫原因", HOUSEHOLD, CAUSES),
    Column("other_causes", "其他致贫原因", HOUSEHOLD, CAUSES.many),
    Column(
        "household_status",
        "脱贫状态",
        HOUSEHOLD,
        v.CodeList(PovertyStatus, STATUS_SYNONYMS),
        ("脱贫属性", "贫困户状态"),
    ),
    Column("identified_year", "首次识别年度", HOUSEHOLD, v.year, ("识别年度",)),
    Column("returned_year", "返贫年度", HOUSEHOLD, v.year),
    Column("exit_year", "脱贫年度", HOUSEHOLD, v.year),
    Column("phone", "联系电话", HOUSEHOLD, v.text),
    Column("bank_name", "开户银行", HOUSEHOLD, v.text),
    Column("bank_account", "银行卡号", HOUSEHOLD, v.text),
    Column("declared_size", "家庭人口数", HOUSEHOLD, v.whole_number),
    Column("helper_name", "帮扶责任人", HOUSEHOLD, v.text),
    Column("measures", "帮扶措施", HOUSEHOLD, MEASURES.many),
    Column("income_year", "收入年度", INCOME, v.year),
    Column("wages", "工资性收入", INCOME, v.amount),
    Column("business", "生产经营性收入", INCOME, v.amount),
    Column("property_income", "财产性收入", INCOME, v.amount),
    Column("transfers", "转移性收入", INCOME, v.amount),
    Column("production_costs", "生产经营性支出", INCOME, v.amount),
    Column("declared_per_capita", "人均纯收入", INCOME, v.amount, exported=False),
    Column("housing_area_m2", "住房面积", HOUSEHOLD, v.amount),
    Column("housing_grade", "危房等级", HOUSEHOLD, GRADES),
    Column("dangerous_house", "是否危房", HOUSEHOLD, dangerous_house, exported=False),
    Column("owns_house", "是否有自有住房", HOUSEHOLD, v.yes_no),
    # 易地扶贫搬迁 (resettlement): the housing clause reads them (resettled and moved in).
    Column(
        "is_relocated",
        "是否易地扶贫搬迁户",
        HOUSEHOLD,
        v.yes_no,
        ("易地扶贫搬迁户", "易地搬迁户", "是否易地搬迁户", "是否易地扶贫搬迁", "是否搬迁户"),
    ),
    Column(
        "relocation_mode",
        "搬迁方式",
        HOUSEHOLD,
        v.CodeList(RelocationMode, RELOCATION_MODE_SYNONYMS),
        ("安置方式", "搬迁安置方式"),
    ),
    Column(
        "relocation_moved_in",
        "是否已搬迁入住",
        HOUSEHOLD,
        v.yes_no,
        ("已搬迁入住", "已入住", "是否已入住", "是否入住", "是否搬迁入住"),
    ),
    Column("water_safe", "饮水是否安全", HOUSEHOLD, v.yes_no),
    Column("water_difficult", "饮水是否困难", HOUSEHOLD, v.yes_no),
    Column("has_household_power", "是否通生活用电", HOUSEHOLD, v.yes_no),
    Column("has_production_power", "是否通生产用电", HOUSEHOLD, v.yes_no),
    Column("road_distance_km", "与村主干路距离", HOUSEHOLD, v.amount),
    Column("road_type", "入户路类型", HOUSEHOLD, v.CodeList(RoadType)),
    Column("main_fuel", "主要燃料类型", HOUSEHOLD, v.CodeList(Fuel)),
    Column("has_sanitary_toilet", "有无卫生厕所", HOUSEHOLD, v.yes_no, ("是否有卫生厕所",)),
    Column("food_secure", "不愁吃", HOUSEHOLD, v.yes_no),
    Column("clothing_secure", "不愁穿", HOUSEHOLD, v.yes_no),
]

BY_KEY = {column.key: column for column in COLUMNS}


def header_key(cell) -> str:
    """Headers compare without spaces, line breaks or width differences: 务工时间（月） = 务工时间(月)."""
    return v.key(cell).replace("\n", "")


HEADER_LOOKUP: dict[str, Column] = {}
for _column in COLUMNS:
    for _name in (_column.header, *_column.synonyms):
        HEADER_LOOKUP[header_key(_name)] = _column
