"""Pre-aggregated quality counts: the scorecard reads them instead of running 56 checks.

A refresh (the `registry.quality` background job, or a direct call) runs every check
once over a region for a year, grouped by village, and then replaces that region's
stored counts in one short transaction (design.md: dashboards read pre-aggregated
tables). The checks run before that transaction, not in it: on SQLite a write
transaction excludes every other writer, and 56 checks over a city took longer than a
login waits for the database. The
scorecard sums the villages of each column within the user's scope; it runs the checks
live only where no refresh covers the region and year yet.
"""

from collections import defaultdict
from datetime import date

from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from tuopin.accounts.roles import Permission
from tuopin.accounts.selectors import scope_q
from tuopin.regions.models import Region
from tuopin.registry.analytic.queries import rows_of_checks_on_copy
from tuopin.registry.models import QualityCount, QualitySnapshot
from tuopin.registry.quality import (
    CHECKS,
    CHILD_PREFIX_LENGTH,
    Scorecard,
    ScorecardRow,
    context_for,
    quality_by_region,
)
from tuopin.registry.quality_copy import ON_COPY


def quality_refresh(*, prefix: str, year: int, on_copy: bool = True) -> QualitySnapshot:
    """Recount every check for the villages under `prefix` ("" for all) in `year`.

    With `on_copy`, the checks proven to count alike on the analytic copy are counted
    there (quality_copy.ON_COPY), the others on the database. The counts are as of the
    checks' reading; a write meanwhile shows at the next refresh, as the stored counts
    always lag writes (the scorecard shows when they were computed)."""
    context = context_for(None, region_prefix=prefix, year=year)
    found = {}
    if on_copy:
        found = rows_of_checks_on_copy(
            prefix, ON_COPY, lambda code: village_counts(CHECKS[code], context)
        )
    counts = []
    for code, check in CHECKS.items():
        grouped = found[code] if code in found else village_counts(check, context)
        counts += [
            QualityCount(year=year, check_code=code, region_code=region, count=n)
            for region, n in grouped
            if n
        ]
    with transaction.atomic():
        QualityCount.objects.filter(year=year, region_code__startswith=prefix).delete()
        QualityCount.objects.bulk_create(counts, batch_size=5000)
        # A refresh of a wider region covers the narrower snapshots it replaces.
        QualitySnapshot.objects.filter(year=year, prefix__startswith=prefix).delete()
        return QualitySnapshot.objects.create(prefix=prefix, year=year, computed_at=timezone.now())


def village_counts(check, context) -> QuerySet:
    """(village code, offenders) of one check: one grouped query."""
    village = "village_id" if check.unit == "household" else "household__village_id"
    return (
        check.offenders(context)
        .values(village)
        .annotate(n=Count("pk"))
        .values_list(village, "n")
        .order_by()
    )


def covering_snapshot(region_prefix: str, year: int) -> QualitySnapshot | None:
    """The latest refresh whose region contains the whole of `region_prefix`."""
    prefixes = [region_prefix[:n] for n in range(len(region_prefix) + 1)]
    return (
        QualitySnapshot.objects.filter(year=year, prefix__in=prefixes)
        .order_by("-computed_at")
        .first()
    )


def stored_counts(user, *, region_prefix: str, length: int, year: int) -> QuerySet:
    """(check, column key, count) summed over the user's villages under `region_prefix`,
    grouped by the first `length` digits of the village code (the scorecard's columns)."""
    scope = scope_q(user, "region_code", Permission.REGISTRY_VIEW)
    return (
        QualityCount.objects.filter(scope, Q(region_code__startswith=region_prefix), year=year)
        .annotate(region_key=Substr("region_code", 1, length))
        .values("check_code", "region_key")
        .annotate(n=Sum("count"))
        .values_list("check_code", "region_key", "n")
        .order_by()
    )


def quality_scorecard(user, *, region_code: str, year: int):
    """The scorecard of `quality_by_region`, from the stored counts when a refresh covers
    the region and year; returns it with that refresh (None: computed live now)."""
    region = Region.objects.get(code=region_code)
    snapshot = covering_snapshot(region.prefix, year)
    if snapshot is None:
        return quality_by_region(user, region_code=region_code, year=year), None
    length = CHILD_PREFIX_LENGTH.get(region.level)
    if length is None:
        columns, length = [region], 12
    else:
        columns = list(Region.objects.filter(parent=region).order_by("code"))
    found: dict[str, dict[str, int]] = defaultdict(dict)
    for code, key, n in stored_counts(user, region_prefix=region.prefix, length=length, year=year):
        found[code][key] = n
    rows = [
        ScorecardRow(
            check=check,
            counts=[found[code].get(column.code[:length], 0) for column in columns],
            total=sum(found[code].values()),
        )
        for code, check in CHECKS.items()
    ]
    card = Scorecard(region=region, columns=columns, rows=rows, year=year, as_of=date(year, 12, 31))
    return card, snapshot
