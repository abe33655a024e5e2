"""Writes of the core app: queuing background jobs."""

from tuopin.core.errors import TuopinError
from tuopin.core.jobs import job_kind, job_params_check
from tuopin.core.models import Job


def job_enqueue(
    *,
    acting_user,
    kind: str,
    region_code: str,
    params: dict | None = None,
    reveals: bool = False,
) -> Job:
    """Queue a job with parameters its kind's schema accepts. The caller has already
    checked that `region_code` is in the user's scope and the user's right to the kind
    (accounts.services.job_submit); `reveals`: its file may carry full personal data."""
    definition = job_kind(kind)
    if definition is None:
        raise TuopinError(
            "job_kind_unknown", f"未知的任务类型：{kind}", f"unknown job kind: {kind}", field="kind"
        )
    return Job.objects.create(
        kind=kind,
        owner=acting_user,
        region_code=region_code,
        params=job_params_check(definition, params),
        reveals=reveals and definition.personal,
        message="排队中 (queued)",
    )
