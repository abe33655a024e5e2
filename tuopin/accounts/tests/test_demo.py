"""Demo users for `make run`: one per role, at a region of the right level, idempotent."""

from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command

from tuopin.accounts.demo import DEMO_PASSWORD, demo_users_ensure
from tuopin.accounts.models import Assignment
from tuopin.accounts.roles import ROLE_LEVELS, Department, Role
from tuopin.regions.enums import RegionKind

User = get_user_model()


def test_one_demo_user_per_role_at_a_region_of_the_right_level(shangqiu):
    logins = demo_users_ensure()

    # One per role, a second village cadre (the work team) who proposes the demo's cases,
    # and a 行业部门 user for each department besides `sector` (人社局).
    extra_sectors = len(Department) - 1
    assert len(logins) == len(Role) + 1 + extra_sectors
    usernames = [login["username"] for login in logins]
    assert len(set(usernames)) == len(usernames)
    roles = []
    for login in logins:
        user = User.objects.get(username=login["username"])
        assert user.check_password(DEMO_PASSWORD)
        assert login["password"] == DEMO_PASSWORD
        assignment = Assignment.objects.select_related("region").get(user=user)
        assert assignment.region.level in ROLE_LEVELS[assignment.role]
        assert assignment.region.code in login["region"]
        roles.append(assignment.role)
    assert sorted(roles) == sorted([*Role.values, Role.VILLAGE, *[Role.SECTOR] * extra_sectors])
    sectors = Assignment.objects.filter(role=Role.SECTOR)
    assert sorted(sectors.values_list("department", flat=True)) == sorted(Department.values)
    assert sectors.get(user__username="sector").department == Department.HUMAN_RESOURCES
    assert sectors.get(user__username="sector_education").department == Department.EDUCATION
    assert all(a.region.code == "411421000000" for a in sectors)
    assert not Assignment.objects.exclude(role=Role.SECTOR).exclude(department="").exists()

    village_cadre = Assignment.objects.get(user__username="village", role=Role.VILLAGE)
    assert village_cadre.region.kind == RegionKind.VILLAGE
    assert village_cadre.region.code == "411421101201"  # 朱寨村委会, as README says
    work_team = Assignment.objects.get(user__username="workteam", role=Role.VILLAGE)
    assert work_team.region_id == village_cadre.region_id


def test_demo_users_are_created_once(shangqiu):
    first = demo_users_ensure()
    users = User.objects.count()
    assignments = Assignment.objects.count()
    hashes = dict(User.objects.values_list("username", "password"))

    second = demo_users_ensure()

    assert [login["username"] for login in second] == [login["username"] for login in first]
    assert User.objects.count() == users
    assert Assignment.objects.count() == assignments
    assert dict(User.objects.values_list("username", "password")) == hashes


def test_the_command_prints_every_login(shangqiu):
    out = StringIO()
    call_command("demo_users", stdout=out)
    printed = out.getvalue()
    for user in User.objects.filter(assignments__isnull=False).distinct():
        assert user.username in printed
    assert printed.count(DEMO_PASSWORD) == len(Role) + len(Department)
