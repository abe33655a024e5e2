"""Stored coverage counts: the scorecard reads them instead of running every check.

A refresh (`tuopin ledgers check --store`, or a direct call) runs every check once over
a region for a year, grouped by region code (village, or the region itself for region
checks), then replaces that region's stored counts in one short transaction; the checks
run before that transaction, not in it (on SQLite a write transaction excludes every
other writer). The scorecard sums the stored rows of each column within the user's
scope, and runs the checks live only where no refresh covers the region and year.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from tuopin.accounts.roles import Permission
from tuopin.accounts.selectors import scope_q
from tuopin.assistance.coverage import (
    CHECKS,
    CHILD_PREFIX_LENGTH,
    Check,
    Scorecard,
    ScorecardRow,
    context_for,
    coverage_by_region,
)
from tuopin.assistance.coverage.framework import analytic_queries, default_as_of
from tuopin.assistance.coverage.on_copy import ON_COPY
from tuopin.assistance.models import CoverageCount, CoverageSnapshot
from tuopin.regions.models import Region
from tuopin.registry.analytic.queries import rows_of_checks_on_copy


def coverage_refresh(*, prefix: str, year: int, on_copy: bool = True) -> CoverageSnapshot:
    """Recount every check for the regions under `prefix` ("" for all) in `year`.

    With `on_copy`, the checks proven to count alike on the analytic copy (ON_COPY) are
    counted on its mirrors of the ledgers and the registry (ADR 0016), the others on the
    database. The counts are as of the checks' reading."""
    context = context_for(None, region_prefix=prefix, year=year)
    found = {}
    if on_copy:
        found = rows_of_checks_on_copy(
            prefix, ON_COPY, lambda code: region_counts(CHECKS[code], context)
        )
    counts = []
    for code, check in CHECKS.items():
        if code in found:
            grouped = found[code]
        else:
            with analytic_queries():
                grouped = list(region_counts(check, context))
        counts += [
            CoverageCount(year=year, check_code=code, region_code=region, count=n)
            for region, n in grouped
            if n
        ]
    with transaction.atomic():
        CoverageCount.objects.filter(year=year, region_code__startswith=prefix).delete()
        CoverageCount.objects.bulk_create(counts, batch_size=5000)
        # A refresh of a wider region covers the narrower snapshots it replaces.
        CoverageSnapshot.objects.filter(year=year, prefix__startswith=prefix).delete()
        return CoverageSnapshot.objects.create(prefix=prefix, year=year, computed_at=timezone.now())


def region_counts(check: Check, context) -> QuerySet:
    """(region code, offenders) of one check: one grouped query."""
    return (
        check.offenders(context)
        .annotate(region_key=Substr(check.unit_info.region_field, 1, 12))
        .values("region_key")
        .annotate(n=Count("pk"))
        .values_list("region_key", "n")
        .order_by()
    )


def covering_snapshot(region_prefix: str, year: int) -> CoverageSnapshot | None:
    """The latest refresh whose region contains the whole of `region_prefix`."""
    prefixes = [region_prefix[:n] for n in range(len(region_prefix) + 1)]
    return (
        CoverageSnapshot.objects.filter(year=year, prefix__in=prefixes)
        .order_by("-computed_at")
        .first()
    )


def coverage_scorecard(
    user, *, region_code: str, year: int, checks: list[Check] | None = None
) -> tuple[Scorecard, CoverageSnapshot | None]:
    """The scorecard of `coverage_by_region`, from the stored counts when a refresh
    covers the region and year; returns it with that refresh (None: computed live)."""
    region = Region.objects.get(code=region_code)
    chosen = list(CHECKS.values()) if checks is None else checks
    snapshot = covering_snapshot(region.prefix, year)
    if snapshot is None:
        card = coverage_by_region(user, region_code=region_code, year=year, checks=chosen)
        return card, None
    length = CHILD_PREFIX_LENGTH.get(region.level)
    if length is None:
        columns, length = [region], 12
    else:
        columns = list(Region.objects.filter(parent=region).order_by("code"))
    scope = scope_q(user, "region_code", Permission.LEDGER_VIEW)
    stored = (
        CoverageCount.objects.filter(scope, Q(region_code__startswith=region.prefix), year=year)
        .filter(check_code__in=[check.code for check in chosen])
        .annotate(region_key=Substr("region_code", 1, length))
        .values("check_code", "region_key")
        .annotate(n=Sum("count"))
        .values_list("check_code", "region_key", "n")
        .order_by()
    )
    found: dict[str, dict[str, int]] = defaultdict(dict)
    for code, key, n in stored:
        found[code][key] = n
    rows = [
        ScorecardRow(
            check=check,
            counts=[found[check.code].get(column.code[:length], 0) for column in columns],
            total=sum(found[check.code].values()),
        )
        for check in chosen
    ]
    card = Scorecard(
        region=region, columns=columns, rows=rows, year=year, as_of=default_as_of(year)
    )
    return card, snapshot
