"""Writes of the accounts app: users, role assignments, API tokens, job submission."""

import hashlib

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import Http404

from conftest import CITY, MINQUAN, RENHE, SUIXIAN, first_village, other_county_village
from tuopin.accounts.models import ApiToken, Assignment
from tuopin.accounts.roles import Role
from tuopin.accounts.selectors import api_token_for_key
from tuopin.accounts.services import (
    api_token_issue,
    api_token_revoke,
    assignment_grant,
    job_submit,
    region_attributes_change,
    user_create,
)
from tuopin.core.errors import OutOfScope, TuopinError
from tuopin.core.models import Job
from tuopin.regions.models import HistoricalRegion, Region

User = get_user_model()


def region(code: str) -> Region:
    return Region.objects.get(code=code)


# ---------------------------------------------------------------- assignments


@pytest.mark.parametrize(
    ("role", "code"),
    [
        (Role.VILLAGE, MINQUAN),
        (Role.VILLAGE, RENHE),
        (Role.COUNTY_OFFICE, CITY),
        (Role.CITY_OFFICE, MINQUAN),
        (Role.TOWNSHIP, MINQUAN),
        (Role.SECTOR, RENHE),
        (Role.HOTLINE, RENHE),
    ],
)
def test_a_role_at_the_wrong_level_is_refused(make_user, role, code):
    user = make_user(Role.AUDITOR, CITY)
    with pytest.raises(TuopinError) as error:
        assignment_grant(acting_user=None, user=user, role=role, region=region(code))
    assert error.value.code == "role_level_mismatch"
    assert error.value.field == "region"
    assert Assignment.objects.filter(user=user).count() == 1


def test_an_unknown_role_is_refused(make_user):
    user = make_user(Role.AUDITOR, CITY)
    with pytest.raises(TuopinError) as error:
        assignment_grant(acting_user=None, user=user, role="mayor", region=region(CITY))
    assert error.value.code == "role_unknown"


def test_granting_the_same_role_twice_keeps_one_assignment(make_user):
    user = make_user(Role.AUDITOR, CITY)
    first = assignment_grant(acting_user=None, user=user, role=Role.AUDITOR, region=region(SUIXIAN))
    again = assignment_grant(acting_user=None, user=user, role=Role.AUDITOR, region=region(SUIXIAN))
    assert first.pk == again.pk
    assert Assignment.objects.filter(user=user).count() == 2


def test_a_county_office_grants_roles_within_its_county_only(make_user):
    office = make_user(Role.COUNTY_OFFICE, MINQUAN)
    staff = make_user(Role.AUDITOR, CITY)

    granted = assignment_grant(
        acting_user=office, user=staff, role=Role.TOWNSHIP, region=region(RENHE)
    )
    assert (granted.role, granted.region_id) == (Role.TOWNSHIP, RENHE)
    village = first_village(RENHE)
    assert assignment_grant(acting_user=office, user=staff, role=Role.VILLAGE, region=village)

    suixian_township = Region.objects.filter(parent_id=SUIXIAN).order_by("code").first()
    with pytest.raises(TuopinError) as error:
        assignment_grant(
            acting_user=office, user=staff, role=Role.TOWNSHIP, region=suixian_township
        )
    assert error.value.code == "users_manage_denied"
    with pytest.raises(TuopinError) as error:
        assignment_grant(acting_user=office, user=staff, role=Role.CITY_OFFICE, region=region(CITY))
    assert error.value.code == "users_manage_denied"
    assert not Assignment.objects.filter(user=staff, region=suixian_township).exists()
    assert not Assignment.objects.filter(user=staff, role=Role.CITY_OFFICE).exists()


def test_a_user_without_users_manage_cannot_grant(make_user):
    township = make_user(Role.TOWNSHIP, RENHE)
    staff = make_user(Role.AUDITOR, CITY)
    with pytest.raises(TuopinError) as error:
        assignment_grant(
            acting_user=township, user=staff, role=Role.VILLAGE, region=first_village(RENHE)
        )
    assert error.value.code == "users_manage_denied"


