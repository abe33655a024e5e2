"""Endpoints of the foundation: who am I, regions, jobs, access log. All scoped."""

from django.db.models import Q
from ninja import Query, Router
from ninja.responses import Status

from tuopin.accounts.roles import Permission
from tuopin.accounts.selectors import (
    access_job,
    access_region,
    job_list_for_user,
    require_permission,
    user_assignments,
    user_permissions,
    visible_regions,
)
from tuopin.accounts.services import job_submit
from tuopin.api.schemas import AccessLogOut, JobIn, JobOut, MeOut, RegionOut, answers
from tuopin.api.types import Day, Filter, Limit, RegionCode, RegionPrefix, RowId, Text
from tuopin.audit.models import AccessKind
from tuopin.audit.selectors import access_log_for_user
from tuopin.regions.enums import RegionLevel

router = Router()


@router.get(
    "/me", response=answers({200: MeOut}), tags=["accounts"], summary="当前用户、角色与权限"
)
def me(request):
    user = request.user
    return {
        "username": user.username,
        "full_name": user.first_name,
        "assignments": [
            {
                "role": a.role,
                "role_label": a.get_role_display(),
                "region_code": a.region_id,
                "region_name": a.region.name,
            }
            for a in user_assignments(user)
        ],
        "permissions": sorted(user_permissions(user)),
    }


@router.get(
    "/regions",
    response=answers({200: list[RegionOut]}),
    tags=["regions"],
    summary="按名称或代码搜索区划（仅本人区域）",
)
def region_search(
    request,
    q: Text = "",
    level: Filter[RegionLevel] = None,
    limit: int = Query(50, ge=1, le=500),
):
    regions = visible_regions(request.user)
    if q:
        regions = regions.filter(Q(name__contains=q.strip()) | Q(code__startswith=q.strip()))
    if level:
        regions = regions.filter(level=level)
    return list(regions.order_by("code")[:limit])


@router.get(
    "/regions/{code}", response=answers({200: RegionOut}), tags=["regions"], summary="区划详情"
)
def region_detail(request, code: RegionCode):
    return access_region(request.user, code)


@router.get(
    "/regions/{code}/children",
    response=answers({200: list[RegionOut]}),
    tags=["regions"],
    summary="下级区划",
)
def region_children(request, code: RegionCode):
    region = access_region(request.user, code)
    return list(region.children.order_by("code"))


@router.get(
    "/jobs", response=answers({200: list[JobOut]}), tags=["jobs"], summary="本人区域的后台任务"
)
def job_list(request, limit: Limit = 50):
    return list(job_list_for_user(request.user)[:limit])


@router.get(
    "/jobs/{job_id}", response=answers({200: JobOut}), tags=["jobs"], summary="任务进度与结果"
)
def job_detail(request, job_id: RowId):
    return access_job(request.user, job_id)


@router.post("/jobs", response=answers({201: JobOut}), tags=["jobs"], summary="提交后台任务")
def job_create(request, payload: JobIn):
    job = job_submit(acting_user=request.user, kind=payload.kind, region_code=payload.region_code)
    return Status(201, job)


@router.get(
    "/audit/access-log",
    response=answers({200: list[AccessLogOut]}),
    tags=["audit"],
    summary="访问日志（只读）",
)
def access_log(
    request,
    kind: Filter[AccessKind] = None,
    username: Text = "",
    region: RegionPrefix = "",
    date_from: Day | None = None,
    date_to: Day | None = None,
    limit: int = Query(100, ge=1, le=1000),
):
    require_permission(request.user, Permission.AUDIT_VIEW)
    entries = access_log_for_user(
        request.user,
        kind=kind or "",
        username=username,
        region_prefix=region,
        date_from=date_from,
        date_to=date_to,
    )
    return list(entries[:limit])
