"""Writes of the accounts app: users, assignments, API tokens."""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tuopin.accounts.models import ApiToken, Assignment
from tuopin.accounts.roles import OVERSIGHT_ROLES, ROLE_LEVELS, Department, Permission, Role
from tuopin.accounts.selectors import (
    access_region,
    forget_assignments,
    has_permission,
    permission_name_zh,
    require_permission,
    user_assignments,
)
from tuopin.accounts.tokens import hash_key, new_key
from tuopin.core.errors import TuopinError
from tuopin.core.jobs import job_kind, job_params_check
from tuopin.core.models import Job
from tuopin.core.services import job_enqueue
from tuopin.regions.models import Region
from tuopin.regions.services import region_update_attributes


def _may_manage(acting_user, region: Region) -> bool:
    # None is the command line, run by whoever administers the server.
    return acting_user is None or has_permission(acting_user, Permission.USERS_MANAGE, region.code)


def user_create(
    *,
    acting_user,
    username: str,
    password: str,
    full_name: str = "",
    role: str,
    region: Region,
    organisation: str = "",
    department: str = "",
    password_hash: str = "",
):
    """A new user with a first assignment; the password must pass the validators.

    `password_hash`: that password already hashed by the caller (`make_password`), for
    users created together with one password (the demo's: argon2 takes 0.4 s a hash)."""
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise TuopinError(
            "user_exists",
            f"用户名 {username} 已存在",
            f"username {username} is taken",
            field="username",
        )
    try:
        validate_password(password)
    except ValidationError as invalid:
        raise TuopinError(
            "password_weak",
            "密码不符合要求：" + "；".join(invalid.messages),
            "password rejected: " + "; ".join(invalid.messages),
            field="password",
        ) from invalid
    with transaction.atomic():
        user = User(username=username, first_name=full_name)
        if password_hash:
            user.password = password_hash
        else:
            user.set_password(password)
        user._history_user = acting_user
        user.save()
        assignment_grant(
            acting_user=acting_user,
            user=user,
            role=role,
            region=region,
            organisation=organisation,
            department=department,
        )
    return user


def assignment_grant(
    *, acting_user, user, role: str, region: Region, organisation: str = "", department: str = ""
) -> Assignment:
    """Give `user` a role in `region`; the role must fit the region's level. Nobody grants
    a role to themselves: with two roles one person could take two review steps.
    `department`: for a 行业部门 user, the department whose ledgers they keep (without one
    they keep and read none); no other role has one."""
    if acting_user is not None and acting_user.pk == user.pk:
        raise TuopinError(
            "assignment_self_grant",
            "不能给自己分配角色，请由其他有权限的人员分配",
            "you cannot grant a role to yourself; ask another user who manages users",
            field="role",
        )
    if role not in Role.values:
        raise TuopinError(
            "role_unknown", f"未知角色：{role}", f"unknown role: {role}", field="role"
        )
    _check_department(role, department)
    if region.level not in ROLE_LEVELS[role]:
        levels = "、".join(ROLE_LEVELS[role])
        raise TuopinError(
            "role_level_mismatch",
            f"角色“{Role(role).label}”只能分配在 {levels} 层级，{region.name} 是 {region.level}",
            f"role {role} is for levels {', '.join(ROLE_LEVELS[role])}; "
            f"{region.code} is a {region.level}",
            field="region",
        )
    if not _may_manage(acting_user, region):
        raise TuopinError(
            "users_manage_denied",
            f"无权管理 {region.name} 的用户",
            f"you may not manage users of {region.code}",
            field="region",
        )
    if role in OVERSIGHT_ROLES and not _is_city_or_cli(acting_user):
        raise TuopinError(
            "oversight_role_denied",
            f"“{Role(role).label}”角色只能由市扶贫办或系统管理员分配",
            f"only the city office or an administrator may grant the {role} role",
            field="role",
        )
    existing = Assignment.objects.filter(user=user, role=role, region=region).first()
    if existing is not None:
        return existing
    assignment = Assignment(
        user=user, role=role, region=region, organisation=organisation, department=department
    )
    assignment._history_user = acting_user
    assignment.save()
    forget_assignments(user)
    return assignment


def _check_department(role: str, department: str) -> None:
    if department and department not in Department.values:
        raise TuopinError(
            "department_unknown",
            f"未知的行业部门：{department}",
            f"unknown department: {department}",
            field="department",
        )
    if department and role != Role.SECTOR:
        raise TuopinError(
            "department_not_for_role",
            "只有“行业部门”角色需要选择部门",
            "only the sector role has a department",
            field="department",
        )


