"""Reads of enterprises and pairings (topic ENTERPRISES), the pairing check (every poor
village has an enterprise paired with it) and the "四有" scorecard.

An enterprise is read where it is registered or where one of its paired villages lies.

四有, from the data for a year:
- 县有带贫龙头企业: a 带贫龙头企业 paired with a village of the county;
- 乡有扶贫产业园区: an IndustrialPark of the township for the year;
- 村有产业帮扶基地: an enterprise pairing of form 产业帮扶 with the village, or a
  workshop in it (established by the end of the year, or date unknown);
- 户有增收致富门路: a household with an income-raising measure of the year
  (registry.Measure.raises_income), or a member employed in a workshop during the year,
  or a member on a pairing's list of beneficiaries.
Counts by child region come from a handful of grouped queries, never per household.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.db.models.functions import Substr

from tuopin.core.errors import OutOfScope
from tuopin.core.regioncodes import significant_prefix
from tuopin.people import access
from tuopin.people.models import (
    Enterprise,
    EnterprisePairing,
    IndustrialPark,
    PairingBeneficiary,
    Workshop,
    WorkshopEmployee,
)
from tuopin.people.orgs_enums import PairingForm
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region
from tuopin.registry.models import Household, Measure


def enterprise_read_q(user) -> Q:
    own = access.read_q(user, access.ENTERPRISES, "region__code")
    paired = EnterprisePairing.objects.filter(
        access.read_q(user, access.ENTERPRISES, "village__code"), enterprise=OuterRef("pk")
    )
    return own | Q(Exists(paired))


def enterprise_search(
    user, *, region_prefix: str | None = None, leading: bool | None = None, q: str = ""
) -> QuerySet:
    rows = Enterprise.objects.filter(enterprise_read_q(user))
    if region_prefix:
        rows = rows.filter(
            Q(region__code__startswith=region_prefix)
            | Exists(
                EnterprisePairing.objects.filter(
                    enterprise=OuterRef("pk"), village__code__startswith=region_prefix
                )
            )
        )
    if leading is not None:
        rows = rows.filter(is_leading=leading)
    if q:
        rows = rows.filter(Q(name__contains=q) | Q(credit_code=q.upper()))
    return (
        rows.select_related("region")
        .annotate(pairing_count=Count("pairings", distinct=True))
        .order_by("region__code", "name")
    )


def access_enterprise(user, enterprise_id: int) -> Enterprise:
    enterprise = Enterprise.objects.filter(enterprise_read_q(user), pk=enterprise_id).first()
    if enterprise is None:
        raise OutOfScope("enterprise", str(enterprise_id))
    return enterprise


def enterprise_pairings(user, enterprise: Enterprise) -> QuerySet:
    """The enterprise's pairings with villages the user reads."""
    return (
        enterprise.pairings.filter(access.read_q(user, access.ENTERPRISES, "village__code"))
        .select_related("village", "village__parent")
        .prefetch_related("projects", "beneficiaries")
        .order_by("village__code", "form")
    )


def unpaired_poor_villages(user, region_prefix: str = "") -> QuerySet:
    """Poor villages (贫困村) the user reads with no enterprise paired."""
    villages = Region.objects.filter(
        access.read_q(user, access.ENTERPRISES, "code"),
        level=RegionLevel.VILLAGE,
        is_poor_village=True,
    )
    if region_prefix:
        villages = villages.filter(code__startswith=region_prefix)
    return (
        villages.filter(~Exists(EnterprisePairing.objects.filter(village=OuterRef("pk"))))
        .select_related("parent")
        .order_by("code")
    )


@dataclass
class SiyouRow:
    region: Region
    counties: int = 0
    counties_with: int = 0
    townships: int = 0
    townships_with: int = 0
    villages: int = 0
    villages_with: int = 0
    households: int = 0
    households_with: int = 0


def _income_q(year: int) -> Q:
    first, last = date(year, 1, 1), date(year, 12, 31)
    measure = Measure.objects.filter(household=OuterRef("pk"), year=year, raises_income=True)
    employed = WorkshopEmployee.objects.filter(
        Q(contract_end__isnull=True) | Q(contract_end__gte=first),
        member__household=OuterRef("pk"),
        contract_start__lte=last,
    )
    benefits = PairingBeneficiary.objects.filter(member__household=OuterRef("pk"))
    return Q(Exists(measure)) | Q(Exists(employed)) | Q(Exists(benefits))


