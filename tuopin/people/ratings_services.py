"""Writes of star ratings and incentives: schemes, proposing (village), confirming or
returning (township, someone other than the proposer), payments (township/county).

Every write checks the topic rule (access.RATINGS) and the role that acts: a village
proposes, a township confirms or returns and records payments, the county office may do
all of it. A household outside the user's keeping answers 404 like a missing one.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q

from tuopin.accounts.roles import Role
from tuopin.accounts.selectors import user_assignments
from tuopin.core.errors import OutOfScope, TuopinError
from tuopin.core.regioncodes import significant_prefix
from tuopin.people import access
from tuopin.people.models import (
    HouseholdRating,
    IncentivePayment,
    RatingScheme,
    RatingStar,
    RatingStatus,
)
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region

PROPOSERS = (Role.VILLAGE, Role.COUNTY_OFFICE)
CONFIRMERS = (Role.TOWNSHIP, Role.COUNTY_OFFICE)
PAYERS = (Role.TOWNSHIP, Role.COUNTY_OFFICE)
SCHEME_KEEPERS = (Role.COUNTY_OFFICE,)

# The shipped default (domain-assistance §14): 武陟县 2018; Shangqiu rules unconfirmed.
DEFAULT_SCHEME_NAME = "脱贫星级评定（默认，待核实）"
DEFAULT_SCHEME_SOURCE = "武陟县2018年“争当脱贫光荣户”五星评定；商丘市规则待核实"
DEFAULT_STARS = [
    ("diligence", "勤劳致富星", "Star of diligence and prosperity", "勤劳肯干，有稳定增收门路"),
    ("learning", "学习教育星", "Star of learning and education", "重视子女教育，主动学习技能"),
    ("health", "健身康复星", "Star of fitness and recovery", "积极锻炼，配合治疗康复"),
    ("hygiene", "卫生整洁星", "Star of clean and tidy home", "家庭卫生整洁，庭院美观"),
    ("spirit", "精神面貌星", "Star of good spirit", "精神饱满，自立自强，遵纪守法"),
]


def _roles_keeping(user, region_code: str) -> set[str]:
    """The roles with which the user keeps ratings at `region_code`."""
    if user.is_superuser:
        return set(Role.values)
    return {
        a.role
        for a in user_assignments(user)
        if region_code.startswith(significant_prefix(a.region_id))
        and access.SCOPE.keeps(a, access.RATINGS)
    }


def _require(user, region_code: str, roles, what_zh: str, what_en: str) -> None:
    if not access.may_read(user, access.RATINGS, region_code):
        raise OutOfScope("rating", region_code)
    if not _roles_keeping(user, region_code) & set(roles):
        raise PermissionDenied(f"没有权限：{what_zh} (you may not {what_en})")


def may_propose(user, region_code: str) -> bool:
    return bool(_roles_keeping(user, region_code) & set(PROPOSERS))


def may_confirm(user, region_code: str) -> bool:
    return bool(_roles_keeping(user, region_code) & set(CONFIRMERS))


def may_define_scheme(user, region_code: str) -> bool:
    return bool(_roles_keeping(user, region_code) & set(SCHEME_KEEPERS))


def may_pay(user, region_code: str) -> bool:
    return bool(_roles_keeping(user, region_code) & set(PAYERS))


def _error(code, zh, en, field=None, row=None):
    return TuopinError(f"rating_{code}", zh, en, field=field, row=row)


def default_scheme() -> RatingScheme:
    """The shipped default scheme, created on first use if the migration's seed is gone."""
    scheme = RatingScheme.objects.filter(region__isnull=True).order_by("year_from").first()
    if scheme is not None:
        return scheme
    with transaction.atomic():
        scheme = RatingScheme.objects.create(
            region=None,
            year_from=2014,
            name=DEFAULT_SCHEME_NAME,
            source=DEFAULT_SCHEME_SOURCE,
            confirmed=False,
        )
        RatingStar.objects.bulk_create(
            RatingStar(scheme=scheme, code=c, name_zh=zh, name_en=en, description=d, order=i + 1)
            for i, (c, zh, en, d) in enumerate(DEFAULT_STARS)
        )
    return scheme


def scheme_in_force(year: int, region_code: str) -> RatingScheme:
    """County over city over the default; the latest year_from not after `year`."""
    default_scheme()
    county = region_code[:6].ljust(12, "0")
    city = region_code[:4].ljust(12, "0")
    for q in (Q(region_id=county), Q(region_id=city), Q(region__isnull=True)):
        scheme = RatingScheme.objects.filter(q, year_from__lte=year).order_by("-year_from").first()
        if scheme is not None:
            return scheme
    return default_scheme()


