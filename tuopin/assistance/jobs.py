"""Background jobs of the assistance app: importing a department spreadsheet, and
recounting the coverage checks (queued after every import that wrote rows)."""

from pathlib import Path

from django.conf import settings
from django.urls import reverse
from pydantic import BaseModel, ConfigDict, Field

from tuopin.assistance.coverage import DEFAULT_YEAR
from tuopin.assistance.coverage.snapshot import coverage_refresh
from tuopin.assistance.importer import import_ledger, open_ledger_table
from tuopin.assistance.importer.access import require_importable
from tuopin.assistance.layouts import layout_of
from tuopin.core.jobs import JobContext, job_handler
from tuopin.core.regioncodes import significant_prefix
from tuopin.core.services import job_enqueue
from tuopin.registry.interchange.report import write_error_report

REPORT_NAME = "台账导入结果.xlsx"
MESSAGES_KEPT = 2000  # per list, in the job's result: the report file holds them all


class LedgerImportParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: str = Field(pattern=r"^[a-z_]{2,32}$")
    # Only a file the upload form saved: never a path a request could point elsewhere.
    upload: str = Field(pattern=r"^uploads/[0-9a-f]{32}\.(xlsx|xlsm|xls|csv)$")
    name: str = Field(default="", max_length=255)
    year: int | None = Field(default=None, ge=2014, le=2100)
    dry_run: bool = False
    partial: bool = False


def _own_department(user, region_code: str, params: dict) -> None:
    layout_of(params["kind"])  # an unknown kind is refused plainly
    require_importable(user, params["kind"], region_code)


@job_handler(
    "assistance.ledger_import",
    label_zh="导入行业台账",
    label_en="Import sector ledger",
    permission="assistance.edit",
    reads="assistance.edit",
    params=LedgerImportParams,
    personal=True,  # the error report repeats the file's rows, ID numbers and all
    authorize=_own_department,
)
def ledger_import_job(context: JobContext) -> dict:
    """Rows of people registered outside the job's region are refused; rows of people
    not registered are kept in the job's region unless they name a village of it."""
    params = context.params
    source = Path(settings.MEDIA_ROOT) / params["upload"]
    context.progress(5, "正在读取和校验 (reading and checking)")
    report = import_ledger(
        params["kind"],
        source,
        year=params.get("year"),
        dry_run=params.get("dry_run", False),
        partial=params.get("partial", False),
        acting_user=context.job.owner,
        scope_prefix=significant_prefix(context.job.region_code),
        region_code=context.job.region_code,
        progress=lambda percent, message: context.progress(10 + percent * 0.85, message),
    )
    if report.written:
        # The scorecard's stored counts: recounted by a job of their own, for the years
        # the file touched, in the job's region (rows elsewhere were refused).
        for year in sorted(report.years) or [DEFAULT_YEAR]:
            job_enqueue(
                acting_user=context.job.owner,
                kind="assistance.coverage",
                region_code=context.job.region_code,
                params={"year": year},
            )
    if report.errors or report.warnings:
        table = open_ledger_table(source, layout_of(params["kind"]))
        write_error_report(source, report, context.result_path(REPORT_NAME), table=table)
    details = report.as_dict()
    return {
        "rows": report.rows,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "rejected": report.rejected,
        "not_registered": report.not_registered,
        "errors": len(report.errors),
        "warnings": len(report.warnings),
        "written": report.written,
        "link": reverse("assistance:import_result", args=[context.job.pk]),
        # Read by the result page (not listed on the job page).
        "warnings_list": {
            "errors": details["errors"][:MESSAGES_KEPT],
            "warnings": details["warnings"][:MESSAGES_KEPT],
        },
    }


class CoverageParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    year: int = Field(default=DEFAULT_YEAR, ge=2014, le=2100)


@job_handler(
    "assistance.coverage",
    label_zh="统计覆盖核查",
    label_en="Count coverage-check findings",
    permission="ledger.view",
    params=CoverageParams,
    resumable=True,
)
def coverage_job(context: JobContext) -> dict:
    """Recount every coverage check for the job's region and year (the scorecard reads
    the stored counts; live counting a city takes tens of seconds)."""
    year = int(context.params.get("year", DEFAULT_YEAR))
    context.progress(5, f"{year}")
    coverage_refresh(prefix=significant_prefix(context.job.region_code), year=year)
    return {"year": year}
