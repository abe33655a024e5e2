"""残联 and 民政 (K): disability certificates; 低保 and 特困 support of households."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tuopin.assistance.enums import AssistanceKind, DisabilityCategory, DisabilityGrade, TekunMode
from tuopin.assistance.models.base import LedgerEntry, code, day, money, region_index

HISTORY = {"no_db_index": ["region", "household", "member", "batch"]}


class DisabilityCertificate(LedgerEntry):
    """残疾证 held by a person, as listed by the 残联 for `year`."""

    certificate_number = models.CharField(_("残疾证号"), max_length=22, blank=True)
    category = code(_("残疾类别"), DisabilityCategory.choices, 1)
    grade = code(_("残疾等级"), DisabilityGrade.choices, 1)
    issued_on = day(_("发证日期"))
    assessment_pending = models.BooleanField(_("待评定"), default=False)

    history = HistoricalRecords(**HISTORY)

    class Meta:
        verbose_name = _("残疾人台账")
        verbose_name_plural = _("残疾人台账")
        constraints = [
            models.UniqueConstraint(fields=["year", "id_number"], name="disability_unique_person")
        ]
        indexes = [region_index("disability_region"), models.Index(fields=["member", "year"])]


class SocialAssistance(LedgerEntry):
    """低保 or 特困 support of a household (民政's list); the row names the applicant."""

    kind = code(_("救助类别"), AssistanceKind.choices, 8)
    dibao_category = models.CharField(_("低保类别"), max_length=20, blank=True)
    persons_covered = models.PositiveSmallIntegerField(_("保障人数"), null=True, blank=True)
    monthly_amount = money(_("月补助金额"))
    tekun_mode = code(_("供养方式"), TekunMode.choices, 1)
    started_on = day(_("起始日期"))
    ended_on = day(_("终止日期"))

    history = HistoricalRecords(**HISTORY)

    class Meta:
        verbose_name = _("低保特困台账")
        verbose_name_plural = _("低保特困台账")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "kind", "id_number"], name="social_assistance_unique"
            )
        ]
        indexes = [region_index("social_region"), models.Index(fields=["household", "year"])]
