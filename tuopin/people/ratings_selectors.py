"""Reads of star ratings and incentives, always through the topic rule (access.RATINGS):
lists, a household's ratings, counts per child region, and the two checks ("confirmed
rating without payment", "paid amount differs from the parameter").

Counting is set-based: one grouped query per table over the user's scope, grouped by the
child region's code prefix. The per-star amount is a county parameter: a Case over the
county prefixes (at most the six counties of the city), never a loop over households.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Substr

from tuopin.core.errors import OutOfScope
from tuopin.core.regioncodes import significant_prefix
from tuopin.people import access
from tuopin.people.models import HouseholdRating, IncentivePayment, RatingStar, RatingStatus
from tuopin.people.params import people_parameter_values
from tuopin.regions.models import Region

VILLAGE = "household__village__code"
MAX_STARS_SHOWN = 5  # the count columns: 0…5 stars, more fall into the last one


def ratings_for_user(user) -> QuerySet:
    return HouseholdRating.objects.filter(access.read_q(user, access.RATINGS, VILLAGE))


def payments_for_user(user) -> QuerySet:
    return IncentivePayment.objects.filter(access.read_q(user, access.RATINGS, VILLAGE))


def rating_search(
    user,
    *,
    year: int | None = None,
    region_prefix: str | None = None,
    status: str | None = None,
    stars: int | None = None,
) -> QuerySet:
    rows = ratings_for_user(user).select_related("household", "household__village")
    if year:
        rows = rows.filter(year=year)
    if region_prefix:
        rows = rows.filter(**{f"{VILLAGE}__startswith": region_prefix})
    if status:
        rows = rows.filter(status=status)
    if stars is not None:
        rows = rows.filter(star_count=stars)
    return rows.annotate(
        paid=Coalesce(
            Subquery(
                IncentivePayment.objects.filter(rating=OuterRef("pk"))
                .values("rating")
                .annotate(s=Sum("amount"))
                .values("s"),
                output_field=DecimalField(max_digits=14, decimal_places=2),
            ),
            Value(None, output_field=DecimalField(max_digits=14, decimal_places=2)),
        )
    ).order_by("-year", VILLAGE, "household__number")


def access_rating(user, rating_id: int) -> HouseholdRating:
    rating = (
        ratings_for_user(user)
        .filter(pk=rating_id)
        .select_related("household", "household__village", "scheme", "proposed_by")
        .first()
    )
    if rating is None:
        raise OutOfScope("rating", str(rating_id))
    return rating


class RatingLine(NamedTuple):
    """One star of a rating: the star and yes / no / unknown (None)."""

    star: RatingStar
    awarded: bool | None


def rating_lines(rating: HouseholdRating) -> list[RatingLine]:
    """The rating's stars in the scheme's order, each with its award (ADR 0024: the
    awards are stored on the rating by star id)."""
    awards = rating.awards or {}
    stars = RatingStar.objects.filter(pk__in=[int(pk) for pk in awards]).order_by("order", "pk")
    return [RatingLine(star, awards[str(star.pk)]) for star in stars]


def household_ratings(user, household) -> list[dict]:
    """The household's ratings by year with their stars and payments (the panel)."""
    if not access.may_read(user, access.RATINGS, household.village_id):
        raise OutOfScope("household", str(household.pk))
    ratings = list(
        HouseholdRating.objects.filter(household=household)
        .select_related("proposed_by", "confirmed_by")
        .order_by("-year")
    )
    payments = list(IncentivePayment.objects.filter(household=household).order_by("-paid_on"))
    return [
        {
            "rating": rating,
            "lines": rating_lines(rating),
            "payments": [p for p in payments if p.year == rating.year],
        }
        for rating in ratings
    ] + [
        {"rating": None, "lines": [], "payments": [p]}
        for p in payments
        if p.rating_id is None and p.year not in {r.year for r in ratings}
    ]


