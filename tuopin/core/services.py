"""Writes of the core app: queuing background jobs."""

from tuopin.core.errors import TuopinError
from tuopin.core.jobs import job_kind
from tuopin.core.models import Job


def job_enqueue(*, acting_user, kind: str, region_code: str, params: dict | None = None) -> Job:
    """Queue a job. The caller has already checked that `region_code` is in the user's scope."""
    if job_kind(kind) is None:
        raise TuopinError(
            "job_kind_unknown", f"未知的任务类型：{kind}", f"unknown job kind: {kind}", field="kind"
        )
    return Job.objects.create(
        kind=kind,
        owner=acting_user,
        region_code=region_code,
        params=params or {},
        message="排队中 (queued)",
    )
