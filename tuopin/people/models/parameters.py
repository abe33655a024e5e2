"""Parameters of the people app set by a city or county from a year on (team sizes,
posting lengths, days in the village, helper loads, visit intervals, workshop
thresholds…). The shipped defaults live in `tuopin.people.parameters`; a row here
overrides them from its year onward for its region and below (tuopin.core.parameters)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tuopin.core.models import ParameterValue
from tuopin.people.models.history import people_history


class PeopleParameter(ParameterValue):
    history = people_history(no_db_index=["region"])

    class Meta:
        verbose_name = _("帮扶力量参数")
        verbose_name_plural = _("帮扶力量参数")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "region", "year"], name="people_parameter_unique"
            )
        ]
