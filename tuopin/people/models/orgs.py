"""Weak village Party branches (软弱涣散村党组织), enterprises and their pairings with
villages (百企帮百村), township industrial parks, and poverty workshops (扶贫车间).

Unknown stays NULL: a workshop's staff, a pairing's start, an employee's wage may be
missing and are shown as 未填报. A workshop's recognition is computed from its rows for a
year (tuopin.people.workshops_rules), never stored.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuopin.people.models.history import people_history
from tuopin.people.orgs_enums import BeneficiaryKind, PairingForm, WorkshopType

MONEY = {"max_digits": 14, "decimal_places": 2}


class WeakBranch(models.Model):
    """A village Party branch on a county's yearly list of weak branches, with its
    rectification plan (一村一策), the leader paired with it and its sign-off (销号)."""

    village = models.ForeignKey(
        "regions.Region", verbose_name=_("行政村"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    reasons = models.TextField(_("软弱涣散情形"))
    listed_on = models.DateField(_("列入日期"), null=True, blank=True)
    measures = models.TextField(_("整顿措施"), blank=True)
    deadline = models.DateField(_("整顿时限"), null=True, blank=True)
    leader = models.ForeignKey(
        "registry.Helper",
        verbose_name=_("联系领导"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_off_on = models.DateField(_("销号日期"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("销号人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    history = people_history(no_db_index=["village", "leader", "signed_off_by"])

    class Meta:
        verbose_name = _("软弱涣散村党组织")
        verbose_name_plural = _("软弱涣散村党组织")
        constraints = [
            models.UniqueConstraint(fields=["village", "year"], name="weak_branch_unique_year")
        ]
        indexes = [models.Index(fields=["year", "village"])]

    def __str__(self) -> str:
        return f"{self.year} {self.village_id}"


class BranchNote(models.Model):
    """A progress note on a weak branch's rectification."""

    branch = models.ForeignKey(
        WeakBranch,
        verbose_name=_("软弱涣散村党组织"),
        on_delete=models.CASCADE,
        related_name="notes",
    )
    date = models.DateField(_("日期"))
    text = models.TextField(_("整顿进展"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    history = people_history()

    class Meta:
        verbose_name = _("整顿进展")
        verbose_name_plural = _("整顿进展")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.date}"


class Enterprise(models.Model):
    """An enterprise that helps (百企帮百村), by its unified social credit code."""

    name = models.CharField(_("企业名称"), max_length=100)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+"
    )
    chamber = models.CharField(_("所属商会"), max_length=100, blank=True)
    is_leading = models.BooleanField(_("带贫龙头企业"), default=False)

    history = people_history(no_db_index=["region"])

    class Meta:
        verbose_name = _("帮扶企业")
        verbose_name_plural = _("帮扶企业")

    def __str__(self) -> str:
        return self.name


