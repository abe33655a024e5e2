"""Ledger parameters set by a city or county for a year (amounts, thresholds, ages,
deadlines of domain-assistance §1–§9). The shipped defaults live in
`tuopin.assistance.parameters`; a row here overrides them from its year onward for its
region and below, the most specific region winning."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tuopin.core.models import ParameterValue


class LedgerParameter(ParameterValue):
    history = HistoricalRecords(no_db_index=["region"])

    class Meta:
        verbose_name = _("台账参数")
        verbose_name_plural = _("台账参数")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "region", "year"], name="ledger_parameter_unique"
            )
        ]
