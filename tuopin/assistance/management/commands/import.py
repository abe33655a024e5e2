"""`tuopin import registry FILE` and `tuopin import ledger KIND FILE`.

The command lives in the assistance app, above the registry in the layer order, so that
one command imports both the registry and the sector ledgers."""

import json as jsonlib
import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from tuopin.assistance.importer import LedgerImportReport, import_ledger, open_ledger_table
from tuopin.assistance.kinds import KINDS
from tuopin.assistance.layouts import LAYOUTS, layout_of
from tuopin.core.errors import TuopinError
from tuopin.core.import_kinds import import_kinds
from tuopin.people.helpers_importer import (
    PeopleImportReport,
    import_helpers,
    import_visits,
)
from tuopin.people.helpers_importer import (
    plain_table as _plain_table,
)
from tuopin.people.orgs_importer import LABELS, OrgsImportReport, import_orgs
from tuopin.people.ratings_import import RatingImportReport, import_ratings
from tuopin.people.teams_import import TeamImportReport, import_teams
from tuopin.registry.changes import registry_written
from tuopin.registry.interchange.importer import ImportReport, import_registry
from tuopin.registry.interchange.reader import UnusableFile
from tuopin.registry.interchange.report import write_error_report
from tuopin.registry.totals import totals_refresh

PEOPLE_LABELS = {"helpers": "帮扶责任人结对表", "visits": "入户走访记录表"}


