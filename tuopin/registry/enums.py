"""National code lists of the registry (建档立卡).

Codes follow the national standard where one exists: sex GB/T 2261.1, ethnicity
GB/T 3304, relation to the head GB/T 4761. The poverty-specific lists (cause,
status, attribute, education, student status, labour, work, measures, conditions)
use the order and numbering of the national poverty-alleviation information
system's drop-down lists. Imports accept either the code or the Chinese label.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Sex(models.TextChoices):
    MALE = "1", _("男")
    FEMALE = "2", _("女")


class UnitLevel(models.TextChoices):
    """The level of a cadre's work unit (扶贫手册 帮扶责任人 单位级别)."""

    PROVINCE = "1", _("省直")
    CITY = "2", _("市直")
    COUNTY = "3", _("县直")
    TOWNSHIP = "4", _("乡镇")
    VILLAGE = "5", _("村级")


class IdentificationStandard(models.TextChoices):
    NATIONAL = "1", _("国家标准")
    PROVINCIAL = "2", _("省定标准")
    MUNICIPAL = "3", _("市定标准")


class HouseholdAttribute(models.TextChoices):
    GENERAL = "1", _("一般贫困户")
    DIBAO = "2", _("低保贫困户")
    TEKUN = "3", _("特困供养贫困户")


class PovertyCause(models.TextChoices):
    ILLNESS = "01", _("因病")
    DISABILITY = "02", _("因残")
    SCHOOLING = "03", _("因学")
    DISASTER = "04", _("因灾")
    LACK_LAND = "05", _("缺土地")
    LACK_WATER = "06", _("缺水")
    LACK_SKILLS = "07", _("缺技术")
    LACK_LABOUR = "08", _("缺劳力")
    LACK_FUNDS = "09", _("缺资金")
    POOR_TRANSPORT = "10", _("交通条件落后")
    LACK_MOTIVATION = "11", _("自身发展动力不足")
    OTHER = "99", _("其他")


class PovertyStatus(models.TextChoices):
    NOT_EXITED = "1", _("未脱贫")
    EXITED_WITH_POLICY = "2", _("已脱贫(享受政策)")
    EXITED_NO_POLICY = "3", _("已脱贫(不再享受政策)")
    RETURNED = "4", _("返贫")
    PRE_EXIT = "5", _("预脱贫")


# Households still poor (incidence counts their people) and households already out.
STILL_POOR = (PovertyStatus.NOT_EXITED, PovertyStatus.RETURNED, PovertyStatus.PRE_EXIT)
EXITED = (PovertyStatus.EXITED_WITH_POLICY, PovertyStatus.EXITED_NO_POLICY)


class RelocationMode(models.TextChoices):
    CENTRALISED = "1", _("集中安置")
    SCATTERED = "2", _("分散安置")


class Relation(models.TextChoices):
    HEAD = "02", _("户主")
    SPOUSE = "10", _("配偶")
    SON = "20", _("之子")
    SON_IN_LAW = "28", _("之女婿")
    DAUGHTER = "30", _("之女")
    DAUGHTER_IN_LAW = "38", _("之儿媳")
    GRANDSON = "41", _("之孙子")
    GRANDDAUGHTER = "42", _("之孙女")
    DAUGHTERS_SON = "43", _("之外孙子")
    DAUGHTERS_DAUGHTER = "44", _("之外孙女")
    FATHER = "51", _("之父")
    MOTHER = "52", _("之母")
    FATHER_IN_LAW_HUSBAND = "53", _("之公公")
    MOTHER_IN_LAW_HUSBAND = "54", _("之婆婆")
    FATHER_IN_LAW_WIFE = "55", _("之岳父")
    MOTHER_IN_LAW_WIFE = "56", _("之岳母")
    GRANDFATHER = "61", _("之祖父")
    GRANDMOTHER = "62", _("之祖母")
    MATERNAL_GRANDFATHER = "63", _("之外祖父")
    MATERNAL_GRANDMOTHER = "64", _("之外祖母")
    OTHER = "99", _("其他")