def test_a_county_office_creates_users_in_its_county_only(make_user):
    office = make_user(Role.COUNTY_OFFICE, MINQUAN)
    created = user_create(
        acting_user=office,
        username="renhe-staff",
        password="Renhe#2018-ok",
        role=Role.TOWNSHIP,
        region=region(RENHE),
    )
    assert created.assignments.get().region_id == RENHE

    suixian_township = Region.objects.filter(parent_id=SUIXIAN).order_by("code").first()
    with pytest.raises(TuopinError) as error:
        user_create(
            acting_user=office,
            username="suixian-staff",
            password="Suixian#2018-ok",
            role=Role.TOWNSHIP,
            region=suixian_township,
        )
    assert error.value.code == "users_manage_denied"
    # The user row is rolled back with the refused assignment.
    assert not User.objects.filter(username="suixian-staff").exists()


# ---------------------------------------------------------------- users


def test_user_create_stores_a_hashed_password_and_one_assignment(shangqiu):
    user = user_create(
        acting_user=None,
        username="zhangsan",
        password="Shangqiu#2018",
        full_name="张三",
        role=Role.COUNTY_OFFICE,
        region=region(MINQUAN),
        organisation="民权县扶贫办",
    )
    assert user.first_name == "张三"
    assert user.check_password("Shangqiu#2018")
    assert "Shangqiu#2018" not in user.password
    assignment = user.assignments.get()
    assert (assignment.role, assignment.region_id, assignment.organisation) == (
        Role.COUNTY_OFFICE,
        MINQUAN,
        "民权县扶贫办",
    )
    assert user.history.count() == 1
    assert assignment.history.count() == 1


@pytest.mark.parametrize(
    "password",
    ["short1!", "12345678901", "password123", "password", "qwertyuiop"],
)
def test_user_create_refuses_weak_passwords(shangqiu, password):
    with pytest.raises(TuopinError) as error:
        user_create(
            acting_user=None,
            username="weak",
            password=password,
            role=Role.CITY_OFFICE,
            region=region(CITY),
        )
    assert error.value.code == "password_weak"
    assert error.value.field == "password"
    assert error.value.message_zh.startswith("密码不符合要求")
    assert not User.objects.filter(username="weak").exists()


def test_user_create_refuses_a_duplicate_username(make_user):
    make_user(Role.CITY_OFFICE, CITY, username="lisi")
    with pytest.raises(TuopinError) as error:
        make_user(Role.COUNTY_OFFICE, MINQUAN, username="lisi")
    assert error.value.code == "user_exists"
    assert error.value.field == "username"
    assert User.objects.filter(username="lisi").count() == 1
    assert User.objects.get(username="lisi").assignments.get().region_id == CITY


def test_user_create_with_a_role_at_the_wrong_level_creates_nothing(shangqiu):
    with pytest.raises(TuopinError) as error:
        user_create(
            acting_user=None,
            username="misplaced",
            password="Shangqiu#2018",
            role=Role.VILLAGE,
            region=region(MINQUAN),
        )
    assert error.value.code == "role_level_mismatch"
    assert not User.objects.filter(username="misplaced").exists()


def test_the_users_command_reports_errors_in_both_languages(shangqiu):
    with pytest.raises(CommandError) as error:
        call_command(
            "users",
            "create",
            "cmduser",
            "--password",
            "Shangqiu#2018",
            "--role",
            Role.VILLAGE,
            "--region",
            "411421",
        )
    assert "只能分配在" in str(error.value)
    assert "is for levels village" in str(error.value)
    assert not User.objects.filter(username="cmduser").exists()
    call_command(
        "users",
        "create",
        "cmduser",
        "--password",
        "Shangqiu#2018",
        "--role",
        Role.COUNTY_OFFICE,
        "--region",
        "411421",
    )
    assert User.objects.get(username="cmduser").assignments.get().region_id == MINQUAN


