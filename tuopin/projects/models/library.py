"""The county project library (项目库, 国开办发〔2018〕10号): projects, where they stand,
every step filed, the yearly library versions, progress reports and beneficiaries.

`region` is the project's owner for scope: the applying village, or the township or
county for a project of theirs; `villages` are where it is built. A project's stage
moves only by `tuopin.projects.lifecycle` (no skipped step); each move is a ProjectStep.
"""

from django.conf import settings
from django.db import models
from django.db.models import Value
from django.db.models.functions import Concat, Left, Length, Trim
from django.db.models.lookups import GreaterThan
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tuopin.accounts.roles import Department
from tuopin.projects.enums import (
    FundNature,
    ProjectCategory,
    ProjectNature,
    ProjectStage,
    SourceLevel,
)

MONEY = {"max_digits": 14, "decimal_places": 2}

# Stages at which a project is or has been in the library: its performance targets are
# mandatory there (no targets, no entry).
LIBRARY_STAGES = (
    ProjectStage.IN_LIBRARY,
    ProjectStage.PLANNED,
    ProjectStage.IMPLEMENTING,
    ProjectStage.COMPLETED,
    ProjectStage.ANNOUNCED,
)


class ImportedHistory(HistoricalRecords):
    """The history of a model the library import writes in thousands (a project, its
    fundings, library entries and beneficiaries): read by record (`id`, indexed) and
    never by its date or user, so neither is indexed (ADR 0029). Each index took a
    B-tree insertion per history row, about an eighth of the import's database time.
    simple-history indexes the date of every app's history at once
    (SIMPLE_HISTORY_DATE_INDEX) and each user key; the registry's readers filter their
    history by date and keep the index."""

    @property
    def _date_indexing(self):
        return False

    def _get_history_user_fields(self):
        fields = super()._get_history_user_fields()
        user = fields.get("history_user")
        if isinstance(user, models.ForeignKey):
            user.db_index = False
        return fields


