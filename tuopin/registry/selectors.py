"""Reads of the registry, always scoped to the user."""

from functools import reduce
from operator import or_

from django.db.models import (
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, NullIf

from tuopin.accounts.selectors import UNRESTRICTED, scope_filter, scope_prefixes
from tuopin.core.errors import OutOfScope, TuopinError
from tuopin.core.regioncodes import filter_prefix
from tuopin.regions.enums import RegionLevel
from tuopin.registry.enums import EXITED, STILL_POOR, MemberStatus, Relation
from tuopin.registry.history import household_changes
from tuopin.registry.idnumbers import stored_forms
from tuopin.registry.models import (
    Household,
    Income,
    Member,
    MemberEvent,
    RegionTotal,
    RegionYearTotal,
)
from tuopin.registry.totals import TOWNSHIP_DIGITS
from tuopin.registry.validation import normalise_text

CURRENT = Q(status=MemberStatus.NORMAL)


def household_list_for_user(user) -> QuerySet:
    return scope_filter(Household.objects.select_related("village"), user, "village__code")


def access_household(user, household_id: int) -> Household:
    """The household if the user may see it; 404 alike for missing and out-of-scope rows."""
    household = Household.objects.filter(pk=household_id).select_related("village").first()
    if household is None or not household_list_for_user(user).filter(pk=household_id).exists():
        raise OutOfScope("household", str(household_id))
    return household


def current_size_subquery():
    """Number of current members (status 正常) of the outer household."""
    return Coalesce(
        Subquery(
            Member.objects.filter(CURRENT, household=OuterRef("pk"))
            .values("household")
            .annotate(n=Count("id"))
            .values("n")
        ),
        Value(0),
    )


def with_income(queryset: QuerySet, year: int) -> QuerySet:
    """Annotate `size`, `net_income` and `per_capita_income` for `year` (None without data).

    The division is done in floating point: both SQLite and PostgreSQL would truncate
    an integer or integral-numeric division and lose the yuan that decide an exit.
    """
    income = Income.objects.filter(household=OuterRef("pk"), year=year)
    net = ExpressionWrapper(
        F("wages") + F("business") + F("property_income") + F("transfers") - F("production_costs"),
        output_field=FloatField(),
    )
    return queryset.annotate(
        size=current_size_subquery(),
        net_income=Subquery(income.annotate(net=Cast(net, FloatField())).values("net")[:1]),
    ).annotate(
        per_capita_income=ExpressionWrapper(
            # NULLIF: a household without current members has no per-capita figure
            # (PostgreSQL would raise on a division by zero).
            Cast("net_income", FloatField()) / Cast(NullIf(F("size"), Value(0)), FloatField()),
            output_field=FloatField(),
        )
    )


def head_name_subquery():
    return Subquery(
        Member.objects.filter(CURRENT, household=OuterRef("pk"), relation=Relation.HEAD).values(
            "name"
        )[:1]
    )


# Beyond this many matching households an ad-hoc filter shows "more than N" instead of
# an exact count: counting a city-wide filter exactly on every page costs seconds.
COUNT_CAP = 5_000
# Filters the pre-aggregated village totals can answer (besides region and scope).
TOTALLED_FILTERS = ("status", "attribute")
# Year filters the year totals answer (with region and status, without attribute).
YEAR_FILTERS = {"exit_year": "exited", "planned_exit_year": "planned"}
# Status filter values that stand for several statuses (the home page's figures link them).
STATUS_GROUPS = {"exited": EXITED, "poor": STILL_POOR}


def status_q(status: str) -> Q:
    """A status filter: one status code, or a group of them (STATUS_GROUPS)."""
    if status in STATUS_GROUPS:
        return Q(status__in=list(STATUS_GROUPS[status]))
    return Q(status=status)


def _text_matches(text: str) -> Q:
    """Households whose number starts with `text`, or with a member named `text` or holding
    that ID number (typed in any width or case, 15 or 18 digits, stored in either form).

    Members are looked up first through their indexes (name; the unique ID number), so
    the household query gets a short list of ids instead of a subquery to join.
    """
    numbers = stored_forms(text) - {""}
    members = Member.objects.filter(name=text)
    if numbers:
        members = Member.objects.filter(Q(name=text) | Q(id_number__in=sorted(numbers)))
    household_ids = sorted(set(members.values_list("household_id", flat=True)))
    return Q(number__startswith=text) | Q(pk__in=household_ids)


def _prefix_of(region: str) -> str:
    """A region filter as typed (`filter_prefix`); anything but digits is refused."""
    region = (region or "").strip()
    if region and not region.isdigit():
        raise TuopinError(
            "region_code_invalid",
            f"区划代码“{region}”无效：只能是数字（完整的 12 位代码或其前缀）",
            f"invalid region code '{region}': digits only (12 digits or a prefix)",
            field="region",
        )
    return filter_prefix(region)


def member_search(
    user, *, region_prefix: str = "", household_id: int | None = None, status: str = ""
) -> QuerySet:
    """Members of the households in the user's scope, optionally of one region, one
    household or one status."""
    members = Member.objects.filter(household__in=household_list_for_user(user))
    region_prefix = _prefix_of(region_prefix)
    if region_prefix:
        members = members.filter(household__village__code__startswith=region_prefix)
    if household_id is not None:
        members = members.filter(household_id=household_id)
    if status:
        members = members.filter(status=status)
    return members.select_related("household")


def household_search(
    user,
    *,
    region_prefix: str = "",
    status: str = "",
    attribute: str = "",
    main_cause: str = "",
    identified_year: int | None = None,
    exit_year: int | None = None,
    planned_exit_year: int | None = None,
    text: str = "",
) -> QuerySet:
    """Households in scope matching the filters; `text` is a household number, a member's
    name or an ID number (normalised as typed in any width or case); `status` may name a
    group of statuses (STATUS_GROUPS)."""
    households = household_list_for_user(user)
    region_prefix = _prefix_of(region_prefix)
    if region_prefix:
        households = households.filter(village__code__startswith=region_prefix)
    if status:
        households = households.filter(status_q(status))
    for field, value in (
        ("attribute", attribute),
        ("main_cause", main_cause),
        ("identified_year", identified_year),
        ("exit_year", exit_year),
        ("planned_exit_year", planned_exit_year),
    ):
        if value:
            households = households.filter(**{field: value})
    text = normalise_text(text)
    if text:
        households = households.filter(_text_matches(text))
    return households


LIST_FIELDS = ("id", "village_id", "number", "status", "attribute", "main_cause", "identified_year")


def household_rows(households: QuerySet) -> QuerySet:
    """What a list shows per household, computed in the same query: only the listed
    columns and the village's name, since building 50 full households and villages per
    page cost more than the query itself."""
    return (
        households.select_related(None)
        .only(*LIST_FIELDS)
        .annotate(
            village_name=F("village__name"),
            head_name=head_name_subquery(),
            size=current_size_subquery(),
        )
    )


def _narrower(scope: str, region_prefix: str) -> str | None:
    """The part of the scope prefix `scope` inside `region_prefix`, as one prefix."""
    if region_prefix.startswith(scope):
        return region_prefix
    if scope.startswith(region_prefix):
        return scope
    return None


def _summed_totals(user, region_prefix: str, where: Q, year_filter: tuple | None = None) -> dict:
    """Sum of the region totals over the user's scope (scope_prefixes) within `region_prefix`;
    with `year_filter` (field, year) the year totals' counts of that field.

    Up to a township's 9 digits a prefix covers whole townships, so it reads township
    rows; a longer one reads village rows."""
    scope = scope_prefixes(user)
    prefixes = [""] if scope is UNRESTRICTED else scope
    if region_prefix:
        prefixes = [p for p in (_narrower(s, region_prefix) for s in prefixes) if p is not None]
    if not prefixes:
        return {"households": 0, "members": 0, "capped": False}
    rows = reduce(
        or_,
        (
            Q(
                level=RegionLevel.TOWNSHIP if len(p) <= TOWNSHIP_DIGITS else RegionLevel.VILLAGE,
                region_code__startswith=p,
            )
            for p in prefixes
        ),
    )
    if year_filter is None:
        summed = RegionTotal.objects.filter(rows, where).aggregate(
            households=Sum("households"), members=Sum("members")
        )
    else:
        field, year = year_filter
        kind = YEAR_FILTERS[field]
        summed = RegionYearTotal.objects.filter(rows, where, year=year).aggregate(
            households=Sum(f"{kind}_households"), members=Sum(f"{kind}_members")
        )
    return {
        "households": summed["households"] or 0,
        "members": summed["members"] or 0,
        "capped": False,
    }


def household_totals(user, **filters) -> dict:
    """Households and current members matching `household_search(user, **filters)`.

    Region, status and attribute filters are summed from the region totals (exact, and
    as fresh as the last registry write), and so are region and status with one year
    filter (exit year or planned exit year) from the year totals. Other filters are
    counted in the registry up to COUNT_CAP households; above it `capped` is set and
    `households` is the cap.
    """
    given = {name for name, value in filters.items() if value}
    ad_hoc = given - {"region_prefix", *TOTALLED_FILTERS}
    region = filters.get("region_prefix") or ""
    status = status_q(filters["status"]) if filters.get("status") else Q()
    if not ad_hoc:
        if filters.get("attribute"):
            status &= Q(attribute=filters["attribute"])
        return _summed_totals(user, region, status)
    if len(ad_hoc) == 1 and ad_hoc <= set(YEAR_FILTERS) and "attribute" not in given:
        (field,) = ad_hoc
        return _summed_totals(user, region, status, (field, filters[field]))
    households = household_search(user, **filters)
    found = households.values("pk")[: COUNT_CAP + 1].count()
    if found > COUNT_CAP:
        return {"households": COUNT_CAP, "members": None, "capped": True}
    members = Member.objects.filter(CURRENT, household_id__in=households.values("pk")).count()
    return {"households": found, "members": members, "capped": False}


def keyset_page(
    queryset: QuerySet, *, after: int | None, size: int = 50
) -> tuple[list, int | None]:
    """One page ordered by id, and the cursor of the next page (None on the last one)."""
    page = queryset.order_by("id")
    if after:
        page = page.filter(id__gt=after)
    rows = list(page[: size + 1])
    next_after = rows[size - 1].id if len(rows) > size else None
    return rows[:size], next_after


def household_detail(household: Household) -> dict:
    """Everything the household page shows, in a handful of queries."""
    members = list(household.members.order_by("relation", "birth_date", "id"))
    size = sum(1 for m in members if m.status == MemberStatus.NORMAL)
    incomes = list(household.incomes.order_by("-year"))
    for income in incomes:
        net = income.net_income  # None when an amount is unknown
        income.per_capita = (net / size) if size and net is not None else None
    return {
        "members": members,
        "size": size,
        "incomes": incomes,
        "measures": list(household.measures.order_by("-year", "category")),
        "other_causes": [c.get_cause_display() for c in household.other_causes.all()],
        "events": list(
            MemberEvent.objects.filter(member__household=household)
            .select_related("member", "recorded_by")
            .order_by("-date", "-id")
        ),
        "history": household_changes(household),
    }


def access_member(user, member_id: int) -> Member:
    member = Member.objects.filter(pk=member_id).select_related("household__village").first()
    if member is None or not household_list_for_user(user).filter(pk=member.household_id).exists():
        raise OutOfScope("member", str(member_id))
    return member
