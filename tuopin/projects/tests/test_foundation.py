"""The project library and funds' foundation: who reads and keeps which topic, the
library's mandatory performance targets, the notice's masking and minimum period, the
parameters by year and region."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from conftest import CITY, MINQUAN, RENHE, SUIXIAN, first_village
from tuopin.accounts.roles import Department, Role
from tuopin.core.errors import TuopinError
from tuopin.projects import access
from tuopin.projects.access import DISCLOSURE, FUNDS, LIBRARY, TOPICS, WARNINGS
from tuopin.projects.disclosure_services import disclosure_post
from tuopin.projects.enums import DisclosureKind, ProjectCategory, ProjectNature, ProjectStage
from tuopin.projects.lifecycle import ACTIONS, actions_from
from tuopin.projects.models import Project
from tuopin.projects.params import funds_parameter_set, funds_parameter_values
from tuopin.regions.models import Region

pytestmark = pytest.mark.django_db


def test_who_reads_and_keeps_each_topic(make_user):
    county = make_user(Role.COUNTY_OFFICE, MINQUAN)
    assert access.topics_read_by(county) == list(TOPICS)
    assert access.may_keep(county, LIBRARY, MINQUAN) and not access.may_keep(county, FUNDS)
    assert not access.may_read(county, LIBRARY, SUIXIAN)
    village = make_user(Role.VILLAGE, first_village(RENHE).code)
    assert access.topics_read_by(village) == [LIBRARY, DISCLOSURE]
    treasury = make_user(Role.SECTOR, MINQUAN, department=Department.TREASURY)
    assert access.topics_read_by(treasury) == list(TOPICS)
    assert access.may_keep(treasury, FUNDS, MINQUAN) and access.may_keep(treasury, WARNINGS)
    assert not access.may_keep(treasury, LIBRARY)
    education = make_user(Role.SECTOR, MINQUAN, department=Department.EDUCATION)
    assert access.topics_read_by(education) == [LIBRARY]
    assert not access.may_keep(education, LIBRARY)
    auditor = make_user(Role.AUDITOR, CITY)
    assert access.topics_read_by(auditor) == list(TOPICS)
    assert not any(access.may_keep(auditor, topic) for topic in TOPICS)
    assert access.topics_read_by(make_user(Role.HOTLINE, CITY)) == []


def _project(stage: str, targets: str) -> Project:
    county = Region.objects.get(code=MINQUAN)
    return Project.objects.create(
        county=county,
        region=county,
        code=f"P-{stage}",
        year=2018,
        name="朱寨村产业路",
        category=ProjectCategory.INFRASTRUCTURE,
        nature=ProjectNature.NEW,
        unit="人和镇人民政府",
        person="张三",
        tasks="修路 2 公里",
        amount=Decimal("300000"),
        targets=targets,
        stage=stage,
    )


def test_a_project_without_performance_targets_cannot_be_in_the_library():
    assert _project(ProjectStage.APPROVED, "").stage == ProjectStage.APPROVED
    with pytest.raises(IntegrityError), transaction.atomic():
        _project(ProjectStage.IN_LIBRARY, "   ")
    assert _project(ProjectStage.IN_LIBRARY, "受益贫困户 120 户").pk


def test_a_project_s_county_is_its_region_s():
    """The county is not a second key to the regions but a CHECK on the region's code
    (ADR 0025): a project whose county is not its region's is refused by the database."""
    village = first_village(RENHE)
    made = _project(ProjectStage.APPROVED, "")
    Project.objects.filter(pk=made.pk).update(region=village)  # 人和镇 is in 民权县
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=made.pk).update(county_id=SUIXIAN)


def test_the_flow_has_no_skipped_step():
    assert [a.code for a in actions_from(ProjectStage.APPLIED)] == ["review", "return"]
    assert ACTIONS["enter"].sources == (ProjectStage.APPROVED,)
    assert all(ProjectStage.APPLIED not in ACTIONS[c].sources for c in ("approve", "enter"))


def test_a_notice_is_masked_when_posted_and_stays_up_ten_days(make_user):
    county = make_user(Role.COUNTY_OFFICE, MINQUAN)
    region = Region.objects.get(code=MINQUAN)
    notice = disclosure_post(
        acting_user=county,
        kind=DisclosureKind.SUBSIDY_LIST,
        region=region,
        title="2018 年到户补助发放名单",
        starts_on=date(2018, 6, 1),
        columns=["姓名", "身份证号", "金额"],
        rows=[["王小明", "411421198001011234", "2000.00"]],
        personal={0: "name", 1: "id_number"},
    )
    assert notice.ends_on == date(2018, 6, 10)
    assert notice.rows == [["王*明", "411421********1234", "2000.00"]]
    with pytest.raises(TuopinError) as error:
        disclosure_post(
            acting_user=county,
            kind=DisclosureKind.LIBRARY,
            region=region,
            title="短公示",
            starts_on=date(2018, 6, 1),
            ends_on=date(2018, 6, 5),
            columns=[],
            rows=[],
        )
    assert error.value.code == "disclosure_too_short" and "不得少于 10 天" in str(error.value)
    with pytest.raises(PermissionDenied):
        disclosure_post(
            acting_user=make_user(Role.AUDITOR, MINQUAN),
            kind=DisclosureKind.LIBRARY,
            region=region,
            title="x",
            starts_on=date(2018, 6, 1),
            columns=[],
            rows=[],
        )


def test_a_county_sets_a_threshold_from_a_year_on(make_user):
    treasury = make_user(Role.SECTOR, MINQUAN, department=Department.TREASURY)
    county = Region.objects.get(code=MINQUAN)
    assert funds_parameter_values(2018, MINQUAN)["allocation_days_project"] == 60
    funds_parameter_set(
        acting_user=treasury, code="allocation_days_project", region=county, year=2018, value=45
    )
    assert funds_parameter_values(2018, first_village(RENHE).code)["allocation_days_project"] == 45
    assert funds_parameter_values(2017, MINQUAN)["allocation_days_project"] == 60
    assert funds_parameter_values(2018, SUIXIAN)["allocation_days_project"] == 60
    with pytest.raises(PermissionDenied):
        funds_parameter_set(
            acting_user=make_user(Role.AUDITOR, MINQUAN),
            code="idle_days",
            region=county,
            year=2018,
            value=1,
        )