class Project(models.Model):
    # No single-column index on county or region: the unique (county, code) and the
    # (region, stage) index lead with them, and prefix searches (LIKE) have their own
    # pattern index below. Each index is a B-tree insertion per imported project.
    # The county is the region's (its first six digits): a CHECK constraint below says so
    # instead of a second foreign key to the regions, whose check locked a region row per
    # project written (ADR 0025). Neither key is checked by the database: every writer
    # takes the region from the regions table (the import from those it read, the
    # services as a Region), and regions are never deleted (PROTECT through the ORM).
    county = models.ForeignKey(
        "regions.Region",
        verbose_name=_("县"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("申报单位区划"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,  # checked by its writers (ADR 0025)
    )
    code = models.CharField(_("项目编号"), max_length=40)
    year = models.PositiveSmallIntegerField(_("申报年度"))
    name = models.CharField(_("项目名称"), max_length=200)
    category = models.CharField(_("项目类别"), max_length=20, choices=ProjectCategory.choices)
    nature = models.CharField(_("建设性质"), max_length=12, choices=ProjectNature.choices)
    # Neither key of the villages' table is checked by the database: its rows are written
    # only with or for their project, from villages the writer checked (ADR 0019). The
    # table is Django's own, made explicit (ProjectVillage) to choose its indexes.
    villages = models.ManyToManyField(
        "regions.Region",
        verbose_name=_("实施地点"),
        related_name="+",
        blank=True,
        through="ProjectVillage",
    )
    location = models.CharField(_("实施地点说明"), max_length=200, blank=True)
    starts_on = models.DateField(_("计划开工日期"), null=True, blank=True)
    ends_on = models.DateField(_("计划完工日期"), null=True, blank=True)
    unit = models.CharField(_("实施单位"), max_length=100)
    person = models.CharField(_("责任人"), max_length=50)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    tasks = models.TextField(_("建设任务"))
    subsidy_standard = models.CharField(_("补助标准"), max_length=200, blank=True)
    amount = models.DecimalField(_("项目总投资（元）"), **MONEY)
    targets = models.TextField(_("绩效目标"), blank=True)
    mechanism = models.TextField(_("带贫减贫机制"), blank=True)
    participation = models.TextField(_("群众参与机制"), blank=True)
    # Households expected to benefit (linked ones are in ProjectBeneficiary); NULL: not said.
    households_planned = models.PositiveIntegerField(_("计划带动贫困户数"), null=True, blank=True)
    # The year of the annual plan (年度项目计划) the project was put in; NULL: not planned.
    plan_year = models.PositiveSmallIntegerField(_("计划年度"), null=True, blank=True)
    # 评审部门: the department the county office routed the project to for the sector
    # appraisal; blank: the department of its category (lifecycle.APPRAISERS).
    appraiser = models.CharField(
        _("评审部门"), max_length=16, choices=Department.choices, blank=True
    )
    stage = models.CharField(
        _("所处环节"), max_length=16, choices=ProjectStage.choices, default=ProjectStage.APPLIED
    )
    # Not indexed: no page lists projects by who typed them in (a user is not deleted,
    # PROTECT would only scan the projects then).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,  # the acting user of the write, who exists then (ADR 0019)
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    # The history user is the acting user of the write, who exists then (ADR 0013, 0019).
    history = ImportedHistory(
        no_db_index=["county", "region", "created_by"], user_db_constraint=False
    )

    class Meta:
        verbose_name = _("扶贫项目")
        verbose_name_plural = _("扶贫项目")
        constraints = [
            models.UniqueConstraint(fields=["county", "code"], name="project_unique_code"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="project_amount_ok"),
            models.CheckConstraint(
                condition=models.Q(county=Concat(Left("region", 6), Value("000000"))),
                name="project_county_of_region",
            ),
            # No performance targets, no entry into the library (国开办发〔2018〕10号).
            models.CheckConstraint(
                condition=~models.Q(stage__in=LIBRARY_STAGES)
                | GreaterThan(Length(Trim("targets")), 0),
                name="project_in_library_has_targets",
            ),
        ]
        indexes = [
            models.Index(fields=["county", "year", "stage"]),
            models.Index(fields=["region", "stage"]),
            # county__code__startswith / region__code__startswith (scope by prefix); on
            # SQLite a plain index.
            models.Index(
                fields=["county"], opclasses=["varchar_pattern_ops"], name="project_county_like"
            ),
            models.Index(
                fields=["region"], opclasses=["varchar_pattern_ops"], name="project_region_like"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ProjectVillage(models.Model):
    """A village a project is built in: the rows of `Project.villages`, the table Django
    made for it (projects_project_villages), with only the indexes a reader uses (ADR
    0025): the unique (project, village) serves a project's villages, the pattern index
    on the village both a village's projects (=) and a region's (LIKE prefix). Django
    gave each key an index of its own as well: three B-tree insertions per row that no
    query used. No history of its own, as before."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        db_table = "projects_project_villages"
        unique_together = [("project", "region")]
        indexes = [
            # On SQLite a plain index.
            models.Index(
                fields=["region"], opclasses=["varchar_pattern_ops"], name="project_village_region"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.region_id}"


class ProjectFunding(models.Model):
    """资金来源及规模: one source of a project's money."""

    project = models.ForeignKey(
        Project,
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="fundings",
        db_constraint=False,  # written only with or for its project (ADR 0019)
    )
    level = models.CharField(_("资金来源级次"), max_length=10, choices=SourceLevel.choices)
    nature = models.CharField(_("资金性质"), max_length=12, choices=FundNature.choices)
    amount = models.DecimalField(_("金额（元）"), **MONEY)

    # Read by record (id), not project; its user is the acting user (ADR 0013, 0019).
    history = ImportedHistory(no_db_index=["project"], user_db_constraint=False)

    class Meta:
        verbose_name = _("项目资金来源")
        verbose_name_plural = _("项目资金来源")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="funding_amount_ok")
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.level} {self.amount}"


class ProjectBeneficiary(models.Model):
    """A registered household the project benefits (linked to the registry)."""

    # Indexed by the unique (project, household) and the household index of Meta.
    project = models.ForeignKey(
        Project,
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="beneficiaries",
        db_index=False,
        db_constraint=False,  # written only with or for its project (ADR 0019)
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("受益户"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    how = models.CharField(_("受益方式"), max_length=100, blank=True)

    history = ImportedHistory(no_db_index=["household", "project"], user_db_constraint=False)

    class Meta:
        verbose_name = _("项目受益户")
        verbose_name_plural = _("项目受益户")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "household"], name="project_beneficiary_unique"
            )
        ]
        indexes = [models.Index(fields=["household"])]

    def __str__(self) -> str:
        return f"{self.project_id} {self.household_id}"


class ProjectStep(models.Model):
    """One filed step of a project's flow: who moved it to which stage, when, on what."""

    project = models.ForeignKey(
        Project,
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="steps",
        db_constraint=False,  # written only with or for its project (ADR 0019)
    )
    action = models.CharField(_("环节"), max_length=20)
    stage = models.CharField(_("进入环节"), max_length=16, choices=ProjectStage.choices)
    acted_on = models.DateField(_("办理日期"))
    document = models.CharField(_("文号或会议纪要"), max_length=100, blank=True)
    note = models.TextField(_("意见"), blank=True)
    # Not indexed: steps are read by project, never by who took them.
    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,  # the acting user of the write, who exists then (ADR 0019)
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("项目办理记录")
        verbose_name_plural = _("项目办理记录")
        ordering = ["project", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.action}"


class LibraryEntry(models.Model):
    """A project in a year's version of the county library (refreshed each Q4): when it
    entered, and when and why it left. Entries and removals are filed, never deleted."""

    # Indexed by the unique (project, year).
    project = models.ForeignKey(
        Project,
        verbose_name=_("项目"),
        on_delete=models.PROTECT,
        related_name="library_entries",
        db_index=False,
        db_constraint=False,  # written only with or for its project (ADR 0019)
    )
    year = models.PositiveSmallIntegerField(_("项目库年度"))
    entered_on = models.DateField(_("入库日期"))
    document = models.CharField(_("入库文号"), max_length=100, blank=True)
    removed_on = models.DateField(_("出库日期"), null=True, blank=True)
    removal_reason = models.CharField(_("出库原因"), max_length=200, blank=True)

    # Read by record (id), not project; its user is the acting user (ADR 0013, 0019).
    history = ImportedHistory(no_db_index=["project"], user_db_constraint=False)

    class Meta:
        verbose_name = _("项目库入库记录")
        verbose_name_plural = _("项目库入库记录")
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="library_entry_unique_year")
        ]
        indexes = [models.Index(fields=["year", "project"])]

    def __str__(self) -> str:
        return f"{self.year} {self.project_id}"


class ProjectProgress(models.Model):
    """A progress report of a project under way (工程进度)."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="progress"
    )
    reported_on = models.DateField(_("报告日期"))
    percent = models.PositiveSmallIntegerField(_("形象进度（%）"))
    note = models.TextField(_("进展情况"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报告人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("项目进度")
        verbose_name_plural = _("项目进度")
        ordering = ["project", "reported_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(percent__lte=100), name="progress_percent_at_most_100"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.reported_on} {self.percent}%"