def test_the_users_command_gives_a_sector_user_its_department(shangqiu):
    common = ["--password", "Shangqiu#2018", "--role", Role.SECTOR, "--region", "411421"]
    call_command("users", "create", "weijian", *common, "--department", "health")
    assert User.objects.get(username="weijian").assignments.get().department == "health"
    with pytest.raises(CommandError) as error:
        call_command("users", "create", "nowhere", *common, "--department", "police")
    assert "未知的行业部门" in str(error.value) and "unknown department" in str(error.value)
    assert not User.objects.filter(username="nowhere").exists()


# ---------------------------------------------------------------- API tokens


def test_an_issued_token_works_and_only_its_hash_is_stored(make_user):
    user = make_user(Role.SECTOR, MINQUAN)
    token, raw = api_token_issue(acting_user=user, user=user, name="教育局数据交换")

    assert raw.startswith("tp_") and len(raw) > 40
    found = api_token_for_key(raw)
    assert found is not None and found.pk == token.pk and found.user == user

    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert stored.prefix == raw[:8]
    for field in ApiToken._meta.concrete_fields:
        assert getattr(stored, field.attname) != raw
    for record in ApiToken.history.filter(id=token.pk):
        assert raw not in {str(value) for value in record.__dict__.values()}

    assert api_token_for_key(raw + "x") is None
    assert api_token_for_key("") is None


def test_a_revoked_token_stops_working(make_user):
    user = make_user(Role.SECTOR, MINQUAN)
    token, raw = api_token_issue(acting_user=user, user=user, name="api")
    other, other_raw = api_token_issue(acting_user=user, user=user, name="second")

    api_token_revoke(acting_user=user, token=token)

    assert api_token_for_key(raw) is None
    assert api_token_for_key(other_raw).pk == other.pk
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_a_token_of_an_inactive_user_stops_working(make_user):
    user = make_user(Role.SECTOR, MINQUAN)
    _, raw = api_token_issue(acting_user=user, user=user, name="api")
    user.is_active = False
    user.save()
    assert api_token_for_key(raw) is None


def test_tokens_are_issued_and_revoked_only_by_their_owner(make_user):
    user = make_user(Role.SECTOR, MINQUAN)
    stranger = make_user(Role.CITY_OFFICE, CITY)
    with pytest.raises(TuopinError) as error:
        api_token_issue(acting_user=stranger, user=user, name="api")
    assert error.value.code == "token_denied"
    assert not ApiToken.objects.filter(user=user).exists()

    token, raw = api_token_issue(acting_user=user, user=user, name="api")
    with pytest.raises(TuopinError):
        api_token_revoke(acting_user=stranger, token=token)
    assert api_token_for_key(raw) is not None


def test_two_tokens_never_share_a_key(make_user):
    user = make_user(Role.SECTOR, MINQUAN)
    keys = {api_token_issue(acting_user=user, user=user, name=f"t{i}")[1] for i in range(5)}
    assert len(keys) == 5


# ---------------------------------------------------------------- job submission


def test_job_submit_checks_scope_and_permission(make_user):
    village = first_village(RENHE)
    cadre = make_user(Role.VILLAGE, village.code)
    with pytest.raises(OutOfScope):
        job_submit(
            acting_user=cadre, kind="regions.export", region_code=other_county_village(SUIXIAN).code
        )
    # A village cadre may run jobs but not export data.
    with pytest.raises(PermissionDenied):
        job_submit(acting_user=cadre, kind="regions.export", region_code=village.code)
    hotline = make_user(Role.HOTLINE, CITY)
    with pytest.raises(PermissionDenied):
        job_submit(acting_user=hotline, kind="regions.export", region_code=CITY)
    with pytest.raises(TuopinError) as error:
        job_submit(acting_user=cadre, kind="nothing.here", region_code=village.code)
    assert error.value.code == "job_kind_unknown"
    assert Job.objects.count() == 0

    office = make_user(Role.COUNTY_OFFICE, MINQUAN)
    job = job_submit(acting_user=office, kind="regions.export", region_code=RENHE)
    assert (job.owner, job.region_code, job.status) == (office, RENHE, "queued")


