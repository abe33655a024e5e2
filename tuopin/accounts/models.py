from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tuopin.accounts.roles import Department, Role


class Assignment(models.Model):
    """A user's role in a region: the user sees and acts on that region and below."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("区划"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    organisation = models.CharField(_("单位"), max_length=128, blank=True)
    # Only for 行业部门: the department whose ledgers the user keeps and reads (blank for
    # every other role; a sector user without one keeps and reads no ledger).
    department = models.CharField(
        _("行业部门"), max_length=16, choices=Department.choices, blank=True
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("角色分配")
        verbose_name_plural = _("角色分配")
        ordering = ["region_id", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "region"], name="assignment_unique_user_role_region"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.region.name}"


class ApiToken(models.Model):
    """A bearer token for machine clients (sector systems). Only its hash is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("用途"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=8)
    key_hash = models.CharField(_("摘要"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
