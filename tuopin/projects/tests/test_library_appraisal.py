"""县级行业部门评审: a 行业部门 user appraises (or returns) only a project of their
department (by its category, or where the county office routed it); the county office
keeps appraising and routes; the buttons and refusals follow."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from conftest import MINQUAN
from tuopin.accounts.roles import Department, Role
from tuopin.core.errors import TuopinError
from tuopin.projects.enums import ProjectStage
from tuopin.projects.library_services import actions_for, project_act, project_route
from tuopin.projects.lifecycle import APPRAISERS, appraising_department
from tuopin.projects.tests.library_factories import Users

pytestmark = pytest.mark.django_db


def _codes(user, project) -> set[str]:
    return {a.code for a in actions_for(user, project)}


def test_only_the_department_of_the_category_appraises(make_user):
    users = Users(make_user)
    health = make_user(Role.SECTOR, MINQUAN, department=Department.HEALTH)
    project = users.walk(users.apply(), "review")  # 教育扶贫: 教育局 appraises
    assert appraising_department(project) == Department.EDUCATION
    assert _codes(users.sector, project) == {"appraise", "return"}
    assert _codes(health, project) == set()
    with pytest.raises(PermissionDenied) as refused:
        project_act(action="appraise", project=project, acting_user=health)
    assert "教育局" in str(refused.value) and "education" in str(refused.value)
    with pytest.raises(PermissionDenied):
        project_act(action="return", project=project, acting_user=health, note="不属本部门")
    project.refresh_from_db()
    assert project.stage == ProjectStage.REVIEWED
    project = project_act(action="appraise", project=project, acting_user=users.sector)
    assert project.stage == ProjectStage.APPRAISED


def test_a_category_without_a_department_waits_for_the_county_office(make_user):
    users = Users(make_user)
    assert APPRAISERS["industry"] is None
    project = users.walk(users.apply(category="industry"), "review")
    assert _codes(users.sector, project) == set()
    with pytest.raises(PermissionDenied) as refused:
        project_act(action="appraise", project=project, acting_user=users.sector)
    assert "县扶贫办" in str(refused.value) and "routes" in str(refused.value)
    # the county office keeps the right to appraise it itself
    assert "appraise" in _codes(users.county, project)
    project = project_act(action="appraise", project=project, acting_user=users.county)
    assert project.stage == ProjectStage.APPRAISED


def test_the_county_office_routes_before_the_appraisal(make_user):
    users = Users(make_user)
    housing = make_user(Role.SECTOR, MINQUAN, department=Department.HOUSING)
    project = users.walk(users.apply(category="industry"), "review")
    with pytest.raises(PermissionDenied):
        project_route(acting_user=users.sector, project=project, department=Department.EDUCATION)
    with pytest.raises(PermissionDenied):
        project_route(acting_user=users.township, project=project, department=Department.HOUSING)
    with pytest.raises(TuopinError) as unknown:
        project_route(acting_user=users.county, project=project, department="mars")
    assert unknown.value.code == "department_unknown"
    project = project_route(
        acting_user=users.county, project=project, department=Department.HOUSING, note="涉及住房"
    )
    assert project.appraiser == Department.HOUSING
    step = project.steps.order_by("pk").last()
    assert step.action == "route" and "住建局" in step.note and "涉及住房" in step.note
    assert _codes(housing, project) == {"appraise", "return"}
    assert _codes(users.sector, project) == set()
    project = project_act(action="appraise", project=project, acting_user=housing)
    # once appraised, the route is closed
    with pytest.raises(TuopinError) as late:
        project_route(acting_user=users.county, project=project, department=Department.HEALTH)
    assert late.value.code == "route_too_late" and "不能再指定" in late.value.message_zh
    project.refresh_from_db()
    assert project.appraiser == Department.HOUSING


def test_the_page_shows_the_department_and_the_route_form_only_to_the_county_office(
    make_user,
):
    users = Users(make_user)
    project = users.walk(users.apply(category="industry"), "review")
    url = reverse("projects:project", args=[project.pk])

    def client(user) -> Client:
        c = Client()
        c.force_login(user)
        return c

    county = client(users.county)
    page = county.get(url).content.decode()
    assert 'data-testid="route"' in page and "由县扶贫办评审或指定" in page
    sector_page = client(users.sector).get(url).content.decode()
    assert 'data-testid="route"' not in sector_page
    assert 'data-testid="action-appraise"' not in sector_page
    refused = client(users.sector).post(
        reverse("projects:project_route", args=[project.pk]), {"department": "education"}
    )
    assert refused.status_code == 403
    routed = county.post(
        reverse("projects:project_route", args=[project.pk]), {"department": "education"}
    )
    assert routed.status_code == 302
    sector_page = client(users.sector).get(url).content.decode()
    assert 'data-testid="action-appraise"' in sector_page and "教育局" in sector_page
