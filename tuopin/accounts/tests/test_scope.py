"""The one region-scope mechanism: prefixes, filtering, access and permissions by region."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from conftest import CITY, MINQUAN, RENHE, SUIXIAN, first_village, other_county_village
from tuopin.accounts.roles import ROLE_PERMISSIONS, Permission, Role
from tuopin.accounts.selectors import (
    access_job,
    access_region,
    has_permission,
    in_scope,
    job_list_for_user,
    primary_region_code,
    require_permission,
    scope_filter,
    scope_prefixes,
    top_regions,
    user_permissions,
    visible_regions,
)
from tuopin.accounts.services import assignment_grant
from tuopin.core.errors import OutOfScope
from tuopin.core.models import Job
from tuopin.core.services import job_enqueue
from tuopin.regions.models import Region

ALL_PERMISSIONS = set(Permission.values)


def fresh(user):
    """The same user as a new request would see it (no cached assignments)."""
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def village(shangqiu):
    return first_village(RENHE)


@pytest.fixture
def cadre(make_user, village):
    return make_user(Role.VILLAGE, village.code)


@pytest.fixture
def county_office(make_user):
    return make_user(Role.COUNTY_OFFICE, MINQUAN)


# ---------------------------------------------------------------- prefixes


def test_prefixes_are_the_significant_digits_of_each_assignment(make_user, village, cadre):
    assert scope_prefixes(make_user(Role.CITY_OFFICE, CITY)) == ["4114"]
    assert scope_prefixes(make_user(Role.COUNTY_OFFICE, MINQUAN)) == ["411421"]
    assert scope_prefixes(make_user(Role.TOWNSHIP, RENHE)) == ["411421101"]
    assert scope_prefixes(cadre) == [village.code]


def test_two_assignments_give_two_prefixes(make_user, village):
    user = make_user(Role.COUNTY_OFFICE, MINQUAN)
    assignment_grant(
        acting_user=None, user=user, role=Role.AUDITOR, region=Region.objects.get(code=SUIXIAN)
    )
    user = fresh(user)
    assert scope_prefixes(user) == ["411421", "411422"]
    assert in_scope(user, village.code)
    assert in_scope(user, other_county_village(SUIXIAN).code)
    assert not in_scope(user, other_county_village("411423000000").code)
    seen = visible_regions(user)
    assert seen.count() == (
        Region.objects.filter(code__startswith="411421").count()
        + Region.objects.filter(code__startswith="411422").count()
    )


def test_a_prefix_inside_another_is_dropped(make_user, village):
    user = make_user(Role.COUNTY_OFFICE, MINQUAN)
    assignment_grant(acting_user=None, user=user, role=Role.AUDITOR, region=village)
    assignment_grant(
        acting_user=None, user=user, role=Role.TOWNSHIP, region=Region.objects.get(code=RENHE)
    )
    assert scope_prefixes(fresh(user)) == ["411421"]


def test_a_superuser_is_unrestricted(db):
    admin = get_user_model().objects.create_superuser("root", password="x-Strong-2018")
    assert scope_prefixes(admin) is None
    assert in_scope(admin, "411426100201")
    assert visible_regions(admin).count() == Region.objects.count()
    assert user_permissions(admin) == ALL_PERMISSIONS
    assert [region.code for region in top_regions(admin)] == [CITY]


def test_anonymous_and_inactive_users_see_nothing(cadre, village):
    anonymous = AnonymousUser()
    assert scope_prefixes(anonymous) == []
    assert scope_prefixes(None) == []
    assert not in_scope(anonymous, village.code)
    assert visible_regions(anonymous).count() == 0
    assert top_regions(anonymous) == []
    assert user_permissions(anonymous) == set()

    cadre.is_active = False
    cadre.save()
    inactive = fresh(cadre)
    assert scope_prefixes(inactive) == []
    assert not in_scope(inactive, village.code)
    assert visible_regions(inactive).count() == 0
    assert top_regions(inactive) == []


def test_an_inactive_user_holds_no_permission(cadre, village):
    cadre.is_active = False
    cadre.save()
    inactive = fresh(cadre)
    assert user_permissions(inactive) == set()
    assert not has_permission(inactive, Permission.REGISTRY_EDIT, village.code)


def test_a_user_without_assignment_sees_nothing(db):
    user = get_user_model().objects.create_user("nobody", password="x-Strong-2018")
    assert scope_prefixes(user) == []
    assert visible_regions(user).count() == 0
    assert user_permissions(user) == set()
    assert primary_region_code(user) == ""


# ---------------------------------------------------------------- filtering


def test_scope_filter_keeps_rows_of_the_user_regions(make_user, county_office, village):
    owner = make_user(Role.CITY_OFFICE, CITY)
    inside = job_enqueue(acting_user=owner, kind="regions.export", region_code=village.code)
    county = job_enqueue(acting_user=owner, kind="regions.export", region_code=MINQUAN)
    outside = job_enqueue(acting_user=owner, kind="regions.export", region_code=SUIXIAN)
    # Same leading digits, other county: 41142 is a prefix of both 411421 and 411422.
    lookalike = job_enqueue(acting_user=owner, kind="regions.export", region_code="411422100000")

    jobs = set(scope_filter(Job.objects.all(), county_office).values_list("pk", flat=True))
    assert jobs == {inside.pk, county.pk}
    assert set(job_list_for_user(owner).values_list("pk", flat=True)) == {
        inside.pk,
        county.pk,
        outside.pk,
        lookalike.pk,
    }
    regions = scope_filter(Region.objects.all(), county_office, field="code")
    assert regions.count() == Region.objects.filter(code__startswith="411421").count()
    assert not regions.filter(code__startswith="411422").exists()


def test_scope_filter_of_nobody_is_empty(village, make_user):
    owner = make_user(Role.CITY_OFFICE, CITY)
    job_enqueue(acting_user=owner, kind="regions.export", region_code=village.code)
    assert scope_filter(Job.objects.all(), AnonymousUser()).count() == 0


def test_in_scope(cadre, county_office, village):
    assert in_scope(cadre, village.code)
    assert not in_scope(cadre, RENHE)  # a village cadre does not see its township
    assert not in_scope(cadre, village.code[:-3] + "999")  # a neighbouring village
    assert in_scope(county_office, village.code)
    assert in_scope(county_office, MINQUAN)
    assert not in_scope(county_office, SUIXIAN)
    assert not in_scope(county_office, CITY)
    assert not in_scope(county_office, "")


# ---------------------------------------------------------------- access


def test_access_region_returns_a_region_in_scope(county_office, village):
    region = access_region(county_office, village.code)
    assert region == village
    assert region.parent.code == RENHE


def test_access_region_refuses_missing_and_hidden_codes_alike(county_office):
    with pytest.raises(Http404) as missing:
        access_region(county_office, "411421999999")
    assert not isinstance(missing.value, OutOfScope)

    with pytest.raises(OutOfScope) as hidden:
        access_region(county_office, SUIXIAN)
    assert isinstance(hidden.value, Http404)
    assert (hidden.value.object_type, hidden.value.object_id) == ("region", SUIXIAN)
    assert str(hidden.value) == str(missing.value)


def test_access_job_follows_the_job_region(make_user, county_office):
    owner = make_user(Role.CITY_OFFICE, CITY)
    mine = job_enqueue(acting_user=owner, kind="regions.export", region_code=MINQUAN)
    other = job_enqueue(acting_user=owner, kind="regions.export", region_code=SUIXIAN)
    assert access_job(county_office, mine.pk) == mine
    with pytest.raises(OutOfScope):
        access_job(county_office, other.pk)
    with pytest.raises(Http404):
        access_job(county_office, other.pk + 1000)


def test_top_regions(make_user, village):
    assert [r.code for r in top_regions(make_user(Role.CITY_OFFICE, CITY))] == [CITY]
    user = make_user(Role.TOWNSHIP, RENHE)
    assignment_grant(
        acting_user=None, user=user, role=Role.AUDITOR, region=Region.objects.get(code=SUIXIAN)
    )
    assignment_grant(acting_user=None, user=user, role=Role.AUDITOR, region=village)
    assert [r.code for r in top_regions(fresh(user))] == [RENHE, SUIXIAN]


# ---------------------------------------------------------------- permissions


def test_user_permissions_follow_the_region(make_user, village):
    user = make_user(Role.COUNTY_OFFICE, MINQUAN)
    assignment_grant(
        acting_user=None, user=user, role=Role.AUDITOR, region=Region.objects.get(code=SUIXIAN)
    )
    user = fresh(user)
    county_perms = set(ROLE_PERMISSIONS[Role.COUNTY_OFFICE])
    auditor_perms = set(ROLE_PERMISSIONS[Role.AUDITOR])

    assert user_permissions(user, MINQUAN) == county_perms
    assert user_permissions(user, village.code) == county_perms
    assert user_permissions(user, other_county_village(SUIXIAN).code) == auditor_perms
    assert user_permissions(user, CITY) == set()
    assert user_permissions(user, "411423000000") == set()
    assert user_permissions(user) == county_perms | auditor_perms

    assert has_permission(user, Permission.REGISTRY_EDIT, village.code)
    assert not has_permission(user, Permission.REGISTRY_EDIT, SUIXIAN)
    assert has_permission(user, Permission.AUDIT_VIEW, SUIXIAN)
    assert not has_permission(user, Permission.AUDIT_VIEW, MINQUAN)


def test_a_lower_assignment_grants_nothing_above_it(make_user):
    township = make_user(Role.TOWNSHIP, RENHE)
    assert user_permissions(township, RENHE) == set(ROLE_PERMISSIONS[Role.TOWNSHIP])
    assert user_permissions(township, MINQUAN) == set()


def test_require_permission_raises_permission_denied(cadre, village):
    require_permission(cadre, Permission.REGISTRY_EDIT, village.code)  # held: no error
    with pytest.raises(PermissionDenied) as denied:
        require_permission(cadre, Permission.AUDIT_VIEW)
    assert "audit.view" in str(denied.value)
    with pytest.raises(PermissionDenied):
        require_permission(cadre, Permission.REGISTRY_EDIT, other_county_village(SUIXIAN).code)
    with pytest.raises(PermissionDenied):
        require_permission(AnonymousUser(), Permission.REGION_VIEW)


def test_primary_region_is_the_highest_assignment(make_user, village):
    user = make_user(Role.AUDITOR, village.code)
    assignment_grant(
        acting_user=None, user=user, role=Role.AUDITOR, region=Region.objects.get(code=SUIXIAN)
    )
    assert primary_region_code(fresh(user)) == SUIXIAN
    assert primary_region_code(AnonymousUser()) == ""