class Command(BaseCommand):
    help = (
        "导入表格 (import a spreadsheet): tuopin import registry FILE | "
        "tuopin import ledger KIND FILE | tuopin import teams FILE | tuopin import projects FILE …"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        registry = sub.add_parser("registry", help="建档立卡人口信息表（xlsx 或 csv）")
        registry.add_argument("file")
        _common(registry, "只写入全部行都正确的户，其余报告错误")
        ledger = sub.add_parser(
            "ledger",
            help="行业部门台账（xlsx、xls 或 csv）；KIND 为台账代码，见 docs/formats/ledgers.md",
        )
        ledger.add_argument(
            "kind", choices=sorted(LAYOUTS), metavar="KIND", help=", ".join(sorted(LAYOUTS))
        )
        ledger.add_argument("file")
        ledger.add_argument("--year", type=int, help="未填“年度”的行所属的年度")
        _common(ledger, "只写入没有错误的行，其余报告错误")
        teams = sub.add_parser("teams", help="驻村工作队花名册（见 docs/formats/people-teams.md）")
        teams.add_argument("file")
        _common(teams, "只写入没有错误的行，其余报告错误")
        ratings = sub.add_parser(
            "ratings", help="星级评定提名（xlsx、xls 或 csv），见 docs/formats/people-ratings.md"
        )
        ratings.add_argument("file")
        ratings.add_argument("--user", required=True, help="提名人的用户名（村级或县扶贫办）")
        _common(ratings, "只写入没有错误的行，其余报告错误")
        # People: helpers (帮扶责任人结对) and visits (走访记录), docs/formats/people-helpers.md.
        for name, label in PEOPLE_LABELS.items():
            people = sub.add_parser(name, help=f"{label}（xlsx、xls 或 csv）")
            people.add_argument("file")
            _common(people, "只写入没有错误的行，其余报告错误")
        # people (orgs): enterprises and their village pairings; workshops and employees
        for what, label in (
            ("enterprises", "帮扶企业与村企结对"),
            ("workshops", "扶贫车间与务工人员"),
        ):
            orgs = sub.add_parser(
                what, help=f"{label}（xlsx、xls 或 csv），见 docs/formats/people-orgs.md"
            )
            orgs.add_argument("file")
            _common(orgs, "只写入没有错误的行，其余报告错误")
        # Kinds of the apps above this one (the project library, funds, payments).
        for kind in import_kinds().values():
            added = sub.add_parser(kind.name, help=kind.help)
            added.add_argument("file")
            _common(added, "只写入没有错误的行，其余报告错误")

    def handle(self, *args, what: str, **options):
        if what == "ledger":
            return self._ledger(**options)
        if what == "teams":
            return self._teams(**options)
        if what in ("helpers", "visits"):
            return self._people_helpers(what, **options)
        if what in ("enterprises", "workshops"):
            return self._orgs(what, **options)
        if what == "ratings":
            return self._ratings(**options)
        if what in import_kinds():
            return self._registered(import_kinds()[what], **options)
        return self._registry(**options)

    def _registry(self, *, file: str, dry_run: bool, partial: bool, report, json: bool, **_):
        try:
            result = import_registry(file, dry_run=dry_run, partial=partial)
        except UnusableFile as unusable:
            self._unusable(unusable, json, ImportReport().as_dict())
        except TuopinError as error:
            raise CommandError(str(error)) from error
        if result.written:
            # The file may touch any village: recount them all (one grouped query each).
            totals_refresh(prefix="")
            registry_written("")  # e.g. the pairings follow the households' 帮扶责任人
        if report:
            write_error_report(file, result, report)
        if json:
            self.stdout.write(_json(result.as_dict()))
        else:
            self._registry_summary(result, dry_run)
        if result.exit_code:
            sys.exit(result.exit_code)

    def _ledger(
        self, *, kind: str, file: str, year, dry_run: bool, partial: bool, report, json: bool, **_
    ):
        try:
            result = import_ledger(kind, file, year=year, dry_run=dry_run, partial=partial)
        except UnusableFile as unusable:
            self._unusable(unusable, json, LedgerImportReport(kind).as_dict())
        except TuopinError as error:
            raise CommandError(str(error)) from error
        if report:
            write_error_report(file, result, report, table=open_ledger_table(file, layout_of(kind)))
        if json:
            self.stdout.write(_json(result.as_dict()))
        else:
            self._ledger_summary(result)
        if result.exit_code:
            sys.exit(result.exit_code)

    def _ratings(self, *, file: str, user: str, **options):
        """Star-rating proposals (tuopin.people.ratings_import), as the user `--user`."""
        acting = get_user_model().objects.filter(username=user, is_active=True).first()
        if acting is None:
            raise CommandError(f"没有用户“{user}” (no active user '{user}')")
        self._table(
            "星级评定",
            lambda dry_run, partial: import_ratings(
                file, acting_user=acting, dry_run=dry_run, partial=partial
            ),
            RatingImportReport(),
            file=file,
            **options,
        )

    def _people_helpers(self, what: str, *, file: str, **options):
        run = import_helpers if what == "helpers" else import_visits
        self._table(
            PEOPLE_LABELS[what],
            lambda dry_run, partial: run(file, dry_run=dry_run, partial=partial),
            PeopleImportReport(what),
            file=file,
            table=lambda: _plain_table(file),
            **options,
        )

    def _orgs(self, what: str, *, file: str, **options):
        self._table(
            LABELS[what],
            lambda dry_run, partial: import_orgs(what, file, dry_run=dry_run, partial=partial),
            OrgsImportReport(what),
            file=file,
            **options,
        )

    def _registered(self, kind, *, file: str, **options):
        self._table(
            kind.label,
            lambda dry_run, partial: kind.run(file, dry_run=dry_run, partial=partial),
            kind.empty(),
            file=file,
            **options,
        )

    def _teams(self, *, file: str, **options):
        self._table(
            "驻村工作队花名册",
            lambda dry_run, partial: import_teams(file, dry_run=dry_run, partial=partial),
            TeamImportReport(),
            file=file,
            **options,
        )

    def _table(
        self, label, run, empty, *, file, dry_run, partial, json, report=None, table=None, **_
    ):
        """One 帮扶力量 table import: the report, its summary or JSON, the exit code."""
        try:
            result = run(dry_run, partial)
        except UnusableFile as unusable:
            self._unusable(unusable, json, empty.as_dict())
        except TuopinError as error:
            raise CommandError(str(error)) from error
        if report and table is not None:
            write_error_report(file, result, report, table=table())
        if json:
            self.stdout.write(_json(result.as_dict()))
        else:
            self._table_summary(label, result)
        if result.exit_code:
            sys.exit(result.exit_code)

    def _unusable(self, unusable: UnusableFile, json: bool, empty: dict):
        if json:
            self.stdout.write(_json(_unusable_report(unusable, empty)))
        else:
            self.stderr.write(str(unusable))
        sys.exit(2)

    def _registry_summary(self, result, dry_run: bool) -> None:
        h, m = result.households, result.members
        self.stdout.write(
            f"共 {result.rows} 行。户：新增 {h.created}，更新 {h.updated}，未变 {h.unchanged}，"
            f"拒绝 {h.rejected}；人：新增 {m.created}，更新 {m.updated}，未变 {m.unchanged}，"
            f"拒绝 {m.rejected}。" + ("（试运行，未写入）" if dry_run else "")
        )
        self._messages(result)
        if result.errors and not result.written:
            self.stdout.write("有错误，未写入任何数据（可用 --partial 只写入正确的户）。")

    def _ledger_summary(self, result: LedgerImportReport) -> None:
        self._table_summary(KINDS[result.kind].label_zh, result)

    def _table_summary(self, label: str, result) -> None:
        outside = result.not_registered  # people or households not in the registry
        self.stdout.write(
            f"{label}：共 {result.rows} 行。新增 {result.created}，更新 {result.updated}，"
            f"未变 {result.unchanged}，拒绝 {result.rejected}"
            + (f"；其中不在建档立卡库中 {outside} 行。" if outside else "。")
            + ("（试运行，未写入）" if result.dry_run else "")
        )
        self._messages(result)
        if result.errors and not result.written and not result.dry_run:
            self.stdout.write("有错误，未写入任何数据（可用 --partial 只写入正确的行）。")

    def _messages(self, result) -> None:
        for message in result.errors:
            self.stdout.write(f"  错误 第 {message.row} 行 [{message.column}] {message.message_zh}")
        for message in result.warnings:
            self.stdout.write(f"  提示 第 {message.row} 行 [{message.column}] {message.message_zh}")


def _common(parser, partial_help: str) -> None:
    parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")
    parser.add_argument("--partial", action="store_true", help=partial_help)
    parser.add_argument("--report", help="把带错误列的原表写到此 xlsx 文件")
    parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")


def _unusable_report(unusable: UnusableFile, empty: dict) -> dict:
    """The usual shape, nothing counted, the file's problem as its one error."""
    error = unusable.as_dict()
    message = {"row": error.get("row"), "column": None, "code": error["code"]}
    message.update(message=unusable.message_zh, message_en=unusable.message_en)
    return {**empty, "errors": [message], "error": error}


def _json(data) -> str:
    return jsonlib.dumps(data, ensure_ascii=False, default=str)
