"""The role table: complete, consistent with the region levels, and documented verbatim."""

from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.utils import translation

from tuopin.accounts.roles import (
    ROLE_LEVELS,
    ROLE_PERMISSIONS,
    Permission,
    Role,
    permissions_markdown,
)
from tuopin.regions.enums import RegionLevel

DOC = Path(__file__).resolve().parents[3] / "docs" / "permissions.md"


def test_docs_permissions_md_is_the_generated_table():
    assert DOC.is_file(), "run `tuopin roles --markdown > docs/permissions.md`"
    assert DOC.read_text(encoding="utf-8") == permissions_markdown()


def test_the_roles_command_prints_the_same_table():
    out = StringIO()
    call_command("roles", "--markdown", stdout=out)
    assert out.getvalue() == permissions_markdown()


def test_the_table_is_chinese_whatever_the_active_language():
    chinese = permissions_markdown()
    with translation.override("en"):
        assert permissions_markdown() == chinese
    assert "市扶贫办" in chinese
    assert "查看访问日志 `audit.view`" in chinese


def test_the_table_lists_every_role_and_permission():
    table = permissions_markdown()
    for role in Role:
        assert f"`{role.value}`" in table
    for permission in Permission:
        row = next(line for line in table.splitlines() if f"`{permission.value}`" in line)
        marks = [cell.strip() for cell in row.strip("|").split("|")[1:]]
        assert len(marks) == len(Role)
        holders = {role for role, mark in zip(Role, marks, strict=True) if mark == "✓"}
        assert holders == {role for role in Role if permission in ROLE_PERMISSIONS[role]}


def test_every_role_has_levels_and_permissions():
    assert set(ROLE_LEVELS) == set(Role)
    assert set(ROLE_PERMISSIONS) == set(Role)
    for role in Role:
        assert ROLE_LEVELS[role], role
        assert set(ROLE_LEVELS[role]) <= set(RegionLevel.values), role
        assert ROLE_PERMISSIONS[role], role
        assert set(ROLE_PERMISSIONS[role]) <= set(Permission.values), role
        assert Permission.REGION_VIEW in ROLE_PERMISSIONS[role], role


def test_every_permission_is_held_by_some_role():
    held = set().union(*ROLE_PERMISSIONS.values())
    assert held == set(Permission.values)


def test_the_auditor_only_reads():
    writes = {
        Permission.REGION_EDIT,
        Permission.REGISTRY_EDIT,
        Permission.REGISTRY_IMPORT,
        Permission.CASE_PROPOSE,
        Permission.CASE_REVIEW,
        Permission.CASE_APPROVE,
        Permission.ASSISTANCE_EDIT,
        Permission.PROJECT_MANAGE,
        Permission.USERS_MANAGE,
        Permission.PERSON_REVEAL,
    }
    assert not (ROLE_PERMISSIONS[Role.AUDITOR] & writes)
    assert Permission.AUDIT_VIEW in ROLE_PERMISSIONS[Role.AUDITOR]


def test_the_roles_of_each_level():
    assert ROLE_LEVELS[Role.CITY_OFFICE] == ("city",)
    assert ROLE_LEVELS[Role.COUNTY_OFFICE] == ("county",)
    assert ROLE_LEVELS[Role.TOWNSHIP] == ("township",)
    assert ROLE_LEVELS[Role.VILLAGE] == ("village",)
