"""Resident work teams (驻村工作队), their members' postings and daily attendance
(domain-assistance §10). The person is registry.Helper (docs/adr/0010)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuopin.people.enums import AttendanceStatus, PostingRole
from tuopin.people.models.history import people_history


class WorkTeam(models.Model):
    village = models.ForeignKey(
        "regions.Region", verbose_name=_("行政村"), on_delete=models.PROTECT, related_name="+"
    )
    sending_unit = models.CharField(_("派出单位"), max_length=100)
    started_on = models.DateField(_("进驻日期"))
    ended_on = models.DateField(_("撤离日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    history = people_history(no_db_index=["village"])

    class Meta:
        verbose_name = _("驻村工作队")
        verbose_name_plural = _("驻村工作队")
        indexes = [models.Index(fields=["village", "started_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="work_team_end_not_before_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.sending_unit}驻村工作队"


class Posting(models.Model):
    team = models.ForeignKey(
        WorkTeam, verbose_name=_("驻村工作队"), on_delete=models.PROTECT, related_name="postings"
    )
    cadre = models.ForeignKey(
        "registry.Helper", verbose_name=_("干部"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("队内职务"), max_length=16, choices=PostingRole.choices)
    started_on = models.DateField(_("进驻日期"))
    ended_on = models.DateField(_("期满日期"), null=True, blank=True)
    recalled_reason = models.CharField(_("召回原因"), max_length=200, blank=True)

    history = people_history(no_db_index=["team", "cadre"])

    class Meta:
        verbose_name = _("驻村任职")
        verbose_name_plural = _("驻村任职")
        indexes = [models.Index(fields=["cadre", "started_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="posting_end_not_before_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.cadre} {self.get_role_display()}"


class Attendance(models.Model):
    posting = models.ForeignKey(
        Posting, verbose_name=_("驻村任职"), on_delete=models.CASCADE, related_name="days"
    )
    day = models.DateField(_("日期"))
    status = models.CharField(_("考勤"), max_length=16, choices=AttendanceStatus.choices)
    reason = models.CharField(_("请假事由"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now=True)

    history = people_history(no_db_index=["posting", "recorded_by"])

    class Meta:
        verbose_name = _("驻村考勤")
        verbose_name_plural = _("驻村考勤")
        constraints = [
            models.UniqueConstraint(fields=["posting", "day"], name="attendance_one_per_day")
        ]
        # The days-in-village check counts a year of rows per (posting, month) from this
        # index alone (an index-only scan: no visit to the table's rows).
        indexes = [
            models.Index(
                fields=["posting", "day"], include=["status"], name="attendance_posting_day_status"
            )
        ]

    def __str__(self) -> str:
        return f"{self.posting_id} {self.day} {self.status}"
