"""Background jobs of the registry: import and export of the interchange spreadsheet."""

from pathlib import Path
from typing import Literal

from django.conf import settings
from pydantic import BaseModel, ConfigDict, Field

from tuopin.core.jobs import JobContext, job_handler
from tuopin.core.regioncodes import significant_prefix
from tuopin.core.services import job_enqueue
from tuopin.registry.changes import registry_written
from tuopin.registry.interchange.exporter import export_registry, households_under
from tuopin.registry.interchange.importer import import_registry
from tuopin.registry.interchange.report import write_error_report
from tuopin.registry.lookups import elsewhere_lookup_record
from tuopin.registry.quality import POLICY_DEFAULTS
from tuopin.registry.quality_snapshot import quality_refresh
from tuopin.registry.totals import totals_refresh


class ImportParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # Only a file the upload form saved: never a path a request could point elsewhere.
    upload: str = Field(pattern=r"^uploads/[0-9a-f]{32}\.(xlsx|xlsm|xls|csv)$")
    name: str = Field(default="", max_length=255)
    dry_run: bool = False
    partial: bool = False


class ExportParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: Literal["xlsx", "csv"] = "xlsx"


class QualityParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    year: int | None = Field(default=None, ge=2014, le=2100)


@job_handler(
    "registry.import",
    label_zh="导入建档立卡表格",
    label_en="Import registry spreadsheet",
    permission="registry.import",
    params=ImportParams,
    personal=True,  # the error report repeats the file's rows, ID numbers and all
)
def import_job(context: JobContext) -> dict:
    """Rows outside the job's region are refused as unknown villages."""
    source = Path(settings.MEDIA_ROOT) / context.params["upload"]
    context.progress(5, "正在读取和校验 (reading and checking)")
    report = import_registry(
        source,
        acting_user=context.job.owner,
        dry_run=context.params.get("dry_run", False),
        partial=context.params.get("partial", False),
        scope_prefix=significant_prefix(context.job.region_code),
        progress=lambda percent, message: context.progress(10 + percent * 0.85, message),
    )
    elsewhere_lookup_record(
        acting_user=context.job.owner,
        count=report.registered_elsewhere,
        source=f"导入 {context.params['name'] or context.params['upload']}",
    )
    if report.written:
        # Rows outside the job's region were refused: only its villages can have changed.
        totals_refresh(prefix=significant_prefix(context.job.region_code))
        registry_written(significant_prefix(context.job.region_code))
        # The scorecard's counts are heavier (56 checks): recounted by a job of their own.
        job_enqueue(
            acting_user=context.job.owner,
            kind="registry.quality",
            region_code=context.job.region_code,
        )
    if report.errors or report.warnings:
        write_error_report(source, report, context.result_path("导入结果.xlsx"))
    summary = report.as_dict()
    summary["errors"] = len(report.errors)
    summary["warnings"] = len(report.warnings)
    summary["written"] = report.written
    return summary


@job_handler(
    "registry.export",
    label_zh="导出建档立卡表格",
    label_en="Export registry spreadsheet",
    permission="data.export",
    # An export of the registry is for its readers (a sector user holds data.export for
    # their ledgers only).
    reads=("data.export", "registry.view"),
    params=ExportParams,
    personal=True,
    resumable=True,
)
def export_job(context: JobContext) -> dict:
    """Full ID numbers, bank accounts and phones only for a submitter who may reveal
    them; for anyone else they are masked as on the screens."""
    prefix = significant_prefix(context.job.region_code)
    suffix = context.params["format"]
    masked = not context.job.reveals
    name = f"建档立卡-{prefix}{'-脱敏' if masked else ''}.{suffix}"
    path = context.result_path(name)
    rows = export_registry(households_under(prefix), path, progress=context.progress, masked=masked)
    return {"rows": rows}


@job_handler(
    "registry.quality",
    label_zh="统计疑点数据",
    label_en="Count data-quality findings",
    permission="registry.view",
    params=QualityParams,
    resumable=True,
)
def quality_job(context: JobContext) -> dict:
    """Recount the scorecard's checks for the job's region, every year with a poverty line
    (or the one year in the job's parameters)."""
    prefix = significant_prefix(context.job.region_code)
    years = sorted(POLICY_DEFAULTS["poverty_line"])
    if context.params.get("year") is not None:
        years = [int(context.params["year"])]
    for done, year in enumerate(years):
        context.progress(100 * done / len(years), f"{year}")
        quality_refresh(prefix=prefix, year=year)
    return {"years": years}
