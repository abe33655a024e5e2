"""What a cadre who logs in as themselves (role 帮扶责任人) sees: the households they are
paired with now, when each was last visited and whether a visit is due, and each
household's card. Their scope is the pairing, not a region (access.visits_own_households,
helpers_selectors.paired_q)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from tuopin.core.errors import OutOfScope
from tuopin.core.years import DEFAULT_YEAR
from tuopin.people import access
from tuopin.people.helpers_selectors import last_visit_subquery, paired_q
from tuopin.people.models import Pairing
from tuopin.people.params import people_parameter_values
from tuopin.registry.enums import MemberStatus, Relation
from tuopin.registry.models import Helper, Household, Measure, Member


def cadre_of(user) -> Helper | None:
    """The cadre whose login the user is (None for every other user)."""
    if not access.visits_own_households(user):
        return None
    return Helper.objects.filter(account=user).first()


def my_households(user) -> QuerySet:
    """The households the user is paired with now: head's name, current members, the
    last visit and the pairing's start (from which a never-visited household is due)."""
    heads = Member.objects.filter(household=OuterRef("pk"), relation=Relation.HEAD).order_by("pk")
    pairing = Pairing.objects.filter(
        household=OuterRef("pk"), ended_on__isnull=True, helper__account=user
    )
    return (
        Household.objects.filter(paired_q(user, "pk"))
        .select_related("village", "village__parent")
        .annotate(
            head_name=Subquery(heads.values("name")[:1]),
            people=Count("members", filter=Q(members__status=MemberStatus.NORMAL)),
            last_visit=last_visit_subquery(),
            paired_on=Subquery(pairing.values("started_on")[:1]),
        )
        .order_by("village_id", "number")
    )


@dataclass
class MyHousehold:
    household: Household
    due_on: datetime.date | None  # the day a visit falls due (None: never visited, no start)

    @property
    def overdue(self) -> bool:
        return self.due_on is None or self.due_on < timezone.localdate()


def my_households_due(user, year: int = DEFAULT_YEAR) -> list[MyHousehold]:
    """Each household with the day its next visit falls due (the county's
    visit_interval_days after the last visit, or after the pairing's start)."""
    rows = list(my_households(user))
    intervals = {
        county: int(people_parameter_values(year, county)["visit_interval_days"])
        for county in {h.village_id[:6].ljust(12, "0") for h in rows}
    }
    result = []
    for household in rows:
        since = household.last_visit or household.paired_on
        days = intervals[household.village_id[:6].ljust(12, "0")]
        due = since + datetime.timedelta(days=days) if since else None
        result.append(MyHousehold(household, due))
    return result


def my_household(user, household_id: int) -> Household:
    household = (
        Household.objects.filter(paired_q(user, "pk"), pk=household_id)
        .select_related("village", "village__parent")
        .first()
    )
    if household is None:
        raise OutOfScope("household", str(household_id))
    return household


def household_members(household: Household) -> QuerySet:
    return household.members.order_by("relation", "pk")


def household_measures(household: Household, year: int) -> QuerySet:
    return Measure.objects.filter(household=household, year__gte=year - 1).order_by("-year", "pk")
