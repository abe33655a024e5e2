"""The library's spreadsheets: the project list of a region (the list page's download)
and the project progress report of a county or the city (by county, stage and category:
projects, amounts, paid, the mean last reported percent; then each project). Spending
comes from the funds part's payments (FundPayment.amount per project) where there are
any; a figure never reported is left blank, never 0. Each download is logged."""

from __future__ import annotations

from io import BytesIO

from django.db.models import Avg, Count, Sum

from tuopin.audit.downloads import logged_xlsx_download
from tuopin.core.spreadsheets import workbook as new_workbook
from tuopin.projects.enums import ProjectCategory, ProjectStage
from tuopin.projects.library_selectors import projects_search

LIST_HEADER = [
    "项目编号",
    "项目名称",
    "申报年度",
    "项目类别",
    "建设性质",
    "乡镇",
    "申报单位",
    "实施单位",
    "责任人",
    "项目总投资（元）",
    "已支付（元）",
    "形象进度（%）",
    "所处环节",
    "绩效目标",
    "带贫减贫机制",
]
STAGES = dict(ProjectStage.choices)
CATEGORIES = dict(ProjectCategory.choices)


def _cell(value) -> str:
    return "" if value is None else str(value)


def _project_cells(project) -> list[str]:
    region = project.region
    return [
        project.code,
        project.name,
        str(project.year),
        str(CATEGORIES.get(project.category, project.category)),
        str(project.get_nature_display()),
        region.parent.name if region.parent and region.level == "village" else "",
        region.name,
        project.unit,
        project.person,
        _cell(project.amount),
        _cell(project.paid),
        _cell(project.percent),
        str(STAGES.get(project.stage, project.stage)),
        project.targets,
        project.mechanism,
    ]


def _write_projects(book, sheet, rows, start: int) -> int:
    bold = book.add_format({"bold": True})
    for column, label in enumerate(LIST_HEADER):
        sheet.write_string(start, column, label, bold)
    count = 0
    for count, project in enumerate(rows.iterator(chunk_size=2000), start=1):
        for column, value in enumerate(_project_cells(project)):
            sheet.write_string(start + count, column, value)
    return count


def library_list_xlsx(request, region, year, rows):
    output = BytesIO()
    book = new_workbook(output, in_memory=True)
    sheet = book.add_worksheet("项目库")
    title = f"{region.name}{f' {year} 年' if year else ''}项目库"
    sheet.write_string(0, 0, title, book.add_format({"bold": True}))
    count = _write_projects(book, sheet, rows, 1)
    book.close()
    return logged_xlsx_download(
        request,
        output,
        filename=f"projects-{region.prefix}{f'-{year}' if year else ''}.xlsx",
        region_code=region.code,
        object_type="project_library",
        object_id=region.code,
        detail=f"{title}，{count} 个项目",
    )


def progress_summary(user, region_prefix: str, year: int | None):
    """One grouped query: per county, stage and category."""
    rows = projects_search(user, region_prefix=region_prefix, year=year)
    return (
        rows.order_by()
        .values("county_id", "county__name", "stage", "category")
        .annotate(
            projects=Count("pk"),
            amount=Sum("amount"),
            paid_sum=Sum("paid"),
            percent_mean=Avg("percent"),
            reported=Count("percent"),
        )
        .order_by("county_id", "stage", "category")
    )


def progress_report_xlsx(request, region, year):
    output = BytesIO()
    book = new_workbook(output, in_memory=True)
    bold = book.add_format({"bold": True})
    summary = book.add_worksheet("进度汇总")
    title = f"{region.name}{f' {year} 年' if year else ''}扶贫项目进度报告"
    summary.write_string(0, 0, title, bold)
    header = [
        "县（区）",
        "所处环节",
        "项目类别",
        "项目数",
        "项目总投资（元）",
        "已支付（元）",
        "支付进度（%）",
        "已报告进度的项目数",
        "平均形象进度（%）",
    ]
    for column, label in enumerate(header):
        summary.write_string(1, column, label, bold)
    line = 1
    for line, row in enumerate(progress_summary(request.user, region.prefix, year), start=2):
        paid, amount = row["paid_sum"], row["amount"]
        share = round(paid * 100 / amount, 1) if paid is not None and amount else None
        mean = round(row["percent_mean"], 1) if row["percent_mean"] is not None else None
        cells = [
            row["county__name"],
            str(STAGES.get(row["stage"], row["stage"])),
            str(CATEGORIES.get(row["category"], row["category"])),
            str(row["projects"]),
            _cell(amount),
            _cell(paid),
            _cell(share),
            str(row["reported"]),
            _cell(mean),
        ]
        for column, value in enumerate(cells):
            summary.write_string(line, column, value)
    summary.write_string(line + 2, 0, "空白：未报告或无支付记录（不是 0）")
    projects = book.add_worksheet("项目明细")
    count = _write_projects(
        book, projects, projects_search(request.user, region_prefix=region.prefix, year=year), 0
    )
    book.close()
    return logged_xlsx_download(
        request,
        output,
        filename=f"project-progress-{region.prefix}{f'-{year}' if year else ''}.xlsx",
        region_code=region.code,
        object_type="project_progress",
        object_id=region.code,
        detail=f"{title}，{count} 个项目",
    )
