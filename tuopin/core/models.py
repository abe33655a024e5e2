from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact


class JobStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "运行中"
    SUCCEEDED = "succeeded", "已完成"
    FAILED = "failed", "失败"


class Job(models.Model):
    """Long work (imports, evaluations, exports) run by `tuopin worker`, with progress."""

    kind = models.CharField("任务类型", max_length=64)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        on_delete=models.PROTECT,
        related_name="jobs",
    )
    region_code = models.CharField("区划代码", max_length=12, db_index=True)
    params = models.JSONField("参数", default=dict, blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField("进度", default=0)
    message = models.CharField("进度说明", max_length=255, blank=True)
    result_file = models.CharField("结果文件", max_length=255, blank=True)
    result_name = models.CharField("结果文件名", max_length=255, blank=True)
    result = models.JSONField("结果摘要", default=dict, blank=True)
    error = models.TextField("错误", blank=True)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    worker_id = models.CharField("执行进程", max_length=128, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
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