# The sex a relation implies; the head, spouse and "other" imply none by themselves.
RELATION_SEX = {
    Relation.SON: Sex.MALE,
    Relation.SON_IN_LAW: Sex.MALE,
    Relation.GRANDSON: Sex.MALE,
    Relation.DAUGHTERS_SON: Sex.MALE,
    Relation.FATHER: Sex.MALE,
    Relation.FATHER_IN_LAW_HUSBAND: Sex.MALE,
    Relation.FATHER_IN_LAW_WIFE: Sex.MALE,
    Relation.GRANDFATHER: Sex.MALE,
    Relation.MATERNAL_GRANDFATHER: Sex.MALE,
    Relation.DAUGHTER: Sex.FEMALE,
    Relation.DAUGHTER_IN_LAW: Sex.FEMALE,
    Relation.GRANDDAUGHTER: Sex.FEMALE,
    Relation.DAUGHTERS_DAUGHTER: Sex.FEMALE,
    Relation.MOTHER: Sex.FEMALE,
    Relation.MOTHER_IN_LAW_HUSBAND: Sex.FEMALE,
    Relation.MOTHER_IN_LAW_WIFE: Sex.FEMALE,
    Relation.GRANDMOTHER: Sex.FEMALE,
    Relation.MATERNAL_GRANDMOTHER: Sex.FEMALE,
}

ETHNIC_GROUPS = [
    "汉族",
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "土家族",
    "哈尼族",
    "哈萨克族",
    "傣族",
    "黎族",
    "傈僳族",
    "佤族",
    "畲族",
    "高山族",
    "拉祜族",
    "水族",
    "东乡族",
    "纳西族",
    "景颇族",
    "柯尔克孜族",
    "土族",
    "达斡尔族",
    "仫佬族",
    "羌族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "锡伯族",
    "阿昌族",
    "普米族",
    "塔吉克族",
    "怒族",
    "乌孜别克族",
    "俄罗斯族",
    "鄂温克族",
    "德昂族",
    "保安族",
    "裕固族",
    "京族",
    "塔塔尔族",
    "独龙族",
    "鄂伦春族",
    "赫哲族",
    "门巴族",
    "珞巴族",
    "基诺族",
]
# GB/T 3304: 01–56 in the order above, 97 for others.
Ethnicity = models.TextChoices(
    "Ethnicity",
    [(f"E{index:02d}", (f"{index:02d}", name)) for index, name in enumerate(ETHNIC_GROUPS, 1)]
    + [("OTHER", ("97", "其他"))],
)


class Education(models.TextChoices):
    ILLITERATE = "1", _("文盲或半文盲")
    PRIMARY = "2", _("小学")
    JUNIOR = "3", _("初中")
    SENIOR = "4", _("高中")
    COLLEGE = "5", _("大专")
    BACHELOR_PLUS = "6", _("本科及以上")
    PRESCHOOL = "7", _("学龄前儿童")


class StudentStatus(models.TextChoices):
    NOT_STUDENT = "01", _("非在校生")
    PRESCHOOL = "02", _("学前教育")
    PRIMARY = "03", _("小学")
    GRADE_7 = "04", _("七年级")
    GRADE_8 = "05", _("八年级")
    GRADE_9 = "06", _("九年级")
    SENIOR_1 = "07", _("高中一年级")
    SENIOR_2 = "08", _("高中二年级")
    SENIOR_3 = "09", _("高中三年级")
    VOCATIONAL_1 = "10", _("中职一年级")
    VOCATIONAL_2 = "11", _("中职二年级")
    VOCATIONAL_3 = "12", _("中职三年级")
    HIGHER_VOCATIONAL_1 = "13", _("高职一年级")
    HIGHER_VOCATIONAL_2 = "14", _("高职二年级")
    HIGHER_VOCATIONAL_3 = "15", _("高职三年级")
    COLLEGE_PLUS = "16", _("大专及以上")


# Student statuses at senior-high level or above (quality check: aged 14 or under there).
SENIOR_OR_ABOVE = frozenset(code for code in StudentStatus.values if code >= StudentStatus.SENIOR_1)


class Health(models.TextChoices):
    """Health is recorded as flags (combinations occur); these are the labels imports read."""

    HEALTHY = "1", pgettext_lazy("health status", "健康")
    CHRONIC = "2", _("长期慢性病")
    SERIOUS = "3", _("患有大病")
    DISABLED = "4", _("残疾")


class Labour(models.TextChoices):
    ORDINARY = "1", _("普通劳动力")
    SKILLED = "2", _("技能劳动力")
    WEAK = "3", _("弱劳动力或半劳动力")
    LOST = "4", _("丧失劳动力")
    NONE = "5", _("无劳动力")


