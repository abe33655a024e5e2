"""What every ledger row holds (domain-assistance "Suggested data model", conventions).

A row names its person by ID number and its household by household number, as the
department's spreadsheet did; the import matches them to the registry and keeps the row
either way: a person who is not registered (不在建档立卡库中) is a finding of the
coverage checks, not an error. `region` is the village of the matched household, or the
village (or county) the row itself names, so region scope works for unmatched rows too.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuopin.assistance.enums import ReviewStatus

MONEY = {"max_digits": 12, "decimal_places": 2, "null": True, "blank": True}


def money(label) -> models.DecimalField:
    """An amount in yuan; blank is unknown (NULL), never 0."""
    return models.DecimalField(label, **MONEY)


def fact(label) -> models.BooleanField:
    """A yes/no that may be unknown (NULL)."""
    return models.BooleanField(label, null=True, blank=True)


def code(label, choices, max_length: int = 16) -> models.CharField:
    return models.CharField(label, max_length=max_length, choices=choices, blank=True)


def day(label) -> models.DateField:
    return models.DateField(label, null=True, blank=True)


class LedgerImport(models.Model):
    """One import of a department spreadsheet into a ledger: who, when, what came of it."""

    kind = models.CharField(_("台账"), max_length=32)
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    file_name = models.CharField(_("文件名"), max_length=255)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    created = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    unchanged = models.PositiveIntegerField(_("未变"), default=0)
    rejected = models.PositiveIntegerField(_("拒收"), default=0)
    not_registered = models.PositiveIntegerField(_("不在建档立卡库中"), default=0)

    class Meta:
        verbose_name = _("台账导入")
        verbose_name_plural = _("台账导入")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name}"


class LedgerEntry(models.Model):
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("所属区划"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # the region prefix index of each ledger serves it
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    # As received (normalised): the registry match below may be absent.
    id_number = models.CharField(_("身份证号"), max_length=22, blank=True)
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    household_number = models.CharField(_("户编号"), max_length=32, blank=True)
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("贫困户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    member = models.ForeignKey(
        "registry.Member",
        verbose_name=_("家庭成员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # 审核 (the pattern of the 小额信贷 export, §2).
    review_status = code(_("审核状态"), ReviewStatus.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    return_reason = models.CharField(_("退回原因"), max_length=200, blank=True)
    batch = models.ForeignKey(
        LedgerImport,
        verbose_name=_("导入批次"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source_row = models.PositiveIntegerField(_("来源行号"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.year} {self.name or self.household_number}"

    @property
    def in_registry(self) -> bool:
        return self.member_id is not None or self.household_id is not None


def region_index(name: str) -> models.Index:
    """Rows of a region are found by code prefix (LIKE '4114%'): pattern ops on PostgreSQL."""
    return models.Index(
        fields=["region", "year"], name=name, opclasses=["varchar_pattern_ops", "int2_ops"]
    )
