"""Background jobs of the policy app: evaluation runs started from the web."""

import datetime
from typing import Literal

from django.http import Http404
from django.urls import reverse
from pydantic import BaseModel, ConfigDict, Field

from tuopin.core.jobs import JobContext, job_handler
from tuopin.core.regioncodes import significant_prefix
from tuopin.policy.ledgers import write_area_ledger, write_household_ledger
from tuopin.policy.models import Engine, Level, PolicyVersion
from tuopin.policy.runs import evaluation_run
from tuopin.policy.selectors import access_run, ledger_runs


class EvaluateParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    policy: int = Field(ge=1)
    year: int = Field(ge=2014, le=2100)
    level: Literal[tuple(Level.values)] = Level.HOUSEHOLD.value
    as_of: datetime.date | Literal[""] = ""
    engine: Literal[tuple(Engine.values)] = Engine.DB.value


class LedgerParams(BaseModel):
    """One run (`run`), or the runs of the job's region and `year` that the ledger page
    chose (`ledger_runs`: one covering the region, or each county's newest)."""

    model_config = ConfigDict(extra="forbid")
    run: int | None = Field(default=None, ge=1)
    year: int | None = Field(default=None, ge=2014, le=2100)
    ledger: Literal["shortfall", "exit", "villages"] = "shortfall"


def _policy_exists(user, region_code: str, params: dict) -> None:
    if not PolicyVersion.objects.filter(pk=params["policy"]).exists():
        raise Http404("未找到退出标准 (policy version not found)")


def _own_run(user, region_code: str, params: dict) -> None:
    if params.get("run"):
        access_run(user, params["run"])


@job_handler(
    "policy.evaluate",
    label_zh="退出评估",
    label_en="Exit evaluation",
    permission="evaluation.run",
    reads="registry.view",
    params=EvaluateParams,
    authorize=_policy_exists,
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
    return {
        "run": run.pk,
        **run.counts.get("results", {}),
        "link": reverse("policy:run", args=[run.pk]),
    }


@job_handler(
    "policy.ledger",
    label_zh="导出退出台账",
    label_en="Export exit ledger",
    permission="data.export",
    # An export of the registry is for its readers (a sector user holds data.export for
    # their ledgers only).
    reads=("data.export", "registry.view"),
    params=LedgerParams,
    authorize=_own_run,
)
def ledger_job(context: JobContext) -> dict:
    """The shortfall ledger, the exit list or the village/county list as xlsx: of one
    run, or of each county's newest run when no one run covers the region."""
    user = context.job.owner
    kind = context.params.get("ledger", "shortfall")
    region = context.job.region_code
    if context.params.get("run"):
        run = access_run(user, context.params["run"])
        parts = [(run, [significant_prefix(region)])]
    else:
        level = Level.VILLAGE if kind == "villages" else Level.HOUSEHOLD
        parts = ledger_runs(user, level, region, context.params.get("year"))
        if not parts:
            raise Http404("本区域还没有完成的评估 (no finished run covers the region)")
    level = parts[0][0].level
    numbers = "-".join(str(run.pk) for run, _keys in parts)
    if level != Level.HOUSEHOLD:
        path = context.result_path(f"退出清单-{level}-{region}-{numbers}.xlsx")
        return {"rows": write_area_ledger(user, parts, region, path)}
    name = "贫困退出清单" if kind == "exit" else "短板台账"
    path = context.result_path(f"{name}-{region}-{numbers}.xlsx")
    rows = write_household_ledger(
        user, parts, region, path, passing=kind == "exit", progress=context.progress
    )
    return {"rows": rows}
