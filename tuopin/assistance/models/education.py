"""学生资助 and 控辍保学 (F): enrolment per school year, dropout cases; aid is a payment."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tuopin.assistance.enums import DropoutOutcome, EnrolmentStatus, SchoolStage
from tuopin.assistance.models.base import LedgerEntry, code, day, fact, region_index


class StudentEnrolment(LedgerEntry):
    """学籍: a person's school and stage in the school year starting in autumn of `year`."""

    stage = code(_("学段"), SchoolStage.choices, 20)
    status = code(_("在校状态"), EnrolmentStatus.choices, 1)
    school = models.CharField(_("学校"), max_length=100, blank=True)
    student_number = models.CharField(_("学籍号"), max_length=40, blank=True)
    grade = models.CharField(_("年级"), max_length=20, blank=True)
    boarding = fact(_("寄宿生"))
    in_province = fact(_("省内就读"))

    history = HistoricalRecords(no_db_index=["region", "household", "member", "batch"])

    class Meta:
        verbose_name = _("学生学籍台账")
        verbose_name_plural = _("学生学籍台账")
        constraints = [
            models.UniqueConstraint(fields=["year", "id_number"], name="enrolment_unique_person")
        ]
        indexes = [region_index("enrolment_region"), models.Index(fields=["member", "year"])]


class DropoutCase(LedgerEntry):
    """控辍保学: a school-age child out of school, the steps taken and the outcome."""

    found_on = models.DateField(_("发现日期"))
    reason = models.CharField(_("辍学原因"), max_length=200, blank=True)
    responsible = models.CharField(_("责任人"), max_length=50, blank=True)
    steps = models.TextField(_("劝返措施"), blank=True)
    outcome = code(_("结果"), DropoutOutcome.choices, 20)
    closed_on = day(_("结案日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    history = HistoricalRecords(no_db_index=["region", "household", "member", "batch"])

    class Meta:
        verbose_name = _("控辍保学台账")
        verbose_name_plural = _("控辍保学台账")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "id_number", "found_on"], name="dropout_unique_case"
            )
        ]
        indexes = [region_index("dropout_region"), models.Index(fields=["member", "year"])]
