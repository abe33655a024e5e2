"""Thresholds of the funds' warnings and the posting period, set by a city or county from
a year on (the shipped defaults live in tuopin.projects.parameters)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tuopin.core.models import ParameterValue


class FundsParameter(ParameterValue):
    history = HistoricalRecords(no_db_index=["region"])

    class Meta:
        verbose_name = _("项目资金参数")
        verbose_name_plural = _("项目资金参数")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "region", "year"], name="funds_parameter_unique"
            )
        ]
