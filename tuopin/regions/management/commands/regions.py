import json

from django.core.management.base import BaseCommand, CommandError

from tuopin.core.errors import TuopinError
from tuopin.core.regioncodes import expand_code, significant_prefix
from tuopin.regions.selectors import region_stats
from tuopin.regions.services import regions_load


class Command(BaseCommand):
    help = "行政区划：load 载入区划文件，stats 统计 (load a division file; print counts)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="载入 china-division 格式的 CSV（默认：商丘市）")
        load.add_argument("file", nargs="?", help="CSV: code,name,level,parent_code")
        load.add_argument("--json", action="store_true", help="print the report as JSON")
        stats = sub.add_parser("stats", help="按层级统计区划数")
        stats.add_argument("--json", action="store_true", help="print the counts as JSON")
        stats.add_argument("--region", default="", help="only below this code or prefix")

    def handle(self, *args, action: str, **options):
        if action == "load":
            self._load(options.get("file"), options["json"])
        else:
            counts = region_stats(self._prefix(options.get("region") or ""))
            if options["json"]:
                self.stdout.write(json.dumps(counts, ensure_ascii=False))
            else:
                labels = {
                    "city": "市",
                    "county": "县级",
                    "township": "乡镇（街道）",
                    "village": "村委会",
                    "community": "居委会",
                }
                for key, count in counts.items():
                    self.stdout.write(f"{labels[key]} ({key}): {count}")

    def _prefix(self, text: str) -> str:
        if not text:
            return ""
        code = expand_code(text)
        if code is None:
            raise CommandError(
                f"区划代码“{text}”无效：应为 12 位或其前 2/4/6/9 位 "
                f"(invalid region code '{text}': 12 digits or a 2/4/6/9-digit prefix)"
            )
        return significant_prefix(code)

    def _load(self, path: str | None, as_json: bool) -> None:
        try:
            report = regions_load(path=path)
        except TuopinError as error:
            raise CommandError(f"{error}；未载入任何区划 (nothing was loaded)") from error
        if as_json:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
            return
        self.stdout.write(
            f"新增 {report.created}，更新 {report.updated}，未变 {report.unchanged}"
            f"（created {report.created}, updated {report.updated}, "
            f"unchanged {report.unchanged}）"
        )
        for change in report.changes:
            self.stdout.write(
                f"  {change['code']} {change['field']}: {change['old']} → {change['new']}"
            )
        if report.not_in_file:
            self.stdout.write(
                f"数据库中有 {report.not_in_file} 个区划不在文件中，已保留 "
                f"({report.not_in_file} divisions not in the file were kept)"
            )
