"""Synthetic registry data (`tuopin seed`): realistic households over the real villages.

One pseudo-random stream (``random.Random(seed)``) drives everything, and villages,
counties and code lists are walked in a fixed order, so the same seed, number of
households and region give byte-identical data on a fresh database (for the current
year ages are counted on today's date, so those data also depend on the day). On a database
that already holds households, household numbers continue after the existing ones
and ID numbers avoid every number already stored (members and helpers), so a second
run adds households instead of colliding.

What the data looks like (domain.md §3):

- households spread over the village-level units below the region, weighted toward
  the six poor counties and toward 村委会 (urban 居委会 get few); numbers are the
  village code plus a 4-digit sequence;
- 1–7 members (mean about 3.3): one head, a spouse of the other sex, children 18–40
  years younger than the head, the head's parents 20–35 years older, a married son
  with his wife and children, occasionally a daughter's husband and children;
- valid 18-digit ID numbers from ``make_id_number`` with the county code of the
  village (about a fifth of the people born before 1997 carry the pre-1997 code where
  one is known), the order code's first digits standing for the township's police
  station as on real numbers, unique across the whole database;
- education, student status, health, labour, work, insurance consistent with age,
  and with each other; causes consistent with the members (因病 only with an ill
  member, 因学 only with a student, ...); 低保/特困 consistent with the members;
- a status mix of mostly 已脱贫(享受政策) and 未脱贫, some 预脱贫/返贫; exited and
  pre-exited households meet the exit standard of domain.md §4.1 (income above the
  line, food and clothing, schooling, insurance, safe house and water, a measure);
- one year's income whose per-capita net income lies around the poverty line (about
  a third of the households below it), split into wages, business (with costs),
  property and transfers that follow from the members and measures;
- 1–3 assistance measures and a helper per household (helpers are cadres of the
  county, about one per 5 households of a village, with ID numbers that no registry
  member carries).

A small share of households (``DEFECT_SHARE``) carries exactly one deliberate
data-quality defect of domain.md §6 so that the quality checks have something to
find; the defects never break a database constraint. ``seed_registry`` returns, with
the totals, which household carries which defect.

Speed: the city scale (230,000 households, about 750,000 members) must take minutes,
so no per-household service is called. Model instances are built in memory and
written with ``bulk_create`` in chunks of ``CHUNK_HOUSEHOLDS`` households, one
transaction per chunk. ``bulk_create`` sends no ``post_save`` signal, so
django-simple-history writes no history rows for synthetic data: history records who
changed a real record and when; a generated row has no author, and a history row per
generated row would double the rows written and the time. The history of a seeded
row starts with its first real edit.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from operator import attrgetter

from django.db import connection, connections, models, transaction
from django.utils import timezone

from tuopin.core.db import analyze
from tuopin.core.errors import TuopinError
from tuopin.core.regioncodes import expand_code, significant_prefix
from tuopin.regions.enums import PoorCountyType, RegionKind, RegionLevel
from tuopin.regions.models import Region
from tuopin.registry.enums import (
    Education,
    Ethnicity,
    Fuel,
    HouseholdAttribute,
    HousingGrade,
    IdentificationStandard,
    Labour,
    MeasureCategory,
    PovertyCause,
    PovertyStatus,
    Relation,
    RelocationMode,
    RoadType,
    Sex,
    StudentStatus,
    WorkStatus,
)
from tuopin.registry.idnumbers import make_id_number
from tuopin.registry.models import Helper, Household, HouseholdCause, Income, Measure, Member
from tuopin.registry.totals import totals_refresh

CITY_CODE = "411400000000"
CHUNK_HOUSEHOLDS = 5_000
BATCH_SIZE = 2_000
# Share of households that carry one deliberate data-quality defect (domain.md §6).
DEFECT_SHARE = 0.025
HOUSEHOLDS_PER_HELPER = 5

# Poverty line, yuan per person per year (domain.md §4.1).
POVERTY_LINE = {2014: 2800, 2015: 2855, 2016: 2952, 2017: 2952, 2018: 2995, 2019: 3218, 2020: 4000}
FIRST_YEAR = 2014  # the registry (建档立卡) was built in 2014

# The first six digits of an ID number are the county code in force when it was first
# issued and never change (domain.md §3). 民权县 was 412323 under 商丘地区 until 1997;
# that is the one old code the handbook confirms. The other counties' pre-1997 codes
# are not verified here, so their people carry the current code.
PRE_1997_COUNTY_CODES = {"411421": "412323"}
# Share of the people born before 1997 who carry the old code.
OLD_CODE_SHARE = 0.2
OLD_CODE_BORN_BEFORE = 1997

# How many households a village-level unit draws, relative to a rural village.
KIND_WEIGHT = {RegionKind.VILLAGE: 1.0, RegionKind.COMMUNITY: 0.12}
COUNTY_WEIGHT = {PoorCountyType.NATIONAL: 1.5, PoorCountyType.PROVINCIAL: 1.3}
OTHER_COUNTY_WEIGHT = 0.6
POOR_VILLAGE_WEIGHT = 2.0

# The kinds of planted defects and the §6 item each illustrates.
DEFECT_KINDS = {
    "missing_ethnicity": "§6.3 民族为空",
    "missing_education": "§6.3 非在校生文化程度为空",
    "disabled_without_certificate": "§6.3 残疾人无残疾证号",
    "healthy_lost_labour": "§6.6 健康劳动年龄人口为丧失劳动力",
    "illness_all_healthy": "§6.4 因病致贫但家庭成员均健康",
    "other_cause_repeats_main": "§6.4 其他致贫原因与主要致贫原因重复",
    "dibao_without_member": "§6.5 低保户无享受低保的成员",
    "business_without_costs": "§6.7 有生产经营性收入无生产经营性支出",
    "months_without_workplace": "§6.8 有务工时间无务工地点",
    "no_helper": "§6.9 无帮扶责任人",
    "spouse_same_sex": "§6.10 户主与配偶性别相同",
    "relation_sex_mismatch": "§6.10 与户主关系与性别不符",
    "farmland_excess": "§6.10 人均耕地超过50亩",
    "road_distance_excess": "§6.10 与主干路距离超过50公里",
    "old_in_primary": "§6.10 20岁以上在读小学",
    "birth_date_mismatch": "§6.2 出生日期与身份证号码不一致",
    "exited_below_line": "§6.1 已脱贫户人均纯收入低于贫困线",
    "exited_dangerous_house": "§6.1 已脱贫户住房为危房",
    "school_age_out_of_school": "§6.1 已脱贫户有义务教育阶段失学儿童",
}

EXIT_STATUSES = frozenset(
    {PovertyStatus.EXITED_WITH_POLICY, PovertyStatus.EXITED_NO_POLICY, PovertyStatus.PRE_EXIT}
)
WORKING = frozenset({Labour.ORDINARY, Labour.SKILLED, Labour.WEAK})

SURNAMES = (
    "王李张刘陈杨赵孙郭周朱马徐高黄吴胡宋曹许郑冯韩贾吕魏梁苏田何丁董程杜袁范"
    "闫侯孟任姚常武石罗邓沈谢彭蔡唐于史乔岳尚葛牛申卢段叶潘姜林楚翟屈"
)
# Rough frequencies in Henan: the first ones are far more common.
SURNAME_WEIGHTS = [max(1.0, 16 - i * 0.8) for i in range(len(SURNAMES))]
GIVEN = {
    # (sex, era): characters given names are drawn from; eras by birth year.
    ("1", 0): "建国德福保全长春金明发成守玉永振文学义忠俊庆山林和志富贵荣新",
    ("2", 0): "秀英桂兰玉凤珍芳梅花云翠荣香琴莲菊素爱淑美华",
    ("1", 1): "伟强军磊勇刚平涛超杰鹏辉斌亮东峰海波建华明龙飞志永红",
    ("2", 1): "丽娟敏静红艳霞燕萍莉娜丹玲芳洁慧颖倩晶琳霞春",
    ("1", 2): "浩宇博轩子涵俊晨豪阳梓铭睿泽凯航诚嘉一天佳鑫旭",
    ("2", 2): "欣怡佳雨梓萱琪涵诗梦可馨悦思雅婷露瑶彤语晴",
}
HELPER_UNITS = (
    "人民政府办公室",
    "教育局",
    "农业农村局",
    "财政局",
    "人力资源和社会保障局",
    "卫生健康委员会",
    "住房和城乡建设局",
    "交通运输局",
    "水利局",
    "扶贫开发办公室",
    "民政局",
    "自然资源局",
    "市场监督管理局",
    "供电公司",
)
HELPER_POSTS = ("科员", "副主任科员", "股长", "副局长", "驻村第一书记", "驻村工作队员", "站长")
TOWNSHIP_POSTS = ("包村干部", "副镇长", "科员", "站长", "驻村工作队员")
BANKS = ("中国农业银行", "中国邮政储蓄银行", "河南省农村信用社", "中国工商银行", "中国建设银行")
BANK_WEIGHTS = (30, 25, 35, 5, 5)

# Measure category -> (contents, unit suffix ("" = the township government), cost range
# in yuan or None, raises income).
MEASURES = {
    MeasureCategory.INDUSTRY: (
        ("发放产业奖补资金", "种植花生、小麦产业奖补", "发放鸡苗、羊羔发展养殖", "入股扶贫车间"),
        "农业农村局",
        (500, 3000),
        True,
    ),
    MeasureCategory.EMPLOYMENT: (
        ("转移就业务工交通补贴", "扶贫车间就业", "技能培训（电焊）", "技能培训（家政）"),
        "人力资源和社会保障局",
        (200, 1500),
        True,
    ),
    MeasureCategory.FINANCE: (
        ("扶贫小额信贷 5 万元", "扶贫小额信贷 3 万元，入股合作社分红"),
        "扶贫开发办公室",
        (30000, 50000),
        True,
    ),
    MeasureCategory.EDUCATION: (
        ("义务教育阶段生活补助", "雨露计划职业教育补助", "高中阶段免学费及国家助学金"),
        "教育局",
        (500, 3000),
        False,
    ),
    MeasureCategory.HEALTH: (
        ("家庭医生签约服务", "大病专项救治", "慢性病门诊报销", "三重医疗保障"),
        "卫生健康委员会",
        (200, 5000),
        False,
    ),
    MeasureCategory.HOUSING: (
        ("危房改造（维修加固）", "危房改造（拆除重建）"),
        "住房和城乡建设局",
        (8000, 25000),
        False,
    ),
    MeasureCategory.RELOCATION: (
        ("易地扶贫搬迁集中安置",),
        "发展和改革委员会",
        (20000, 60000),
        False,
    ),
    MeasureCategory.PHOTOVOLTAIC: (("村级光伏扶贫电站收益分配",), "扶贫开发办公室", None, True),
    MeasureCategory.PUBLIC_WELFARE_JOB: (
        ("公益岗位（保洁员）", "公益岗位（护路员）", "公益岗位（护林员）"),
        "",
        (2400, 6000),
        True,
    ),
    MeasureCategory.RANGER: (("生态护林员",), "自然资源局", (3000, 10000), True),
    MeasureCategory.SOCIAL_SECURITY: (
        ("纳入低保兜底保障", "特困人员分散供养"),
        "民政局",
        None,
        False,
    ),
    MeasureCategory.ASSET_INCOME: (
        ("扶贫资产收益分红", "村集体经济收益分红"),
        "扶贫开发办公室",
        (300, 1500),
        True,
    ),
    MeasureCategory.OTHER: (("春节慰问", "发放米面油"), "", (100, 500), False),
}


def _cumulative(weights: Sequence[float]) -> list[float]:
    return list(itertools.accumulate(weights))


def _choice(rng: random.Random, population: Sequence, cum: Sequence[float]):
    """One weighted pick; ``cum`` holds cumulative weights, e.g. (35, 55, 100) for
    35 %, 20 % and 45 % (what ``rng.choices(population, cum_weights=cum)`` does, faster)."""
    return population[bisect.bisect(cum, rng.random() * cum[-1], 0, len(cum) - 1)]


def _area(value: float) -> Decimal:
    return Decimal(round(value * 100)).scaleb(-2)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


@dataclass
class _Village:
    code: str
    county: str  # 6 digits
    township_name: str
    county_name: str
    station: int  # the township's block of order codes on ID numbers
    kind: str
    weight: float


@dataclass
class _Person:
    relation: str
    sex: str
    age: int
    surname: str
    data: dict = field(default_factory=dict)


@dataclass
class _Plan:
    """One generated household and the fields of the rows that hang off it.

    The dependent rows stay plain dicts until the household has its primary key: a
    model built with ``household_id`` is cheaper than one holding the household.
    """

    household: Household
    members: list[dict]
    income: dict
    measures: list[dict]
    causes: list[str]
    defect: str | None
    previous_income: dict | None = None


class _IdNumbers:
    """Free ID numbers per county code: a bitmask of used order sequences per birth date and sex.

    ``make_id_number`` gives 500 distinct numbers per county, birth date and sex
    (sequences 0–499). Every number already stored (members and helpers) is marked
    used, and every number handed out too, so no number is ever given twice.
    """

    FULL = (1 << 500) - 1

    def __init__(self, codes: set[str]):
        self._used: dict[str, dict[int, int]] = {code: {} for code in codes}
        for model in (Member, Helper):
            numbers = model.objects.exclude(id_number="").values_list("id_number", flat=True)
            for number in numbers.iterator(chunk_size=20_000):
                self._mark(number)

    def _mark(self, number: str) -> None:
        table = self._used.get(number[:6])
        if table is None:
            return
        if len(number) == 15:  # a legacy number is the same person as its 18-digit upgrade
            number = number[:6] + "19" + number[6:]
        if len(number) < 17 or not number[6:17].isdigit():
            return
        try:
            birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        except ValueError:
            return
        order = int(number[14:17])
        key = birth.toordinal() * 2 + order % 2
        table[key] = table.get(key, 0) | 1 << (order // 2)

    def allocate(self, county: str, birth: date, sex: str, block: range) -> tuple[str, date]:
        """A free number, preferably with a sequence in ``block``; the birth date moves a
        day later only if all 500 numbers of that day are taken."""
        table = self._used.setdefault(county, {})
        bit = 1 if sex == Sex.MALE else 0
        while True:
            key = birth.toordinal() * 2 + bit
            used = table.get(key, 0)
            for sequence in block:
                if not used >> sequence & 1:
                    break
            else:
                free = ~used & self.FULL
                if not free:
                    birth += timedelta(days=1)
                    continue
                sequence = (free & -free).bit_length() - 1
            table[key] = used | 1 << sequence
            return make_id_number(county, birth, sequence, sex), birth


def resolve_region(text: str) -> Region:
    """The region named by a 12-digit code or its significant prefix; a clear error otherwise."""
    code = expand_code(text)
    if code is None:
        raise TuopinError(
            "region_code_invalid",
            f"区划代码“{text}”无效：应为 12 位或其前 2/4/6/9 位",
            f"invalid region code '{text}': 12 digits or a 2/4/6/9-digit prefix",
            field="region",
        )
    region = Region.objects.filter(code=code).first()
    if region is None:
        loaded = Region.objects.exists()
        raise TuopinError(
            "region_unknown",
            f"区划代码“{text}”不存在"
            + ("" if loaded else "（尚未载入区划，请先运行 tuopin regions load）"),
            f"unknown region code '{text}'"
            + ("" if loaded else " (no divisions loaded yet: run tuopin regions load first)"),
            field="region",
        )
    return region


def _villages(region: Region) -> list[_Village]:
    prefix = significant_prefix(region.code)
    county_prefix = prefix[:6]
    names = dict(
        Region.objects.filter(
            code__startswith=county_prefix if len(prefix) >= 6 else prefix,
            level__in=[RegionLevel.COUNTY, RegionLevel.TOWNSHIP],
        ).values_list("code", "name")
    )
    poor_types = dict(
        Region.objects.filter(level=RegionLevel.COUNTY).values_list("code", "poor_county_type")
    )
    rows = list(
        Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith=prefix)
        .order_by("code")
        .values_list("code", "kind", "is_poor_village", "parent_id")
    )
    townships = sorted({code[:9] for code, *_ in rows})
    stations: dict[str, int] = {}
    for township in townships:
        county_townships = [t for t in townships if t[:6] == township[:6]]
        stations[township] = county_townships.index(township) % 20
    villages = []
    for code, kind, is_poor, parent in rows:
        county = code[:6]
        county_code = county.ljust(12, "0")
        weight = KIND_WEIGHT.get(kind, 1.0)
        weight *= COUNTY_WEIGHT.get(poor_types.get(county_code, ""), OTHER_COUNTY_WEIGHT)
        if is_poor:
            weight *= POOR_VILLAGE_WEIGHT
        villages.append(
            _Village(
                code=code,
                county=county,
                township_name=names.get(parent, ""),
                county_name=names.get(county_code, ""),
                station=stations[code[:9]],
                kind=kind,
                weight=weight,
            )
        )
    return villages


def _next_numbers(prefix: str) -> dict[str, int]:
    """Per village, the sequence after the highest existing "village code + digits" number."""
    highest: dict[str, int] = {}
    numbers = Household.objects.filter(village__code__startswith=prefix).values_list(
        "village_id", "number"
    )
    for village, number in numbers.iterator(chunk_size=20_000):
        tail = number[len(village) :] if number.startswith(village) else ""
        if tail.isdigit():
            highest[village] = max(highest.get(village, 0), int(tail))
    return highest


class _Generator:
    """Builds households in memory; all randomness comes from one seeded stream."""

    SIZES = (1, 2, 3, 4, 5, 6, 7)
    SIZE_CUM = _cumulative((15, 21, 20, 19, 14, 8, 3))
    SURNAME_CUM = _cumulative(SURNAME_WEIGHTS)
    STANDARDS = (
        IdentificationStandard.NATIONAL,
        IdentificationStandard.PROVINCIAL,
        IdentificationStandard.MUNICIPAL,
    )
    STANDARD_CUM = _cumulative((92, 6, 2))
    STATUSES = (
        PovertyStatus.NOT_EXITED,
        PovertyStatus.EXITED_WITH_POLICY,
        PovertyStatus.EXITED_NO_POLICY,
        PovertyStatus.PRE_EXIT,
        PovertyStatus.RETURNED,
    )
    STATUS_CUM = _cumulative((34, 52, 3, 7, 4))
    WORK = (
        WorkStatus.IN_TOWNSHIP,
        WorkStatus.IN_COUNTY,
        WorkStatus.IN_PROVINCE,
        WorkStatus.OUT_OF_PROVINCE,
        WorkStatus.OTHER,
    )
    WORK_CUM = _cumulative((25, 20, 20, 30, 5))
    ROADS = (RoadType.CEMENT, RoadType.GRAVEL, RoadType.DIRT, RoadType.ASPHALT)
    ROAD_CUM = _cumulative((72, 14, 8, 6))
    FUELS = (Fuel.FIREWOOD, Fuel.COAL, Fuel.CLEAN, Fuel.DUNG, Fuel.OTHER)
    FUEL_CUM = _cumulative((38, 18, 38, 1, 5))
    GRADES = (HousingGrade.A, HousingGrade.B, HousingGrade.C, HousingGrade.D)
    GRADE_CUM_POOR = _cumulative((40, 40, 14, 6))
    GRADE_CUM_SAFE = _cumulative((55, 45, 0, 0))
    BANK_CUM = _cumulative(BANK_WEIGHTS)
    # Education of non-students by age band: (upper age, levels, weights).
    EDUCATION_BANDS = (
        (18, (Education.JUNIOR, Education.SENIOR), (80, 20)),
        (22, (Education.JUNIOR, Education.SENIOR, Education.COLLEGE), (65, 30, 5)),
        (
            39,
            (
                Education.PRIMARY,
                Education.JUNIOR,
                Education.SENIOR,
                Education.COLLEGE,
                Education.BACHELOR_PLUS,
            ),
            (10, 60, 20, 7, 3),
        ),
        (
            54,
            (
                Education.ILLITERATE,
                Education.PRIMARY,
                Education.JUNIOR,
                Education.SENIOR,
                Education.COLLEGE,
            ),
            (6, 30, 55, 8, 1),
        ),
        (
            69,
            (Education.ILLITERATE, Education.PRIMARY, Education.JUNIOR, Education.SENIOR),
            (25, 45, 27, 3),
        ),
        (200, (Education.ILLITERATE, Education.PRIMARY, Education.JUNIOR), (55, 35, 10)),
    )
    CAUSES = tuple(PovertyCause)

    def __init__(
        self,
        rng: random.Random,
        year: int,
        ids: _IdNumbers,
        *,
        ready_share: float = 0.0,
        previous: random.Random | None = None,
    ):
        self.rng = rng
        self.year = year
        # Share of the 未脱贫 households (identified before the year) that meet the exit
        # standard this year: the households a village proposes to exit. 0 draws nothing, so
        # the stream and the data stay as they were without it.
        self.ready_share = ready_share
        # A second stream for last year's income: drawing it leaves the main stream, and so
        # every other value, unchanged.
        self.previous = previous
        today = timezone.localdate()
        self.ref = min(date(year, 12, 31), today)  # ages are counted on this day
        # The school year in progress on the reference day started in this year.
        self.school_year = self.ref.year if self.ref.month >= 9 else self.ref.year - 1
        self.line = POVERTY_LINE.get(year) or POVERTY_LINE[max(POVERTY_LINE)]
        self.ids = ids
        self.education_bands = [
            (upper, levels, _cumulative(weights)) for upper, levels, weights in self.EDUCATION_BANDS
        ]
        self.identified_years = [y for y in range(FIRST_YEAR, min(year, 2018) + 1)]
        weights = {2014: 62, 2015: 12, 2016: 12, 2017: 9, 2018: 5}
        self.identified_cum = _cumulative([weights[y] for y in self.identified_years])
        self.defects = {kind: 0 for kind in DEFECT_KINDS}

    # -- people -------------------------------------------------------------------------

    def _surname(self) -> str:
        return _choice(self.rng, SURNAMES, self.SURNAME_CUM)

    def _name(self, surname: str, sex: str, birth_year: int) -> str:
        rng = self.rng
        era = 0 if birth_year < 1970 else 1 if birth_year < 1995 else 2
        chars = GIVEN[(sex, era)]
        first = chars[int(rng.random() * len(chars))]
        if rng.random() < 0.25:
            return surname + first
        return surname + first + chars[int(rng.random() * len(chars))]

    def _composition(self) -> list[_Person]:
        """Relations, sexes and ages of one household (head first)."""
        rng = self.rng
        size = _choice(rng, self.SIZES, self.SIZE_CUM)
        if size == 1:
            head_age = rng.randint(55, 92) if rng.random() < 0.85 else rng.randint(28, 54)
        elif size == 2:
            head_age = rng.randint(50, 88) if rng.random() < 0.6 else rng.randint(30, 75)
        else:
            head_age = int(rng.triangular(27, 78, 46))
        married = size >= 2 and rng.random() < (0.88 if size >= 3 else 0.62)
        if married:
            head_sex = Sex.MALE if rng.random() < 0.9 else Sex.FEMALE
        else:
            head_sex = Sex.MALE if rng.random() < 0.6 else Sex.FEMALE
        other = Sex.FEMALE if head_sex == Sex.MALE else Sex.MALE
        surname = self._surname()
        people = [_Person(Relation.HEAD, head_sex, head_age, surname)]
        slots = size - 1
        if married:
            gap = rng.randint(-2, 5)  # the husband is usually a little older
            spouse_age = max(20, head_age - gap if head_sex == Sex.MALE else head_age + gap)
            people.append(_Person(Relation.SPOUSE, other, spouse_age, self._surname()))
            slots -= 1
        # The head's own parents (or the spouse's), 20–35 years older.
        if slots and head_age <= 58 and rng.random() < 0.3:
            count = 1 if slots == 1 or rng.random() < 0.6 else 2
            in_laws = married and rng.random() < 0.15
            for index in range(count):
                sex = (
                    (Sex.MALE, Sex.FEMALE)[index]
                    if count == 2
                    else rng.choice((Sex.MALE, Sex.FEMALE))
                )
                age = min(98, head_age + rng.randint(20, 35))
                if in_laws and head_sex == Sex.MALE:  # the wife's parents
                    relation = (
                        Relation.FATHER_IN_LAW_WIFE
                        if sex == Sex.MALE
                        else Relation.MOTHER_IN_LAW_WIFE
                    )
                    family = people[1].surname
                elif in_laws:  # the husband's parents
                    relation = (
                        Relation.FATHER_IN_LAW_HUSBAND
                        if sex == Sex.MALE
                        else Relation.MOTHER_IN_LAW_HUSBAND
                    )
                    family = people[1].surname
                else:
                    relation = Relation.FATHER if sex == Sex.MALE else Relation.MOTHER
                    family = surname
                name = family if sex == Sex.MALE else self._surname()
                people.append(_Person(relation, sex, age, name))
            slots -= count
        # Three generations: a married child with a spouse and children.
        if slots >= 3 and head_age >= 45 and rng.random() < 0.55:
            child_age = max(20, head_age - rng.randint(20, 32))
            if rng.random() < 0.9:  # a son and his wife (儿媳)
                child = _Person(Relation.SON, Sex.MALE, child_age, surname)
                in_law = _Person(
                    Relation.DAUGHTER_IN_LAW,
                    Sex.FEMALE,
                    max(19, child_age + rng.randint(-4, 2)),
                    self._surname(),
                )
                grand = ((Relation.GRANDSON, Sex.MALE), (Relation.GRANDDAUGHTER, Sex.FEMALE))
                grand_surname = surname
            else:  # a daughter and her husband (女婿, married in)
                child = _Person(Relation.DAUGHTER, Sex.FEMALE, child_age, surname)
                in_law = _Person(
                    Relation.SON_IN_LAW,
                    Sex.MALE,
                    max(20, child_age + rng.randint(-2, 4)),
                    self._surname(),
                )
                grand = (
                    (Relation.DAUGHTERS_SON, Sex.MALE),
                    (Relation.DAUGHTERS_DAUGHTER, Sex.FEMALE),
                )
                grand_surname = in_law.surname
            people += [child, in_law]
            slots -= 2
            youngest_parent = min(child.age, in_law.age)
            grandchildren = min(slots, rng.randint(1, 3))
            for _ in range(grandchildren):
                relation, sex = grand[rng.random() < 0.48]
                age = rng.randint(0, max(0, youngest_parent - 19))
                people.append(_Person(relation, sex, age, grand_surname))
            slots -= grandchildren
        # The head's children, 18–40 years younger.
        for _ in range(slots):
            sex = Sex.MALE if rng.random() < 0.53 else Sex.FEMALE
            age = max(0, head_age - rng.randint(18, max(18, min(40, head_age - 4))))
            relation = Relation.SON if sex == Sex.MALE else Relation.DAUGHTER
            people.append(_Person(relation, sex, age, surname))
        return people

    def _birth(self, age: int) -> date:
        """A birth date giving exactly ``age`` full years on the reference day."""
        latest = _years_before(self.ref, age)
        earliest = _years_before(self.ref, age + 1) + timedelta(days=1)
        return earliest + timedelta(days=int(self.rng.random() * ((latest - earliest).days + 1)))

    def _student(self, age: int, birth: date) -> tuple[str, str]:
        """Student status and education of a child or young person (status "" = not a student)."""
        rng = self.rng
        grade = self.school_year - birth.year - (1 if birth.month >= 9 else 0) - 5
        if age <= 15:
            # Compulsory schooling: every child of 6–15 is at school (domain.md §4.1).
            if grade <= 0:
                if age >= 6 or (age >= 3 and rng.random() < 0.8):
                    return StudentStatus.PRESCHOOL, Education.PRESCHOOL
                return StudentStatus.NOT_STUDENT, Education.PRESCHOOL
            if grade <= 6:
                return StudentStatus.PRIMARY, Education.PRIMARY
            if grade <= 9 or age <= 14:
                return (StudentStatus.GRADE_7, StudentStatus.GRADE_8, StudentStatus.GRADE_9)[
                    min(grade, 9) - 7
                ], Education.JUNIOR
        if 10 <= grade <= 12 and (age <= 15 or rng.random() < 0.8):
            if rng.random() < 0.7:
                status = (StudentStatus.SENIOR_1, StudentStatus.SENIOR_2, StudentStatus.SENIOR_3)
            else:
                status = (
                    StudentStatus.VOCATIONAL_1,
                    StudentStatus.VOCATIONAL_2,
                    StudentStatus.VOCATIONAL_3,
                )
            return status[grade - 10], Education.SENIOR
        if 13 <= grade <= 16 and rng.random() < 0.3:
            if grade <= 15 and rng.random() < 0.5:
                status = (
                    StudentStatus.HIGHER_VOCATIONAL_1,
                    StudentStatus.HIGHER_VOCATIONAL_2,
                    StudentStatus.HIGHER_VOCATIONAL_3,
                )[grade - 13]
                return status, Education.COLLEGE
            education = Education.BACHELOR_PLUS if rng.random() < 0.35 else Education.COLLEGE
            return StudentStatus.COLLEGE_PLUS, education
        return "", ""

    def _member_facts(
        self, person: _Person, household_number: str, index: int, village: _Village
    ) -> None:
        """Fill the member's fields: ID, education, health, labour, work, insurance."""
        rng = self.rng
        age = person.age
        birth = self._birth(age)
        county = village.county
        old = PRE_1997_COUNTY_CODES.get(county)
        if old and birth.year < OLD_CODE_BORN_BEFORE and rng.random() < OLD_CODE_SHARE:
            county = old
        base = village.station * 25
        number, birth = self.ids.allocate(county, birth, person.sex, range(base, base + 25))
        age = _age(birth, self.ref)
        student, education = self._student(age, birth) if age <= 23 else ("", "")
        if not student:
            student = StudentStatus.NOT_STUDENT
            if age < 6:
                education = Education.PRESCHOOL
            else:
                for upper, levels, cum in self.education_bands:
                    if age <= upper:
                        education = _choice(rng, levels, cum)
                        break
        in_school = student != StudentStatus.NOT_STUDENT
        # Health: the chances grow with age; combinations occur.
        band = 0 if age < 15 else 1 if age < 45 else 2 if age < 60 else 3
        chronic = rng.random() < (0.02, 0.06, 0.2, 0.38)[band]
        serious = rng.random() < (0.01, 0.03, 0.07, 0.1)[band]
        disabled = rng.random() < (0.02, 0.05, 0.08, 0.12)[band]
        # Labour follows age, health and schooling.
        if age < 16:
            labour = Labour.NONE
        elif serious or disabled:
            labour = Labour.LOST if rng.random() < 0.55 else Labour.WEAK
        elif age > 65:
            labour = _choice(rng, (Labour.WEAK, Labour.LOST, Labour.NONE), (35, 55, 100))
        elif age > 60:
            labour = Labour.WEAK if chronic or rng.random() < 0.5 else Labour.ORDINARY
        elif chronic:
            labour = Labour.WEAK if rng.random() < 0.7 else Labour.ORDINARY
        else:
            labour = Labour.SKILLED if rng.random() < 0.12 else Labour.ORDINARY
        soldier = (
            person.sex == Sex.MALE and 18 <= age <= 24 and not in_school and rng.random() < 0.02
        )
        work_status, months = "", None
        if (
            not in_school
            and not soldier
            and 16 <= age <= 64
            and labour in WORKING
            and rng.random() < (0.3 if labour == Labour.WEAK or age > 60 else 0.62)
        ):
            work_status = _choice(rng, self.WORK, self.WORK_CUM)
            if labour == Labour.WEAK:
                work_status = WorkStatus.IN_TOWNSHIP
            months = 12 if rng.random() < 0.3 else rng.randint(3, 11)
        certificate = ""
        if disabled:
            category = _choice(rng, "1234567", (8, 14, 17, 57, 67, 77, 80))
            certificate = f"{number}{category}{rng.randint(1, 4)}"
        person.data = {
            "person_number": f"{household_number}{index:02d}",
            "name": self._name(person.surname, person.sex, birth.year),
            "sex": person.sex,
            "id_number": number,
            "birth_date": birth,
            "relation": person.relation,
            "ethnicity": Ethnicity.E01 if rng.random() < 0.99 else Ethnicity.E03,
            "education": education,
            "student_status": student,
            "is_chronically_ill": chronic,
            "is_seriously_ill": serious,
            "is_disabled": disabled,
            "disability_certificate": certificate,
            "labour": labour,
            "work_status": work_status,
            "work_months": months,
            "has_basic_medical_insurance": rng.random() < 0.995,
            "has_serious_illness_insurance": rng.random() < 0.99,
            "has_basic_pension": age >= 16 and not in_school and rng.random() < 0.96,
            "receives_dibao": False,
            "is_active_soldier": soldier,
        }

    # -- household ----------------------------------------------------------------------

    def _status(self, identified: int) -> tuple[str, int | None, int | None, int | None]:
        """(status, planned exit year, exit year, returned year); no exit in the year of
        identification or of a return (domain.md §5)."""
        rng = self.rng
        year = self.year
        status = _choice(rng, self.STATUSES, self.STATUS_CUM)
        if identified >= year or (status == PovertyStatus.RETURNED and year - identified < 2):
            status = PovertyStatus.NOT_EXITED
        if status == PovertyStatus.NOT_EXITED:
            return status, rng.randint(year + 1, max(year + 1, 2020)), None, None
        if status == PovertyStatus.PRE_EXIT:
            return status, year, None, None
        if status == PovertyStatus.RETURNED:
            exited = rng.randint(identified + 1, year - 1)
            return (
                status,
                rng.randint(year + 1, max(year + 1, 2020)),
                exited,
                rng.randint(exited + 1, year),
            )
        exited = rng.randint(identified + 1, year)
        return status, exited, exited, None

    def _causes(self, people: list[dict]) -> tuple[str, list[str]]:
        rng = self.rng
        ill = any(p["is_chronically_ill"] or p["is_seriously_ill"] for p in people)
        disabled = any(p["is_disabled"] for p in people)
        students = [p for p in people if p["student_status"] not in ("", StudentStatus.NOT_STUDENT)]
        senior = any(p["student_status"] >= StudentStatus.SENIOR_1 for p in students)
        able = any(p["labour"] in (Labour.ORDINARY, Labour.SKILLED) for p in people)
        weights = {
            PovertyCause.ILLNESS: 45 if ill else 0,
            PovertyCause.DISABILITY: 25 if disabled else 0,
            PovertyCause.SCHOOLING: 20 if senior else 4 if students else 0,
            PovertyCause.DISASTER: 2,
            PovertyCause.LACK_LAND: 3,
            PovertyCause.LACK_WATER: 0.5,
            PovertyCause.LACK_SKILLS: 12 if able else 0,
            PovertyCause.LACK_LABOUR: 3 if able else 25,
            PovertyCause.LACK_FUNDS: 12,
            PovertyCause.POOR_TRANSPORT: 0.5,
            PovertyCause.LACK_MOTIVATION: 4 if able else 0,
            PovertyCause.OTHER: 1,
        }
        causes = [c for c in self.CAUSES if weights[c]]
        cum = _cumulative([weights[c] for c in causes])
        main = _choice(rng, causes, cum)
        others: list[str] = []
        wanted = _choice(rng, (0, 1, 2), (40, 80, 100))
        for _ in range(wanted * 3):
            if len(others) == wanted:
                break
            cause = _choice(rng, causes, cum)
            if cause != main and cause not in others:
                others.append(cause)
        return main, sorted(others)

    def _attribute(self, people: list[dict]) -> str:
        rng = self.rng
        capable = any(
            16 <= _age(p["birth_date"], self.ref) <= 65 and p["labour"] in WORKING for p in people
        )
        if len(people) <= 2 and not capable and rng.random() < 0.45:
            return HouseholdAttribute.TEKUN
        vulnerable = any(
            p["is_seriously_ill"] or p["is_disabled"] or _age(p["birth_date"], self.ref) >= 70
            for p in people
        )
        if rng.random() < (0.45 if vulnerable else 0.18):
            return HouseholdAttribute.DIBAO
        return HouseholdAttribute.GENERAL

    def household(self, village: _Village, number: str, helper: Helper | None) -> _Plan:
        rng = self.rng
        year = self.year
        persons = self._composition()
        for index, person in enumerate(persons, 1):
            self._member_facts(person, number, index, village)
        people = [p.data for p in persons]
        identified = _choice(rng, self.identified_years, self.identified_cum)
        status, planned, exited, returned = self._status(identified)
        ready = bool(
            self.ready_share
            and status == PovertyStatus.NOT_EXITED
            and identified < year
            and rng.random() < self.ready_share
        )
        if ready:
            planned = year
        exit_like = status in EXIT_STATUSES or ready
        main, others = self._causes(people)
        attribute = self._attribute(people)
        if attribute == HouseholdAttribute.DIBAO:
            everyone = rng.random() < 0.7
            for p in people:
                p["receives_dibao"] = everyone
            if not everyone:
                chosen = [
                    p
                    for p in people
                    if p["is_seriously_ill"] or p["is_disabled"] or p["is_chronically_ill"]
                ] or people[:1]
                for p in chosen:
                    p["receives_dibao"] = True
        if exit_like:
            # The exit standard holds (domain.md §4.1): insured, children in school.
            for p in people:
                p["has_basic_medical_insurance"] = True
                p["has_serious_illness_insurance"] = True
        size = len(people)
        rural = village.kind == RegionKind.VILLAGE
        relocated = rural and rng.random() < 0.005
        farmland = size * (
            rng.uniform(0.8, 2.2) if rural and not relocated else rng.uniform(0, 0.4)
        )
        sons = sum(p["relation"] == Relation.SON for p in people)
        daughters = sum(p["relation"] == Relation.DAUGHTER for p in people)
        soldier = any(p["is_active_soldier"] for p in people)
        grade = _choice(rng, self.GRADES, self.GRADE_CUM_SAFE if exit_like else self.GRADE_CUM_POOR)
        water_safe = exit_like or rng.random() < 0.93
        household = Household(
            village_id=village.code,
            number=number,
            identification_standard=_choice(rng, self.STANDARDS, self.STANDARD_CUM),
            attribute=attribute,
            main_cause=main,
            status=status,
            identified_year=identified,
            planned_exit_year=planned,
            exit_year=exited,
            returned_year=returned,
            phone=f"1{rng.choice('3578')}{rng.randint(0, 999_999_999):09d}"
            if rng.random() < 0.85
            else "",
            bank_name=_choice(rng, BANKS, self.BANK_CUM),
            bank_account=f"62{rng.randint(0, 10**17 - 1):017d}",
            helper=helper,
            is_military_family=soldier or rng.random() < 0.004,
            is_only_child_family=sons + daughters == 1 and rng.random() < 0.3,
            is_two_daughters_family=sons == 0 and daughters == 2 and rng.random() < 0.5,
            is_relocated=relocated,
            relocation_mode=(
                RelocationMode.CENTRALISED if rng.random() < 0.7 else RelocationMode.SCATTERED
            )
            if relocated
            else "",
            relocation_place=f"{village.township_name}易地扶贫搬迁安置点" if relocated else "",
            relocation_year=rng.randint(2016, max(2016, year)) if relocated else None,
            relocation_moved_in=True if relocated else None,
            farmland_mu=_area(farmland),
            irrigated_mu=_area(farmland * rng.uniform(0.6, 1.0)),
            forest_mu=_area(rng.uniform(0.1, 2.0) if rural and rng.random() < 0.1 else 0),
            returned_forest_mu=_area(0),
            orchard_mu=_area(rng.uniform(0.2, 3.0) if rural and rng.random() < 0.08 else 0),
            pasture_mu=_area(0),
            water_surface_mu=_area(rng.uniform(0.5, 3.0) if rural and rng.random() < 0.01 else 0),
            in_cooperative=rng.random() < 0.25,
            has_production_power=rng.random() < 0.98,
            has_household_power=True,
            has_radio_tv=rng.random() < 0.99,
            road_distance_km=_area(min(8.0, rng.expovariate(1 / 0.4))),
            road_type=_choice(rng, self.ROADS, self.ROAD_CUM),
            housing_area_m2=_area(rng.uniform(40, 70) + size * rng.uniform(10, 25)),
            housing_grade=grade,
            owns_house=True if exit_like else rng.random() < 0.96,
            water_safe=water_safe,
            water_difficult=not water_safe and rng.random() < 0.7,
            main_fuel=_choice(rng, self.FUELS, self.FUEL_CUM),
            has_sanitary_toilet=rng.random() < 0.55,
            food_secure=True if exit_like else rng.random() < 0.97,
            clothing_secure=True if exit_like else rng.random() < 0.98,
        )
        measures, public_job = self._measures(village, household, people, identified)
        if public_job:
            # The public-welfare job is a job: someone in the household works in the township.
            workers = [p for p in people if p["work_status"]]
            if not workers:
                candidates = [
                    p
                    for p in people
                    if p["labour"] in WORKING
                    and p["student_status"] == StudentStatus.NOT_STUDENT
                    and 18 <= _age(p["birth_date"], self.ref) <= 64
                    and not p["is_active_soldier"]
                ]
                if candidates:
                    candidates[0]["work_status"] = WorkStatus.IN_TOWNSHIP
                    candidates[0]["work_months"] = 12
                else:
                    public_job = False
                    measures = [
                        m for m in measures if m["category"] != MeasureCategory.PUBLIC_WELFARE_JOB
                    ]
        defect = (
            self._pick_defect(household, people, measures, others)
            if rng.random() < DEFECT_SHARE
            else None
        )
        income = self._income(household, people, measures, public_job, defect, ready)
        causes = list(others)
        if defect:
            self._plant(defect, household, people, causes, village)
            self.defects[defect] += 1
        previous = self._previous_income(income) if self.previous else None
        return _Plan(household, people, income, measures, causes, defect, previous)

    def _measures(
        self, village: _Village, household: Household, people: list[dict], identified: int
    ):
        rng = self.rng
        ill = any(p["is_chronically_ill"] or p["is_seriously_ill"] for p in people)
        students = any(
            p["student_status"] not in ("", StudentStatus.NOT_STUDENT, StudentStatus.PRESCHOOL)
            for p in people
        )
        able = any(
            p["labour"] in WORKING
            and p["student_status"] == StudentStatus.NOT_STUDENT
            and 18 <= _age(p["birth_date"], self.ref) <= 64
            for p in people
        )
        weights = {
            MeasureCategory.INDUSTRY: 30,
            MeasureCategory.EMPLOYMENT: 20 if any(p["work_status"] for p in people) else 0,
            MeasureCategory.FINANCE: 12,
            MeasureCategory.EDUCATION: 30 if students else 0,
            MeasureCategory.HEALTH: 25 if ill else 0,
            MeasureCategory.HOUSING: 50 if household.housing_grade in ("C", "D") else 4,
            MeasureCategory.PHOTOVOLTAIC: 15,
            MeasureCategory.PUBLIC_WELFARE_JOB: 8 if able else 0,
            MeasureCategory.RANGER: 1,
            MeasureCategory.SOCIAL_SECURITY: 40
            if household.attribute != HouseholdAttribute.GENERAL
            else 0,
            MeasureCategory.ASSET_INCOME: 10,
            MeasureCategory.OTHER: 2,
        }
        categories = [c for c in MeasureCategory if weights.get(c)]
        cum = _cumulative([weights[c] for c in categories])
        chosen: list[str] = [MeasureCategory.RELOCATION] if household.is_relocated else []
        wanted = _choice(rng, (1, 2, 3), (35, 80, 100))
        for _ in range(wanted * 4):
            if len(chosen) >= wanted:
                break
            category = _choice(rng, categories, cum)
            if category not in chosen:
                chosen.append(category)
        measures = []
        for category in chosen:
            contents, unit, costs, raises = MEASURES[category]
            measure_year = rng.randint(identified, self.year)
            start = date(measure_year, 1, 1)
            days = (min(date(measure_year, 12, 31), self.ref) - start).days
            if category == MeasureCategory.SOCIAL_SECURITY:
                content = contents[household.attribute == HouseholdAttribute.TEKUN]
            else:
                content = contents[int(rng.random() * len(contents))]
            measures.append(
                {
                    "category": category,
                    "content": content,
                    "unit": f"{village.county_name}{unit}"
                    if unit
                    else f"{village.township_name}人民政府",
                    "cost": Decimal(rng.randint(*costs)) if costs else None,
                    "year": measure_year,
                    "date": start + timedelta(days=int(rng.random() * (days + 1))),
                    "raises_income": raises,
                }
            )
        return measures, MeasureCategory.PUBLIC_WELFARE_JOB in chosen

    def _income(
        self,
        household: Household,
        people: list[dict],
        measures: list[Measure],
        public_job: bool,
        defect,
        ready: bool = False,
    ) -> dict:
        """One year's income around the poverty line; the parts follow the members and measures."""
        rng = self.rng
        line = self.line
        size = len(people)
        status = household.status
        if (status in EXIT_STATUSES and defect != "exited_below_line") or ready:
            if status == PovertyStatus.PRE_EXIT or ready:
                per_capita = line * rng.uniform(1.03, 1.6)
            else:
                per_capita = line * (1.05 + min(4.0, rng.expovariate(1 / 0.75)))
        elif (
            status == PovertyStatus.RETURNED or defect == "exited_below_line" or rng.random() < 0.88
        ):
            per_capita = line * rng.uniform(0.4, 0.97)
        else:
            per_capita = line * rng.uniform(1.01, 1.3)
        net = round(per_capita * size)
        # Strictly above or below the line, whatever the rounding.
        net = max(net, line * size + 1) if per_capita > line else min(net, line * size - 1)
        ages = [_age(p["birth_date"], self.ref) for p in people]
        pension = sum(rng.randint(1176, 1500) for age in ages if age >= 60)
        family_planning = 0
        if household.is_only_child_family or household.is_two_daughters_family:
            family_planning = 960 * sum(
                1
                for p, age in zip(people, ages, strict=True)
                if age >= 60 and p["relation"] in ("02", "10")
            )
        dibao = sum(rng.randint(1200, 2200) for p in people if p["receives_dibao"])
        tekun = (
            sum(rng.randint(4000, 5500) for _ in people)
            if household.attribute == HouseholdAttribute.TEKUN
            else 0
        )
        eco = rng.randint(100, 500) if rng.random() < 0.02 else 0
        other = 720 * sum(1 for p in people if p["is_disabled"])  # 残疾人两项补贴
        fixed = pension + family_planning + dibao + tekun + eco + other
        if fixed > 0.9 * net:
            factor = 0.9 * net / fixed
            pension, family_planning, dibao, tekun, eco, other = (
                round(x * factor) for x in (pension, family_planning, dibao, tekun, eco, other)
            )
        if household.attribute == HouseholdAttribute.DIBAO and dibao == 0:
            dibao = 1  # a 低保 household's money is never zero (§6.5); rounding made it so
        transfers = pension + family_planning + dibao + tekun + eco + other
        rest = net - transfers
        dividends = 0
        if any(
            m["category"] in (MeasureCategory.PHOTOVOLTAIC, MeasureCategory.ASSET_INCOME)
            for m in measures
        ):
            dividends = min(rest // 2, rng.randint(300, 1500))
        rent = min((rest - dividends) // 4, rng.randint(200, 800)) if rng.random() < 0.05 else 0
        property_income = dividends + rent
        rest -= property_income
        wages = public_wages = 0
        if any(p["work_status"] and p["work_months"] for p in people):
            wages = round(rest * rng.uniform(0.55, 0.9))
            if public_job:
                public_wages = min(wages, rng.randint(2400, 6000))
        business_net = rest - wages
        if defect == "business_without_costs" and business_net <= 0:
            business_net = 1  # the net income grows by a yuan or so
        costs = round(business_net * rng.uniform(0.35, 0.8)) if business_net > 0 else 0
        if defect == "business_without_costs":
            costs = 0
        if costs == 0 and business_net > 0 and defect != "business_without_costs":
            costs = 1
        return dict(
            year=self.year,
            wages=Decimal(wages),
            public_welfare_job_wages=Decimal(public_wages) if public_job else None,
            business=Decimal(business_net + costs),
            property_income=Decimal(property_income),
            asset_dividends=Decimal(dividends) if dividends else None,
            transfers=Decimal(transfers),
            family_planning_subsidy=Decimal(family_planning) if family_planning else None,
            dibao_payment=Decimal(dibao)
            if household.attribute == HouseholdAttribute.DIBAO
            else None,
            tekun_payment=Decimal(tekun)
            if household.attribute == HouseholdAttribute.TEKUN
            else None,
            pension=Decimal(pension) if pension else None,
            eco_compensation=Decimal(eco) if eco else None,
            production_costs=Decimal(costs),
        )

    # Last year's income against this year's: most households earned more this year, some a
    # little less, and about one in twenty lost a third or more (illness, a lost job), which
    # the monitoring rule (income down 30% on last year) must find.
    GROWTH = ((0.05, 0.40, 0.65), (0.15, 0.85, 1.0), (1.0, 1.03, 1.35))

    def _previous_income(self, income: dict) -> dict:
        """Last year's income: this year's parts divided by one growth factor, all known."""
        draw = self.previous.random()
        low, high = next((low, high) for share, low, high in self.GROWTH if draw < share)
        factor = 1 / self.previous.uniform(low, high)
        previous = {
            key: Decimal(round(value * Decimal(factor))) if isinstance(value, Decimal) else value
            for key, value in income.items()
        }
        previous["year"] = self.year - 1
        if income["dibao_payment"] and not previous["dibao_payment"]:
            previous["dibao_payment"] = Decimal(1)  # a 低保 household's money is never zero
        return previous

    # -- planted defects ----------------------------------------------------------------

    def _pick_defect(self, household: Household, people: list[dict], measures, others) -> str:
        """One defect kind that fits this household (chosen before the income is drawn,
        since two kinds shape the income)."""
        ref = self.ref
        exit_like = household.status in EXIT_STATUSES and household.status != PovertyStatus.PRE_EXIT
        kinds = ["missing_ethnicity", "other_cause_repeats_main", "business_without_costs"]
        if household.status != PovertyStatus.EXITED_NO_POLICY:
            # An exited household no longer supported may do without a helper: not a defect.
            kinds.append("no_helper")
        kinds += ["farmland_excess", "road_distance_excess"]
        ages = [_age(p["birth_date"], ref) for p in people]
        if any(21 <= a <= 58 for a in ages):
            kinds.append("birth_date_mismatch")
        if any(
            a >= 16 and p["student_status"] == StudentStatus.NOT_STUDENT
            for p, a in zip(people, ages, strict=True)
        ):
            kinds.append("missing_education")
        if any(
            a >= 20 and p["student_status"] == StudentStatus.NOT_STUDENT
            for p, a in zip(people, ages, strict=True)
        ):
            kinds.append("old_in_primary")
        if any(p["is_disabled"] for p in people):
            kinds.append("disabled_without_certificate")
        if any(self._healthy_idle_adult(p, a) for p, a in zip(people, ages, strict=True)):
            kinds.append("healthy_lost_labour")
        if household.main_cause != PovertyCause.ILLNESS and PovertyCause.ILLNESS not in others:
            healthy = not any(
                p["is_chronically_ill"] or p["is_seriously_ill"] or p["is_disabled"] for p in people
            )
            if healthy:
                kinds.append("illness_all_healthy")
        if household.attribute == HouseholdAttribute.DIBAO:
            kinds.append("dibao_without_member")
        if any(p["work_status"] for p in people):
            kinds.append("months_without_workplace")
        if any(p["relation"] == Relation.SPOUSE for p in people):
            kinds.append("spouse_same_sex")
        if any(p["relation"] in (Relation.SON, Relation.DAUGHTER) for p in people):
            kinds.append("relation_sex_mismatch")
        if exit_like:
            kinds += ["exited_below_line", "exited_dangerous_house"]
            students = sum(
                p["student_status"] not in ("", StudentStatus.NOT_STUDENT) for p in people
            )
            # Taking the only student out of school would also make 因学 inconsistent.
            schooling = PovertyCause.SCHOOLING in (household.main_cause, *others)
            if (students >= 2 or not schooling) and any(
                6 <= a <= 15 and not (p["is_disabled"] or p["is_seriously_ill"])
                for p, a in zip(people, ages, strict=True)
            ):
                kinds.append("school_age_out_of_school")
        return kinds[int(self.rng.random() * len(kinds))]

    @staticmethod
    def _healthy_idle_adult(p: dict, age: int) -> bool:
        return (
            16 <= age <= 60
            and not (p["is_chronically_ill"] or p["is_seriously_ill"] or p["is_disabled"])
            and not p["work_status"]
            and not p["is_active_soldier"]
        )

    def _plant(self, kind, household, people, causes, village) -> None:
        rng = self.rng
        ref = self.ref

        def pick(condition):
            candidates = [p for p in people if condition(p, _age(p["birth_date"], ref))]
            return candidates[int(rng.random() * len(candidates))]

        if kind == "missing_ethnicity":
            pick(lambda p, a: True)["ethnicity"] = ""
        elif kind == "missing_education":
            pick(lambda p, a: a >= 16 and p["student_status"] == StudentStatus.NOT_STUDENT)[
                "education"
            ] = ""
        elif kind == "old_in_primary":
            pick(lambda p, a: a >= 20 and p["student_status"] == StudentStatus.NOT_STUDENT)[
                "student_status"
            ] = StudentStatus.PRIMARY
        elif kind == "disabled_without_certificate":
            pick(lambda p, a: p["is_disabled"])["disability_certificate"] = ""
        elif kind == "healthy_lost_labour":
            pick(self._healthy_idle_adult)["labour"] = Labour.LOST
        elif kind == "illness_all_healthy":
            household.main_cause = PovertyCause.ILLNESS
        elif kind == "other_cause_repeats_main":
            causes.append(household.main_cause)
        elif kind == "dibao_without_member":
            for p in people:
                p["receives_dibao"] = False
        elif kind == "months_without_workplace":
            pick(lambda p, a: bool(p["work_status"]))["work_status"] = ""
        elif kind == "no_helper":
            household.helper = None
        elif kind in ("spouse_same_sex", "relation_sex_mismatch"):
            if kind == "spouse_same_sex":
                p = pick(lambda p, a: p["relation"] == Relation.SPOUSE)
                p["sex"] = people[0]["sex"]
            else:
                p = pick(lambda p, a: p["relation"] in (Relation.SON, Relation.DAUGHTER))
                p["sex"] = Sex.MALE if p["sex"] == Sex.FEMALE else Sex.FEMALE
            # The ID number follows the recorded sex: only the relation is wrong.
            base = village.station * 25
            p["id_number"], p["birth_date"] = self.ids.allocate(
                p["id_number"][:6], p["birth_date"], p["sex"], range(base, base + 25)
            )
            if p["disability_certificate"]:
                p["disability_certificate"] = p["id_number"] + p["disability_certificate"][18:]
        elif kind == "farmland_excess":
            farmland = len(people) * rng.uniform(51, 80)
            household.farmland_mu = _area(farmland)
            household.irrigated_mu = _area(farmland * rng.uniform(0.5, 1.0))
        elif kind == "road_distance_excess":
            household.road_distance_km = _area(rng.uniform(51, 90))
        elif kind == "birth_date_mismatch":
            # A day typed wrong in the same month, of an adult whose age band it cannot change.
            p = pick(lambda p, a: 21 <= a <= 58)
            birth = p["birth_date"]
            p["birth_date"] = birth.replace(day=1 if birth.day != 1 else 2)
        elif kind == "exited_dangerous_house":
            household.housing_grade = HousingGrade.C if rng.random() < 0.7 else HousingGrade.D
        elif kind == "school_age_out_of_school":
            pick(lambda p, a: 6 <= a <= 15 and not (p["is_disabled"] or p["is_seriously_ill"]))[
                "student_status"
            ] = StudentStatus.NOT_STUDENT
        # business_without_costs and exited_below_line were drawn into the income.

    # -- helpers ------------------------------------------------------------------------

    def helper(self, village: _Village) -> Helper:
        """A cadre of the county; the ID number comes from the top of the order codes."""
        rng = self.rng
        sex = Sex.MALE if rng.random() < 0.7 else Sex.FEMALE
        birth = self._birth(rng.randint(25, 58))
        number, birth = self.ids.allocate(village.county, birth, sex, range(499, 399, -1))
        if rng.random() < 0.5:
            unit = f"{village.county_name}{HELPER_UNITS[int(rng.random() * len(HELPER_UNITS))]}"
            post = HELPER_POSTS[int(rng.random() * len(HELPER_POSTS))]
        else:
            unit = f"{village.township_name}人民政府"
            post = TOWNSHIP_POSTS[int(rng.random() * len(TOWNSHIP_POSTS))]
        return Helper(
            region_id=village.county.ljust(12, "0"),
            name=self._name(self._surname(), sex, birth.year),
            work_unit=unit,
            post=post,
            phone=f"1{rng.choice('3578')}{rng.randint(0, 999_999_999):09d}",
            id_number=number,
        )


def _allocate(rng: random.Random, villages: list[_Village], households: int) -> list[int]:
    """How many households each village gets (weighted draw)."""
    cum = _cumulative([v.weight for v in villages])
    counts = [0] * len(villages)
    last = len(villages) - 1
    for _ in range(households):
        counts[bisect.bisect(cum, rng.random() * cum[-1], 0, last)] += 1
    return counts


# Fields whose values the generator already gives as the driver stores them (str, bool,
# int, Decimal, a foreign key's id): Django's preparation would return them unchanged.
_AS_GIVEN = (
    models.CharField,
    models.TextField,
    models.BooleanField,
    models.IntegerField,
    models.DecimalField,
    models.ForeignKey,
)


def _insert(model, objects: list) -> None:
    """Rows whose ids nobody needs back. On SQLite one ``executemany`` of the values
    ``bulk_create`` would store: Django's preparation and assembly of the multi-row
    statement were two thirds of the seed's time at `make run` size. Elsewhere
    ``bulk_create`` (PostgreSQL's is fast enough)."""
    if connection.vendor != "sqlite" or not objects:
        model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
        return
    db = connections[model.objects.db]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]

    def value(field):
        if isinstance(field, models.DateTimeField) or not isinstance(
            field, (*_AS_GIVEN, models.DateField)
        ):
            return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), db)
        attname = field.attname
        if isinstance(field, models.DateField):
            return lambda obj: None if (day := getattr(obj, attname)) is None else str(day)
        return attrgetter(attname)

    getters = [value(f) for f in fields]
    quote = db.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} "
        f"({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    with db.cursor() as cursor:
        cursor.executemany(sql, [[get(obj) for get in getters] for obj in objects])


