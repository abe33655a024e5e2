"""Cases of dynamic management: routes, cases with their append-only events, objections,
public notices, and the outside lists identification is cross-checked against."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tuopin.cases.enums import CaseKind, CaseStatus, NoticeKind, OutsideList


class Route(models.Model):
    """A versioned approval route; a case keeps the version it started with."""

    kind = models.CharField(_("业务类型"), max_length=20, choices=CaseKind.choices)
    version = models.PositiveIntegerField(_("版本号"))
    title = models.CharField(_("名称"), max_length=100)
    steps = models.JSONField(_("步骤"))
    is_current = models.BooleanField(_("现行版本"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("审批流程")
        verbose_name_plural = _("审批流程")
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="route_unique_version")
        ]

    def __str__(self) -> str:
        return gettext("%(kind)s（第 %(version)s 版）") % {
            "kind": self.get_kind_display(),
            "version": self.version,
        }


class Batch(models.Model):
    """Cases proposed together (a village's exits), reviewed as a list."""

    kind = models.CharField(_("业务类型"), max_length=20, choices=CaseKind.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("批次")
        verbose_name_plural = _("批次")

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} {self.region_id}"


class Case(models.Model):
    kind = models.CharField(_("业务类型"), max_length=20, choices=CaseKind.choices)
    route = models.ForeignKey(
        Route, verbose_name=_("审批流程"), on_delete=models.PROTECT, related_name="cases"
    )
    # The region the case belongs to: the household's village, or the village/county itself.
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("贫困户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    status = models.CharField(
        _("状态"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    step_index = models.PositiveSmallIntegerField(_("当前步骤"), default=0)
    step_entered_at = models.DateTimeField(_("进入当前步骤时间"), auto_now_add=True)
    notice = models.ForeignKey(
        "Notice",
        verbose_name=_("当前公示"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    batch = models.ForeignKey(
        Batch,
        verbose_name=_("批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    reason = models.CharField(_("事由"), max_length=300, blank=True)
    # What the decision relies on: an exit pins the household's stored evaluation result.
    evaluation_run = models.ForeignKey(
        "policy.EvaluationRun",
        verbose_name=_("所依据的评估"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    evaluation_result = models.CharField(_("所依据的评估结果"), max_length=8, blank=True)
    override_reason = models.CharField(_("未达标仍批准的理由"), max_length=300, blank=True)
    payload = models.JSONField(_("申请内容"), default=dict, blank=True)
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("动态管理事项")
        verbose_name_plural = _("动态管理事项")
        indexes = [
            models.Index(fields=["status", "kind"]),
            models.Index(fields=["region", "status"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()}"

    @property
    def steps(self) -> list:
        return self.route.steps

    @property
    def step(self) -> dict | None:
        if self.status in (CaseStatus.OPEN, CaseStatus.OBJECTION) and self.step_index < len(
            self.steps
        ):
            return self.steps[self.step_index]
        return None


class CaseEvent(models.Model):
    """Append-only: who did what to the case, when, from which step to which."""

    case = models.ForeignKey(
        Case, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    action = models.CharField(_("操作"), max_length=20)
    from_status = models.CharField(_("原状态"), max_length=12)
    to_status = models.CharField(_("新状态"), max_length=12)
    from_step = models.CharField(_("原步骤"), max_length=40, blank=True)
    to_step = models.CharField(_("新步骤"), max_length=40, blank=True)
    comment = models.CharField(_("意见"), max_length=500, blank=True)
    attachment = models.FileField(_("附件"), upload_to="cases/%Y/", blank=True)
    # The day the step took place when it was done on paper and recorded afterwards (补录);
    # empty when it took place as it was recorded (`at`).
    occurred_on = models.DateField(_("实际办理日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"

    @property
    def day(self):
        """The day the step took place: the real date of a step recorded afterwards."""
        return self.occurred_on or timezone.localdate(self.at)

    @property
    def recorded_late(self) -> bool:
        """补录: recorded on a later day than the one it took place."""
        return self.occurred_on is not None and self.occurred_on < timezone.localdate(self.at)


class Objection(models.Model):
    case = models.ForeignKey(
        Case, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="objections"
    )
    content = models.CharField(_("异议内容"), max_length=500)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    resolution = models.CharField(_("处理结果"), max_length=500, blank=True)
    upheld = models.BooleanField(_("异议成立"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")

    def __str__(self) -> str:
        return self.content[:20]


class Notice(models.Model):
    """A public notice (公示) or announcement (公告) listing cases of one village or county."""

    kind = models.CharField(_("类型"), max_length=12, choices=NoticeKind.choices)
    case_kind = models.CharField(_("业务类型"), max_length=20, choices=CaseKind.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+"
    )
    step_code = models.CharField(_("步骤"), max_length=40)
    title = models.CharField(_("标题"), max_length=200)
    starts = models.DateField(_("开始日期"))
    ends = models.DateField(_("截止日期"))
    contact = models.CharField(_("异议受理"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("发布时间"), auto_now_add=True)
    listed = models.ManyToManyField(
        Case, verbose_name=_("公示名单"), related_name="notices", blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("公示公告")
        verbose_name_plural = _("公示公告")
        ordering = ["-starts", "-id"]

    def __str__(self) -> str:
        return self.title


class OutsideRecord(models.Model):
    """A person on an outside list (cars, property, payroll, companies, cadres)."""

    source = models.CharField(_("比对来源"), max_length=12, choices=OutsideList.choices)
    id_number = models.CharField(_("证件号码"), max_length=22, db_index=True)
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    detail = models.CharField(_("登记内容"), max_length=200, blank=True)
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("比对名单")
        verbose_name_plural = _("比对名单")

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.name}"


class CountySetting(models.Model):
    """What a county's notices print: the objection phone line, kept by the county office."""

    county = models.OneToOneField(
        "regions.Region",
        verbose_name=_("县"),
        on_delete=models.PROTECT,
        related_name="+",
        primary_key=True,
    )
    objection_phone = models.CharField(_("异议受理电话"), max_length=40, blank=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("县公示设置")
        verbose_name_plural = _("县公示设置")

    def __str__(self) -> str:
        return f"{self.county_id} {self.objection_phone}"
