"""Background jobs of the policy app: evaluation runs started from the web."""

import datetime

from tuopin.core.jobs import JobContext, job_handler
from tuopin.policy.models import PolicyVersion
from tuopin.policy.runs import evaluation_run


@job_handler(
    "policy.evaluate",
    label_zh="退出评估",
    label_en="Exit evaluation",
    permission="evaluation.run",
)
def evaluate_job(context: JobContext) -> dict:
    params = context.params
    run = evaluation_run(
        acting_user=context.job.owner,
        policy=PolicyVersion.objects.get(pk=params["policy"]),
        year=int(params["year"]),
        level=params.get("level", "household"),
        as_of=datetime.date.fromisoformat(params["as_of"]) if params.get("as_of") else None,
        region_code=context.job.region_code,
        engine=params.get("engine", "db"),
        progress=context.progress,
    )
    return {"run": run.pk, **run.counts.get("results", {})}
