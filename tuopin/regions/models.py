from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tuopin.core.regioncodes import significant_prefix
from tuopin.regions.enums import PoorCountyType, RegionKind, RegionLevel


class Region(models.Model):
    """One division of the 12-digit statistical tree (city, county, township, village)."""

    code = models.CharField(_("区划代码"), max_length=12, primary_key=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("层级"), max_length=16, choices=RegionLevel.choices)
    kind = models.CharField(_("村级类型"), max_length=16, choices=RegionKind.choices, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    poor_county_type = models.CharField(
        _("贫困县类型"), max_length=16, choices=PoorCountyType.choices, blank=True, default=""
    )
    is_poor_village = models.BooleanField(_("贫困村"), default=False)
    is_deeply_poor_village = models.BooleanField(_("深度贫困村"), default=False)
    poor_identified_year = models.PositiveSmallIntegerField(
        _("贫困识别年度"), null=True, blank=True
    )
    poor_exited_year = models.PositiveSmallIntegerField(_("贫困退出年度"), null=True, blank=True)
    registered_population = models.PositiveIntegerField(_("户籍人口"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Exact(Length("code"), 12), name="region_code_12_digits"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(level=RegionLevel.VILLAGE, kind__in=RegionKind.values)
                    | (~models.Q(level=RegionLevel.VILLAGE) & models.Q(kind=""))
                ),
                name="region_kind_only_for_villages",
            ),
            models.CheckConstraint(
                condition=models.Q(poor_exited_year__isnull=True)
                | models.Q(poor_identified_year__isnull=True)
                | models.Q(poor_exited_year__gte=models.F("poor_identified_year")),
                name="region_exit_not_before_identification",
            ),
            models.CheckConstraint(
                condition=models.Q(poor_county_type="") | models.Q(level=RegionLevel.COUNTY),
                name="region_poor_county_type_only_for_counties",
            ),
            models.CheckConstraint(
                condition=models.Q(is_poor_village=False, is_deeply_poor_village=False)
                | models.Q(level=RegionLevel.VILLAGE),
                name="region_poor_village_only_for_villages",
            ),
        ]
        indexes = [models.Index(fields=["level", "kind"]), models.Index(fields=["name"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def prefix(self) -> str:
        return significant_prefix(self.code)

    @property
    def level_label(self) -> str:
        if self.level == RegionLevel.VILLAGE:
            return self.get_kind_display()
        return self.get_level_display()
