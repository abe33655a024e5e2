"""Refreshing the pre-aggregated region totals (a write: services, seed and import call it).

design.md: "Dashboards read pre-aggregated tables refreshed after writes or by
schedule, so a city-wide page never scans the registry". A refresh recounts the
villages it is given from the registry in two grouped queries, whatever changed
there, then re-adds their townships from the village rows; so the totals can never
drift from a direct count, only lag behind a write that bypassed the refresh.
"""

from collections import defaultdict
from collections.abc import Iterable
from functools import reduce
from operator import or_

from django.db import connection, transaction
from django.db.models import Count, Q, Sum, Value
from django.db.models.functions import Concat, Substr

from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region
from tuopin.registry.enums import MemberStatus
from tuopin.registry.models import Household, Member, RegionTotal, RegionYearTotal

TOWNSHIP_DIGITS = 9


def township_of(village_code: str) -> str:
    return village_code[:TOWNSHIP_DIGITS].ljust(12, "0")


def _lock(where: Q) -> None:
    """Serialise refreshes of the same townships: PostgreSQL row locks on their regions.

    Without it two writers in one township could each count before the other committed,
    and the later refresh would store a total missing the earlier household. Rows are
    locked in code order (a township sorts before its villages), so two refreshes never
    wait for each other crosswise. SQLite runs one writer at a time (IMMEDIATE
    transactions): the lock is a no-op there.
    """
    regions = Region.objects.select_for_update().filter(where).order_by("code")
    list(regions.values_list("code", flat=True))


def _count_villages(lookup: dict) -> list[RegionTotal]:
    groups: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for *key, n in (
        Household.objects.filter(**lookup)
        .values_list("village_id", "status", "attribute")
        .annotate(n=Count("id"))
        .order_by()
    ):
        groups[tuple(key)][0] = n
    for *key, n in (
        Member.objects.filter(status=MemberStatus.NORMAL)
        .filter(**{f"household__{name}": value for name, value in lookup.items()})
        .values_list("household__village_id", "household__status", "household__attribute")
        .annotate(n=Count("id"))
        .order_by()
    ):
        groups[tuple(key)][1] = n
    return [
        RegionTotal(
            region_code=code,
            level=RegionLevel.VILLAGE,
            status=status,
            attribute=attribute,
            households=households,
            members=members,
        )
        for (code, status, attribute), (households, members) in groups.items()
    ]


# Year totals: which year field of the household fills which pair of counts.
YEAR_FIELDS = {"exit_year": "exited", "planned_exit_year": "planned"}


def _count_village_years(lookup: dict) -> list[RegionYearTotal]:
    """Per village, year and status: households exiting (exit year) and planned to exit
    (planned exit year) in the year, with their current members; four grouped queries."""
    groups: dict[tuple, dict[str, int]] = defaultdict(dict)
    members = Member.objects.filter(status=MemberStatus.NORMAL).filter(
        **{f"household__{name}": value for name, value in lookup.items()}
    )
    for field, kind in YEAR_FIELDS.items():
        for code, status, year, n in (
            Household.objects.filter(**lookup, **{f"{field}__isnull": False})
            .values_list("village_id", "status", field)
            .annotate(n=Count("id"))
            .order_by()
        ):
            groups[(code, year, status)][f"{kind}_households"] = n
        for code, status, year, n in (
            members.filter(**{f"household__{field}__isnull": False})
            .values_list("household__village_id", "household__status", f"household__{field}")
            .annotate(n=Count("id"))
            .order_by()
        ):
            groups[(code, year, status)][f"{kind}_members"] = n
    return [
        RegionYearTotal(
            region_code=code, level=RegionLevel.VILLAGE, year=year, status=status, **counts
        )
        for (code, year, status), counts in groups.items()
    ]


YEAR_COUNTS = ("exited_households", "exited_members", "planned_households", "planned_members")


def _add_townships(townships: list[str] | None, prefix: str) -> None:
    """Township rows = sums of their village rows (`townships` None: all under `prefix`)."""
    _add_township_totals(townships, prefix)
    _add_township_years(townships, prefix)


