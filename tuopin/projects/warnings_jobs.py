"""The funds' warnings recomputed by a background job after every write of fund data
(queued by a follower of projects.changes) and nightly (`tuopin funds warnings
--recompute`, see docs/warnings.md for the cron line)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from pydantic import BaseModel, ConfigDict

from tuopin.accounts.roles import Permission
from tuopin.core.jobs import JobContext, job_handler
from tuopin.core.models import Job, JobStatus
from tuopin.core.regioncodes import significant_prefix
from tuopin.core.services import job_enqueue
from tuopin.projects.warnings_services import warnings_recompute

KIND = "projects.warnings"
# The owner of the jobs no person queued (a write's follower): an account nobody logs in to.
SYSTEM_USERNAME = "system-funds-warnings"


class WarningsParams(BaseModel):
    model_config = ConfigDict(extra="forbid")


@job_handler(
    KIND,
    label_zh="重新计算资金预警",
    label_en="Recompute the funds' warnings",
    permission=Permission.PROJECT_MANAGE,
    reads=Permission.PROJECT_VIEW,
    params=WarningsParams,
    resumable=True,  # a recomputation is an upsert: safe to run again
)
def warnings_job(context: JobContext) -> dict:
    context.progress(5, "正在计算预警 (computing the warnings)")
    return warnings_recompute(significant_prefix(context.job.region_code))


def _system_user():
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def warnings_follow(prefix: str) -> None:
    """After a write of fund data under `prefix`: queue a recomputation of its county (or
    of everything written), unless one is already waiting."""
    region_code = (prefix[:6] if len(prefix) >= 6 else prefix).ljust(12, "0")
    if len(prefix) < 2:
        region_code = "410000000000"
    waiting = Job.objects.filter(kind=KIND, status=JobStatus.QUEUED, region_code=region_code)
    if waiting.exists():
        return
    job_enqueue(acting_user=_system_user(), kind=KIND, region_code=region_code)
