"""Reads of the regions app that need no user: the tree itself.

Everything a user looks at goes through the scope selector in accounts, which
builds on these.
"""

from django.core.management.base import CommandError
from django.db.models import Count
from django.db.models.functions import Substr

from tuopin.core.regioncodes import expand_code
from tuopin.regions.enums import RegionKind, RegionLevel
from tuopin.regions.models import Region


def region_stats(prefix: str = "") -> dict[str, int]:
    """Counts by level, with the village level split into villages and communities."""
    counts = (
        Region.objects.filter(code__startswith=prefix)
        .values("level", "kind")
        .annotate(n=Count("code"))
    )
    result = {"city": 0, "county": 0, "township": 0, "village": 0, "community": 0}
    for row in counts:
        key = row["kind"] if row["level"] == RegionLevel.VILLAGE else row["level"]
        result[key] += row["n"]
    return result


def region_ancestors(region: Region) -> list[Region]:
    """From the top of the tree down to the region's parent, in one query."""
    prefixes = []
    code = region.code
    for length in (4, 6, 9):
        if len(region.prefix) > length:
            prefixes.append(code[:length].ljust(12, "0"))
    by_code = {r.code: r for r in Region.objects.filter(code__in=prefixes)}
    return [by_code[c] for c in prefixes if c in by_code]


CHILD_PREFIX_LENGTH = {RegionLevel.CITY: 6, RegionLevel.COUNTY: 9, RegionLevel.TOWNSHIP: 12}


def region_children_with_counts(region: Region) -> list[Region]:
    """The region's children, each with `village_count` and `community_count` below it.

    Two queries whatever the size: the children, and one grouped count of the
    village-level units under the region by the children's prefix.
    """
    children = list(Region.objects.filter(parent=region).order_by("code"))
    length = CHILD_PREFIX_LENGTH.get(region.level)
    counts: dict[tuple[str, str], int] = {}
    if length:
        grouped = (
            Region.objects.filter(code__startswith=region.prefix, level=RegionLevel.VILLAGE)
            .annotate(key=Substr("code", 1, length))
            .values("key", "kind")
            .annotate(n=Count("code"))
        )
        counts = {(row["key"], row["kind"]): row["n"] for row in grouped}
    for child in children:
        key = child.code[:length] if length else child.code
        child.village_count = counts.get((key, RegionKind.VILLAGE), 0)
        child.community_count = counts.get((key, RegionKind.COMMUNITY), 0)
    return children


def region_option(text: str | None) -> Region | None:
    """The division a command's --region names (12 digits or a significant prefix), None
    when none is given; a CommandError naming the code otherwise."""
    if not text:
        return None
    code = expand_code(text)
    region = Region.objects.filter(code=code).first() if code else None
    if region is None:
        raise CommandError(
            f"区划代码“{text}”无效或不存在：应为 12 位或其前 2/4/6/9 位 "
            f"(unknown region code '{text}': 12 digits or a 2/4/6/9-digit prefix of a "
            "loaded division)"
        )
    return region
