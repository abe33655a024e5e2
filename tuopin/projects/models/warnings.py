"""Early warnings of the funds (资金动态监控预警) and their handling.

A warning is one rule's finding on one record: `rule` is the rule's code
(tuopin.projects.warning_rules), `subject` names the record ("payment:123",
"fund:45@411421000000", "account:6228…"), so a recomputation finds the same warning again
and keeps its handling; a finding that no longer shows is marked CLEARED, never deleted.
A warning open past its due date is escalated to the region above (`escalated_to`)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuopin.projects.enums import Severity, WarningState
from tuopin.projects.models.library import MONEY


class FundWarning(models.Model):
    rule = models.CharField(_("预警规则"), max_length=40)
    subject = models.CharField(_("预警对象"), max_length=120)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("责任区划"), on_delete=models.PROTECT, related_name="+"
    )
    severity = models.CharField(_("预警等级"), max_length=8, choices=Severity.choices)
    amount = models.DecimalField(_("涉及金额（元）"), null=True, blank=True, **MONEY)
    detail = models.CharField(_("预警说明"), max_length=300)
    fund = models.ForeignKey(
        "projects.Fund",
        verbose_name=_("资金指标"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("项目"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    payment = models.ForeignKey(
        "projects.FundPayment",
        verbose_name=_("支付明细"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = models.CharField(
        _("处置状态"), max_length=12, choices=WarningState.choices, default=WarningState.OPEN
    )
    first_seen = models.DateTimeField(_("首次发现"))
    last_seen = models.DateTimeField(_("最近发现"))
    due_on = models.DateField(_("办结时限"))
    escalated_to = models.ForeignKey(
        "regions.Region",
        verbose_name=_("已上报至"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    escalated_at = models.DateTimeField(_("上报时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("资金预警")
        verbose_name_plural = _("资金预警")
        constraints = [
            models.UniqueConstraint(fields=["rule", "subject"], name="fund_warning_unique")
        ]
        indexes = [
            models.Index(fields=["region", "state"]),
            models.Index(fields=["escalated_to", "state"]),
            models.Index(fields=["state", "due_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.subject}"


class WarningAction(models.Model):
    """A step of a warning's handling: verified, explained, rectifying, closed (with
    evidence), reopened, escalated."""

    warning = models.ForeignKey(
        FundWarning, verbose_name=_("资金预警"), on_delete=models.CASCADE, related_name="actions"
    )
    action = models.CharField(_("处置环节"), max_length=16)
    state = models.CharField(_("处置后状态"), max_length=12, choices=WarningState.choices)
    note = models.TextField(_("说明"))
    evidence = models.FileField(_("佐证材料"), upload_to="warnings/%Y/%m/", blank=True)
    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处置人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("处置时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("预警处置记录")
        verbose_name_plural = _("预警处置记录")
        ordering = ["warning", "at", "id"]

    def __str__(self) -> str:
        return f"{self.warning_id} {self.action}"
