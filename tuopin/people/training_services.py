"""Writes of cadre training (§十九): courses and their attendance sheets, kept by the
county office and the 组织部 (access.TRAINING)."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction

from tuopin.core.errors import OutOfScope, TuopinError
from tuopin.core.regioncodes import significant_prefix
from tuopin.people import access
from tuopin.people.models import TrainingAttendance, TrainingCourse, TrainingLevel
from tuopin.regions.models import Region


def _error(code, zh, en, field=None, row=None):
    return TuopinError(f"training_{code}", zh, en, field=field, row=row)


def _require_keep(user, region_code: str) -> None:
    if not access.may_read(user, access.TRAINING, region_code):
        raise OutOfScope("training", region_code)
    if not access.may_keep(user, access.TRAINING, region_code):
        raise PermissionDenied("没有权限：维护干部培训 (you may not keep training records)")


def _hours(value, field: str, label_zh: str) -> Decimal | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        hours = None
    if hours is None or not hours.is_finite() or hours < 0 or hours >= 10000:
        raise _error("hours", f"{label_zh}“{value}”无效", f"invalid hours '{value}'", field)
    return hours.quantize(Decimal("0.1"))


def training_course_create(
    *,
    acting_user,
    region: Region,
    name: str,
    start_date: datetime.date,
    end_date: datetime.date,
    organiser: str = "",
    hours=None,
    level: str = "",
) -> TrainingCourse:
    _require_keep(acting_user, region.code)
    name = (name or "").strip()
    if not name:
        raise _error("name", "请填写培训班名称", "the course needs a name", "name")
    if start_date is None or end_date is None or end_date < start_date:
        raise _error(
            "dates", "结束日期不能早于开始日期", "the course ends before it starts", "end_date"
        )
    if level and level not in TrainingLevel.values:
        raise _error("level", "培训层级无效", "invalid course level", "level")
    with transaction.atomic():
        return TrainingCourse.objects.create(
            region=region,
            name=name[:100],
            organiser=(organiser or "").strip()[:100],
            start_date=start_date,
            end_date=end_date,
            hours=_hours(hours, "hours", "培训学时"),
            level=level or "",
        )


def training_attendance_set(
    *, acting_user, course: TrainingCourse, helper, attended: bool | None, hours=None, note=""
) -> TrainingAttendance:
    """Put a cadre on the course's sheet or change their line (attended yes/no/unknown)."""
    _require_keep(acting_user, course.region_id)
    if not helper.region_id.startswith(significant_prefix(course.region_id)[:6]):
        raise _error(
            "helper_region",
            f"干部{helper.name}不属于本培训班举办地区",
            f"cadre {helper.name} is not of the course's region",
            "helper",
        )
    hours = _hours(hours, "hours", "参训学时")
    if attended is False and hours:
        raise _error(
            "hours_absent", "未参训的干部不能有参训学时", "an absent cadre has no hours", "hours"
        )
    if hours is not None and course.hours is not None and hours > course.hours:
        raise _error(
            "hours_course",
            f"参训学时{hours}超过培训班学时{course.hours}",
            f"hours {hours} exceed the course's {course.hours}",
            "hours",
        )
    with transaction.atomic():
        line, created = TrainingAttendance.objects.get_or_create(
            course=course,
            helper=helper,
            defaults={"attended": attended, "hours": hours, "note": (note or "")[:200]},
        )
        if not created and (line.attended, line.hours, line.note) != (
            attended,
            hours,
            (note or "")[:200],
        ):
            line.attended, line.hours, line.note = attended, hours, (note or "")[:200]
            line.save()
    return line
