"""公告公示 of projects and funds, readable without login: a notice's rows are a snapshot
taken when it is posted, with personal data already masked (name 张*明, ID number
411421********1234, account ****1234), so the public page never holds a full one.
Posted for at least the parameter number of days (10, domain-assistance §15)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tuopin.projects.enums import DisclosureKind


class Disclosure(models.Model):
    kind = models.CharField(_("公示类型"), max_length=12, choices=DisclosureKind.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("公示单位区划"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("标题"), max_length=200)
    starts_on = models.DateField(_("公示开始日期"))
    ends_on = models.DateField(_("公示截止日期"))
    place = models.CharField(_("公示地点"), max_length=200, blank=True)
    contact = models.CharField(_("监督电话"), max_length=60, blank=True)
    columns = models.JSONField(_("栏目"), default=list)  # the Chinese column headers
    rows = models.JSONField(_("公示内容"), default=list)  # masked, as posted
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disclosures",
    )
    fund = models.ForeignKey(
        "projects.Fund",
        verbose_name=_("资金指标"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disclosures",
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    posted_at = models.DateTimeField(_("发布时间"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    # 撤回 is filed: who withdrew the notice and why (it stays readable to staff).
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤回人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdraw_reason = models.CharField(_("撤回原因"), max_length=200, blank=True)

    history = HistoricalRecords(
        no_db_index=["region", "project", "fund", "posted_by", "withdrawn_by"]
    )

    class Meta:
        verbose_name = _("公告公示")
        verbose_name_plural = _("公告公示")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="disclosure_ends_after_start",
            )
        ]
        indexes = [models.Index(fields=["region", "starts_on"])]

    def __str__(self) -> str:
        return self.title
