"""Background jobs in the browser: submit, watch the progress bar, download the result."""

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tuopin.accounts.roles import Permission
from tuopin.accounts.selectors import (
    access_job,
    access_job_file,
    job_list_for_user,
    may_take_job_file,
    require_permission,
)
from tuopin.accounts.services import job_submit
from tuopin.audit.models import AccessKind
from tuopin.audit.services import access_log_record
from tuopin.core.errors import TuopinError
from tuopin.core.jobs import job_kinds


@login_required
def job_list(request):
    require_permission(request.user, Permission.JOBS_RUN)
    jobs = list(job_list_for_user(request.user)[:100])
    kinds = job_kinds()
    for job in jobs:  # people read the kind's name, not its code
        job.kind_label = kinds[job.kind].label_zh if job.kind in kinds else job.kind
    return render(request, "web/jobs.html", {"jobs": jobs})


@login_required
def job_detail(request, job_id: int):
    job = access_job(request.user, job_id)
    return render(
        request,
        "web/job.html",
        {
            "job": job,
            "kind": job_kinds().get(job.kind),
            "may_download": may_take_job_file(request.user, job),
        },
    )


@login_required
def job_progress(request, job_id: int):
    """The htmx fragment polled every second until the job finishes."""
    job = access_job(request.user, job_id)
    return render(
        request,
        "web/_job_progress.html",
        {"job": job, "may_download": may_take_job_file(request.user, job)},
    )


@login_required
@require_POST
def job_create(request):
    try:
        job = job_submit(
            acting_user=request.user,
            kind=request.POST.get("kind", ""),
            region_code=request.POST.get("region", ""),
        )
    except TuopinError as error:
        messages.error(request, error.message)
        return redirect("web:jobs")
    return redirect("web:job", job_id=job.pk)


@login_required
def job_download(request, job_id: int):
    job = access_job_file(request.user, job_id)
    path = Path(settings.MEDIA_ROOT) / job.result_file if job.result_file else None
    if path is None or not path.is_file():
        raise Http404("该任务没有结果文件 (this job has no result file)")
    # A file with full ID numbers, bank accounts and phones is also a reveal of them.
    for kind in (AccessKind.EXPORT, AccessKind.REVEAL) if job.reveals else (AccessKind.EXPORT,):
        access_log_record(
            kind=kind,
            user=request.user,
            request=request,
            region_code=job.region_code,
            object_type="job",
            object_id=str(job.pk),
            detail=f"{job.kind}: {job.result_name}" + ("（完整个人信息）" if job.reveals else ""),
        )
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.result_name)
