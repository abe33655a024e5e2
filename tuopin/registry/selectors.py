"""Reads of the registry, always scoped to the user."""

from django.db.models import (
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, NullIf

from tuopin.accounts.selectors import scope_filter
from tuopin.core.errors import OutOfScope
from tuopin.registry.enums import MemberStatus, Relation
from tuopin.registry.idnumbers import normalise_id_text
from tuopin.registry.models import Household, Income, Member, MemberEvent
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


def household_search(
    user,
    *,
    region_prefix: str = "",
    status: str = "",
    attribute: str = "",
    main_cause: str = "",
    identified_year: int | None = None,
    text: str = "",
) -> QuerySet:
    """Households in scope matching the filters; `text` is a household number, a member's
    name or an ID number (normalised as typed in any width or case)."""
    households = household_list_for_user(user)
    if region_prefix:
        households = households.filter(village__code__startswith=region_prefix)
    for field, value in (
        ("status", status),
        ("attribute", attribute),
        ("main_cause", main_cause),
        ("identified_year", identified_year),
    ):
        if value:
            households = households.filter(**{field: value})
    text = normalise_text(text)
    if text:
        id_text = normalise_id_text(text)
        matching_members = Member.objects.filter(Q(name=text) | Q(id_number=id_text)).values(
            "household_id"
        )
        households = households.filter(Q(number__startswith=text) | Q(pk__in=matching_members))
    return households


def household_rows(households: QuerySet) -> QuerySet:
    """What a list shows per household, computed in the same query."""
    return households.annotate(head_name=head_name_subquery(), size=current_size_subquery())


def household_totals(households: QuerySet) -> dict:
    return {
        "households": households.count(),
        "members": Member.objects.filter(CURRENT, household__in=households.values("pk")).count(),
    }


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
        income.per_capita = (income.net_income / size) if size else None
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
        "history": list(household.history.select_related("history_user")[:20]),
    }


def access_member(user, member_id: int) -> Member:
    member = Member.objects.filter(pk=member_id).select_related("household__village").first()
    if member is None or not household_list_for_user(user).filter(pk=member.household_id).exists():
        raise OutOfScope("member", str(member_id))
    return member
