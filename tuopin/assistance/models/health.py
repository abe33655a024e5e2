"""健康扶贫 (G): insurance per year, family-doctor contracts, chronic-disease cards,
hospital settlements (一站式结算)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tuopin.assistance.enums import ChronicDisease
from tuopin.assistance.models.base import LedgerEntry, code, day, fact, money, region_index

HISTORY = {"no_db_index": ["region", "household", "member", "batch"]}


class HealthInsurance(LedgerEntry):
    """参保: one person's cover in one year."""

    basic_insured = fact(_("参加城乡居民基本医疗保险"))
    serious_illness_cover = fact(_("大病保险"))
    supplementary_cover = fact(_("困难群众大病补充保险"))
    personal_contribution = money(_("个人缴费"))
    subsidy_amount = money(_("资助缴费金额"))
    subsidy_source = models.CharField(_("资助来源"), max_length=50, blank=True)

    history = HistoricalRecords(**HISTORY)

    class Meta:
        verbose_name = _("参保台账")
        verbose_name_plural = _("参保台账")
        constraints = [
            models.UniqueConstraint(fields=["year", "id_number"], name="insurance_unique_person")
        ]
        indexes = [region_index("insurance_region"), models.Index(fields=["member", "year"])]


class DoctorContract(LedgerEntry):
    """家庭医生签约 (签约一人、履约一人、做实一人)."""

    team = models.CharField(_("签约团队"), max_length=100, blank=True)
    signed_on = day(_("签约日期"))
    follow_ups = models.PositiveSmallIntegerField(_("履约次数"), null=True, blank=True)

    history = HistoricalRecords(**HISTORY)

    class Meta:
        verbose_name = _("家庭医生签约台账")
        verbose_name_plural = _("家庭医生签约台账")
        constraints = [
            models.UniqueConstraint(fields=["year", "id_number"], name="contract_unique_person")
        ]
        indexes = [region_index("contract_region"), models.Index(fields=["member", "year"])]


class ChronicCard(LedgerEntry):
    """慢性病卡 and 大病专项救治 病种 of a person."""

    disease = code(_("慢病类型"), ChronicDisease.choices, 20)
    card_number = models.CharField(_("慢病卡号"), max_length=40, blank=True)
    special_treatment = models.CharField(_("大病专项救治病种"), max_length=50, blank=True)
    issued_on = day(_("办卡日期"))

    history = HistoricalRecords(**HISTORY)

    class Meta:
        verbose_name = _("慢病卡台账")
        verbose_name_plural = _("慢病卡台账")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "id_number", "disease"], name="chronic_card_unique"
            )
        ]
        indexes = [region_index("chronic_region"), models.Index(fields=["member", "year"])]


class HospitalSettlement(LedgerEntry):
    """One hospital stay and how its cost was paid (the 医疗救助 settlement columns)."""

    bill_number = models.CharField(_("单号"), max_length=40)
    hospital = models.CharField(_("医疗机构"), max_length=100, blank=True)
    admitted_on = day(_("入院日期"))
    discharged_on = day(_("出院日期"))
    in_county = fact(_("县域内就诊"))
    one_stop = fact(_("一站式结算"))
    total_cost = money(_("费用合计"))
    compliant_cost = money(_("合规费用"))
    basic_insurance = money(_("基本医保"))
    serious_illness_insurance = money(_("大病保险"))
    supplementary_insurance = money(_("困难群众大病补充保险"))
    medical_assistance = money(_("医疗救助"))
    other_reimbursement = money(_("其他报销"))
    self_paid = money(_("个人自付"))

    history = HistoricalRecords(**HISTORY)

    class Meta:
        verbose_name = _("住院结算台账")
        verbose_name_plural = _("住院结算台账")
        constraints = [
            models.UniqueConstraint(fields=["bill_number"], name="settlement_unique_bill")
        ]
        indexes = [region_index("settlement_region"), models.Index(fields=["member", "year"])]
