"""The registry (建档立卡): households, members, incomes, measures, helpers.

Unknown is not no: a fact missing from the source stays NULL, so evaluations can
answer "unknown" (待核实) instead of "fail". Household size, the head and the
per-capita income are derived from the members, never typed twice.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tuopin.regions.enums import RegionLevel
from tuopin.registry.enums import (
    Education,
    Ethnicity,
    Fuel,
    HouseholdAttribute,
    HousingGrade,
    IdentificationStandard,
    Labour,
    MeasureCategory,
    MemberEventKind,
    MemberStatus,
    PovertyCause,
    PovertyStatus,
    Relation,
    RelocationMode,
    RoadType,
    Sex,
    StudentStatus,
    UnitLevel,
    WorkStatus,
)

MONEY = {"max_digits": 12, "decimal_places": 2}
AREA = {"max_digits": 9, "decimal_places": 2, "null": True, "blank": True}


def fact(label: str) -> models.BooleanField:
    """A yes/no fact that may be unknown (NULL)."""
    return models.BooleanField(label, null=True, blank=True)


def code(label: str, choices, max_length: int = 2, **kwargs) -> models.CharField:
    return models.CharField(label, max_length=max_length, choices=choices, blank=True, **kwargs)


class Helper(models.Model):
    """A cadre (干部): a household's 帮扶责任人, a work-team member, or both; never a
    registered poor person. The registry keeps the person (its import resolves the
    帮扶责任人 column by name within the county); tuopin.people keeps what they do: team
    postings, pairings with households and their history, visits (docs/adr/0010)."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("姓名"), max_length=50)
    work_unit = models.CharField(_("工作单位"), max_length=100, blank=True)
    unit_level = code(_("单位级别"), UnitLevel.choices, 1)
    post = models.CharField(_("职务"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    id_number = models.CharField(_("身份证号"), max_length=22, blank=True, db_index=True)
    # The cadre's own login (role 帮扶责任人), when they record their visits themselves.
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cadre",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("帮扶责任人")
        verbose_name_plural = _("帮扶责任人")
        indexes = [models.Index(fields=["region", "name"])]

    def __str__(self) -> str:
        return self.name


class Household(models.Model):
    """户: people who live and spend together, registered in a village."""

    village = models.ForeignKey(
        "regions.Region",
        verbose_name=_("行政村"),
        on_delete=models.PROTECT,
        related_name="households",
        db_index=False,  # household_village_prefix and household_unique_number serve it
    )
    number = models.CharField(_("户编号"), max_length=32)
    identification_standard = code(_("识别标准"), IdentificationStandard.choices, 1)
    attribute = code(_("贫困户属性"), HouseholdAttribute.choices, 1)
    main_cause = code(_("主要致贫原因"), PovertyCause.choices)
    status = code(_("脱贫状态"), PovertyStatus.choices, 1, default=PovertyStatus.NOT_EXITED)
    identified_year = models.PositiveSmallIntegerField(_("首次识别年度"), null=True, blank=True)
    planned_exit_year = models.PositiveSmallIntegerField(_("计划脱贫年度"), null=True, blank=True)
    exit_year = models.PositiveSmallIntegerField(_("脱贫年度"), null=True, blank=True)
    returned_year = models.PositiveSmallIntegerField(_("返贫年度"), null=True, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    bank_name = models.CharField(_("开户银行"), max_length=60, blank=True)
    bank_account = models.CharField(_("银行卡号"), max_length=40, blank=True)
    # The household's current helper, a copy of its open pairing's (ADR 0010), which the
    # people app rewrites for every household a helpers file pairs: no index (nothing
    # looks households up by helper but a quality check over a whole scope) and no
    # database check (the open pairing's key checks the same cadre; ADR 0027).
    helper = models.ForeignKey(
        Helper,
        verbose_name=_("帮扶责任人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="households",
        db_index=False,
        db_constraint=False,
    )
    # Flags.
    is_military_family = fact(_("军烈属"))
    is_only_child_family = fact(_("独生子女户"))
    is_two_daughters_family = fact(_("双女户"))
    is_relocated = fact(_("易地扶贫搬迁户"))
    relocation_mode = code(_("安置方式"), RelocationMode.choices, 1)
    relocation_place = models.CharField(_("安置地点"), max_length=100, blank=True)
    relocation_year = models.PositiveSmallIntegerField(_("搬迁年度"), null=True, blank=True)
    relocation_moved_in = fact(_("已搬迁入住"))
    # Production conditions (亩).
    farmland_mu = models.DecimalField(_("耕地面积"), **AREA)
    irrigated_mu = models.DecimalField(_("有效灌溉面积"), **AREA)
    forest_mu = models.DecimalField(_("林地面积"), **AREA)
    returned_forest_mu = models.DecimalField(_("退耕还林面积"), **AREA)
    orchard_mu = models.DecimalField(_("林果面积"), **AREA)
    pasture_mu = models.DecimalField(_("牧草地面积"), **AREA)
    water_surface_mu = models.DecimalField(_("水面面积"), **AREA)
    in_cooperative = fact(_("加入农民专业合作社"))
    # Living conditions.
    has_production_power = fact(_("通生产用电"))
    has_household_power = fact(_("通生活用电"))
    has_radio_tv = fact(_("通广播电视"))
    road_distance_km = models.DecimalField(
        _("与村主干路距离（公里）"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    road_type = code(_("入户路类型"), RoadType.choices, 1)
    housing_area_m2 = models.DecimalField(
        _("住房面积（平方米）"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    housing_grade = code(_("危房等级"), HousingGrade.choices, 1)
    owns_house = fact(_("有自有住房"))
    water_safe = fact(_("饮水安全"))
    water_difficult = fact(_("饮水困难"))
    main_fuel = code(_("主要燃料类型"), Fuel.choices, 1)
    has_sanitary_toilet = fact(_("有卫生厕所"))
    food_secure = fact(_("不愁吃"))
    clothing_secure = fact(_("不愁穿"))
    # Optimistic locking: an edit must name the version it started from.
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    # History is read by record (id); its copies of the relation indexes only slow imports.
    history = HistoricalRecords(excluded_fields=["updated_at"], no_db_index=["village", "helper"])

    class Meta:
        verbose_name = _("贫困户")
        verbose_name_plural = _("贫困户")
        constraints = [
            models.UniqueConstraint(fields=["village", "number"], name="household_unique_number"),
            models.CheckConstraint(
                condition=Q(exit_year__isnull=True)
                | Q(identified_year__isnull=True)
                | Q(exit_year__gte=F("identified_year")),
                name="household_exit_not_before_identification",
            ),
            models.CheckConstraint(
                condition=Q(road_distance_km__isnull=True) | Q(road_distance_km__gte=0),
                name="household_road_distance_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(housing_area_m2__isnull=True) | Q(housing_area_m2__gte=0),
                name="household_housing_area_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["identified_year"]),
            # The analytic copy finds the households written since its moment.
            models.Index(fields=["updated_at"], name="household_updated_at"),
            # Households of a region are found by village code prefix (LIKE 'x%'), which
            # needs varchar_pattern_ops under a non-C collation; it serves equality too.
            models.Index(
                fields=["village"],
                name="household_village_prefix",
                opclasses=["varchar_pattern_ops"],
            ),
            # varchar_pattern_ops (PostgreSQL; other databases ignore it): the search
            # matches a household number by prefix (LIKE 'x%'), which a plain index
            # under a non-C collation cannot serve.
            models.Index(
                fields=["number"],
                name="household_number_prefix",
                opclasses=["varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}"


class HouseholdCause(models.Model):
    """An other (secondary) cause of poverty; the main cause lives on the household."""

    household = models.ForeignKey(
        Household,
        verbose_name=_("贫困户"),
        on_delete=models.CASCADE,
        related_name="other_causes",
        db_index=False,  # household_cause_unique leads with household
    )
    cause = code(_("其他致贫原因"), PovertyCause.choices)

    history = HistoricalRecords(no_db_index=["household"])  # read by record (id)

    class Meta:
        verbose_name = _("其他致贫原因")
        verbose_name_plural = _("其他致贫原因")
        constraints = [
            models.UniqueConstraint(fields=["household", "cause"], name="household_cause_unique")
        ]

    def __str__(self) -> str:
        return self.get_cause_display()


class Member(models.Model):
    """人: a member of a household; leaving the household is an event, not a deletion."""

    household = models.ForeignKey(
        Household,
        verbose_name=_("贫困户"),
        on_delete=models.CASCADE,
        related_name="members",
        db_index=False,  # the (household, status) index leads with household
    )
    person_number = models.CharField(_("人编号"), max_length=32, blank=True)
    name = models.CharField(_("姓名"), max_length=50)
    sex = code(_("性别"), Sex.choices, 1)
    id_number = models.CharField(_("证件号码"), max_length=22, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    relation = code(_("与户主关系"), Relation.choices)
    ethnicity = code(_("民族"), Ethnicity.choices)
    education = code(_("文化程度"), Education.choices, 1)
    student_status = code(_("在校生状况"), StudentStatus.choices)
    # Health: flags, since combinations occur; NULL means not recorded, all False healthy.
    is_chronically_ill = fact(_("长期慢性病"))
    is_seriously_ill = fact(_("患有大病"))
    is_disabled = fact(_("残疾"))
    disability_certificate = models.CharField(_("残疾证号"), max_length=22, blank=True)
    labour = code(_("劳动技能"), Labour.choices, 1)
    work_status = code(_("务工状况"), WorkStatus.choices, 1)
    work_months = models.PositiveSmallIntegerField(_("务工时间（月）"), null=True, blank=True)
    has_basic_medical_insurance = fact(_("参加城乡居民基本医疗保险"))
    has_serious_illness_insurance = fact(_("参加大病保险"))
    has_basic_pension = fact(_("参加城乡居民基本养老保险"))
    receives_dibao = fact(_("享受低保"))
    is_active_soldier = fact(_("现役军人"))
    status = code(_("人员状态"), MemberStatus.choices, 1, default=MemberStatus.NORMAL)
    version = models.PositiveIntegerField(_("版本"), default=1)

    history = HistoricalRecords(no_db_index=["household"])  # read by record (id)

    class Meta:
        verbose_name = _("家庭成员")
        verbose_name_plural = _("家庭成员")
        constraints = [
            # One person, one household: the same ID number is never registered twice.
            models.UniqueConstraint(
                fields=["id_number"], condition=~Q(id_number=""), name="member_unique_id_number"
            ),
        ]
        indexes = [models.Index(fields=["name"]), models.Index(fields=["household", "status"])]

    def __str__(self) -> str:
        return self.name


class MemberEvent(models.Model):
    """A dated change of a member (birth, death, marriage, moving, prison). Append-only."""

    member = models.ForeignKey(
        Member, verbose_name=_("家庭成员"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("变动类型"), max_length=16, choices=MemberEventKind.choices)
    date = models.DateField(_("变动日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("成员变动")
        verbose_name_plural = _("成员变动")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class Income(models.Model):
    """One year's income of a household (元).

    A blank amount is unknown (NULL), never 0. The net income is known only when all four
    components and the production costs are known (`net_income` is None otherwise, and
    every engine computes it the same way: SQL arithmetic with a NULL gives NULL).
    """

    household = models.ForeignKey(
        Household,
        verbose_name=_("贫困户"),
        on_delete=models.CASCADE,
        related_name="incomes",
        db_index=False,  # income_unique_year leads with household
    )
    year = models.PositiveSmallIntegerField(_("收入年度"))
    wages = models.DecimalField(_("工资性收入"), null=True, blank=True, **MONEY)
    public_welfare_job_wages = models.DecimalField(
        _("其中：公益性岗位收入"), null=True, blank=True, **MONEY
    )
    business = models.DecimalField(_("生产经营性收入"), null=True, blank=True, **MONEY)
    property_income = models.DecimalField(_("财产性收入"), null=True, blank=True, **MONEY)
    asset_dividends = models.DecimalField(_("其中：资产收益分红"), null=True, blank=True, **MONEY)
    transfers = models.DecimalField(_("转移性收入"), null=True, blank=True, **MONEY)
    family_planning_subsidy = models.DecimalField(_("计划生育金"), null=True, blank=True, **MONEY)
    dibao_payment = models.DecimalField(_("低保金"), null=True, blank=True, **MONEY)
    tekun_payment = models.DecimalField(_("特困供养金"), null=True, blank=True, **MONEY)
    pension = models.DecimalField(_("养老金"), null=True, blank=True, **MONEY)
    eco_compensation = models.DecimalField(_("生态补偿金"), null=True, blank=True, **MONEY)
    production_costs = models.DecimalField(_("生产经营性支出"), null=True, blank=True, **MONEY)

    history = HistoricalRecords(no_db_index=["household"])  # read by record (id)

    class Meta:
        verbose_name = _("年度收入")
        verbose_name_plural = _("年度收入")
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="income_unique_year"),
            models.CheckConstraint(
                condition=Q(production_costs__isnull=True) | Q(production_costs__gte=0),
                name="income_costs_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}"

    @property
    def net_income(self):
        parts = (
            self.wages,
            self.business,
            self.property_income,
            self.transfers,
            self.production_costs,
        )
        if any(part is None for part in parts):
            return None
        return (
            self.wages
            + self.business
            + self.property_income
            + self.transfers
            - self.production_costs
        )


class Measure(models.Model):
    """帮扶措施: one assistance measure for a household."""

    household = models.ForeignKey(
        Household,
        verbose_name=_("贫困户"),
        on_delete=models.CASCADE,
        related_name="measures",
        db_index=False,  # the (household, year) index leads with household
    )
    category = models.CharField(_("措施类别"), max_length=2, choices=MeasureCategory.choices)
    content = models.CharField(_("措施内容"), max_length=200, blank=True)
    unit = models.CharField(_("实施单位"), max_length=100, blank=True)
    cost = models.DecimalField(_("投入金额"), null=True, blank=True, **MONEY)
    year = models.PositiveSmallIntegerField(_("年度"))
    date = models.DateField(_("实施日期"), null=True, blank=True)
    raises_income = models.BooleanField(_("增收措施"), default=False)
    # Where it comes from: blank is typed by a cadre (手工录入); otherwise the sector ledger
    # (tuopin.assistance.kinds code) whose entries give it, kept in step by that app.
    source = models.CharField(_("来源"), max_length=32, blank=True)

    history = HistoricalRecords(no_db_index=["household"])  # read by record (id)

    class Meta:
        verbose_name = _("帮扶措施")
        verbose_name_plural = _("帮扶措施")
        indexes = [models.Index(fields=["household", "year"])]

    def __str__(self) -> str:
        return f"{self.year} {self.get_category_display()}"


class RegionTotal(models.Model):
    """Pre-aggregated counts per poverty status and household attribute, of one village or
    of one township (the sum of its villages).

    Lists and dashboards sum these rows instead of counting the registry on every request
    (a city holds 230,000 households): a region prefix of up to 9 digits reads township
    rows (about 1,600 for the whole city), a longer one village rows. Derived data,
    refreshed set-based by `tuopin.registry.totals` after every registry write.
    """

    region_code = models.CharField(_("区划代码"), max_length=12)
    level = models.CharField(_("层级"), max_length=8, choices=RegionLevel.choices)
    status = code(_("脱贫状态"), PovertyStatus.choices, 1)
    attribute = code(_("贫困户属性"), HouseholdAttribute.choices, 1)
    households = models.PositiveIntegerField(_("户数"))
    members = models.PositiveIntegerField(_("现有成员人数"))
    refreshed_at = models.DateTimeField(_("统计时间"), auto_now=True)

    class Meta:
        verbose_name = _("户数人数合计")
        verbose_name_plural = _("户数人数合计")
        constraints = [
            models.UniqueConstraint(
                fields=["level", "region_code", "status", "attribute"], name="region_total_unique"
            )
        ]
        indexes = [
            # Reads filter by level and code prefix (LIKE '4114%'): pattern ops on PostgreSQL.
            models.Index(
                fields=["level", "region_code"],
                name="region_total_prefix",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_code} {self.status}/{self.attribute}"


class RegionYearTotal(models.Model):
    """Per village or township, year and poverty status: the households (and their current
    members) whose exit year is that year, and those planned to exit in it.

    The home and region pages read "exited this year" (status exited, exit year = year)
    and "still to exit" against the year's plan (planned that year, status still poor)
    from here, as they read the status counts from `RegionTotal`; refreshed with it by
    `tuopin.registry.totals` after every registry write. A household with neither year
    has no row; a row holds at least one non-zero count.
    """

    region_code = models.CharField(_("区划代码"), max_length=12)
    level = models.CharField(_("层级"), max_length=8, choices=RegionLevel.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    status = code(_("脱贫状态"), PovertyStatus.choices, 1)
    exited_households = models.PositiveIntegerField(_("当年脱贫户数"), default=0)
    exited_members = models.PositiveIntegerField(_("当年脱贫户现有人数"), default=0)
    planned_households = models.PositiveIntegerField(_("计划当年脱贫户数"), default=0)
    planned_members = models.PositiveIntegerField(_("计划当年脱贫户现有人数"), default=0)
    refreshed_at = models.DateTimeField(_("统计时间"), auto_now=True)

    class Meta:
        verbose_name = _("年度脱贫户数人数合计")
        verbose_name_plural = _("年度脱贫户数人数合计")
        constraints = [
            models.UniqueConstraint(
                fields=["level", "region_code", "year", "status"],
                name="region_year_total_unique",
            )
        ]
        indexes = [
            # Reads filter by level, year and code prefix (LIKE '4114%').
            models.Index(
                fields=["level", "year", "region_code"],
                name="region_year_total_prefix",
                opclasses=["varchar_pattern_ops", "int2_ops", "varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_code} {self.year} {self.status}"


class QualitySnapshot(models.Model):
    """One refresh of the quality counts: which region (code prefix) and year, and when."""

    prefix = models.CharField(_("区划代码前缀"), max_length=12, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    computed_at = models.DateTimeField(_("统计时间"))

    class Meta:
        verbose_name = _("疑点数据统计")
        verbose_name_plural = _("疑点数据统计")
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="quality_snapshot_unique")
        ]

    def __str__(self) -> str:
        return f"{self.prefix or '*'} {self.year}"


class QualityCount(models.Model):
    """Offending households (or members) of one check in one village and year, as of the
    latest refresh covering the village. Villages without offenders have no row."""

    year = models.PositiveSmallIntegerField(_("年度"))
    check_code = models.CharField(_("检查项"), max_length=60)
    region_code = models.CharField(_("区划代码"), max_length=12)
    count = models.PositiveIntegerField(_("数量"))

    class Meta:
        verbose_name = _("疑点数据数量")
        verbose_name_plural = _("疑点数据数量")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "check_code", "region_code"], name="quality_count_unique"
            )
        ]
        indexes = [
            # The scorecard reads one year under a code prefix (LIKE '411421%').
            models.Index(
                fields=["year", "region_code"],
                name="quality_count_prefix",
                opclasses=["int2_ops", "varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.check_code} {self.region_code}: {self.count}"
