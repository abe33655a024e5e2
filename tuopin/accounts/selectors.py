"""The one region-scope mechanism: what a user may see and do, and where.

Every list, detail, export, API route and report filters through `scope_filter`
or `access_region`. A user's visible set is "code starts with one of my
prefixes"; a row outside it answers exactly like a missing row.
"""

from functools import reduce
from operator import or_

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import translation

from tuopin.accounts.models import ApiToken, Assignment
from tuopin.accounts.roles import ROLE_PERMISSIONS, Permission
from tuopin.accounts.tokens import hash_key
from tuopin.core.errors import OutOfScope
from tuopin.core.jobs import job_kind, job_kinds
from tuopin.core.models import Job
from tuopin.core.regioncodes import expand_code, significant_prefix, within
from tuopin.regions.models import Region
from tuopin.regions.selectors import region_ancestors

UNRESTRICTED = None


def _assignments(user) -> list[Assignment]:
    cached = getattr(user, "_tuopin_assignments", None)
    if cached is None:
        cached = list(Assignment.objects.filter(user=user).select_related("region"))
        user._tuopin_assignments = cached
    return cached


def _wanted(permission: str | tuple[str, ...]) -> tuple[str, ...]:
    return (permission,) if isinstance(permission, str) else permission


def forget_assignments(user) -> None:
    """Drop the per-request cache after the user's assignments changed."""
    user.__dict__.pop("_tuopin_assignments", None)


def scope_prefixes(user, permission: str | tuple[str, ...] | None = None) -> list[str] | None:
    """The code prefixes the user may see; None for a superuser, [] for nobody.

    With `permission`, only the assignments whose role holds it (a tuple: all of them)
    count: an auditor in one township who is also a county officer elsewhere reads the
    log of the township.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return UNRESTRICTED
    prefixes = sorted(
        {
            significant_prefix(a.region_id)
            for a in _assignments(user)
            if permission is None or set(_wanted(permission)) <= ROLE_PERMISSIONS[a.role]
        }
    )
    # Drop prefixes already covered by a shorter one.
    return [p for p in prefixes if not any(p != q and p.startswith(q) for q in prefixes)]


def scope_q(user, field: str = "region_code", permission: str | None = None) -> Q:
    prefixes = scope_prefixes(user, permission)
    if prefixes is UNRESTRICTED:
        return Q()
    if not prefixes:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{field}__startswith": prefix}) for prefix in prefixes))


def scope_filter(queryset: QuerySet, user, field: str = "region_code") -> QuerySet:
    """The rows of `queryset` whose region (at `field`) lies in the user's scope."""
    return queryset.filter(scope_q(user, field))


def in_scope(user, code: str) -> bool:
    prefixes = scope_prefixes(user)
    return prefixes is UNRESTRICTED or within(code or "", prefixes)


def region_breadcrumbs(user, region: Region) -> list[tuple[Region, bool]]:
    """The region's ancestors from the top, each with whether the user may open it (a
    link) or only sees its name (above the user's own region)."""
    return [(ancestor, in_scope(user, ancestor.code)) for ancestor in region_ancestors(region)]


def access_region(user, code: str) -> Region:
    """The region if the user may see it; 404 alike for missing and out-of-scope codes."""
    region = Region.objects.filter(code=code).select_related("parent").first()
    if region is None:
        raise Http404("未找到 (not found)")
    if not in_scope(user, region.code):
        raise OutOfScope("region", code)
    return region


def visible_regions(user) -> QuerySet:
    return scope_filter(Region.objects.all(), user, field="code")


def top_regions(user) -> list[Region]:
    """The highest regions the user may see: where navigation starts."""
    prefixes = scope_prefixes(user)
    if prefixes is UNRESTRICTED:
        return list(Region.objects.filter(parent__isnull=True))
    codes = [prefix.ljust(12, "0") for prefix in prefixes]
    return list(Region.objects.filter(code__in=codes).order_by("code"))


def user_permissions(user, region_code: str | None = None) -> set[str]:
    """Permissions the user holds (at `region_code`, when given)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser:
        return set().union(*ROLE_PERMISSIONS.values())
    granted: set[str] = set()
    for assignment in _assignments(user):
        if region_code is None or region_code.startswith(significant_prefix(assignment.region_id)):
            granted |= ROLE_PERMISSIONS[assignment.role]
    return granted


def has_permission(user, permission: str, region_code: str | None = None) -> bool:
    return permission in user_permissions(user, region_code)


def require_permission(user, permission: str, region_code: str | None = None) -> None:
    if not has_permission(user, permission, region_code):
        raise PermissionDenied(
            f"没有权限：{permission_name_zh(permission)} (permission required: {permission})"
        )


def permission_name_zh(permission: str) -> str:
    """The permission's Chinese name: refusals are logged and shown in Chinese."""
    with translation.override("zh-hans"):
        return str(Permission(permission).label) if permission in Permission.values else permission


