"""人社 ledgers: employment (A), public-welfare posts (C), skills training (D)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tuopin.assistance.enums import (
    EmploymentForm,
    EmploymentStatus,
    PostFunding,
    PostType,
    ServiceKind,
    TrainingMode,
)
from tuopin.assistance.models.base import LedgerEntry, code, day, fact, money, region_index


class EmploymentRecord(LedgerEntry):
    """就业台账: one person's employment in one year (一库五册)."""

    status = code(_("就业状态"), EmploymentStatus.choices, 1)
    form = code(_("就业形式"), EmploymentForm.choices, 1)
    work_province = models.CharField(_("就业地（省）"), max_length=30, blank=True)
    work_city = models.CharField(_("就业地（市）"), max_length=30, blank=True)
    work_county = models.CharField(_("就业地（县）"), max_length=30, blank=True)
    employer = models.CharField(_("单位名称"), max_length=100, blank=True)
    started_on = day(_("就业开始日期"))
    ended_on = day(_("就业结束日期"))
    monthly_income = money(_("月收入"))
    contract_months = models.PositiveSmallIntegerField(_("合同期限（月）"), null=True, blank=True)
    social_insurance = fact(_("参加社会保险"))
    job_intention = models.CharField(_("就业意向"), max_length=100, blank=True)
    wants_training = fact(_("有培训意愿"))

    history = HistoricalRecords(no_db_index=["region", "household", "member", "batch"])

    class Meta:
        verbose_name = _("就业台账")
        verbose_name_plural = _("就业台账")
        constraints = [
            models.UniqueConstraint(fields=["year", "id_number"], name="employment_unique_person")
        ]
        indexes = [region_index("employment_region"), models.Index(fields=["household", "year"])]


class EmploymentService(models.Model):
    """就业服务记录: a free employment service given to a person in the ledger."""

    record = models.ForeignKey(
        EmploymentRecord,
        verbose_name=_("就业台账"),
        on_delete=models.CASCADE,
        related_name="services",
    )
    date = models.DateField(_("服务日期"))
    kind = code(_("服务类型"), ServiceKind.choices, 1)
    staff = models.CharField(_("服务人员"), max_length=50, blank=True)

    history = HistoricalRecords(no_db_index=["record"])

    class Meta:
        verbose_name = _("就业服务记录")
        verbose_name_plural = _("就业服务记录")
        constraints = [
            models.UniqueConstraint(
                fields=["record", "date", "kind"], name="employment_service_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class PublicWelfarePost(LedgerEntry):
    """公益性岗位: one person on one post in one year."""

    post_type = code(_("岗位类型"), PostType.choices, 1)
    funding = code(_("资金来源"), PostFunding.choices, 1)
    monthly_pay = money(_("月补贴"))
    started_on = day(_("上岗日期"))
    ended_on = day(_("离岗日期"))
    assessment = models.CharField(_("考勤考核"), max_length=100, blank=True)

    history = HistoricalRecords(no_db_index=["region", "household", "member", "batch"])

    class Meta:
        verbose_name = _("公益性岗位台账")
        verbose_name_plural = _("公益性岗位台账")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "id_number", "post_type"], name="post_unique_person_type"
            )
        ]
        indexes = [region_index("post_region"), models.Index(fields=["household", "year"])]


class TrainingCourse(models.Model):
    """技能培训 项目/班次 (the 滑县 残联 training module's fields)."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("举办地"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("培训名称"), max_length=100)
    institution = models.CharField(_("培训机构名称"), max_length=100, blank=True)
    category = models.CharField(_("培训类别"), max_length=50, blank=True)
    mode = code(_("培训方式"), TrainingMode.choices, 1)
    started_on = models.DateField(_("培训开始日期"))
    ended_on = day(_("培训结束日期"))
    place = models.CharField(_("培训地点"), max_length=100, blank=True)
    outside_county = fact(_("县外省内培训"))
    person_in_charge = models.CharField(_("培训负责人"), max_length=50, blank=True)
    phone = models.CharField(_("联系方式"), max_length=30, blank=True)

    history = HistoricalRecords(no_db_index=["region"])

    class Meta:
        verbose_name = _("培训班次")
        verbose_name_plural = _("培训班次")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "name", "institution", "started_on"], name="course_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"


class Trainee(LedgerEntry):
    """A trainee of a course: attendance, certificate; allowances are payments."""

    course = models.ForeignKey(
        TrainingCourse,
        verbose_name=_("培训班次"),
        on_delete=models.CASCADE,
        related_name="trainees",
    )
    days_attended = models.PositiveSmallIntegerField(_("出勤天数"), null=True, blank=True)
    certificate = models.CharField(_("证书"), max_length=100, blank=True)
    completed = fact(_("结业"))

    history = HistoricalRecords(no_db_index=["region", "household", "member", "batch", "course"])

    class Meta:
        verbose_name = _("培训学员")
        verbose_name_plural = _("培训学员")
        constraints = [
            models.UniqueConstraint(fields=["course", "id_number"], name="trainee_unique")
        ]
        indexes = [region_index("trainee_region"), models.Index(fields=["household", "year"])]
