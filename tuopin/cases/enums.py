from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseKind(models.TextChoices):
    IDENTIFICATION = "identification", _("贫困识别")
    EXIT = "exit", _("贫困退出")
    RETURN = "return", _("返贫")
    MONITORING = "monitoring", _("防止返贫监测")
    MEMBER_CHANGE = "member_change", _("家庭成员变更")
    VILLAGE_EXIT = "village_exit", _("贫困村退出")
    COUNTY_EXIT = "county_exit", _("贫困县退出")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("办理中")
    OBJECTION = "objection", _("有异议，暂停")
    MONITORING = "monitoring", _("监测中")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未通过")
    WITHDRAWN = "withdrawn", _("已撤回")
    CLOSED = "closed", _("已消除风险")


FINISHED = (CaseStatus.APPROVED, CaseStatus.REJECTED, CaseStatus.WITHDRAWN, CaseStatus.CLOSED)


class StepKind(models.TextChoices):
    REVIEW = "review", _("审核")
    CONSENT = "consent", _("户签字同意")
    NOTICE = "notice", _("公示")
    RESULT = "result", _("录入上级结果")


class Action(models.TextChoices):
    APPROVE = "approve", _("同意")
    REJECT = "reject", _("不同意")
    CONSENT = "consent", _("户已签字同意")
    DECLINE = "decline", _("户不同意")
    CLOSE_NOTICE = "close_notice", _("公示期满无异议")
    OBJECT = "object", _("登记异议")
    DISMISS = "dismiss", _("异议不成立")
    UPHOLD = "uphold", _("异议成立")
    WITHDRAW = "withdraw", _("撤回")
    REMOVE_RISK = "remove_risk", _("消除风险")


# What a case's history says was done: every action, and the proposal that opened it.
EVENT_ACTIONS = {"propose": _("发起"), **dict(Action.choices)}


class NoticeKind(models.TextChoices):
    NOTICE = "notice", _("公示")
    ANNOUNCEMENT = "announcement", _("公告")


class OutsideList(models.TextChoices):
    CAR = "car", _("车辆登记")
    PROPERTY = "property", _("商品房登记")
    PAYROLL = "payroll", _("财政供养人员")
    COMPANY = "company", _("工商注册")
    CADRE = "cadre", _("村干部")
