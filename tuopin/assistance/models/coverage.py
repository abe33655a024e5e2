"""Stored counts of the coverage checks (覆盖核查), per region and year.

Derived data, refreshed set-based by `tuopin.assistance.coverage.snapshot` (`tuopin
ledgers check --store`): the scorecard of a city sums these rows instead of running
every check over 3 million ledger rows on each visit.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CoverageSnapshot(models.Model):
    """One refresh: which region (code prefix) and year, and when."""

    prefix = models.CharField(_("区划代码前缀"), max_length=12, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    computed_at = models.DateTimeField(_("统计时间"))

    class Meta:
        verbose_name = _("覆盖核查统计")
        verbose_name_plural = _("覆盖核查统计")
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="coverage_snapshot_unique")
        ]

    def __str__(self) -> str:
        return f"{self.prefix or '*'} {self.year}"


class CoverageCount(models.Model):
    """Offenders of one check in one region (the village of a household, member or ledger
    row; the region itself for a region check) and year. Zero counts have no row."""

    year = models.PositiveSmallIntegerField(_("年度"))
    check_code = models.CharField(_("核查项"), max_length=60)
    region_code = models.CharField(_("区划代码"), max_length=12)
    count = models.PositiveIntegerField(_("数量"))

    class Meta:
        verbose_name = _("覆盖核查数量")
        verbose_name_plural = _("覆盖核查数量")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "check_code", "region_code"], name="coverage_count_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["year", "region_code"],
                name="coverage_count_prefix",
                opclasses=["int2_ops", "varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.check_code} {self.region_code}: {self.count}"
