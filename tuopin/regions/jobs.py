"""Background jobs of the regions app."""

from tuopin.core.jobs import JobContext, job_handler
from tuopin.core.regioncodes import significant_prefix
from tuopin.core.spreadsheets import workbook as new_workbook
from tuopin.regions.models import Region

EXPORT_COLUMNS = [
    ("code", "区划代码"),
    ("name", "名称"),
    ("level", "层级"),
    ("kind", "村级类型"),
    ("parent_id", "上级代码"),
    ("poor_county_type", "贫困县类型"),
    ("is_poor_village", "贫困村"),
    ("is_deeply_poor_village", "深度贫困村"),
    ("poor_identified_year", "识别年度"),
    ("poor_exited_year", "退出年度"),
    ("registered_population", "户籍人口"),
]


@job_handler(
    "regions.export",
    label_zh="导出行政区划",
    label_en="Export divisions",
    permission="data.export",
    resumable=True,
)
def export_regions(context: JobContext) -> dict:
    """Every division under the job's region, as xlsx written in constant memory."""
    prefix = significant_prefix(context.job.region_code)
    regions = Region.objects.filter(code__startswith=prefix).order_by("code")
    total = regions.count()
    path = context.result_path(f"regions-{prefix}.xlsx")
    workbook = new_workbook(path)
    sheet = workbook.add_worksheet("行政区划")
    bold = workbook.add_format({"bold": True})
    for column, (_, label) in enumerate(EXPORT_COLUMNS):
        sheet.write(0, column, label, bold)
    fields = [name for name, _ in EXPORT_COLUMNS]
    for row, values in enumerate(regions.values_list(*fields).iterator(chunk_size=2000), start=1):
        sheet.write_row(row, 0, ["" if value is None else value for value in values])
        if row % 1000 == 0:
            context.progress(row * 100 / max(total, 1), f"已写 {row}/{total} 行")
    workbook.close()
    return {"rows": total}
