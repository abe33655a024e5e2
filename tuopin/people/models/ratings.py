"""Star ratings of households (脱贫星级评定), their incentive payments (奖补), and the
training of cadres (§十九): the tables of the ratings part (docs/people.md).

- A RatingScheme is the set of stars a region rates from a year on (county over city over
  the shipped default, latest year_from not after the year); its RatingStar rows are data.
- A HouseholdRating is one household's rating of one year: proposed by the village,
  confirmed or returned by the township (someone other than the proposer). Each star is
  awarded yes, no or unknown (NULL): unknown is not no.
- An IncentivePayment is money paid to a household for a year's rating.
- A TrainingCourse has an attendance sheet of cadres (registry.Helper).
"""

from django.conf import settings
from django.db import models
from django.db.models import ProtectedError, Q
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from tuopin.people.models.history import people_history

MONEY = {"max_digits": 12, "decimal_places": 2}


class RatingStatus(models.TextChoices):
    PROPOSED = "proposed", _("待乡镇确认")
    CONFIRMED = "confirmed", _("乡镇已确认")
    RETURNED = "returned", _("已退回村级")


class TrainingLevel(models.TextChoices):
    PROVINCE = "1", _("省级")
    CITY = "2", _("市级")
    COUNTY = "3", _("县级")
    TOWNSHIP = "4", _("乡镇级")


def _user(label):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=label,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )


class RatingScheme(models.Model):
    """The stars rated in a region from a year on; region NULL: the shipped default."""

    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    year_from = models.PositiveSmallIntegerField(_("起始年度"))
    name = models.CharField(_("方案名称"), max_length=100)
    source = models.CharField(_("依据"), max_length=200, blank=True)
    confirmed = models.BooleanField(_("已核实"), default=True)

    history = people_history(no_db_index=["region"])

    class Meta:
        verbose_name = _("星级评定方案")
        verbose_name_plural = _("星级评定方案")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year_from"], name="rating_scheme_unique_region_year"
            )
        ]

    def __str__(self) -> str:
        return self.name


class RatingStar(models.Model):
    scheme = models.ForeignKey(
        RatingScheme, verbose_name=_("方案"), on_delete=models.CASCADE, related_name="stars"
    )
    code = models.CharField(_("星级代码"), max_length=30)
    name_zh = models.CharField(_("星级名称"), max_length=30)
    name_en = models.CharField(_("英文名称"), max_length=60)
    description = models.CharField(_("评定内容"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    history = people_history(no_db_index=["scheme"])

    class Meta:
        verbose_name = _("星级")
        verbose_name_plural = _("星级")
        ordering = ["scheme", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="rating_star_unique_code"),
            models.UniqueConstraint(fields=["scheme", "name_zh"], name="rating_star_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name_zh


class HouseholdRating(models.Model):
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("贫困户"),
        on_delete=models.PROTECT,
        related_name="ratings",
        db_index=False,  # household_rating_unique_year leads with it
    )
    year = models.PositiveSmallIntegerField(_("评定年度"))
    scheme = models.ForeignKey(
        RatingScheme, verbose_name=_("评定方案"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=RatingStatus.choices, default=RatingStatus.PROPOSED
    )
    # Stars awarded yes (kept by the services from `awards`, for counting).
    star_count = models.PositiveSmallIntegerField(_("获星数"), default=0)
    # Stars not decided (unknown): the count is then a floor, never a verdict.
    unknown_count = models.PositiveSmallIntegerField(_("未填报星级数"), default=0)
    # Each star of the scheme: {"<RatingStar id>": true / false / null (unknown)}. Kept on
    # the rating, not as a row per star (ADR 0024): the stars are written only with their
    # rating, and 5 rows with a history row each were 60 % of a ratings import's database
    # work. A change of a star is a change of the rating, in its history.
    awards = models.JSONField(_("各星评定"), default=dict, blank=True)
    rated_on = models.DateField(_("评定日期"), null=True, blank=True)
    proposed_by = _user(_("提名人（村）"))
    proposed_on = models.DateField(_("提名日期"), null=True, blank=True)
    confirmed_by = _user(_("确认人（乡镇）"))
    confirmed_on = models.DateField(_("确认日期"), null=True, blank=True)
    returned_reason = models.CharField(_("退回原因"), max_length=200, blank=True)

    history = people_history(no_db_index=["household", "scheme", "proposed_by", "confirmed_by"])

    class Meta:
        verbose_name = _("星级评定")
        verbose_name_plural = _("星级评定")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "year"], name="household_rating_unique_year"
            ),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(confirmed_on__isnull=False),
                name="household_rating_confirmed_dated",
            ),
        ]
        indexes = [models.Index(fields=["year", "status"])]

    def __str__(self) -> str:
        return f"{self.household_id} {self.year}"


