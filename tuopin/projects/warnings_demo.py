"""The demo's warnings: computed over the demo county's funds as the data stand (the
library's and the funds' demo steps come first), due from today like any new warning;
two of them left past their deadline, so the city office has escalated ones to handle."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tuopin.core.regioncodes import significant_prefix
from tuopin.projects.enums import WarningState
from tuopin.projects.models import FundWarning
from tuopin.projects.warnings_services import warnings_escalate, warnings_recompute


def warnings_demo(*, region_code: str, year: int, seed: int, if_empty: bool, say) -> None:
    prefix = significant_prefix(region_code)
    if if_empty and FundWarning.objects.filter(region__code__startswith=prefix).exists():
        return
    counts = warnings_recompute(prefix)
    late = FundWarning.objects.filter(
        region__code__startswith=prefix, state=WarningState.OPEN
    ).order_by("rule", "pk")[:2]
    FundWarning.objects.filter(pk__in=[w.pk for w in late]).update(
        due_on=timezone.localdate() - timedelta(days=1)
    )
    escalated = warnings_escalate(prefix=prefix)
    say(f"资金预警 (funds warnings): {counts['found']} 条，其中 {escalated} 条逾期上报市扶贫办")
