"""Versioned exit standards, evaluation runs with their per-subject results, and the
village and county indicators that the registry does not hold."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Level(models.TextChoices):
    HOUSEHOLD = "household", _("户")
    VILLAGE = "village", _("村")
    COUNTY = "county", _("县")


class PolicyStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class PolicyVersion(models.Model):
    """One version of a standard; published versions are never changed again."""

    code = models.CharField(_("标准代码"), max_length=40)
    version = models.PositiveIntegerField(_("版本号"))
    title = models.CharField(_("名称"), max_length=100)
    status = models.CharField(
        _("状态"), max_length=10, choices=PolicyStatus.choices, default=PolicyStatus.DRAFT
    )
    parameters = models.JSONField(_("参数"), default=dict)
    based_on = models.ForeignKey(
        "self", verbose_name=_("修订自"), null=True, blank=True, on_delete=models.PROTECT
    )
    note = models.CharField(_("修订说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("退出标准版本")
        verbose_name_plural = _("退出标准版本")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="policy_unique_version"),
            # At most one open draft per standard: editing continues the same draft.
            models.UniqueConstraint(
                fields=["code"], condition=Q(status="draft"), name="policy_one_draft"
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(title)s（第 %(version)s 版）") % {
            "title": gettext(self.title),  # a shipped title reads in English too
            "version": self.version,
        }

    @property
    def is_published(self) -> bool:
        return self.status == PolicyStatus.PUBLISHED


class Clause(models.Model):
    policy = models.ForeignKey(
        PolicyVersion, verbose_name=_("标准版本"), on_delete=models.CASCADE, related_name="clauses"
    )
    level = models.CharField(_("对象"), max_length=10, choices=Level.choices)
    code = models.CharField(_("条款代码"), max_length=40)
    title = models.CharField(_("条款"), max_length=100)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    expression = models.JSONField(_("规则"))
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("退出标准条款")
        verbose_name_plural = _("退出标准条款")
        ordering = ["level", "position"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "level", "code"], name="clause_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"


class Engine(models.TextChoices):
    DB = "db", _("业务数据库")
    DUCKDB = "duckdb", _("DuckDB 分析副本")


# An evaluation's verdict on a household, village, county or clause.
RESULTS = {"pass": _("达标"), "fail": _("未达标"), "unknown": _("待核实")}

# The stages of a run whose seconds the run page shows.
TIMINGS = {
    "snapshot": _("导出快照"),  # runs before the analytic copy
    "copy": _("更新分析副本"),
    "evaluate": _("评估"),
    "store": _("保存结果"),
    "evaluate_and_store": _("评估并保存"),
    "count": _("统计"),
}


class RunStatus(models.TextChoices):
    RUNNING = "running", _("运行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class EvaluationRun(models.Model):
    """One evaluation: which standard, year, date, scope and engine, and what came out."""

    policy = models.ForeignKey(
        PolicyVersion, verbose_name=_("标准版本"), on_delete=models.PROTECT, related_name="runs"
    )
    level = models.CharField(_("对象"), max_length=10, choices=Level.choices)
    year = models.PositiveSmallIntegerField(_("评估年度"))
    as_of = models.DateField(_("评估日期"))
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("范围"), on_delete=models.PROTECT, related_name="+"
    )
    engine = models.CharField(_("引擎"), max_length=10, choices=Engine.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    parameters = models.JSONField(_("参数取值"), default=dict)
    clause_codes = models.JSONField(_("条款顺序"), default=list)
    seen_keys = models.JSONField(_("记录的事实"), default=list)
    counts = models.JSONField(_("统计"), default=dict)
    timings = models.JSONField(_("耗时（秒）"), default=dict)
    error = models.TextField(_("错误"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # Every registry change committed before this moment is in what the run read: the
    # analytic copy's moment (DuckDB) or the moment of the query (the database itself).
    data_as_of = models.DateTimeField(_("数据截至"), null=True, blank=True)
    # A run that stored only what differs from an earlier full run of the same scope,
    # standard, year and date (docs/adr/0021-delta-runs.md): its results are its own rows
    # over its base's (policy/results.py). A base is never deleted from under it.
    base = models.ForeignKey(
        "self",
        verbose_name=_("基准运行"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deltas",
    )

    class Meta:
        verbose_name = _("评估运行")
        verbose_name_plural = _("评估运行")
        ordering = ["-id"]
        indexes = [models.Index(fields=["level", "year", "status"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.policy} {self.year} {self.region_id}"


class HouseholdResult(models.Model):
    """A household's result in a run: one letter per clause (P/F/U) and the values seen."""

    id = models.BigAutoField(primary_key=True)
    # Every index and constraint is checked for each of a city run's 230,000 rows: the
    # run has no index of its own ((run, village_code) below starts with it) and no database
    # constraint (rows are written only by policy.storage for the run being made, and
    # deleting a run deletes its rows through the ORM's cascade).
    run = models.ForeignKey(
        EvaluationRun,
        verbose_name=_("评估运行"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    # No database constraint: results outlive nothing and a run inserts 230,000 rows at once.
    # No index of its own either: (household, run) below serves the household's page.
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("贫困户"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    household_number = models.CharField(_("户编号"), max_length=32)
    village_code = models.CharField(_("行政村"), max_length=12)
    result = models.CharField(_("结果"), max_length=8)
    clauses = models.CharField(_("各条款"), max_length=64)
    seen = models.TextField(_("取值"), blank=True)

    class Meta:
        verbose_name = _("户评估结果")
        verbose_name_plural = _("户评估结果")
        indexes = [
            models.Index(fields=["run", "village_code"]),
            # One index for a household's results (its page, newest run first) and for
            # one household in one run: a separate (household) and (run, household) cost
            # a fourth index write per stored row (about 1 of the city's 6 CPU-s).
            models.Index(fields=["household", "run"]),
        ]

    def __str__(self) -> str:
        return f"{self.household_number}: {self.result}"


class AreaResult(models.Model):
    """A village's or county's result in a run."""

    run = models.ForeignKey(
        EvaluationRun, verbose_name=_("评估运行"), on_delete=models.CASCADE, related_name="+"
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+"
    )
    result = models.CharField(_("结果"), max_length=8)
    clauses = models.CharField(_("各条款"), max_length=64)
    seen = models.TextField(_("取值"), blank=True)

    class Meta:
        verbose_name = _("村县评估结果")
        verbose_name_plural = _("村县评估结果")
        indexes = [models.Index(fields=["run", "region"])]

    def __str__(self) -> str:
        return f"{self.region_id}: {self.result}"


def indicator(label: str) -> models.BooleanField:
    """Unknown (NULL) until someone enters it."""
    return models.BooleanField(label, null=True, blank=True)


class VillageIndicator(models.Model):
    """The Henan village exit indicators for one year, entered by the county."""

    village = models.ForeignKey(
        "regions.Region", verbose_name=_("行政村"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    road = indicator(_("通硬化路"))
    bus = indicator(_("通客车"))
    water = indicator(_("饮水安全"))
    electricity = indicator(_("生产生活用电"))
    radio_tv = indicator(_("广播电视户户通"))
    culture_centre = indicator(_("综合性文化服务中心"))
    clinic = indicator(_("标准化卫生室"))
    doctor = indicator(_("合格村医"))
    broadband = indicator(_("宽带网络"))
    collective_income = models.DecimalField(
        _("村集体经济收入（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    industry = models.CharField(_("主导产业"), max_length=100, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("贫困村退出指标")
        verbose_name_plural = _("贫困村退出指标")
        constraints = [
            models.UniqueConstraint(fields=["village", "year"], name="village_indicator_unique")
        ]

    def __str__(self) -> str:
        return f"{self.village_id} {self.year}"


def rate(label: str) -> models.DecimalField:
    return models.DecimalField(label, max_digits=5, decimal_places=2, null=True, blank=True)


class CountyIndicator(models.Model):
    """The county exit rates from the sampled field checks, for one year."""

    county = models.ForeignKey(
        "regions.Region", verbose_name=_("县（市、区）"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    wrong_exit_rate = rate(_("错退率（%）"))
    missed_rate = rate(_("漏评率（%）"))
    approval = rate(_("群众认可度（%）"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("贫困县退出指标")
        verbose_name_plural = _("贫困县退出指标")
        constraints = [
            models.UniqueConstraint(fields=["county", "year"], name="county_indicator_unique"),
            models.CheckConstraint(
                condition=(Q(wrong_exit_rate__isnull=True) | Q(wrong_exit_rate__gte=0))
                & (Q(missed_rate__isnull=True) | Q(missed_rate__gte=0))
                & (Q(approval__isnull=True) | (Q(approval__gte=0) & Q(approval__lte=100))),
                name="county_indicator_rates_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county_id} {self.year}"
