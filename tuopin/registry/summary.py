"""A region's poverty figures for the home and region pages, read from stored totals.

design.md: dashboards read pre-aggregated tables, so a city page never scans the
registry. Households and people by status come from `RegionTotal`, exits of the year
and the year's plan from `RegionYearTotal` (both refreshed after every registry write,
`tuopin.registry.totals`), quality problems from the stored quality counts, and poor
villages from the region attributes (4,834 rows at most, read by code prefix). A
prefix of up to 9 digits sums township rows (about 1,600 for the city), a longer one
village rows.

The caller passes a region the user may see whole (`access_region`, `top_regions`):
these reads do not narrow by scope again.
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr

from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region
from tuopin.registry.enums import EXITED, STILL_POOR, PovertyStatus
from tuopin.registry.models import QualityCount, RegionTotal, RegionYearTotal
from tuopin.registry.quality_snapshot import covering_snapshot
from tuopin.registry.totals import TOWNSHIP_DIGITS

# The grouping key of a region's children in the stored rows, by the region's level.
CHILD_KEY = {RegionLevel.CITY: 6, RegionLevel.COUNTY: 9, RegionLevel.TOWNSHIP: 12}


def _under(field: str, prefix: str) -> Q:
    """`field` starts with `prefix`. SQLite cannot serve LIKE from an index (its LIKE
    ignores case), so there the same set is asked as a range, which the indexes on the
    codes serve (codes are digits and ':' follows '9'). PostgreSQL keeps LIKE, which its
    pattern-ops indexes serve (a range would follow the collation's order)."""
    if connection.vendor == "sqlite":
        return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + ":"})
    return Q(**{f"{field}__startswith": prefix})


def _level(prefix: str) -> str:
    return RegionLevel.TOWNSHIP if len(prefix) <= TOWNSHIP_DIGITS else RegionLevel.VILLAGE


@dataclass
class Count2:
    households: int = 0
    members: int = 0

    def add(self, households, members) -> None:
        self.households += households or 0
        self.members += members or 0


@dataclass
class RegionFigures:
    year: int
    by_status: list[tuple[str, str, Count2]]  # (status code, label, counts) in code order
    total: Count2
    still_poor: Count2
    exited_in_year: Count2
    planned_in_year: Count2  # the year's plan: households planned to exit in it
    still_to_exit: Count2  # of the plan, households still poor
    poor_villages: int = 0
    villages_exited: int = 0  # poor villages with an exit year up to the year
    villages_to_exit: int = 0
    quality_problems: int | None = None  # None: no quality count covers the region yet
    quality_computed_at: object = None


def region_figures(region: Region, year: int) -> RegionFigures:
    """The figures of the whole region for `year` (six short indexed queries)."""
    prefix = region.prefix
    level = _level(prefix)
    by_status = {code: Count2() for code in PovertyStatus.values}
    for status, households, members in (
        RegionTotal.objects.filter(_under("region_code", prefix), level=level)
        .values_list("status")
        .annotate(h=Sum("households"), m=Sum("members"))
        .order_by()
    ):
        by_status.setdefault(status, Count2()).add(households, members)
    total, still_poor = Count2(), Count2()
    for status, counts in by_status.items():
        total.add(counts.households, counts.members)
        if status in STILL_POOR:
            still_poor.add(counts.households, counts.members)
    exited, planned, still_to_exit = Count2(), Count2(), Count2()
    for status, eh, em, ph, pm in (
        RegionYearTotal.objects.filter(_under("region_code", prefix), level=level, year=year)
        .values_list("status")
        .annotate(
            eh=Sum("exited_households"),
            em=Sum("exited_members"),
            ph=Sum("planned_households"),
            pm=Sum("planned_members"),
        )
        .order_by()
    ):
        planned.add(ph, pm)
        if status in EXITED:
            exited.add(eh, em)
        if status in STILL_POOR:
            still_to_exit.add(ph, pm)
    villages = Region.objects.filter(
        _under("code", prefix), level=RegionLevel.VILLAGE, is_poor_village=True
    ).aggregate(
        poor=Count("code"),
        exited=Count("code", filter=Q(poor_exited_year__lte=year)),
    )
    snapshot = covering_snapshot(prefix, year)
    problems = None
    if snapshot is not None:
        problems = (
            QualityCount.objects.filter(_under("region_code", prefix), year=year).aggregate(
                n=Sum("count")
            )["n"]
            or 0
        )
    return RegionFigures(
        year=year,
        by_status=[
            (code, PovertyStatus(code).label, by_status[code]) for code in PovertyStatus.values
        ],
        total=total,
        still_poor=still_poor,
        exited_in_year=exited,
        planned_in_year=planned,
        still_to_exit=still_to_exit,
        poor_villages=villages["poor"],
        villages_exited=villages["exited"],
        villages_to_exit=villages["poor"] - villages["exited"],
        quality_problems=problems,
        quality_computed_at=snapshot.computed_at if snapshot else None,
    )


@dataclass
class ChildFigures:
    households: int = 0
    members: int = 0
    still_poor_members: int = 0
    exited_in_year: int = 0  # households
    still_to_exit: int = 0  # households planned for the year and still poor
    poor_villages: int = 0


def children_figures(region: Region, year: int) -> dict[str, ChildFigures]:
    """Per child of the region (by its 12-digit code): the same figures in short, from the
    stored rows grouped by the child's digits (three grouped queries)."""
    length = CHILD_KEY.get(region.level)
    if length is None:
        return {}
    prefix = region.prefix
    level = _level(prefix) if length <= TOWNSHIP_DIGITS else RegionLevel.VILLAGE
    found: dict[str, ChildFigures] = {}

    def child(key: str) -> ChildFigures:
        return found.setdefault(key.ljust(12, "0"), ChildFigures())

    for key, status, households, members in (
        RegionTotal.objects.filter(_under("region_code", prefix), level=level)
        .annotate(key=Substr("region_code", 1, length))
        .values_list("key", "status")
        .annotate(h=Sum("households"), m=Sum("members"))
        .order_by()
    ):
        row = child(key)
        row.households += households or 0
        row.members += members or 0
        if status in STILL_POOR:
            row.still_poor_members += members or 0
    for key, status, exited, planned in (
        RegionYearTotal.objects.filter(_under("region_code", prefix), level=level, year=year)
        .annotate(key=Substr("region_code", 1, length))
        .values_list("key", "status")
        .annotate(e=Sum("exited_households"), p=Sum("planned_households"))
        .order_by()
    ):
        row = child(key)
        if status in EXITED:
            row.exited_in_year += exited or 0
        if status in STILL_POOR:
            row.still_to_exit += planned or 0
    for key, n in (
        Region.objects.filter(
            _under("code", prefix), level=RegionLevel.VILLAGE, is_poor_village=True
        )
        .annotate(key=Substr("code", 1, length))
        .values_list("key")
        .annotate(n=Count("code"))
        .order_by()
    ):
        child(key).poor_villages = n
    return found