@dataclass
class CountRow:
    region: Region | None
    rated: int = 0
    confirmed: int = 0
    proposed: int = 0
    returned: int = 0
    by_stars: list[int] = field(default_factory=lambda: [0] * (MAX_STARS_SHOWN + 1))
    with_unknown: int = 0
    paid_households: int = 0
    paid_amount: Decimal = Decimal("0")

    def add(self, other: CountRow) -> None:
        for name in ("rated", "confirmed", "proposed", "returned", "with_unknown"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.by_stars = [a + b for a, b in zip(self.by_stars, other.by_stars, strict=True)]
        self.paid_households += other.paid_households
        self.paid_amount += other.paid_amount


def child_regions(region: Region) -> list[Region]:
    return list(Region.objects.filter(parent=region).order_by("code"))


def rating_counts(user, region: Region, year: int) -> tuple[list[CountRow], CountRow]:
    """Per child region of `region`: households rated, by stars, confirmed / pending /
    returned, households paid and the amount paid in `year` (within the user's scope)."""
    children = child_regions(region)
    prefix = significant_prefix(region.code)
    if not children:  # a village: itself
        children = [region]
    length = len(significant_prefix(children[0].code))
    key = Substr(VILLAGE, 1, length)
    ratings = ratings_for_user(user).filter(year=year, **{f"{VILLAGE}__startswith": prefix})
    grouped = (
        ratings.annotate(child=key)
        .values("child", "status", "star_count")
        .annotate(n=Count("id"), unknown=Count("id", filter=Q(unknown_count__gt=0)))
        .order_by()
    )
    paid = (
        payments_for_user(user)
        .filter(year=year, **{f"{VILLAGE}__startswith": prefix})
        .annotate(child=key)
        .values("child")
        .annotate(households=Count("household", distinct=True), amount=Sum("amount"))
        .order_by()
    )
    rows = {significant_prefix(c.code) if length < 12 else c.code: CountRow(c) for c in children}
    for item in grouped:
        row = rows.get(item["child"])
        if row is None:
            continue
        row.rated += item["n"]
        row.with_unknown += item["unknown"]
        status = item["status"]
        if status == RatingStatus.CONFIRMED:
            row.confirmed += item["n"]
        elif status == RatingStatus.PROPOSED:
            row.proposed += item["n"]
        else:
            row.returned += item["n"]
        row.by_stars[min(item["star_count"], MAX_STARS_SHOWN)] += item["n"]
    for item in paid:
        row = rows.get(item["child"])
        if row is not None:
            row.paid_households += item["households"]
            row.paid_amount += item["amount"] or Decimal("0")
    total = CountRow(region)
    for row in rows.values():
        total.add(row)
    return list(rows.values()), total


# The checks ----------------------------------------------------------------------------

CHECKS = {
    "confirmed_unpaid": ("已确认评定未登记奖补", "Confirmed rating without payment"),
    "amount_differs": ("奖补金额与标准不符", "Paid amount differs from the parameter"),
}


def _per_star_case(region_prefix: str, year: int):
    """The per-star amount in force at each county under the prefix, as one Case."""
    county_codes = list(
        Region.objects.filter(level="county", code__startswith=region_prefix[:4]).values_list(
            "code", flat=True
        )
        if len(region_prefix) < 6
        else [region_prefix[:6].ljust(12, "0")]
    )
    money = DecimalField(max_digits=14, decimal_places=2)
    whens = [
        When(
            **{f"{VILLAGE}__startswith": code[:6]},
            then=Value(people_parameter_values(year, code)["rating_award_per_star"], money),
        )
        for code in county_codes
    ]
    default = people_parameter_values(year, region_prefix.ljust(12, "0"))["rating_award_per_star"]
    return Case(*whens, default=Value(default, money), output_field=money)


def rating_findings(user, code: str, region: Region, year: int) -> QuerySet:
    """The ratings that fail check `code` in the region and year (user's scope)."""
    prefix = significant_prefix(region.code)
    rows = (
        rating_search(user, year=year, region_prefix=prefix)
        .filter(status=RatingStatus.CONFIRMED)
        .select_related("household", "household__village")
    )
    if code == "confirmed_unpaid":
        return rows.filter(~Exists(IncentivePayment.objects.filter(rating=OuterRef("pk"))))
    if code == "amount_differs":
        money = DecimalField(max_digits=14, decimal_places=2)
        # Unknown stars: the expected amount is unknown, so the rating is not judged.
        return (
            rows.filter(unknown_count=0, paid__isnull=False)
            .annotate(expected=_per_star_case(prefix, year) * F("star_count"))
            .annotate(expected_money=Case(default=F("expected"), output_field=money))
            .exclude(paid=F("expected_money"))
        )
    raise OutOfScope("check", code)


def rating_finding_counts(user, region: Region, year: int) -> dict[str, int]:
    return {code: rating_findings(user, code, region, year).count() for code in CHECKS}