def base_village_codes(prefix: str, year: int) -> set[str]:
    industry = EnterprisePairing.objects.filter(
        form=PairingForm.INDUSTRY, village__code__startswith=prefix
    ).values_list("village_id", flat=True)
    workshops = Workshop.objects.filter(
        Q(established_on__isnull=True) | Q(established_on__lte=date(year, 12, 31)),
        village__code__startswith=prefix,
    ).values_list("village_id", flat=True)
    return set(industry) | set(workshops)


def siyou_scorecard(user, region: Region, year: int) -> list[SiyouRow]:
    """One row per child region of `region` (a village: none; see siyou_households)."""
    prefix = significant_prefix(region.code)
    children = list(Region.objects.filter(parent=region).order_by("code"))
    if not children:
        return []
    width = len(significant_prefix(children[0].code))
    rows = {child.code[:width]: SiyouRow(child) for child in children}

    def add(codes, attribute):
        for c in codes:
            row = rows.get(c[:width])
            if row is not None:
                setattr(row, attribute, getattr(row, attribute) + 1)

    under = Region.objects.filter(code__startswith=prefix)
    add(under.filter(level=RegionLevel.COUNTY).values_list("code", flat=True), "counties")
    add(under.filter(level=RegionLevel.TOWNSHIP).values_list("code", flat=True), "townships")
    add(under.filter(level=RegionLevel.VILLAGE).values_list("code", flat=True), "villages")
    leading = set(
        EnterprisePairing.objects.filter(
            enterprise__is_leading=True, village__code__startswith=prefix
        )
        .annotate(county=Substr("village_id", 1, 6))
        .values_list("county", flat=True)
        .distinct()
    )
    add([c.ljust(12, "0") for c in leading], "counties_with")
    add(
        set(
            IndustrialPark.objects.filter(year=year, township__code__startswith=prefix).values_list(
                "township_id", flat=True
            )
        ),
        "townships_with",
    )
    add(base_village_codes(prefix, year), "villages_with")
    households = Household.objects.filter(village__code__startswith=prefix)
    for attribute, queryset in (
        ("households", households),
        ("households_with", households.filter(_income_q(year))),
    ):
        counts = queryset.values_list("village_id").annotate(n=Count("id")).order_by()
        for village, n in counts.values_list("village_id", "n"):
            row = rows.get(village[:width])
            if row is not None:
                setattr(row, attribute, getattr(row, attribute) + n)
    # A county or township is one of its own: 县有 reads the county itself.
    for row in rows.values():
        if row.region.level == RegionLevel.COUNTY:
            row.counties = 1
        if row.region.level == RegionLevel.TOWNSHIP:
            row.townships = 1
    return list(rows.values())


def county_has_leading(region: Region) -> bool:
    """县有带贫龙头企业 for the county of `region` (a county or below)."""
    return EnterprisePairing.objects.filter(
        enterprise__is_leading=True, village__code__startswith=region.code[:6]
    ).exists()


def siyou_households(user, village: Region, year: int) -> QuerySet:
    """A village's households with their 户有增收致富门路 flag."""
    return (
        Household.objects.filter(village=village)
        .annotate(has_path=ExpressionWrapper(_income_q(year), output_field=BooleanField()))
        .order_by("number")
    )


def parks_in(user, region: Region, year: int) -> QuerySet:
    """The industrial parks of the region's townships for the year, in the user's scope."""
    return (
        IndustrialPark.objects.filter(access.read_q(user, access.ENTERPRISES, "township__code"))
        .filter(year=year, township__code__startswith=significant_prefix(region.code))
        .select_related("township", "township__parent")
        .order_by("township__code", "name")
    )


def park_townships(user, region: Region) -> QuerySet:
    """The townships of the region where the user may add a park."""
    return Region.objects.filter(
        access.keep_q(user, access.ENTERPRISES, "code"),
        level=RegionLevel.TOWNSHIP,
        code__startswith=significant_prefix(region.code),
    ).order_by("code")
