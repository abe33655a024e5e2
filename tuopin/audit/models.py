from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessKind(models.TextChoices):
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOCKED_OUT = "locked_out", _("账号锁定")
    LOGOUT = "logout", _("退出登录")
    DENIED = "denied", _("越权访问被拒")
    EXPORT = "export", _("导出")
    REVEAL = "reveal", _("查看完整身份证号")
    LOOKUP = "lookup", _("查询他区已登记证件号码")
    PHOTO = "photo", _("查看走访照片")


# What a log line's object is (object_type), as people read it.
OBJECT_TYPES = {
    "batch": _("批次"),
    "case": _("事项"),
    "evaluation_run": _("评估"),
    "household": _("贫困户"),
    "industrial_park": _("扶贫产业园区"),
    "helper": _("帮扶责任人"),
    "helper_check": _("帮扶责任人核查"),
    "pairing": _("帮扶结对"),
    "project": _("扶贫项目"),
    "project_library": _("项目库"),
    "project_progress": _("项目进度报告"),
    "visit": _("走访记录"),
    "visit_photo": _("走访照片"),
    "member": _("家庭成员"),
    "id_number": _("身份证号"),
    "job": _("后台任务"),
    "ledger": _("行业台账"),
    "person": _("个人信息"),
    "quality": _("疑点数据"),
    "quality_check": _("疑点检查"),
    "region": _("区划"),
    "registry": _("建档立卡数据"),
    "user": _("用户"),
}


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("访问日志只能追加，不能修改 (the access log is append-only)")

    def delete(self):
        raise PermissionError("访问日志只能追加，不能删除 (the access log is append-only)")


class AccessLog(models.Model):
    """Who logged in, was refused, exported or looked at personal data. Never edited.

    Besides the model's refusals, database triggers refuse UPDATE and DELETE of these
    rows on SQLite and PostgreSQL; see migrations 0002 and 0004 and ADR 0003.
    """

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True, db_index=True)
    kind = models.CharField(_("类型"), max_length=16, choices=AccessKind.choices, db_index=True)
    region_code = models.CharField(_("区划代码"), max_length=12, blank=True, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    detail = models.CharField(_("说明"), max_length=500, blank=True)
    path = models.CharField(_("地址"), max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("访问日志")
        verbose_name_plural = _("访问日志")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.kind}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("访问日志只能追加，不能修改 (the access log is append-only)")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("访问日志只能追加，不能删除 (the access log is append-only)")
