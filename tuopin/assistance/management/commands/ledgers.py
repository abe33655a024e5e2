"""`tuopin ledgers check`: the coverage checks of the sector ledgers (覆盖核查).

Runs as the system, not as a user: every row (below `--region`) is checked.
"""

import json
import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from tuopin.assistance.coverage import (
    CHECKS,
    DEFAULT_YEAR,
    coverage_counts,
    coverage_list,
    get_check,
)
from tuopin.assistance.coverage.snapshot import coverage_refresh
from tuopin.audit.models import AccessKind
from tuopin.audit.services import access_log_record
from tuopin.core.errors import TuopinError
from tuopin.regions.selectors import region_option
from tuopin.registry.idnumbers import mask_id_number


class Command(BaseCommand):
    help = "行业台账：check 覆盖核查（每项核查的问题数） (sector ledgers: coverage checks)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="覆盖核查 (coverage checks)")
        check.add_argument(
            "--region", default="", help="区划代码，12 位或前 2/4/6/9 位 (12 digits or prefix)"
        )
        check.add_argument("--year", type=int, default=DEFAULT_YEAR, help="年度 (default 2018)")
        check.add_argument(
            "--as-of", default="", help="核查日期 YYYY-MM-DD，默认该年 12 月 31 日 (as-of date)"
        )
        check.add_argument(
            "--check",
            dest="codes",
            action="append",
            default=[],
            metavar="CODE",
            help="只运行该项核查，可重复 (run only this check; repeatable)",
        )
        check.add_argument(
            "--list", action="store_true", help="列出所选核查的问题对象 (list the offenders)"
        )
        check.add_argument(
            "--store",
            action="store_true",
            help="重新统计并保存各区划的核查数量，供核查总表读取 (refresh the stored counts "
            "the scorecard reads)",
        )
        check.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, **options):
        region = region_option(options["region"])
        prefix = region.prefix if region else ""
        year = options["year"]
        as_of = self._as_of(options["as_of"])
        try:
            codes = [get_check(code).code for code in options["codes"]] or list(CHECKS)
            if options["list"]:
                self._list(codes, region, prefix, year, as_of, options["json"])
                return
            if options["store"]:
                started = time.perf_counter()
                snapshot = coverage_refresh(prefix=prefix, year=year)
                self.stdout.write(
                    f"已保存核查数量 (stored counts): {snapshot.prefix or '*'} {year}, "
                    f"{time.perf_counter() - started:.1f} s"
                )
                return
            timings = {}
            counts = {}
            for code in codes:
                started = time.perf_counter()
                counts.update(
                    coverage_counts(
                        None, region_prefix=prefix, year=year, as_of=as_of, codes=[code]
                    )
                )
                timings[code] = round(time.perf_counter() - started, 3)
        except TuopinError as error:
            raise CommandError(str(error)) from error
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "region": region.code if region else None,
                        "year": year,
                        "checks": counts,
                        "seconds": timings,
                    },
                    ensure_ascii=False,
                )
            )
            return
        where = f"{region.name} {region.code}" if region else "全部 (all)"
        self.stdout.write(f"覆盖核查 (coverage checks) · {where} · {year}")
        width = max(len(code) for code in codes)
        for code, count in counts.items():
            check = CHECKS[code]
            self.stdout.write(
                f"{code:<{width}}  {count:>8} {check.unit_info.label_zh}  {check.label_zh}"
                f"  ({timings[code]:.2f}s)"
            )
        self.stdout.write(f"合计用时 {sum(timings.values()):.1f} 秒 (total seconds)")

    def _as_of(self, text: str) -> date | None:
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise CommandError(
                f"日期“{text}”无效，应为 YYYY-MM-DD (invalid date '{text}': use YYYY-MM-DD)"
            ) from None

    def _list(self, codes, region, prefix, year, as_of, as_json) -> None:
        # The lists name people: a look at personal data, logged like a download.
        access_log_record(
            kind=AccessKind.EXPORT,
            username="(command line)",
            region_code=region.code if region else None,
            object_type="coverage_check",
            object_id=",".join(codes)[:64],
            detail=f"tuopin ledgers check --list --year {year}",
        )
        result = {}
        for code in codes:
            rows = coverage_list(code, user=None, region_prefix=prefix, year=year, as_of=as_of)
            result[code] = [
                {
                    key: mask_id_number(value or "") if key == "person_id_number" else _plain(value)
                    for key, value in row.items()
                }
                for row in rows.iterator(chunk_size=2000)
            ]
        if as_json:
            self.stdout.write(
                json.dumps(
                    {"region": region.code if region else None, "year": year, "checks": result},
                    ensure_ascii=False,
                )
            )
            return
        for code, rows in result.items():
            check = CHECKS[code]
            self.stdout.write(f"{check.label_zh} ({check.label_en})")
            for row in rows:
                self.stdout.write(
                    "\t".join(
                        str(row[key] or "") for key in ("region_code", "home_number", "person_name")
                    )
                )
            self.stdout.write(f"共 {len(rows)} {check.unit_info.label_zh} ({len(rows)})")


def _plain(value):
    return value if value is None or isinstance(value, (int, str)) else str(value)