def _township_rows(model, townships: list[str] | None, prefix: str):
    """(stale township rows, village rows to sum) of `model` for the townships."""
    stale = model.objects.filter(level=RegionLevel.TOWNSHIP)
    villages = model.objects.filter(level=RegionLevel.VILLAGE)
    if townships is not None:
        stale = stale.filter(region_code__in=townships)
        villages = villages.filter(
            reduce(or_, (Q(region_code__startswith=t[:TOWNSHIP_DIGITS]) for t in townships))
        )
    else:
        stale = stale.filter(region_code__startswith=prefix)
        villages = villages.filter(region_code__startswith=prefix)
    return stale, villages.annotate(
        township=Concat(Substr("region_code", 1, TOWNSHIP_DIGITS), Value("000"))
    )


def _add_township_years(townships: list[str] | None, prefix: str) -> None:
    stale, villages = _township_rows(RegionYearTotal, townships, prefix)
    stale.delete()
    sums = (
        villages.values_list("township", "year", "status")
        .annotate(**{name: Sum(name) for name in YEAR_COUNTS})
        .order_by()
    )
    RegionYearTotal.objects.bulk_create(
        [
            RegionYearTotal(
                region_code=code,
                level=RegionLevel.TOWNSHIP,
                year=year,
                status=status,
                **dict(zip(YEAR_COUNTS, counts, strict=True)),
            )
            for code, year, status, *counts in sums
        ],
        batch_size=5000,
    )


def _add_township_totals(townships: list[str] | None, prefix: str) -> None:
    stale, villages = _township_rows(RegionTotal, townships, prefix)
    stale.delete()
    sums = (
        villages.values_list("township", "status", "attribute")
        .annotate(households=Sum("households"), members=Sum("members"))
        .order_by()
    )
    RegionTotal.objects.bulk_create(
        [
            RegionTotal(
                region_code=code,
                level=RegionLevel.TOWNSHIP,
                status=status,
                attribute=attribute,
                households=households,
                members=members,
            )
            for code, status, attribute, households, members in sums
        ],
        batch_size=5000,
    )


def totals_refresh(*, villages: Iterable[str] | None = None, prefix: str | None = None) -> int:
    """Recount the given village codes, or every village under `prefix` ("" for all), and
    their townships. Returns the number of village rows stored.

    On SQLite a region wider than a township is recounted one township per transaction
    when no caller's transaction is open: SQLite has one writer at a time, and counting
    a whole county or city in one write transaction kept logins and edits waiting past
    their busy timeout after an import. Each township is still counted and stored in one
    transaction, so its totals cannot drift; between two townships the region's totals
    mix the old and the new for a moment, as they lag any write anyway. PostgreSQL keeps
    one transaction (its row locks let other writers through)."""
    if (
        villages is None
        and prefix is not None
        and len(prefix) < TOWNSHIP_DIGITS
        and connection.vendor == "sqlite"
        and not connection.in_atomic_block
    ):
        townships = Region.objects.filter(
            level=RegionLevel.TOWNSHIP, code__startswith=prefix
        ).values_list("code", flat=True)
        return sum(
            _refresh(villages=None, prefix=code[:TOWNSHIP_DIGITS]) for code in sorted(townships)
        )
    return _refresh(villages=villages, prefix=prefix)


@transaction.atomic
def _refresh(*, villages: Iterable[str] | None, prefix: str | None) -> int:
    if villages is not None:
        codes = sorted(set(villages))
        if not codes:
            return 0
        townships = sorted({township_of(code) for code in codes})
        _lock(Q(code__in=townships + codes))
        lookup = {"village_id__in": codes}
        stale = Q(level=RegionLevel.VILLAGE, region_code__in=codes)
    elif prefix is not None:
        # A prefix longer than a township's lies inside one township, which is re-added
        # whole; an empty prefix means everything, without a LIKE '%' filter.
        townships = [township_of(prefix)] if len(prefix) > TOWNSHIP_DIGITS else None
        _lock(Q(code__startswith=prefix) | Q(code__in=townships or []) if prefix else Q())
        lookup = {"village__code__startswith": prefix} if prefix else {}
        stale = Q(level=RegionLevel.VILLAGE, region_code__startswith=prefix)
    else:
        raise TypeError("totals_refresh needs villages or a prefix")
    RegionTotal.objects.filter(stale).delete()
    RegionYearTotal.objects.filter(stale).delete()
    rows = _count_villages(lookup)
    RegionTotal.objects.bulk_create(rows, batch_size=5000)
    RegionYearTotal.objects.bulk_create(_count_village_years(lookup), batch_size=5000)
    _add_townships(townships, prefix or "")
    return len(rows)
