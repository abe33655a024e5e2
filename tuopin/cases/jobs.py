"""Background jobs of dynamic management: batch proposals and batch decisions."""

from django.urls import reverse

from tuopin.cases.models import Batch
from tuopin.cases.selectors import access_batch
from tuopin.cases.services import batch_act, exit_batch_propose
from tuopin.core.jobs import JobContext, job_handler


@job_handler(
    "cases.exit_batch",
    label_zh="批量申请贫困户退出",
    label_en="Propose exits for a village",
    permission="case.propose",
)
def exit_batch_job(context: JobContext) -> dict:
    batch = exit_batch_propose(
        acting_user=context.job.owner,
        village_code=context.job.region_code,
        year=int(context.params["year"]),
        progress=context.progress,
    )
    return {
        "batch": batch.pk,
        "cases": batch.cases.count(),
        "link": reverse("cases:batch", args=[batch.pk]),
    }


@job_handler(
    "cases.batch_act",
    label_zh="批量审核",
    label_en="Decide a batch",
    permission="jobs.run",
)
def batch_act_job(context: JobContext) -> dict:
    batch: Batch = access_batch(context.job.owner, int(context.params["batch"]))
    result = batch_act(
        acting_user=context.job.owner,
        batch=batch,
        action=context.params["action"],
        comment=context.params.get("comment", ""),
        progress=context.progress,
    )
    return {**result, "link": reverse("cases:batch", args=[batch.pk])}
