from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from conftest import CITY, MINQUAN, RENHE, SUIXIAN
from tuopin.accounts.models import Assignment
from tuopin.accounts.roles import Role


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_county_office_creates_a_village_user_in_its_county(make_user):
    office = make_user(Role.COUNTY_OFFICE, MINQUAN)
    client = login(office)
    response = client.post(
        reverse("accounts:user_new"),
        {
            "username": "zhangsan",
            "full_name": "张三",
            "password": "Shangqiu#2018",
            "role": Role.VILLAGE,
            "region": "411421101201",
            "organisation": "驻村工作队",
        },
    )
    created = get_user_model().objects.get(username="zhangsan")
    assert response["Location"] == reverse("accounts:user", args=[created.pk])
    assignment = Assignment.objects.get(user=created)
    assert (assignment.role, assignment.region_id) == (Role.VILLAGE, "411421101201")
    assert assignment.history.first().history_user == office
    listing = client.get(reverse("accounts:users")).content.decode()
    assert "zhangsan" in listing and "张三" in listing


def test_creating_a_user_elsewhere_is_refused_and_creates_nothing(make_user):
    client = login(make_user(Role.COUNTY_OFFICE, MINQUAN))
    page = client.post(
        reverse("accounts:user_new"),
        {
            "username": "intruder",
            "password": "Shangqiu#2018",
            "role": Role.COUNTY_OFFICE,
            "region": SUIXIAN[:6],
        },
    ).content.decode()
    assert "无权管理" in page
    assert not get_user_model().objects.filter(username="intruder").exists()


def test_bad_input_names_the_field(make_user):
    client = login(make_user(Role.COUNTY_OFFICE, MINQUAN))
    page = client.post(
        reverse("accounts:user_new"),
        {"username": "lisi", "password": "12345678", "role": Role.VILLAGE, "region": "4114219"},
    ).content.decode()
    assert 'data-testid="error-region"' in page and "区划代码不存在" in page
    page = client.post(
        reverse("accounts:user_new"),
        {"username": "lisi", "password": "12345678", "role": Role.VILLAGE, "region": RENHE},
    ).content.decode()
    assert 'data-testid="error-password"' in page
    page = client.post(
        reverse("accounts:user_new"),
        {"username": "lisi", "password": "Shangqiu#2018", "role": Role.VILLAGE, "region": RENHE},
    ).content.decode()
    assert 'data-testid="error-region"' in page and "层级" in page
    assert not get_user_model().objects.filter(username="lisi").exists()


def test_assignments_outside_the_managers_regions_are_hidden_and_protected(make_user):
    office = make_user(Role.COUNTY_OFFICE, MINQUAN)
    city = make_user(Role.CITY_OFFICE, CITY)
    both = make_user(Role.TOWNSHIP, RENHE)
    from tuopin.accounts.services import assignment_grant
    from tuopin.regions.models import Region

    assignment_grant(
        acting_user=city,
        user=both,
        role=Role.COUNTY_OFFICE,
        region=Region.objects.get(code=SUIXIAN),
    )
    client = login(office)
    page = client.get(reverse("accounts:user", args=[both.pk])).content.decode()
    assert RENHE in page and SUIXIAN not in page
    # The account also works in 睢县, so 民权县 may not disable it.
    client.post(reverse("accounts:user_active", args=[both.pk]), {"active": "0"})
    both.refresh_from_db()
    assert both.is_active
    login(city).post(reverse("accounts:user_active", args=[both.pk]), {"active": "0"})
    both.refresh_from_db()
    assert not both.is_active


def test_revoking_a_role_and_not_ones_own(make_user):
    office = make_user(Role.COUNTY_OFFICE, MINQUAN)
    cadre = make_user(Role.VILLAGE, "411421101201")
    client = login(office)
    assignment = cadre.assignments.get()
    client.post(reverse("accounts:assignment_remove", args=[assignment.pk]))
    assert not cadre.assignments.exists()
    own = office.assignments.get()
    client.post(reverse("accounts:assignment_remove", args=[own.pk]))
    assert office.assignments.filter(pk=own.pk).exists()


def test_roles_without_users_manage_see_no_user_pages(make_user):
    client = login(make_user(Role.TOWNSHIP, RENHE))
    assert client.get(reverse("accounts:users")).status_code == 403
    assert client.get(reverse("accounts:user_new")).status_code == 403


def test_a_county_office_creates_a_sector_user_of_one_department(make_user):
    """A 行业部门 user is role + department + region; the page names the department, and a
    department on any other role is refused with the field named."""
    client = login(make_user(Role.COUNTY_OFFICE, MINQUAN))
    form = {
        "username": "jiaoyu",
        "password": "Shangqiu#2018",
        "role": Role.SECTOR,
        "region": MINQUAN,
        "department": "education",
        "organisation": "民权县教育局",
    }
    response = client.post(reverse("accounts:user_new"), form)
    created = get_user_model().objects.get(username="jiaoyu")
    assert Assignment.objects.get(user=created).department == "education"
    page = client.get(response["Location"]).content.decode()
    assert "行业部门（教育局）" in page
    refused = client.post(
        reverse("accounts:user_new"),
        {**form, "username": "cunguan", "role": Role.COUNTY_OFFICE},
    )
    assert refused.status_code == 200
    assert "只有“行业部门”角色需要选择部门" in refused.content.decode()
    assert not get_user_model().objects.filter(username="cunguan").exists()
