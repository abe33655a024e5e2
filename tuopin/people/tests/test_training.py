"""Cadre training: courses kept by the county office and 组织部, attendance per cadre,
a cadre's record with total hours (unknown is not zero)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from conftest import MINQUAN, RENHE, SUIXIAN, first_village
from tuopin.accounts.roles import Department, Role
from tuopin.core.errors import OutOfScope, TuopinError
from tuopin.people.training_selectors import access_course, cadre_record, course_search
from tuopin.people.training_services import training_attendance_set, training_course_create
from tuopin.regions.models import Region
from tuopin.registry.models import Helper

pytestmark = pytest.mark.django_db
D = datetime.date


def test_courses_attendance_and_a_cadres_record(make_user):
    minquan = Region.objects.get(code=MINQUAN)
    organisation = make_user(Role.SECTOR, MINQUAN, department=Department.ORGANISATION)
    course = training_course_create(
        acting_user=organisation,
        region=minquan,
        name="第一书记培训班",
        organiser="县委组织部",
        start_date=D(2018, 3, 1),
        end_date=D(2018, 3, 3),
        hours="24",
        level="3",
    )
    cadre = Helper.objects.create(region=first_village(RENHE), name="王建军")
    other = Helper.objects.create(region=first_village(RENHE), name="李红")
    stranger = Helper.objects.create(
        region=Region.objects.filter(code__startswith="411422", level="village").first(),
        name="赵外",
    )
    training_attendance_set(
        acting_user=organisation, course=course, helper=cadre, attended=True, hours=24
    )
    training_attendance_set(acting_user=organisation, course=course, helper=other, attended=None)
    with pytest.raises(TuopinError) as error:
        training_attendance_set(
            acting_user=organisation, course=course, helper=stranger, attended=True
        )
    assert error.value.code == "training_helper_region"
    with pytest.raises(TuopinError):
        training_attendance_set(
            acting_user=organisation, course=course, helper=other, attended=True, hours=30
        )
    with pytest.raises(TuopinError):
        training_attendance_set(
            acting_user=organisation, course=course, helper=other, attended=False, hours=3
        )
    second = training_course_create(
        acting_user=make_user(Role.COUNTY_OFFICE, MINQUAN),
        region=minquan,
        name="驻村工作队员轮训",
        start_date=D(2018, 6, 1),
        end_date=D(2018, 6, 1),
        hours=8,
    )
    training_attendance_set(
        acting_user=organisation, course=second, helper=cadre, attended=True, hours="6.5"
    )
    lines, total = cadre_record(organisation, cadre, 2018)
    assert [line.course for line in lines] == [second, course] and total == Decimal("30.5")
    lines, total = cadre_record(organisation, other, 2018)
    assert len(lines) == 1 and total is None  # unknown attendance: no total, not zero
    listed = {c.pk: (c.listed, c.present) for c in course_search(organisation, year=2018)}
    assert listed == {course.pk: (2, 1), second.pk: (1, 1)}
    # Who may keep and read.
    with pytest.raises(PermissionDenied):
        training_course_create(
            acting_user=make_user(Role.TOWNSHIP, RENHE),
            region=Region.objects.get(code=RENHE),
            name="x",
            start_date=D(2018, 1, 1),
            end_date=D(2018, 1, 1),
        )
    with pytest.raises(OutOfScope):
        training_course_create(
            acting_user=organisation,
            region=Region.objects.get(code=SUIXIAN),
            name="x",
            start_date=D(2018, 1, 1),
            end_date=D(2018, 1, 1),
        )
    with pytest.raises(TuopinError):
        training_course_create(
            acting_user=organisation,
            region=minquan,
            name="x",
            start_date=D(2018, 2, 1),
            end_date=D(2018, 1, 1),
        )
    village = make_user(Role.VILLAGE, first_village(RENHE).code)
    with pytest.raises(OutOfScope):  # a county course is not the village's to read
        access_course(village, course.pk)
    with pytest.raises(OutOfScope):
        access_course(make_user(Role.COUNTY_OFFICE, SUIXIAN), course.pk)
    assert access_course(make_user(Role.INSPECTOR, MINQUAN), course.pk) == course
