"""The downloadable import report: the rows as received, with added columns of errors and
warnings."""

from pathlib import Path

from tuopin.core.spreadsheets import workbook as new_workbook
from tuopin.registry.interchange.importer import ImportReport
from tuopin.registry.interchange.reader import Table, open_table


def _messages(listed) -> dict[int, list[str]]:
    by_row: dict[int, list[str]] = {}
    for message in listed:
        by_row.setdefault(message.row, []).append(
            f"{message.column}：{message.message_zh}（{message.message_en}）"
        )
    return by_row


def write_error_report(
    source: Path | str, report: ImportReport, out: Path | str, *, table: Table | None = None
) -> None:
    """Errors (the row was refused) and warnings (loaded as given, to verify: the quality
    checks list them) in two columns, each message with its column, in Chinese and
    English. `table`: the source opened by another layout's reader (a sector ledger's),
    instead of the registry's; any report with `errors` and `warnings` lists."""
    errors, warnings = _messages(report.errors), _messages(report.warnings)
    table = table if table is not None else open_table(source)
    workbook = new_workbook(out)
    sheet = workbook.add_worksheet("导入结果")
    bold = workbook.add_format({"bold": True})
    red = workbook.add_format({"font_color": "#b71c1c"})
    amber = workbook.add_format({"font_color": "#8a5a00"})
    header = [
        "Excel 行号",
        "错误（未导入）",
        "提示（已按原值导入，请核实）",
        *["" if c is None else c for c in table.header],
    ]
    sheet.write_row(0, 0, header, bold)
    line = 1
    for row in table.rows:
        found, warned = errors.get(row.number, []), warnings.get(row.number, [])
        sheet.write(line, 0, row.number)
        sheet.write(line, 1, "；".join(found), red if found else None)
        sheet.write(line, 2, "；".join(warned), amber if warned else None)
        sheet.write_row(line, 3, ["" if value is None else value for value in row.raw])
        line += 1
    workbook.close()
