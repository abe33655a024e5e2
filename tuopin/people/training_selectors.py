"""Reads of cadre training through the topic rule (access.TRAINING): courses, a course's
attendance sheet, a cadre's record (courses and total hours of a year)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from tuopin.core.errors import OutOfScope
from tuopin.core.regioncodes import significant_prefix
from tuopin.people import access
from tuopin.people.models import TrainingAttendance, TrainingCourse
from tuopin.registry.models import Helper


def courses_for_user(user) -> QuerySet:
    return TrainingCourse.objects.filter(access.read_q(user, access.TRAINING, "region__code"))


def course_search(user, *, year: int | None = None, region_prefix: str | None = None):
    rows = courses_for_user(user).select_related("region")
    if year:
        rows = rows.filter(start_date__year=year)
    if region_prefix:
        rows = rows.filter(region__code__startswith=region_prefix)
    return rows.annotate(
        listed=Count("attendance"),
        present=Count("attendance", filter=Q(attendance__attended=True)),
    ).order_by("-start_date", "id")


def access_course(user, course_id: int) -> TrainingCourse:
    course = courses_for_user(user).filter(pk=course_id).select_related("region").first()
    if course is None:
        raise OutOfScope("training_course", str(course_id))
    return course


def course_sheet(course: TrainingCourse) -> list[TrainingAttendance]:
    return list(
        course.attendance.select_related("helper", "helper__region").order_by("helper__name")
    )


def course_candidates(course: TrainingCourse) -> QuerySet:
    """Cadres of the course's county (or region) not yet on its sheet."""
    prefix = significant_prefix(course.region_id)[:6]
    return (
        Helper.objects.filter(region__code__startswith=prefix)
        .exclude(trainings__course=course)
        .order_by("name", "id")
    )


def access_cadre(user, helper_id: int) -> Helper:
    helper = (
        Helper.objects.filter(access.read_q(user, access.TRAINING, "region__code"), pk=helper_id)
        .select_related("region")
        .first()
    )
    if helper is None:
        raise OutOfScope("helper", str(helper_id))
    return helper


def cadre_record(user, helper: Helper, year: int | None) -> tuple[list, Decimal | None]:
    """The cadre's lines on courses the user reads (of `year`, if given) and the total
    hours attended (None when no line has hours: unknown, not zero)."""
    lines = TrainingAttendance.objects.filter(
        access.read_q(user, access.TRAINING, "course__region__code"), helper=helper
    ).select_related("course", "course__region")
    if year:
        lines = lines.filter(course__start_date__year=year)
    lines = lines.order_by("-course__start_date")
    total = lines.filter(attended=True).aggregate(total=Sum("hours"))["total"]
    return list(lines), total
