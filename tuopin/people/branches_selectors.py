"""Reads of the weak Party branches, scoped by topic BRANCHES, and each county's list size
for a year against weak_branch_share_min–max percent of its villages (the rule is the
check's: tuopin.people.checks.orgs.branch_share_counties)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from django.db.models import QuerySet

from tuopin.core.errors import OutOfScope
from tuopin.people import access
from tuopin.people.checks.framework import context_for
from tuopin.people.checks.orgs import branch_share_counties
from tuopin.people.models import WeakBranch
from tuopin.people.params import people_parameter_values
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
    """A county's weak-branch list of a year against its range; whether it is outside
    comes from the check (checks.orgs.branch_share_counties), the bounds are for display."""

    county: Region
    villages: int
    listed: int
    share_min: Decimal
    share_max: Decimal
    too_few: bool
    too_many: bool

    @property
    def share(self) -> Decimal | None:
        if not self.villages:
            return None
        return (Decimal(self.listed) * 100 / self.villages).quantize(Decimal("0.1"))

    @property
    def low(self) -> int:
        """The fewest branches the range allows (rounded up; Decimal's // truncates
        toward zero, so -(-a // b) would round 27.85 down to 27, which the check flags)."""
        return int((self.share_min * self.villages / 100).to_integral_value(ROUND_CEILING))

    @property
    def high(self) -> int:
        return int(self.share_max * self.villages // 100)

    @property
    def outside(self) -> bool:
        return self.too_few or self.too_many


def branch_shares(user, year: int, region_prefix: str = "") -> list[BranchShare]:
    """Each county the user reads branches in (under `region_prefix`): its villages, its
    listed branches for the year and the range in force there. A township or village
    user reads part of a county: the county's share is still the county's."""
    context = context_for(user, region_prefix=region_prefix[:6], year=year)
    shares = []
    for county in branch_share_counties(context):
        values = people_parameter_values(year, county.code)
        shares.append(
            BranchShare(
                county,
                county.villages,
                county.listed,
                values["weak_branch_share_min"],
                values["weak_branch_share_max"],
                county.too_few,
                county.too_many,
            )
        )
    return shares