class WorkStatus(models.TextChoices):
    IN_TOWNSHIP = "1", _("乡(镇)内务工")
    IN_COUNTY = "2", _("乡(镇)外县内务工")
    IN_PROVINCE = "3", _("县外省内务工")
    OUT_OF_PROVINCE = "4", _("省外务工")
    OTHER = "5", _("其他")


class MemberStatus(models.TextChoices):
    NORMAL = "1", _("正常")
    DECEASED = "2", _("死亡")
    MOVED_OUT = "3", _("迁出")
    MARRIED_OUT = "4", _("外嫁")
    IMPRISONED = "5", _("服刑")
    OTHER = "9", _("其他")


class MemberEventKind(models.TextChoices):
    """Dated changes of a member; each may change the member's status."""

    BIRTH = "birth", _("出生")
    MARRIAGE_IN = "marriage_in", _("婚入")
    MOVE_IN = "move_in", _("迁入")
    DEATH = "death", _("死亡")
    MARRIAGE_OUT = "marriage_out", _("婚出（外嫁）")
    MOVE_OUT = "move_out", _("迁出")
    IMPRISONMENT = "imprisonment", _("服刑")
    RELEASE = "release", _("刑满释放")


# The member status an event leaves behind.
EVENT_STATUS = {
    MemberEventKind.BIRTH: MemberStatus.NORMAL,
    MemberEventKind.MARRIAGE_IN: MemberStatus.NORMAL,
    MemberEventKind.MOVE_IN: MemberStatus.NORMAL,
    MemberEventKind.RELEASE: MemberStatus.NORMAL,
    MemberEventKind.DEATH: MemberStatus.DECEASED,
    MemberEventKind.MARRIAGE_OUT: MemberStatus.MARRIED_OUT,
    MemberEventKind.MOVE_OUT: MemberStatus.MOVED_OUT,
    MemberEventKind.IMPRISONMENT: MemberStatus.IMPRISONED,
}


# The statuses an event can follow: nothing follows a death, only a prisoner is released,
# only someone who left comes back (a birth adds a member, it never befalls one).
EVENT_FOLLOWS = {
    MemberEventKind.BIRTH: frozenset(),
    MemberEventKind.MARRIAGE_IN: frozenset(
        {MemberStatus.MARRIED_OUT, MemberStatus.MOVED_OUT, MemberStatus.OTHER}
    ),
    MemberEventKind.MOVE_IN: frozenset(
        {MemberStatus.MARRIED_OUT, MemberStatus.MOVED_OUT, MemberStatus.OTHER}
    ),
    MemberEventKind.RELEASE: frozenset({MemberStatus.IMPRISONED}),
    MemberEventKind.DEATH: frozenset(
        {MemberStatus.NORMAL, MemberStatus.IMPRISONED, MemberStatus.OTHER}
    ),
    MemberEventKind.MARRIAGE_OUT: frozenset({MemberStatus.NORMAL}),
    MemberEventKind.MOVE_OUT: frozenset({MemberStatus.NORMAL}),
    MemberEventKind.IMPRISONMENT: frozenset({MemberStatus.NORMAL}),
}


class MeasureCategory(models.TextChoices):
    INDUSTRY = "01", _("产业")
    EMPLOYMENT = "02", _("就业")
    FINANCE = "03", _("金融/小额信贷")
    EDUCATION = "04", _("教育")
    HEALTH = "05", _("健康")
    HOUSING = "06", _("危房改造")
    RELOCATION = "07", _("易地搬迁")
    PHOTOVOLTAIC = "08", _("光伏")
    PUBLIC_WELFARE_JOB = "09", _("公益岗位")
    RANGER = "10", _("生态护林员")
    SOCIAL_SECURITY = "11", _("低保/特困兜底")
    ASSET_INCOME = "12", _("资产收益")
    OTHER = "99", _("其他")


class RoadType(models.TextChoices):
    DIRT = "1", _("泥土路")
    GRAVEL = "2", _("砂石路")
    CEMENT = "3", _("水泥路")
    ASPHALT = "4", _("沥青路")


class HousingGrade(models.TextChoices):
    A = "A", _("A级（安全）")
    B = "B", _("B级（基本安全）")
    C = "C", _("C级（局部危房）")
    D = "D", _("D级（整幢危房）")


class Fuel(models.TextChoices):
    FIREWOOD = "1", _("柴草")
    DUNG = "2", _("干畜粪")
    COAL = "3", _("煤炭")
    CLEAN = "4", _("清洁能源")
    OTHER = "9", _("其他")
