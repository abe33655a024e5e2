"""光伏 (I), 护林员 (J): stations, rangers; distributions and pay are payments."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tuopin.assistance.enums import RangerState
from tuopin.assistance.models.base import LedgerEntry, code, day, fact, money, region_index


class PvStation(models.Model):
    """村级光伏扶贫电站: assets of the village collective."""

    village = models.ForeignKey(
        "regions.Region", verbose_name=_("行政村"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("电站名称"), max_length=100)
    capacity_kw = models.DecimalField(_("装机容量（千瓦）"), max_digits=9, decimal_places=2)
    connected_on = day(_("并网日期"))
    in_subsidy_catalogue = fact(_("纳入补贴目录"))
    annual_revenue = money(_("年度收益"))
    plan_posted_on = day(_("分配方案公示日期"))
    result_posted_on = day(_("分配结果公示日期"))

    history = HistoricalRecords(no_db_index=["village"])

    class Meta:
        verbose_name = _("光伏电站")
        verbose_name_plural = _("光伏电站")
        constraints = [
            models.UniqueConstraint(fields=["village", "name"], name="pv_station_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Ranger(LedgerEntry):
    """生态护林员: one person's contract in one year."""

    area_mu = models.DecimalField(
        _("管护面积（亩）"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    contract_start = day(_("聘期开始"))
    contract_end = day(_("聘期结束"))
    annual_pay = money(_("年度补助"))
    assessment = models.CharField(_("考核"), max_length=50, blank=True)
    state = code(_("聘用状态"), RangerState.choices, 1)

    history = HistoricalRecords(no_db_index=["region", "household", "member", "batch"])

    class Meta:
        verbose_name = _("生态护林员台账")
        verbose_name_plural = _("生态护林员台账")
        constraints = [
            models.UniqueConstraint(fields=["year", "id_number"], name="ranger_unique_person")
        ]
        indexes = [region_index("ranger_region"), models.Index(fields=["household", "year"])]
