from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("运行中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")


class Job(models.Model):
    """Long work (imports, evaluations, exports) run by `tuopin worker`, with progress."""

    kind = models.CharField(_("任务类型"), max_length=64)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.PROTECT,
        related_name="jobs",
    )
    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    message = models.CharField(_("进度说明"), max_length=255, blank=True)
    result_file = models.CharField(_("结果文件"), max_length=255, blank=True)
    result_name = models.CharField(_("结果文件名"), max_length=255, blank=True)
    result = models.JSONField(_("结果摘要"), default=dict, blank=True)
    # Whether the result file carries full ID numbers, bank accounts and phones (the
    # submitter could reveal them); such a file is a reveal for whoever downloads it.
    reveals = models.BooleanField(_("结果含完整个人信息"), default=False)
    error = models.TextField(_("错误"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    worker_id = models.CharField(_("执行进程"), max_length=128, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="job_progress_at_most_100"
            ),
            models.CheckConstraint(
                condition=Exact(Length("region_code"), 12), name="job_region_code_12_digits"
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)


class ParameterValue(models.Model):
    """A parameter's value set by a city or county from a year on (an app's catalogue of
    parameters: tuopin.core.parameters); each app keeps its own table of them."""

    code = models.CharField(_("参数"), max_length=60)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("起始年度"))
    value = models.DecimalField(_("取值"), max_digits=14, decimal_places=4)
    note = models.CharField(_("依据"), max_length=200, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("设置人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    set_at = models.DateTimeField(_("设置时间"), auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.code} {self.region_id} {self.year}: {self.value}"
