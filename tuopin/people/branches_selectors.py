"""Reads of the weak Party branches, scoped by topic BRANCHES, and the list-size check:
each county's list for a year against weak_branch_share_min–max percent of its villages
(each county with its own parameters; one grouped query for the counts)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet
from django.db.models.functions import Substr

from tuopin.core.errors import OutOfScope
from tuopin.people import access
from tuopin.people.models import WeakBranch
from tuopin.people.params import people_parameter_values
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region


def branch_search(
    user, *, year: int | None = None, region_prefix: str | None = None, open_only=False
) -> QuerySet:
    rows = WeakBranch.objects.filter(access.read_q(user, access.BRANCHES, "village__code"))
    if year is not None:
        rows = rows.filter(year=year)
    if region_prefix:
        rows = rows.filter(village__code__startswith=region_prefix)
    if open_only:
        rows = rows.filter(signed_off_on__isnull=True)
    return rows.select_related("village", "village__parent", "leader").order_by(
        "village__code", "-year"
    )


def access_branch(user, branch_id: int) -> WeakBranch:
    branch = (
        WeakBranch.objects.filter(pk=branch_id)
        .select_related("village", "village__parent", "leader", "signed_off_by")
        .first()
    )
    if branch is None or not access.may_read(user, access.BRANCHES, branch.village_id):
        raise OutOfScope("weak_branch", str(branch_id))
    return branch


@dataclass(frozen=True)
class BranchShare:
    county: Region
    villages: int
    listed: int
    share_min: Decimal
    share_max: Decimal

    @property
    def share(self) -> Decimal | None:
        if not self.villages:
            return None
        return (Decimal(self.listed) * 100 / self.villages).quantize(Decimal("0.1"))

    @property
    def low(self) -> int:
        """The fewest branches the range allows (rounded up)."""
        return int(-(-self.share_min * self.villages // 100))

    @property
    def high(self) -> int:
        return int(self.share_max * self.villages // 100)

    @property
    def outside(self) -> bool:
        return bool(self.villages) and not self.low <= self.listed <= self.high

    @property
    def too_few(self) -> bool:
        return self.outside and self.listed < self.low


def branch_shares(user, year: int, region_prefix: str = "") -> list[BranchShare]:
    """Each county the user reads branches in (under `region_prefix`): its villages, its
    listed branches for the year and the range in force there."""
    counties = Region.objects.filter(
        access.read_q(user, access.BRANCHES, "code"), level=RegionLevel.COUNTY
    )
    # A township or village user reads part of a county: the county's share is still the
    # county's, so count over the whole county of the user's regions.
    prefixes = access.read_prefixes(user, access.BRANCHES)
    if prefixes is not None:
        counties = Region.objects.filter(
            level=RegionLevel.COUNTY, code__in=[p[:6].ljust(12, "0") for p in prefixes]
        )
    if region_prefix:
        counties = counties.filter(code__startswith=region_prefix[:6])
    counties = list(counties.order_by("code"))
    if not counties:
        return []
    codes = [c.code[:6] for c in counties]
    villages = dict(
        Region.objects.filter(level=RegionLevel.VILLAGE)
        .annotate(county=Substr("code", 1, 6))
        .filter(county__in=codes)
        .values_list("county")
        .annotate(n=Count("code"))
        .values_list("county", "n")
    )
    listed = dict(
        WeakBranch.objects.filter(year=year)
        .annotate(county=Substr("village_id", 1, 6))
        .filter(county__in=codes)
        .values_list("county")
        .annotate(n=Count("id"))
        .values_list("county", "n")
    )
    shares = []
    for county in counties:
        values = people_parameter_values(year, county.code)
        shares.append(
            BranchShare(
                county,
                villages.get(county.code[:6], 0),
                listed.get(county.code[:6], 0),
                values["weak_branch_share_min"],
                values["weak_branch_share_max"],
            )
        )
    return shares
