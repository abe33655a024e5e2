"""Background jobs in the browser: submit, watch the progress bar, download the result."""

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
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
from tuopin.core.jobs import job_kind
from tuopin.core.labels import in_language
from tuopin.regions.models import Region


@login_required
def job_list(request):
    require_permission(request.user, Permission.JOBS_RUN)
    jobs = list(job_list_for_user(request.user)[:100])
    names = _region_names({job.region_code for job in jobs})
    for job in jobs:  # people read the region's name; its code only follows it
        job.region_name = names.get(job.region_code, "")
    return render(request, "web/jobs.html", {"jobs": jobs})


@login_required
def job_detail(request, job_id: int):
    job = access_job(request.user, job_id)
    return render(
        request,
        "web/job.html",
        {
            **_shown(request, job),
            "region_name": _region_names({job.region_code}).get(job.region_code),
        },
    )


def _kind_zh(kind: str) -> str:
    """The log is read in Chinese: the kind's Chinese name (its code if unknown)."""
    found = job_kind(kind)
    return found.label_zh if found else kind


def _region_names(codes: set[str]) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))


# What the keys of a job's result summary say to people (the API keeps the keys).
RESULT_LABELS = {
    "rows": _("行数"),
    "households": _("户"),
    "members": _("人"),
    "created": _("新增"),
    "updated": _("更新"),
    "unchanged": _("未变"),
    "rejected": _("未写入"),
    "errors": _("错误"),
    "warnings": _("提示"),
    "written": _("已写入"),
    "registered_elsewhere": _("已在其他区域登记的证件号码"),
    "run": _("评估编号"),
    "pass": _("达标"),
    "fail": _("未达标"),
    "unknown": _("待核实"),
    "batch": _("批次编号"),
    "cases": _("事项数"),
    "done": _("已办理"),
    "refused": _("未办理"),
    "reasons": _("未办理原因"),
    "years": _("年度"),
    "not_registered": _("不在建档立卡库中"),
}
HIDDEN_RESULTS = {"link", "warnings_list"}


def result_lines(result: dict) -> list[tuple[str, str]]:
    """A job's result summary as (label, text) lines in the user's language."""

    def text(value) -> str:
        if isinstance(value, bool):
            return str(_("是") if value else _("否"))
        if isinstance(value, str):
            return in_language(value)
        if isinstance(value, dict):
            return " · ".join(f"{RESULT_LABELS.get(k, k)} {text(v)}" for k, v in value.items())
        if isinstance(value, list):
            return "、".join(text(v) for v in value)
        return str(value)

    return [
        (str(RESULT_LABELS.get(name, name)), text(value))
        for name, value in result.items()
        if name not in HIDDEN_RESULTS
    ]


@login_required
def job_progress(request, job_id: int):
    """The htmx fragment polled every second until the job finishes."""
    job = access_job(request.user, job_id)
    return render(request, "web/_job_progress.html", _shown(request, job))


def _shown(request, job) -> dict:
    """What the job page and its polled fragment show of a job."""
    return {
        "job": job,
        "may_download": may_take_job_file(request.user, job),
        "result": result_lines(job.result),
    }


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
            detail=f"{_kind_zh(job.kind)}：{job.result_name}"
            + ("（完整个人信息）" if job.reveals else ""),
        )
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.result_name)
