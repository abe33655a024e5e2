"""Reads of cadres, pairings and visits, always scoped by tuopin.people.access.

A cadre (registry.Helper) belongs to a county; a user reads the cadres of the regions
where they read HELPERS, and — a township or village user — the cadres paired (now or
before) with a household of their region. Pairings and visits are scoped by their
household's village code."""

from __future__ import annotations

from django.db.models import Count, Exists, IntegerField, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from tuopin.core.errors import OutOfScope
from tuopin.core.regioncodes import significant_prefix
from tuopin.people import access
from tuopin.people.models import Pairing, Visit, VisitPhoto
from tuopin.registry.models import Helper, Household


def open_count_subquery():
    return Coalesce(
        Subquery(
            Pairing.objects.filter(helper_id=OuterRef("pk"), ended_on__isnull=True)
            .order_by()
            .values("helper_id")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def helper_list_for_user(user) -> QuerySet:
    paired = Pairing.objects.filter(helper_id=OuterRef("pk")).filter(
        access.read_q(user, access.HELPERS, "region_code")
    )
    return Helper.objects.filter(
        access.read_q(user, access.HELPERS, "region__code") | Q(Exists(paired))
    ).annotate(households_now=open_count_subquery())


def helper_search(user, *, region: str = "", text: str = "", unit_level: str = "") -> QuerySet:
    rows = helper_list_for_user(user)
    if region:
        prefix = significant_prefix(region.ljust(12, "0"))
        rows = rows.filter(region__code__startswith=prefix[:6])
        if len(prefix) > 6:  # a township or village: the cadres paired there
            rows = rows.filter(
                Exists(
                    Pairing.objects.filter(helper_id=OuterRef("pk"), region_code__startswith=prefix)
                )
            )
    if text:
        rows = rows.filter(Q(name__contains=text) | Q(work_unit__contains=text))
    if unit_level:
        rows = rows.filter(unit_level=unit_level)
    return rows.order_by("region_id", "name", "pk")


def access_helper(user, helper_id: int) -> Helper:
    helper = helper_list_for_user(user).filter(pk=helper_id).first()
    if helper is None:
        raise OutOfScope("helper", str(helper_id))
    return helper


def pairings_of_helper(user, helper: Helper) -> QuerySet:
    return (
        Pairing.objects.filter(helper=helper)
        .filter(access.read_q(user, access.HELPERS, "region_code"))
        .select_related("household", "household__village")
        .order_by("ended_on", "-started_on", "-pk")
    )


def visits_of_helper(user, helper: Helper) -> QuerySet:
    return (
        Visit.objects.filter(helper=helper)
        .filter(access.read_q(user, access.VISITS, "region_code"))
        .select_related("household")
        .order_by("-visited_on", "-pk")
    )


def pairings_of_household(user, household: Household) -> QuerySet:
    return (
        Pairing.objects.filter(household=household)
        .filter(access.read_q(user, access.HELPERS, "region_code"))
        .select_related("helper")
        .order_by("-ended_on", "-started_on", "-pk")
    )


def visits_of_household(user, household: Household) -> QuerySet:
    return (
        Visit.objects.filter(household=household)
        .filter(access.read_q(user, access.VISITS, "region_code") | paired_q(user, "household_id"))
        .select_related("helper")
        .prefetch_related("photos", "measures")
        .order_by("-visited_on", "-pk")
    )


def pairing_list_for_user(user) -> QuerySet:
    return Pairing.objects.filter(access.read_q(user, access.HELPERS, "region_code"))


def access_pairing(user, pairing_id: int) -> Pairing:
    pairing = (
        pairing_list_for_user(user)
        .select_related("helper", "household")
        .filter(pk=pairing_id)
        .first()
    )
    if pairing is None:
        raise OutOfScope("pairing", str(pairing_id))
    return pairing


def paired_q(user, household_field: str) -> Q:
    """The rows of the households the user (a cadre logged in as themselves) is paired
    with now; nothing for anyone else."""
    if not access.visits_own_households(user):
        return Q(pk__in=[])
    mine = Pairing.objects.filter(ended_on__isnull=True, helper__account=user)
    return Q(**{f"{household_field}__in": mine.values("household_id")})


def may_record_visit(user, household: Household) -> bool:
    """A keeper of visits in the household's village, or its helper now."""
    if access.may_keep(user, access.VISITS, household.village_id):
        return True
    return Household.objects.filter(paired_q(user, "pk"), pk=household.pk).exists()


def visit_list_for_user(user) -> QuerySet:
    return Visit.objects.filter(
        access.read_q(user, access.VISITS, "region_code") | paired_q(user, "household_id")
    )


def access_visit(user, visit_id: int) -> Visit:
    visit = (
        visit_list_for_user(user)
        .select_related("household", "helper")
        .prefetch_related("photos", "measures")
        .filter(pk=visit_id)
        .first()
    )
    if visit is None:
        raise OutOfScope("visit", str(visit_id))
    return visit


def access_photo(user, photo_id: int) -> VisitPhoto:
    photo = (
        VisitPhoto.objects.filter(pk=photo_id)
        .select_related("visit")
        .filter(
            access.read_q(user, access.VISITS, "visit__region_code")
            | paired_q(user, "visit__household_id")
        )
        .first()
    )
    if photo is None:
        raise OutOfScope("visit_photo", str(photo_id))
    return photo


def last_visit_subquery():
    return Subquery(
        Visit.objects.filter(household_id=OuterRef("pk"))
        .order_by()
        .values("household_id")
        .annotate(last=Max("visited_on"))
        .values("last")
    )


def access_household_for(user, household_id: int, topic: str = access.HELPERS) -> Household:
    """A household the user reads the topic of (404 otherwise, like a missing one)."""
    household = (
        Household.objects.filter(pk=household_id)
        .filter(access.read_q(user, topic, "village__code") | paired_q(user, "pk"))
        .select_related("village")
        .first()
    )
    if household is None:
        raise OutOfScope("household", str(household_id))
    return household
