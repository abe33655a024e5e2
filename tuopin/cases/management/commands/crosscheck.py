"""Load an outside list for the identification cross-check (一比对)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tuopin.cases.enums import OutsideList
from tuopin.cases.services import outside_records_load
from tuopin.core.errors import TuopinError
from tuopin.registry.idnumbers import normalise_id_text
from tuopin.registry.interchange.reader import sheet_rows

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
        try:
            rows = list(_rows(Path(file)))
        except TuopinError as error:  # over a limit of core/uploads.py, or unreadable
            raise CommandError(str(error)) from None
        if not rows:
            raise CommandError("表中没有找到“证件号码”列或数据 (no ID number column or rows)")
        count = outside_records_load(source=source, rows=rows)
        self.stdout.write(f"已导入 {count} 条{OutsideList(source).label}记录 (loaded {count})")


def _rows(path: Path):
    """The list's rows, read as every user-supplied spreadsheet is: bounded (uploads.py)."""
    table = [row for _, row in sheet_rows(path)]
    header = [str(cell or "").strip() for cell in table[0]] if table else []
    position = next((header.index(h) for h in ID_HEADERS if h in header), None)
    if position is None:
        return
    name = header.index("姓名") if "姓名" in header else None
    detail = header.index("登记内容") if "登记内容" in header else None
    for row in table[1:]:
        row = [*row, *[None] * (len(header) - len(row))]  # trailing empty cells left out
        number = normalise_id_text(str(row[position] or ""))
        if number:
            yield {
                "id_number": number,
                "name": str(row[name] or "") if name is not None else "",
                "detail": str(row[detail] or "")[:200] if detail is not None else "",
            }
