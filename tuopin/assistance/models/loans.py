"""扶贫小额信贷 (E): loans, repayments and post-loan checks (豫政办〔2017〕85号, 137号)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tuopin.assistance.enums import CheckerLevel, LoanPurpose, LoanState
from tuopin.assistance.models.base import LedgerEntry, code, day, fact, money, region_index


class Loan(LedgerEntry):
    """One loan to a household member (户借、户用、户还). `year` is the drawdown year."""

    relation_to_head = models.CharField(_("与户主关系"), max_length=20, blank=True)
    status_at_drawdown = models.CharField(_("放款时脱贫状态"), max_length=20, blank=True)
    credit_rating = models.CharField(_("授信星级"), max_length=20, blank=True)
    credit_limit = money(_("授信额度"))
    credit_institution = models.CharField(_("授信机构"), max_length=100, blank=True)
    credit_date = day(_("授信日期"))
    amount = models.DecimalField(_("贷款金额"), max_digits=12, decimal_places=2)
    term_months = models.PositiveSmallIntegerField(_("期限（月）"))
    drawn_on = models.DateField(_("放款日期"))
    due_on = models.DateField(_("到期日期"))
    interest_rate = models.DecimalField(
        _("年利率（%）"), max_digits=6, decimal_places=3, null=True, blank=True
    )
    bank = models.CharField(_("贷款机构"), max_length=100)
    contract_number = models.CharField(_("借款合同号"), max_length=60, blank=True)
    purpose = code(_("贷款用途"), LoanPurpose.choices, 1)
    enterprise = models.CharField(_("带贫企业"), max_length=100, blank=True)
    renewed = fact(_("续贷/展期"))
    state = code(_("贷款状态"), LoanState.choices, 1)
    balance = money(_("贷款余额"))
    interest_subsidy_total = money(_("累计贴息"))
    overdue_amount = money(_("逾期金额"))
    overdue_since = day(_("逾期时间"))
    interest_arrears = money(_("欠息金额"))
    interest_arrears_since = day(_("欠息时间"))
    compensated_amount = money(_("风险补偿代偿金额"))

    history = HistoricalRecords(no_db_index=["region", "household", "member", "batch"])

    class Meta:
        verbose_name = _("扶贫小额信贷台账")
        verbose_name_plural = _("扶贫小额信贷台账")
        constraints = [
            models.UniqueConstraint(
                fields=["bank", "id_number", "drawn_on"], name="loan_unique_drawdown"
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="loan_amount_positive"),
        ]
        indexes = [
            region_index("loan_region"),
            models.Index(fields=["household", "state"]),
            models.Index(fields=["due_on"]),
        ]


class LoanRepayment(models.Model):
    loan = models.ForeignKey(
        Loan, verbose_name=_("贷款"), on_delete=models.CASCADE, related_name="repayments"
    )
    date = models.DateField(_("还款时间"))
    amount = models.DecimalField(_("偿还金额"), max_digits=12, decimal_places=2)
    interest = money(_("其中利息"))

    history = HistoricalRecords(no_db_index=["loan"])

    class Meta:
        verbose_name = _("还款记录")
        verbose_name_plural = _("还款记录")
        constraints = [
            models.UniqueConstraint(fields=["loan", "date", "amount"], name="repayment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.amount}"


class LoanCheck(models.Model):
    """贷后检查: who checked a loan, when, what they found (137号 spot-check quotas)."""

    loan = models.ForeignKey(
        Loan, verbose_name=_("贷款"), on_delete=models.CASCADE, related_name="checks"
    )
    date = models.DateField(_("检查日期"))
    level = code(_("检查层级"), CheckerLevel.choices)
    checker = models.CharField(_("检查人"), max_length=50, blank=True)
    used_for_production = fact(_("用于生产经营"))
    finding = models.CharField(_("检查情况"), max_length=200, blank=True)

    history = HistoricalRecords(no_db_index=["loan"])

    class Meta:
        verbose_name = _("贷后检查")
        verbose_name_plural = _("贷后检查")
        constraints = [
            models.UniqueConstraint(fields=["loan", "date", "level"], name="loan_check_unique")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.checker}"
