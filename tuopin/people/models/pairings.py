"""Helpers (帮扶责任人) paired with households, and their visits (走访记录).

A household has at most one open pairing (ended_on is NULL); its helper is also kept on
`registry.Household.helper`, which the registry shows and exports. A start date that is
not known (pairings migrated from the registry's helper column) stays NULL, never a
made-up date."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tuopin.people.models.history import people_history


class PairingEndReason(models.TextChoices):
    REPLACED = "replaced", _("更换帮扶责任人")
    REGISTRY = "registry", _("建档立卡信息变更")
    EXITED = "exited", _("帮扶期满")
    OTHER = "other", _("其他")


class Pairing(models.Model):
    helper = models.ForeignKey(
        "registry.Helper",
        verbose_name=_("帮扶责任人"),
        on_delete=models.PROTECT,
        related_name="pairings",
        db_index=False,  # the (helper, ended_on) index leads with it
    )
    # No database check (ADR 0027): the pairing's household is one the writer read in
    # the same import or service, households are never deleted but through the ORM
    # (which deletes their pairings, CASCADE), and the check was a row lock per pairing.
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("贫困户"),
        on_delete=models.CASCADE,
        related_name="pairings",
        db_constraint=False,
    )
    # The household's village code: the scope of the row (read_q over it), matched by
    # equality or prefix: one varchar_pattern_ops index serves both (pairing_region_prefix).
    region_code = models.CharField(_("行政村"), max_length=12)
    started_on = models.DateField(_("结对日期"), null=True, blank=True)
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    ended_reason = models.CharField(
        _("结束原因"), max_length=10, choices=PairingEndReason.choices, blank=True
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    # History is read by record (id), never by region.
    history = people_history(no_db_index=["helper", "household", "region_code"])

    class Meta:
        verbose_name = _("帮扶结对")
        verbose_name_plural = _("帮扶结对")
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(ended_on__isnull=True),
                name="pairing_one_open_per_household",
            ),
        ]
        indexes = [
            models.Index(fields=["helper", "ended_on"]),
            models.Index(
                fields=["region_code"],
                name="pairing_region_prefix",
                opclasses=["varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.helper_id} {self.household_id}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


class Visit(models.Model):
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("贫困户"),
        on_delete=models.CASCADE,
        related_name="visits",
    )
    helper = models.ForeignKey(
        "registry.Helper",
        verbose_name=_("帮扶责任人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    region_code = models.CharField(_("行政村"), max_length=12, db_index=True)
    visited_on = models.DateField(_("走访日期"))
    title = models.CharField(_("走访发现"), max_length=200)
    agreed = models.TextField(_("商定事项"), blank=True)
    content = models.TextField(_("走访内容"), blank=True)
    followed_up = models.TextField(_("跟进措施"), blank=True)
    measures = models.ManyToManyField(
        "registry.Measure", verbose_name=_("跟进的帮扶措施"), blank=True, related_name="+"
    )
    # A client token: the same form sent twice is the same visit.
    token = models.CharField(_("提交标识"), max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    history = people_history(no_db_index=["household", "helper", "recorded_by"])

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        constraints = [
            models.UniqueConstraint(
                fields=["token"], condition=~Q(token=""), name="visit_unique_token"
            ),
        ]
        indexes = [models.Index(fields=["household", "visited_on"])]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.title}"


class VisitPhoto(models.Model):
    visit = models.ForeignKey(
        Visit, verbose_name=_("走访记录"), on_delete=models.CASCADE, related_name="photos"
    )
    file = models.CharField(_("文件"), max_length=200)  # path under MEDIA_ROOT
    content_type = models.CharField(_("类型"), max_length=20)
    size = models.PositiveIntegerField(_("大小"))
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    history = people_history(no_db_index=["visit"])

    class Meta:
        verbose_name = _("走访照片")
        verbose_name_plural = _("走访照片")

    def __str__(self) -> str:
        return self.file
