"""危房改造 (H): a household's renovation, from assessment to acceptance."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tuopin.assistance.enums import PriorityGroup, RenovationMethod
from tuopin.assistance.models.base import LedgerEntry, code, day, money, region_index
from tuopin.registry.enums import HousingGrade


class HousingRenovation(LedgerEntry):
    """`year` is the plan year (改造计划年度)."""

    priority_group = code(_("四类对象类别"), PriorityGroup.choices, 1)
    grade = code(_("鉴定等级"), HousingGrade.choices, 1)
    assessed_on = day(_("鉴定日期"))
    assessor = models.CharField(_("鉴定机构"), max_length=100, blank=True)
    method = code(_("改造方式"), RenovationMethod.choices, 1)
    area_m2 = models.DecimalField(
        _("改造面积（平方米）"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    persons = models.PositiveSmallIntegerField(_("人口数"), null=True, blank=True)
    started_on = day(_("开工日期"))
    finished_on = day(_("竣工日期"))
    accepted_on = day(_("验收日期"))
    subsidy_standard = money(_("补助标准"))
    account = models.CharField(_("一卡通账号"), max_length=40, blank=True)

    history = HistoricalRecords(no_db_index=["region", "household", "member", "batch"])

    class Meta:
        verbose_name = _("危房改造台账")
        verbose_name_plural = _("危房改造台账")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "household_number"], name="renovation_unique_household"
            )
        ]
        indexes = [region_index("renovation_region"), models.Index(fields=["household", "year"])]