def _write(plans: list[_Plan], helpers: list[Helper]) -> dict[str, int]:
    with transaction.atomic():
        Helper.objects.bulk_create(helpers, batch_size=BATCH_SIZE)
        households = [p.household for p in plans]
        Household.objects.bulk_create(households, batch_size=BATCH_SIZE)
        members = [Member(household_id=p.household.pk, **m) for p in plans for m in p.members]
        _insert(Member, members)
        incomes = [Income(household_id=p.household.pk, **p.income) for p in plans]
        incomes += [
            Income(household_id=p.household.pk, **p.previous_income)
            for p in plans
            if p.previous_income
        ]
        _insert(Income, incomes)
        measures = [Measure(household_id=p.household.pk, **m) for p in plans for m in p.measures]
        _insert(Measure, measures)
        causes = [
            HouseholdCause(household_id=p.household.pk, cause=c) for p in plans for c in p.causes
        ]
        _insert(HouseholdCause, causes)
    return {
        "households": len(households),
        "members": len(members),
        "incomes": len(incomes),
        "measures": len(measures),
        "causes": len(causes),
        "helpers": len(helpers),
    }


def seed_registry(
    *,
    households: int,
    region_code: str = CITY_CODE,
    seed: int = 1,
    year: int = 2018,
    progress: Callable[[dict], None] | None = None,
    previous_year: bool = False,
    ready_share: float = 0.0,
) -> dict:
    """Generate ``households`` synthetic households over the villages below the region.

    ``previous_year`` adds each household's income of the year before (from a second
    pseudo-random stream seeded by ``seed``, so the other data stay the same);
    ``ready_share`` makes that share of the 未脱贫 households meet the exit standard this
    year (planned to exit this year), as the households a village is about to propose.

    Returns the totals (households, members, incomes, measures, causes, helpers,
    seconds), the planted defects per kind (``defects``) and which household number
    carries which defect (``planted``). ``progress`` is called after each chunk with
    the running totals plus ``chunk``, ``chunks`` and ``seconds``.
    """
    started = time.monotonic()
    if households < 1:
        raise TuopinError(
            "seed_households", "户数应为正整数", "the number of households must be positive"
        )
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise TuopinError(
            "seed_year",
            f"年度应在 {FIRST_YEAR} 至今年之间：{year}",
            f"the year must lie between {FIRST_YEAR} and this year: {year}",
        )
    region = resolve_region(region_code)
    villages = _villages(region)
    if not villages:
        raise TuopinError(
            "seed_no_villages",
            f"{region.name}（{region.code}）下没有村（社区）",
            f"there is no village under {region.code}",
        )
    prefix = significant_prefix(region.code)
    counties = {v.county for v in villages}
    codes = counties | {PRE_1997_COUNTY_CODES[c] for c in counties if c in PRE_1997_COUNTY_CODES}
    ids = _IdNumbers(codes)
    next_number = _next_numbers(prefix)
    rng = random.Random(seed)
    generator = _Generator(
        rng,
        year,
        ids,
        ready_share=ready_share,
        previous=random.Random(f"{seed}:previous") if previous_year else None,
    )
    counts = _allocate(rng, villages, households)
    chunks = math.ceil(households / CHUNK_HOUSEHOLDS)
    totals = dict.fromkeys(("households", "members", "incomes", "measures", "causes", "helpers"), 0)
    planted: dict[str, str] = {}
    plans: list[_Plan] = []
    helpers: list[Helper] = []
    chunk = 0

    def flush() -> None:
        nonlocal plans, helpers, chunk
        written = _write(plans, helpers)
        for key, value in written.items():
            totals[key] += value
        chunk += 1
        plans, helpers = [], []
        if progress is not None:
            progress(
                {**totals, "chunk": chunk, "chunks": chunks, "seconds": time.monotonic() - started}
            )

    for village, count in zip(villages, counts, strict=True):
        if not count:
            continue
        village_helpers = [
            generator.helper(village) for _ in range(math.ceil(count / HOUSEHOLDS_PER_HELPER))
        ]
        helpers += village_helpers
        first = next_number.get(village.code, 0) + 1
        for index in range(count):
            number = f"{village.code}{first + index:04d}"
            plan = generator.household(
                village, number, village_helpers[index // HOUSEHOLDS_PER_HELPER]
            )
            if plan.defect:
                planted[number] = plan.defect
            plans.append(plan)
            if len(plans) >= CHUNK_HOUSEHOLDS:
                flush()
    if plans:
        flush()
    analyze(Helper, Household, HouseholdCause, Member, Income, Measure)
    totals_refresh(prefix=prefix)
    return {
        **totals,
        "seconds": round(time.monotonic() - started, 1),
        "defects": {k: v for k, v in generator.defects.items() if v},
        "planted": planted,
    }