class EnterprisePairing(models.Model):
    """An enterprise paired with a village, in one form of help."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("帮扶企业"),
        on_delete=models.CASCADE,
        related_name="pairings",
        db_index=False,  # enterprise_pairing_unique leads with it
        db_constraint=False,  # written with its enterprise, deleted with it by Django (ADR 0028)
    )
    village = models.ForeignKey(
        "regions.Region", verbose_name=_("结对村"), on_delete=models.PROTECT, related_name="+"
    )
    started_on = models.DateField(_("结对日期"), null=True, blank=True)
    form = models.CharField(_("帮扶形式"), max_length=1, choices=PairingForm.choices)

    history = people_history(no_db_index=["enterprise", "village"])

    class Meta:
        verbose_name = _("村企结对")
        verbose_name_plural = _("村企结对")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "village", "form"], name="enterprise_pairing_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.village_id}"


class PairingProject(models.Model):
    pairing = models.ForeignKey(
        EnterprisePairing,
        verbose_name=_("村企结对"),
        on_delete=models.CASCADE,
        related_name="projects",
        db_index=False,  # pairing_project_unique leads with it
        db_constraint=False,  # written with its pairing, deleted with it by Django (ADR 0028)
    )
    name = models.CharField(_("帮扶项目"), max_length=100)
    money = models.DecimalField(_("投入资金（元）"), null=True, blank=True, **MONEY)

    history = people_history(no_db_index=["pairing"])

    class Meta:
        verbose_name = _("帮扶项目")
        verbose_name_plural = _("帮扶项目")
        constraints = [
            models.UniqueConstraint(fields=["pairing", "name"], name="pairing_project_unique")
        ]

    def __str__(self) -> str:
        return self.name


class PairingBeneficiary(models.Model):
    """A person who benefits from, or is employed by, a pairing: linked to the registry
    member by ID number when it matches, kept as received otherwise (不在建档立卡库中)."""

    pairing = models.ForeignKey(
        EnterprisePairing,
        verbose_name=_("村企结对"),
        on_delete=models.CASCADE,
        related_name="beneficiaries",
        db_index=False,  # pairing_beneficiary_unique leads with it
        db_constraint=False,  # written with its pairing, deleted with it by Django (ADR 0028)
    )
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    id_number = models.CharField(_("身份证号"), max_length=22)
    member = models.ForeignKey(
        "registry.Member",
        verbose_name=_("家庭成员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("受益方式"), max_length=1, choices=BeneficiaryKind.choices)

    history = people_history(no_db_index=["pairing", "member"])  # read by record (id)

    class Meta:
        verbose_name = _("受益人员")
        verbose_name_plural = _("受益人员")
        constraints = [
            models.UniqueConstraint(
                fields=["pairing", "id_number"], name="pairing_beneficiary_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class IndustrialPark(models.Model):
    """A township's poverty-alleviation industrial park (扶贫产业园区) in a year."""

    name = models.CharField(_("园区名称"), max_length=100)
    township = models.ForeignKey(
        "regions.Region", verbose_name=_("乡镇"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))

    history = people_history()

    class Meta:
        verbose_name = _("扶贫产业园区")
        verbose_name_plural = _("扶贫产业园区")
        constraints = [
            models.UniqueConstraint(
                fields=["township", "year", "name"], name="industrial_park_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Workshop(models.Model):
    """A poverty workshop (扶贫车间) in a village."""

    name = models.CharField(_("车间名称"), max_length=100)
    operator = models.ForeignKey(
        Enterprise,
        verbose_name=_("经营主体"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="workshops",
    )
    village = models.ForeignKey(
        "regions.Region", verbose_name=_("所在村"), on_delete=models.PROTECT, related_name="+"
    )
    established_on = models.DateField(_("建成日期"), null=True, blank=True)
    type = models.CharField(_("车间类型"), max_length=1, choices=WorkshopType.choices)
    total_staff = models.PositiveIntegerField(_("用工总人数"), null=True, blank=True)

    history = people_history(no_db_index=["operator", "village"])

    class Meta:
        verbose_name = _("扶贫车间")
        verbose_name_plural = _("扶贫车间")
        constraints = [
            models.UniqueConstraint(fields=["village", "name"], name="workshop_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class WorkshopEmployee(models.Model):
    """A person employed in a workshop under one contract."""

    workshop = models.ForeignKey(
        Workshop,
        verbose_name=_("扶贫车间"),
        on_delete=models.CASCADE,
        related_name="employees",
        db_index=False,  # workshop_employee_unique leads with it
        db_constraint=False,  # written with its workshop, deleted with it by Django (ADR 0028)
    )
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    id_number = models.CharField(_("身份证号"), max_length=22, db_index=True)
    member = models.ForeignKey(
        "registry.Member",
        verbose_name=_("家庭成员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contract_start = models.DateField(_("合同开始日期"))
    contract_end = models.DateField(_("合同结束日期"), null=True, blank=True)
    monthly_wage = models.DecimalField(_("月工资（元）"), null=True, blank=True, **MONEY)

    history = people_history(no_db_index=["workshop", "member"])

    class Meta:
        verbose_name = _("车间务工人员")
        verbose_name_plural = _("车间务工人员")
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "id_number", "contract_start"],
                name="workshop_employee_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name
