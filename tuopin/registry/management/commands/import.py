import json as jsonlib
import sys

from django.core.management.base import BaseCommand, CommandError

from tuopin.core.errors import TuopinError
from tuopin.registry.interchange.importer import ImportReport, import_registry
from tuopin.registry.interchange.reader import UnusableFile
from tuopin.registry.interchange.report import write_error_report
from tuopin.registry.totals import totals_refresh


class Command(BaseCommand):
    help = "导入建档立卡表格 (import the registry spreadsheet): tuopin import registry FILE"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        registry = sub.add_parser("registry", help="建档立卡人口信息表（xlsx 或 csv）")
        registry.add_argument("file")
        registry.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        registry.add_argument(
            "--partial", action="store_true", help="只写入全部行都正确的户，其余报告错误"
        )
        registry.add_argument("--report", help="把带错误列的原表写到此 xlsx 文件")
        registry.add_argument("--json", action="store_true", help="以 JSON 输出结果")

    def handle(
        self,
        *args,
        file: str,
        dry_run: bool,
        partial: bool,
        report: str | None,
        json: bool,
        **options,
    ):
        try:
            result = import_registry(file, dry_run=dry_run, partial=partial)
        except UnusableFile as unusable:
            if json:
                self.stdout.write(_json(_unusable_report(unusable)))
            else:
                self.stderr.write(str(unusable))
            sys.exit(2)
        except TuopinError as error:
            raise CommandError(str(error)) from error
        if result.written:
            # The file may touch any village: recount them all (one grouped query each).
            totals_refresh(prefix="")
        if report:
            write_error_report(file, result, report)
        if json:
            self.stdout.write(_json(result.as_dict()))
        else:
            self._summary(result, dry_run)
        if result.exit_code:
            sys.exit(result.exit_code)

    def _summary(self, result, dry_run: bool) -> None:
        h, m = result.households, result.members
        self.stdout.write(
            f"共 {result.rows} 行。户：新增 {h.created}，更新 {h.updated}，未变 {h.unchanged}，"
            f"拒绝 {h.rejected}；人：新增 {m.created}，更新 {m.updated}，未变 {m.unchanged}，"
            f"拒绝 {m.rejected}。" + ("（试运行，未写入）" if dry_run else "")
        )
        for message in result.errors:
            self.stdout.write(f"  错误 第 {message.row} 行 [{message.column}] {message.message_zh}")
        for message in result.warnings:
            self.stdout.write(f"  提示 第 {message.row} 行 [{message.column}] {message.message_zh}")
        if result.errors and not result.written:
            self.stdout.write("有错误，未写入任何数据（可用 --partial 只写入正确的户）。")


def _unusable_report(unusable: UnusableFile) -> dict:
    """The usual shape, nothing counted, the file's problem as its one error."""
    error = unusable.as_dict()
    message = {"row": error.get("row"), "column": None, "code": error["code"]}
    message.update(message=unusable.message_zh, message_en=unusable.message_en)
    return {**ImportReport().as_dict(), "errors": [message], "error": error}


def _json(data) -> str:
    return jsonlib.dumps(data, ensure_ascii=False, default=str)