def user_assignments(user) -> list[Assignment]:
    return _assignments(user)


def primary_region_code(user) -> str:
    """The region an event of this user is filed under when no object says otherwise."""
    assignments = _assignments(user) if user is not None and user.is_authenticated else []
    codes = [a.region_id for a in assignments]
    return min(codes, default="", key=lambda code: (len(significant_prefix(code)), code))


def api_token_for_key(raw_key: str) -> ApiToken | None:
    token = (
        ApiToken.objects.filter(key_hash=hash_key(raw_key), revoked_at__isnull=True)
        .select_related("user")
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    return token


def _job_readable_q(user) -> Q:
    """Jobs filed under a region where the user holds what their kind's result needs
    (a hotline operator sees no export of the county office, though in its region)."""
    by_kind = [
        Q(kind=kind.kind) & scope_q(user, permission=kind.reads) for kind in job_kinds().values()
    ]
    return reduce(or_, by_kind, Q(pk__in=[]))


def job_list_for_user(user) -> QuerySet:
    """Jobs of the user's regions (a job is filed under the region it works on) whose
    results the user may read."""
    jobs = Job.objects.select_related("owner").filter(_job_readable_q(user))
    return jobs.order_by("-created_at", "-id")


def access_job(user, job_id: int) -> Job:
    """The job if the user may read its result; 404 alike for missing, out-of-scope and
    unreadable jobs, so a job number tells nothing of another office's work."""
    job = Job.objects.filter(pk=job_id).select_related("owner").first()
    if job is None:
        raise Http404("未找到 (not found)")
    if not in_scope(user, job.region_code):
        raise OutOfScope("job", str(job_id))
    kind = job_kind(job.kind)
    if kind is None or not all(has_permission(user, p, job.region_code) for p in kind.reads_all):
        raise OutOfScope("job", str(job_id))
    return job


def access_job_file(user, job_id: int) -> Job:
    """The job whose result file the user may download: a file with full personal data
    also needs the right to reveal it there (the download is logged as a reveal)."""
    job = access_job(user, job_id)
    if not may_take_job_file(user, job):
        raise PermissionDenied(
            f"没有权限：{permission_name_zh(Permission.PERSON_REVEAL)} (permission required: person.reveal)"
        )
    return job


def may_take_job_file(user, job: Job) -> bool:
    """For a job the user may read: whether its file is theirs to take (the button too)."""
    return not job.reveals or has_permission(user, Permission.PERSON_REVEAL, job.region_code)


def managed_user_list(viewer) -> QuerySet:
    """Users holding an assignment where the viewer manages users."""
    users = get_user_model().objects.all()
    if scope_prefixes(viewer, Permission.USERS_MANAGE) is not UNRESTRICTED:
        scope = scope_q(viewer, "assignments__region__code", Permission.USERS_MANAGE)
        users = users.filter(scope).distinct()
    return users.order_by("username")


def managed_assignments(viewer, user) -> list[Assignment]:
    """The user's assignments the viewer may see: those inside the viewer's manage scope."""
    prefixes = scope_prefixes(viewer, Permission.USERS_MANAGE)
    return [
        a
        for a in Assignment.objects.filter(user=user).select_related("region")
        if prefixes is UNRESTRICTED or within(a.region_id, prefixes)
    ]


def access_managed_user(viewer, user_id: int):
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        raise Http404("未找到 (not found)")
    if not managed_user_list(viewer).filter(pk=user_id).exists():
        raise OutOfScope("user", str(user_id))
    return user


def requested_region(user, text: str | None) -> Region:
    """The region a page is asked for (12 digits or a significant prefix), else the
    user's first top region; a code outside the user's regions answers 404."""
    text = (text or "").strip()
    if not text:
        tops = top_regions(user)
        if not tops:
            raise Http404("未找到 (not found)")
        return tops[0]
    code = expand_code(text)
    if code is None:
        raise Http404("未找到 (not found)")
    return access_region(user, code)