def rating_scheme_define(
    *, acting_user, region: Region, year_from: int, name: str, stars: list[tuple]
) -> RatingScheme:
    """A county's (or the city's) own stars from `year_from` on. `stars`: (code, 中文名,
    English name, description) in order."""
    if region.level not in (RegionLevel.CITY, RegionLevel.COUNTY):
        raise _error(
            "scheme_level",
            "评定方案只能按市或县（区）制定",
            "a scheme is defined for a city or a county",
            "region",
        )
    if not _roles_keeping(acting_user, region.code) & set(SCHEME_KEEPERS):
        raise PermissionDenied("没有权限：制定星级评定方案 (you may not define a scheme)")
    if not isinstance(year_from, int) or not 2000 <= year_from <= 2100:
        raise _error("scheme_year", "起始年度无效", "invalid start year", "year_from")
    if not name.strip():
        raise _error("scheme_name", "请填写方案名称", "the scheme needs a name", "name")
    if not stars:
        raise _error("scheme_stars", "方案至少要有一颗星", "a scheme needs a star", "stars")
    codes = [s[0] for s in stars]
    names = [s[1] for s in stars]
    if len(set(codes)) != len(codes) or len(set(names)) != len(names) or not all(names):
        raise _error(
            "scheme_duplicate", "星级代码或名称重复或为空", "star codes or names repeat", "stars"
        )
    if RatingScheme.objects.filter(region=region, year_from=year_from).exists():
        raise _error(
            "scheme_exists",
            f"{region.name}已有{year_from}年起的评定方案",
            f"{region.name} already has a scheme from {year_from}",
            "year_from",
        )
    with transaction.atomic():
        scheme = RatingScheme.objects.create(
            region=region, year_from=year_from, name=name.strip()[:100], confirmed=True
        )
        for order, (code, zh, en, *rest) in enumerate(stars, start=1):
            RatingStar.objects.create(
                scheme=scheme,
                code=code,
                name_zh=zh,
                name_en=en or code,
                description=(rest[0] if rest else "")[:300],
                order=order,
            )
    return scheme


def _year(year) -> int:
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise _error("year", f"评定年度“{year}”无效", f"invalid year '{year}'", "year")
    return year


def rating_propose(
    *,
    acting_user,
    household,
    year: int,
    stars: dict[str, bool | None],
    rated_on: datetime.date | None = None,
    row: int | None = None,
) -> HouseholdRating:
    """Propose (or re-propose) a household's rating of a year. `stars`: star code or 中文名
    -> True / False / None (unknown); a star left out is unknown. A confirmed rating is not
    changed here."""
    village = household.village_id
    _require(acting_user, village, PROPOSERS, "提名星级评定", "propose a rating")
    year = _year(year)
    scheme = scheme_in_force(year, village)
    known = {s.code: s for s in scheme.stars.all()}
    known.update({s.name_zh: s for s in known.copy().values()})
    values: dict[int, bool | None] = {s.pk: None for s in known.values()}
    for key, value in stars.items():
        star = known.get(key)
        if star is None:
            raise _error(
                "star_unknown",
                f"“{key}”不是{scheme.name}中的星级",
                f"'{key}' is not a star of the scheme",
                key,
                row,
            )
        if value not in (True, False, None):
            raise _error("star_value", f"“{key}”应为是、否或空", f"'{key}': yes, no or empty", key)
        values[star.pk] = value
    if rated_on is not None and rated_on.year not in (year, year + 1):
        raise _error(
            "date",
            f"评定日期{rated_on:%Y-%m-%d}不在{year}年度内",
            f"rating date {rated_on} is outside {year}",
            "rated_on",
            row,
        )
    today = datetime.date.today()
    with transaction.atomic():
        rating = (
            HouseholdRating.objects.select_for_update()
            .filter(household=household, year=year)
            .first()
        )
        if rating is not None and rating.status == RatingStatus.CONFIRMED:
            raise _error(
                "confirmed",
                f"户{household.number}的{year}年度评定已由乡镇确认，不能再修改",
                f"the {year} rating of household {household.number} is confirmed",
                "year",
                row,
            )
        star_count = sum(1 for v in values.values() if v is True)
        unknown_count = sum(1 for v in values.values() if v is None)
        if rating is None:
            rating = HouseholdRating(household=household, year=year)
        rating.scheme = scheme
        rating.status = RatingStatus.PROPOSED
        rating.star_count = star_count
        rating.unknown_count = unknown_count
        rating.rated_on = rated_on
        rating.proposed_by = acting_user
        rating.proposed_on = today
        rating.returned_reason = ""
        # Every star of the scheme (an older scheme's stars go): ADR 0024.
        rating.awards = awards_of(values)
        rating.save()
    return rating


