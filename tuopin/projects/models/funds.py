"""Every yuan followed: the master ledger of funds keyed by the allocation document
number (指标文件文号), allocations down the levels, disbursements to projects and payments
to projects, enterprises or people (domain.md §7).

Money at a region for a fund = what reached it (the fund's own receipt when the region
is the fund's, plus allocations to it) minus what it passed on (allocations from it and
disbursements to projects). A payment is traceable when it names its disbursement
(hence its fund's document and its project); a payment to a person carries the ID
number and, when the registry knows them, the household and member.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tuopin.projects.enums import FundNature, PayeeKind, SourceLevel
from tuopin.projects.models.library import MONEY, Project


class Fund(models.Model):
    """One allocation document's fund as it reached the platform's top level holding it
    (the city, or a county for funds allocated straight to it)."""

    document = models.CharField(_("指标文件文号"), max_length=100, unique=True)
    name = models.CharField(_("资金名称"), max_length=200)
    nature = models.CharField(_("资金性质"), max_length=12, choices=FundNature.choices)
    level = models.CharField(_("资金来源级次"), max_length=10, choices=SourceLevel.choices)
    functional_class = models.CharField(_("支出功能分类科目"), max_length=60, blank=True)
    integrated = models.BooleanField(_("纳入统筹整合涉农资金"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("收到资金区划"), on_delete=models.PROTECT, related_name="+"
    )
    issued_on = models.DateField(_("文件日期"), null=True, blank=True)
    received_on = models.DateField(_("到达日期"))
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    history = HistoricalRecords(no_db_index=["region"])

    class Meta:
        verbose_name = _("扶贫资金指标")
        verbose_name_plural = _("扶贫资金指标")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="fund_amount_ok")
        ]
        indexes = [models.Index(fields=["region", "year"])]

    def __str__(self) -> str:
        return self.document


class Allocation(models.Model):
    """A fund passed down a level (分配下达): from a region to one of its children."""

    fund = models.ForeignKey(
        Fund, verbose_name=_("资金指标"), on_delete=models.PROTECT, related_name="allocations"
    )
    from_region = models.ForeignKey(
        "regions.Region", verbose_name=_("下达单位区划"), on_delete=models.PROTECT, related_name="+"
    )
    to_region = models.ForeignKey(
        "regions.Region", verbose_name=_("接收区划"), on_delete=models.PROTECT, related_name="+"
    )
    document = models.CharField(_("下达文号"), max_length=100, blank=True)
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    allocated_on = models.DateField(_("下达日期"))

    history = HistoricalRecords(no_db_index=["from_region", "to_region"])

    class Meta:
        verbose_name = _("资金分配下达")
        verbose_name_plural = _("资金分配下达")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="allocation_amount_ok"),
            models.CheckConstraint(
                condition=~models.Q(from_region=models.F("to_region")),
                name="allocation_goes_down",
            ),
        ]
        indexes = [
            models.Index(fields=["fund", "to_region"]),
            models.Index(fields=["fund", "from_region"]),
        ]

    def __str__(self) -> str:
        return f"{self.fund_id} {self.from_region_id}→{self.to_region_id} {self.amount}"


class Disbursement(models.Model):
    """Money of a fund at a region (a county, usually) put on a project (拨付到项目)."""

    fund = models.ForeignKey(
        Fund, verbose_name=_("资金指标"), on_delete=models.PROTECT, related_name="disbursements"
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("拨付区划"), on_delete=models.PROTECT, related_name="+"
    )
    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="disbursements"
    )
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    disbursed_on = models.DateField(_("拨付日期"))
    voucher = models.CharField(_("拨付凭证号"), max_length=60, blank=True)

    history = HistoricalRecords(no_db_index=["region"])

    class Meta:
        verbose_name = _("资金拨付")
        verbose_name_plural = _("资金拨付")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="disbursement_amount_ok")
        ]
        indexes = [models.Index(fields=["project"]), models.Index(fields=["fund", "region"])]

    def __str__(self) -> str:
        return f"{self.fund_id} → {self.project_id} {self.amount}"


class FundPayment(models.Model):
    """A payment out of a project's money (支付): to its unit, an enterprise or a person.
    `region` is the payee's village when known, else the project's owner; it scopes the
    payment. A person's ID number is kept as written; household and member are the
    registry's (NULL: not in the registry)."""

    disbursement = models.ForeignKey(
        Disbursement,
        verbose_name=_("资金拨付"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
    )
    fund = models.ForeignKey(
        Fund,
        verbose_name=_("资金指标"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+"
    )
    payee_kind = models.CharField(_("支付对象类型"), max_length=12, choices=PayeeKind.choices)
    payee = models.CharField(_("收款人"), max_length=200)
    id_number = models.CharField(_("身份证号"), max_length=22, blank=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    member = models.ForeignKey(
        "registry.Member",
        verbose_name=_("人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    account = models.CharField(_("收款账号"), max_length=40, blank=True)
    item = models.CharField(_("支付事项"), max_length=100)
    period = models.CharField(_("所属期间"), max_length=10, blank=True)
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    paid_on = models.DateField(_("支付日期"))
    voucher = models.CharField(_("支付凭证号"), max_length=60, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    history = HistoricalRecords(
        no_db_index=["disbursement", "fund", "project", "region", "household", "member"]
    )

    class Meta:
        verbose_name = _("资金支付明细")
        verbose_name_plural = _("资金支付明细")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="fund_payment_amount_ok"),
            models.CheckConstraint(
                condition=~models.Q(payee_kind=PayeeKind.PERSON) | ~models.Q(id_number=""),
                name="fund_payment_person_has_id",
            ),
        ]
        indexes = [
            models.Index(fields=["region", "paid_on"]),
            models.Index(fields=["id_number", "item", "period"]),
            models.Index(fields=["account"]),
            models.Index(fields=["project"]),
            models.Index(fields=["fund"]),
        ]

    def __str__(self) -> str:
        return f"{self.payee} {self.amount}"
