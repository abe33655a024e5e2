"""Reads of poverty workshops (topic WORKSHOPS), scoped by the workshop's village."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from tuopin.core.errors import OutOfScope
from tuopin.people import access
from tuopin.people.models import Workshop, WorkshopEmployee


def workshop_search(
    user, *, region_prefix: str | None = None, type: str | None = None, q: str = ""
) -> QuerySet:
    rows = Workshop.objects.filter(access.read_q(user, access.WORKSHOPS, "village__code"))
    if region_prefix:
        rows = rows.filter(village__code__startswith=region_prefix)
    if type:
        rows = rows.filter(type=type)
    if q:
        rows = rows.filter(name__contains=q)
    return (
        rows.select_related("village", "village__parent", "operator")
        .annotate(employee_rows=Count("employees"))
        .order_by("village__code", "name")
    )


def access_workshop(user, workshop_id: int) -> Workshop:
    workshop = (
        Workshop.objects.filter(pk=workshop_id)
        .select_related("village", "village__parent", "operator")
        .first()
    )
    if workshop is None or not access.may_read(user, access.WORKSHOPS, workshop.village_id):
        raise OutOfScope("workshop", str(workshop_id))
    return workshop


def employee_search(user, *, region_prefix: str | None = None) -> QuerySet:
    rows = WorkshopEmployee.objects.filter(
        access.read_q(user, access.WORKSHOPS, "workshop__village__code")
    )
    if region_prefix:
        rows = rows.filter(workshop__village__code__startswith=region_prefix)
    return rows.select_related("workshop", "member", "member__household")


def workshop_employees(workshop: Workshop) -> QuerySet:
    return workshop.employees.select_related("member", "member__household").order_by(
        "contract_start", "id_number"
    )
