from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tuopin.audit.models import AccessKind
from tuopin.audit.services import access_log_record
from tuopin.core.regioncodes import expand_code, significant_prefix
from tuopin.regions.models import Region
from tuopin.registry.interchange.exporter import export_registry, households_under


class Command(BaseCommand):
    help = "导出建档立卡表格 (export the registry): tuopin export registry --out FILE"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        registry = sub.add_parser("registry", help="与导入相同的格式（xlsx 或 csv）")
        registry.add_argument(
            "--region", default="411400", help="区划代码或其有效前缀（默认商丘市）"
        )
        registry.add_argument("--out", required=True, help="FILE.xlsx 或 FILE.csv")

    def handle(self, *args, region: str, out: str, **options):
        code = expand_code(region)
        if code is None or not Region.objects.filter(code=code).exists():
            raise CommandError(f"区划代码 {region} 不存在 (unknown region code {region})")
        if not out.lower().endswith((".xlsx", ".csv")):
            raise CommandError("输出文件应为 .xlsx 或 .csv (the output must be .xlsx or .csv)")
        folder = Path(out).resolve().parent
        if not folder.is_dir():
            raise CommandError(f"输出目录 {folder} 不存在 (the folder {folder} does not exist)")
        try:
            rows = export_registry(households_under(significant_prefix(code)), out)
        except OSError as error:
            raise CommandError(f"无法写入 {out}：{error.strerror} (cannot write {out})") from error
        access_log_record(
            kind=AccessKind.EXPORT,
            username="(command line)",
            region_code=code,
            object_type="registry",
            detail=f"tuopin export registry: {rows} rows",
        )
        self.stdout.write(f"已导出 {rows} 行到 {out} (exported {rows} rows)")
