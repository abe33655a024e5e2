"""Thresholds of the funds' warnings and the posting period, set by a city or county from
a year on (the shipped defaults live in tuopin.projects.parameters)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class FundsParameter(models.Model):
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

    history = HistoricalRecords(no_db_index=["region"])

    class Meta:
        verbose_name = _("项目资金参数")
        verbose_name_plural = _("项目资金参数")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "region", "year"], name="funds_parameter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.region_id} {self.year}: {self.value}"
