"""Payments to people: one table for every ledger that pays (student aid per term, post
pay, PV distributions, ranger pay, disability subsidies, 低保/特困, housing instalments,
training allowances), so "paid twice for the same item in one period" and "paid after
death or moving out" are one set-based check each, over every department."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tuopin.assistance.enums import PaymentKind
from tuopin.assistance.models.base import LedgerEntry, code, region_index


class Payment(LedgerEntry):
    kind = code(_("发放类别"), PaymentKind.choices, 24)
    # The aid item of the kind (学生资助: AidItem; 光伏: PvDistributionMode; 残疾: the
    # subsidy; otherwise blank), and the period it pays: "2018" (a year), "2018Q1"
    # (a quarter), "2018-03" (a month), "2018S1"/"2018S2" (spring / autumn term).
    item = models.CharField(_("发放项目"), max_length=24, blank=True)
    period = models.CharField(_("发放期间"), max_length=10)
    amount = models.DecimalField(_("发放金额"), max_digits=12, decimal_places=2)
    paid_on = models.DateField(_("发放日期"), null=True, blank=True)
    account = models.CharField(_("发放卡号"), max_length=40, blank=True)
    voucher = models.CharField(_("发放单号"), max_length=40, blank=True)
    # Which ledger row it pays, when the department's sheet says (e.g. a post or a
    # station); kept as text because payments of every kind share this table.
    reference = models.CharField(_("关联台账"), max_length=60, blank=True)

    history = HistoricalRecords(no_db_index=["region", "household", "member", "batch"])

    class Meta:
        verbose_name = _("发放明细")
        verbose_name_plural = _("发放明细")
        indexes = [
            region_index("payment_region"),
            models.Index(fields=["kind", "year", "id_number"]),
            models.Index(fields=["member", "kind", "period"]),
            models.Index(fields=["household", "year"]),
        ]