def _is_city_or_cli(acting_user) -> bool:
    # Auditors and inspectors watch the offices; an office must not appoint its own.
    if acting_user is None or acting_user.is_superuser:
        return True
    return any(
        a.role == Role.CITY_OFFICE and a.region.level == "city"
        for a in user_assignments(acting_user)
    )


def api_token_issue(*, acting_user, user, name: str) -> tuple[ApiToken, str]:
    """A new token; the raw key is returned once and never stored."""
    if acting_user is not None and acting_user != user and not acting_user.is_superuser:
        raise TuopinError(
            "token_denied", "只能为自己创建令牌", "you may only create your own tokens"
        )
    raw = new_key()
    token = ApiToken(user=user, name=name or "api", prefix=raw[:8], key_hash=hash_key(raw))
    token._history_user = acting_user
    token.save()
    return token, raw


def api_token_revoke(*, acting_user, token: ApiToken) -> ApiToken:
    if acting_user is not None and acting_user != token.user and not acting_user.is_superuser:
        raise TuopinError(
            "token_denied", "只能吊销自己的令牌", "you may only revoke your own tokens"
        )
    token.revoked_at = timezone.now()
    token._history_user = acting_user
    token.save(update_fields=["revoked_at"])
    return token


def api_token_touch(token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())


def job_submit(*, acting_user, kind: str, region_code: str, params: dict | None = None) -> Job:
    """Queue a job for a region in the user's scope, if the user may run that kind there."""
    definition = job_kind(kind)
    if definition is None:
        raise TuopinError(
            "job_kind_unknown", f"未知的任务类型：{kind}", f"unknown job kind: {kind}", field="kind"
        )
    region = access_region(acting_user, region_code)
    require_permission(acting_user, Permission.JOBS_RUN, region.code)
    if not any(has_permission(acting_user, p, region.code) for p in definition.permissions):
        wanted = " / ".join(definition.permissions)
        wanted_zh = " / ".join(permission_name_zh(p) for p in definition.permissions)
        raise PermissionDenied(f"没有权限：{wanted_zh} (permission required: {wanted})")
    for permission in definition.reads_all:  # nobody queues a result they may not read
        require_permission(acting_user, permission, region.code)
    params = job_params_check(definition, params)
    if definition.authorize is not None:
        definition.authorize(acting_user, region.code, params)
    return job_enqueue(
        acting_user=acting_user,
        kind=kind,
        region_code=region.code,
        params=params,
        reveals=has_permission(acting_user, Permission.PERSON_REVEAL, region.code),
    )


def region_attributes_change(*, acting_user, region_code: str, **attributes) -> Region:
    """The scoped way to change a region's poverty attributes: in scope, with region.edit."""
    region = access_region(acting_user, region_code)
    require_permission(acting_user, Permission.REGION_EDIT, region.code)
    return region_update_attributes(acting_user=acting_user, region=region, **attributes)


def _require_manage_everywhere(acting_user, user) -> None:
    """A change to a whole account needs authority over every region the account works in."""
    regions = [a.region for a in Assignment.objects.filter(user=user).select_related("region")]
    if not regions or not all(_may_manage(acting_user, region) for region in regions):
        raise TuopinError(
            "users_manage_denied",
            "该用户在您管理范围之外的区域也有角色，不能由您修改",
            "the user also works in regions you do not manage",
        )


def assignment_revoke(*, acting_user, assignment: Assignment) -> None:
    if not _may_manage(acting_user, assignment.region):
        raise TuopinError(
            "users_manage_denied",
            f"无权管理 {assignment.region.name} 的用户",
            f"you may not manage users of {assignment.region_id}",
        )
    if acting_user is not None and assignment.user_id == acting_user.pk:
        raise TuopinError(
            "assignment_self_revoke", "不能撤销自己的角色", "you cannot revoke your own role"
        )
    assignment._history_user = acting_user
    assignment.delete()
    forget_assignments(assignment.user)


def user_set_active(*, acting_user, user, active: bool):
    """Disable or re-enable a login; history keeps who did it."""
    _require_manage_everywhere(acting_user, user)
    if acting_user is not None and user.pk == acting_user.pk and not active:
        raise TuopinError("user_self_disable", "不能停用自己的账号", "you cannot disable yourself")
    user.is_active = active
    user._history_user = acting_user
    user.save(update_fields=["is_active"])
    return user
