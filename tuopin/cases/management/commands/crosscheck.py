"""Load an outside list for the identification cross-check (一比对)."""

import csv
import io
from pathlib import Path

import openpyxl
from django.core.management.base import BaseCommand, CommandError

from tuopin.cases.enums import OutsideList
from tuopin.cases.services import outside_records_load
from tuopin.registry.idnumbers import normalise_id_text

ID_HEADERS = ("证件号码", "身份证号", "身份证号码")


class Command(BaseCommand):
    help = (
        "导入比对名单 (load an outside list: cars, property, payroll, companies, cadres): "
        "tuopin crosscheck load FILE --source car"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        load = sub.add_parser("load", help="用新名单替换该来源的旧名单")
        load.add_argument("file")
        load.add_argument("--source", required=True, choices=OutsideList.values)

    def handle(self, *args, file: str, source: str, **options):
        rows = list(_rows(Path(file)))
        if not rows:
            raise CommandError("表中没有找到“证件号码”列或数据 (no ID number column or rows)")
        count = outside_records_load(source=source, rows=rows)
        self.stdout.write(f"已导入 {count} 条{OutsideList(source).label}记录 (loaded {count})")


def _rows(path: Path):
    if path.suffix.lower() == ".csv":
        table = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    elif path.suffix.lower() in (".xlsx", ".xlsm"):
        sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
        table = [list(row) for row in sheet.iter_rows(values_only=True)]
    else:
        raise CommandError("请使用 .xlsx 或 .csv 文件 (use .xlsx or .csv)")
    header = [str(cell or "").strip() for cell in table[0]] if table else []
    position = next((header.index(h) for h in ID_HEADERS if h in header), None)
    if position is None:
        return
    name = header.index("姓名") if "姓名" in header else None
    detail = header.index("登记内容") if "登记内容" in header else None
    for row in table[1:]:
        number = normalise_id_text(str(row[position] or ""))
        if number:
            yield {
                "id_number": number,
                "name": str(row[name] or "") if name is not None else "",
                "detail": str(row[detail] or "")[:200] if detail is not None else "",
            }
