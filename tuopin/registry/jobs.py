"""Background jobs of the registry: import and export of the interchange spreadsheet."""

from pathlib import Path

from django.conf import settings

from tuopin.core.jobs import JobContext, job_handler
from tuopin.core.regioncodes import significant_prefix
from tuopin.core.services import job_enqueue
from tuopin.registry.interchange.exporter import export_registry, households_under
from tuopin.registry.interchange.importer import import_registry
from tuopin.registry.interchange.report import write_error_report
from tuopin.registry.quality import POLICY_DEFAULTS
from tuopin.registry.quality_snapshot import quality_refresh
from tuopin.registry.totals import totals_refresh


@job_handler(
    "registry.import",
    label_zh="导入建档立卡表格",
    label_en="Import registry spreadsheet",
    permission="registry.import",
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
    if report.written:
        # Rows outside the job's region were refused: only its villages can have changed.
        totals_refresh(prefix=significant_prefix(context.job.region_code))
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
    resumable=True,
)
def export_job(context: JobContext) -> dict:
    prefix = significant_prefix(context.job.region_code)
    suffix = "csv" if context.params.get("format") == "csv" else "xlsx"
    path = context.result_path(f"建档立卡-{prefix}.{suffix}")
    rows = export_registry(households_under(prefix), path, progress=context.progress)
    return {"rows": rows}


@job_handler(
    "registry.quality",
    label_zh="统计疑点数据",
    label_en="Count data-quality findings",
    permission="registry.view",
    resumable=True,
)
def quality_job(context: JobContext) -> dict:
    """Recount the scorecard's checks for the job's region, every year with a poverty line
    (or the one year in the job's parameters)."""
    prefix = significant_prefix(context.job.region_code)
    years = sorted(POLICY_DEFAULTS["poverty_line"])
    if "year" in context.params:
        years = [int(context.params["year"])]
    for done, year in enumerate(years):
        context.progress(100 * done / len(years), f"{year}")
        quality_refresh(prefix=prefix, year=year)
    return {"years": years}