@receiver(pre_delete, sender=RatingStar, dispatch_uid="people_rating_star_protected")
def _star_protected(sender, instance: RatingStar, **kwargs) -> None:
    """A star that ratings name is not deleted (as PROTECT did while each star was a
    row, ADR 0024): every rating of a scheme names every star of it in its awards.
    Django sends this for a queryset's delete too."""
    rated = HouseholdRating.objects.filter(scheme_id=instance.scheme_id)
    if rated.exists():
        raise ProtectedError(
            f"星级“{instance.name_zh}”已用于评定，不能删除 (the star is used by ratings)",
            set(rated[:10]),
        )


class IncentivePayment(models.Model):
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("贫困户"),
        on_delete=models.PROTECT,
        related_name="incentive_payments",
    )
    year = models.PositiveSmallIntegerField(_("奖补年度"))
    amount = models.DecimalField(_("奖补金额（元）"), **MONEY)
    paid_on = models.DateField(_("发放日期"))
    reason = models.CharField(_("奖补事由"), max_length=200, blank=True)
    rating = models.ForeignKey(
        HouseholdRating,
        verbose_name=_("对应星级评定"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
    )
    recorded_by = _user(_("登记人"))
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    history = people_history(no_db_index=["household", "rating"])

    class Meta:
        verbose_name = _("星级奖补")
        verbose_name_plural = _("星级奖补")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="incentive_amount_positive")
        ]
        indexes = [models.Index(fields=["year"])]

    def __str__(self) -> str:
        return f"{self.household_id} {self.year}: {self.amount}"


class TrainingCourse(models.Model):
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("举办区划"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("培训班名称"), max_length=100)
    organiser = models.CharField(_("主办单位"), max_length=100, blank=True)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    hours = models.DecimalField(
        _("培训学时"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    level = models.CharField(_("培训层级"), max_length=1, choices=TrainingLevel.choices, blank=True)

    history = people_history(no_db_index=["region"])

    class Meta:
        verbose_name = _("干部培训班")
        verbose_name_plural = _("干部培训班")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="training_dates_ordered"
            )
        ]

    def __str__(self) -> str:
        return self.name


class TrainingAttendance(models.Model):
    course = models.ForeignKey(
        TrainingCourse,
        verbose_name=_("培训班"),
        on_delete=models.CASCADE,
        related_name="attendance",
    )
    helper = models.ForeignKey(
        "registry.Helper",
        verbose_name=_("参训干部"),
        on_delete=models.PROTECT,
        related_name="trainings",
    )
    attended = models.BooleanField(_("是否参训"), null=True, blank=True)
    hours = models.DecimalField(
        _("参训学时"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    history = people_history(no_db_index=["course", "helper"])

    class Meta:
        verbose_name = _("参训记录")
        verbose_name_plural = _("参训记录")
        constraints = [
            models.UniqueConstraint(fields=["course", "helper"], name="training_attendance_unique")
        ]

    def __str__(self) -> str:
        return f"{self.course_id} {self.helper_id}: {self.attended}"