def awards_of(values: dict[int, bool | None]) -> dict[str, bool | None]:
    """A rating's `awards` from star id -> yes / no / unknown: keys are the ids as text
    (JSON's keys are strings)."""
    return {str(star_id): value for star_id, value in values.items()}


def rating_confirm(*, acting_user, rating: HouseholdRating) -> HouseholdRating:
    village = rating.household.village_id
    _require(acting_user, village, CONFIRMERS, "确认星级评定", "confirm a rating")
    with transaction.atomic():
        rating = HouseholdRating.objects.select_for_update().get(pk=rating.pk)
        if rating.status != RatingStatus.PROPOSED:
            raise _error(
                "not_proposed",
                "只有待确认的评定可以确认",
                "only a proposed rating can be confirmed",
                "status",
            )
        if rating.proposed_by_id == acting_user.pk:
            raise _error(
                "same_person",
                "提名人不能确认自己提名的评定",
                "the proposer may not confirm their own proposal",
                "confirmed_by",
            )
        rating.status = RatingStatus.CONFIRMED
        rating.confirmed_by = acting_user
        rating.confirmed_on = datetime.date.today()
        rating.save()
    return rating


def rating_return(*, acting_user, rating: HouseholdRating, reason: str) -> HouseholdRating:
    village = rating.household.village_id
    _require(acting_user, village, CONFIRMERS, "退回星级评定", "return a rating")
    reason = (reason or "").strip()
    if not reason:
        raise _error(
            "reason", "退回时请填写原因", "say why the rating is returned", "returned_reason"
        )
    with transaction.atomic():
        rating = HouseholdRating.objects.select_for_update().get(pk=rating.pk)
        if rating.status != RatingStatus.PROPOSED:
            raise _error(
                "not_proposed",
                "只有待确认的评定可以退回",
                "only a proposed rating can be returned",
                "status",
            )
        if rating.proposed_by_id == acting_user.pk:
            raise _error(
                "same_person",
                "提名人不能退回自己提名的评定",
                "the proposer may not return their own proposal",
                "confirmed_by",
            )
        rating.status = RatingStatus.RETURNED
        rating.returned_reason = reason[:200]
        rating.confirmed_by = None
        rating.confirmed_on = None
        rating.save()
    return rating


def incentive_record(
    *,
    acting_user,
    household,
    year: int,
    amount,
    paid_on: datetime.date,
    reason: str = "",
) -> IncentivePayment:
    """A payment for a household's rating of `year`; linked to that year's confirmed rating
    (a payment for an unconfirmed rating is refused)."""
    village = household.village_id
    _require(acting_user, village, PAYERS, "登记星级奖补", "record an incentive payment")
    year = _year(year)
    try:
        money = Decimal(str(amount).strip())
    except (InvalidOperation, ValueError):
        money = None
    if money is None or not money.is_finite() or money <= 0 or money >= Decimal("1e9"):
        raise _error(
            "amount",
            f"奖补金额“{amount}”无效：应为大于 0 的数",
            f"invalid amount '{amount}': more than 0",
            "amount",
        )
    if paid_on is None or paid_on > datetime.date.today():
        raise _error("paid_on", "发放日期无效（不能晚于今天）", "invalid payment date", "paid_on")
    rating = HouseholdRating.objects.filter(
        household=household, year=year, status=RatingStatus.CONFIRMED
    ).first()
    if rating is None:
        raise _error(
            "unconfirmed",
            f"户{household.number}的{year}年度星级评定尚未经乡镇确认，不能登记奖补",
            f"the {year} rating of household {household.number} is not confirmed",
            "year",
        )
    with transaction.atomic():
        return IncentivePayment.objects.create(
            household=household,
            year=year,
            amount=money.quantize(Decimal("0.01")),
            paid_on=paid_on,
            reason=(reason or "")[:200],
            rating=rating,
            recorded_by=acting_user,
        )