def test_a_user_without_region_edit_outside_its_scope_cannot_change_a_region(make_user):
    # A village cadre (no region.edit) must not mark a village of another county as poor.
    cadre = make_user(Role.VILLAGE, first_village(RENHE).code)
    elsewhere = other_county_village(SUIXIAN)
    history_before = HistoricalRegion.objects.filter(code=elsewhere.code).count()

    with pytest.raises((PermissionDenied, Http404, TuopinError)):
        region_attributes_change(
            acting_user=cadre, region_code=elsewhere.code, is_poor_village=True
        )

    assert Region.objects.get(code=elsewhere.code).is_poor_village is False
    assert HistoricalRegion.objects.filter(code=elsewhere.code).count() == history_before


def test_a_county_office_changes_attributes_only_in_its_county(make_user):
    office = make_user(Role.COUNTY_OFFICE, MINQUAN)
    own = first_village(RENHE)
    region_attributes_change(acting_user=office, region_code=own.code, is_poor_village=True)
    assert Region.objects.get(code=own.code).is_poor_village is True
    with pytest.raises(Http404):
        region_attributes_change(
            acting_user=office,
            region_code=other_county_village(SUIXIAN).code,
            is_poor_village=True,
        )


def test_only_the_city_office_appoints_auditors_and_inspectors(make_user):
    county_office = make_user(Role.COUNTY_OFFICE, MINQUAN)
    appointing = make_user(Role.COUNTY_OFFICE, MINQUAN)
    city_office = make_user(Role.CITY_OFFICE, CITY)
    minquan = Region.objects.get(code=MINQUAN)
    for role in (Role.AUDITOR, Role.INSPECTOR):
        with pytest.raises(TuopinError) as refused:
            assignment_grant(acting_user=appointing, user=county_office, role=role, region=minquan)
        assert refused.value.code == "oversight_role_denied"
    assert not Assignment.objects.filter(user=county_office, role=Role.AUDITOR).exists()
    granted = assignment_grant(
        acting_user=city_office, user=county_office, role=Role.AUDITOR, region=minquan
    )
    assert granted.history.first().history_user == city_office


def test_nobody_grants_a_role_to_themselves(make_user, client):
    county_office = make_user(Role.COUNTY_OFFICE, MINQUAN)
    city_office = make_user(Role.CITY_OFFICE, CITY)
    renhe = Region.objects.get(code=RENHE)
    for user in (county_office, city_office):
        with pytest.raises(TuopinError) as refused:
            assignment_grant(acting_user=user, user=user, role=Role.TOWNSHIP, region=renhe)
        assert refused.value.code == "assignment_self_grant"
        assert "自己" in refused.value.message_zh
    assert not Assignment.objects.filter(role=Role.TOWNSHIP).exists()
    # The same through the user pages: no button on one's own page, a posted form refused.
    client.force_login(county_office)
    page = client.get(f"/accounts/users/{county_office.pk}/").content.decode()
    assert 'data-testid="own-account"' in page and "分配</button>" not in page
    response = client.post(
        f"/accounts/users/{county_office.pk}/", {"role": Role.TOWNSHIP, "region": RENHE}
    )
    assert "不能给自己分配角色" in response.content.decode()
    assert not Assignment.objects.filter(role=Role.TOWNSHIP).exists()
    # Another officer may grant it.
    colleague = make_user(Role.COUNTY_OFFICE, MINQUAN)
    assignment_grant(acting_user=colleague, user=county_office, role=Role.TOWNSHIP, region=renhe)
