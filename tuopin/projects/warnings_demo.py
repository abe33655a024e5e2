"""The demo's warnings: computed over the demo county's funds as of the year's end, so
the inbox and the scorecard have something to show (the library's and the funds' demo
steps come first)."""

from __future__ import annotations

from datetime import date

from tuopin.core.regioncodes import significant_prefix
from tuopin.projects.models import FundWarning
from tuopin.projects.warnings_services import warnings_recompute


def warnings_demo(*, region_code: str, year: int, seed: int, if_empty: bool, say) -> None:
    prefix = significant_prefix(region_code)
    if if_empty and FundWarning.objects.filter(region__code__startswith=prefix).exists():
        return
    counts = warnings_recompute(prefix, date(year, 12, 31))
    say(f"资金预警 (funds warnings): {counts['found']} 条")
