"""The downloadable error report: the rows as received, with an added error column."""

from pathlib import Path

from tuopin.core.spreadsheets import workbook as new_workbook
from tuopin.registry.interchange.importer import ImportReport
from tuopin.registry.interchange.reader import open_table


def write_error_report(source: Path | str, report: ImportReport, out: Path | str) -> None:
    messages: dict[int, list[str]] = {}
    for prefix, listed in (("", report.errors), ("（提示）", report.warnings)):
        for message in listed:
            messages.setdefault(message.row, []).append(
                f"{prefix}{message.column}：{message.message_zh}"
            )
    table = open_table(source)
    workbook = new_workbook(out)
    sheet = workbook.add_worksheet("导入结果")
    bold = workbook.add_format({"bold": True})
    red = workbook.add_format({"font_color": "#b71c1c"})
    header = ["Excel 行号", "错误与提示", *["" if c is None else c for c in table.header]]
    sheet.write_row(0, 0, header, bold)
    line = 1
    for row in table.rows:
        found = messages.get(row.number, [])
        sheet.write(line, 0, row.number)
        sheet.write(line, 1, "；".join(found), red if found else None)
        sheet.write_row(line, 2, ["" if value is None else value for value in row.raw])
        line += 1
    workbook.close()
