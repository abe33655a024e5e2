"""Background jobs of dynamic management: batch proposals and batch decisions."""

from typing import Literal

from django.urls import reverse
from pydantic import BaseModel, ConfigDict, Field

from tuopin.cases.enums import Action
from tuopin.cases.models import Batch
from tuopin.cases.selectors import access_batch
from tuopin.cases.services import batch_act, exit_batch_propose
from tuopin.core.errors import TuopinError
from tuopin.core.jobs import JobContext, job_handler


class ExitBatchParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    year: int = Field(ge=2014, le=2100)


class BatchActParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    batch: int = Field(ge=1)
    # Objections and withdrawals are one case's business, never a batch's.
    action: Literal[tuple(set(Action.values) - {Action.OBJECT, Action.WITHDRAW})]
    comment: str = Field(default="", max_length=1000)


def _own_batch(user, region_code: str, params: dict) -> None:
    """The batch must be one the user sees, filed under the job's region."""
    batch = access_batch(user, params["batch"])
    if batch.region_id != region_code:
        raise TuopinError(
            "job_region_mismatch",
            "任务的区划与批次的区划不一致",
            "the job's region is not the batch's region",
            field="region",
        )


@job_handler(
    "cases.exit_batch",
    label_zh="批量申请贫困户退出",
    label_en="Propose exits for a village",
    permission="case.propose",
    reads="registry.view",
    params=ExitBatchParams,
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
    # Whoever works on a step of a case: the village records consent and closes notices.
    permission=("case.propose", "case.review", "case.approve"),
    reads="registry.view",
    params=BatchActParams,
    authorize=_own_batch,
)
def batch_act_job(context: JobContext) -> dict:
    batch: Batch = access_batch(context.job.owner, context.params["batch"])
    result = batch_act(
        acting_user=context.job.owner,
        batch=batch,
        action=context.params["action"],
        comment=context.params.get("comment", ""),
        progress=context.progress,
    )
    return {**result, "link": reverse("cases:batch", args=[batch.pk])}
