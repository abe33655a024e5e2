"""`tuopin quality`: the data-quality checks (疑点数据, domain.md §6) from the command line.

Runs as the system, not as a user: every household (below `--region`) is checked.
"""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from tuopin.audit.models import AccessKind
from tuopin.audit.services import access_log_record
from tuopin.core.errors import TuopinError
from tuopin.regions.selectors import region_option
from tuopin.registry.quality import CHECKS, DEFAULT_YEAR, get_check, quality_counts, quality_list


class Command(BaseCommand):
    help = (
        "疑点数据检查：每项检查的疑点户数或人数；--list 列出某项检查的疑点户 "
        "(data-quality checks: count per check; --list prints one check's households)"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--region", default="", help="区划代码，12 位或前 2/4/6/9 位 (12 digits or prefix)"
        )
        parser.add_argument("--year", type=int, default=DEFAULT_YEAR, help="年度 (default 2018)")
        parser.add_argument(
            "--as-of",
            default="",
            help="计算年龄的日期 YYYY-MM-DD，默认该年 12 月 31 日 (date ages are counted at)",
        )
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.add_argument("--list", metavar="CHECK", default="", help="列出该检查的疑点户")

    def handle(self, *args, **options):
        region = region_option(options["region"])
        prefix = region.prefix if region else ""
        year = options["year"]
        as_of = self._as_of(options["as_of"])
        try:
            if options["list"]:
                self._list(options["list"], region, prefix, year, as_of, options["json"])
                return
            counts = quality_counts(None, region_prefix=prefix, year=year, as_of=as_of)
        except TuopinError as error:
            raise CommandError(str(error)) from error
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {"region": region.code if region else None, "year": year, "checks": counts},
                    ensure_ascii=False,
                )
            )
            return
        where = f"{region.name} {region.code}" if region else "全部 (all)"
        self.stdout.write(f"疑点数据 (data-quality checks) · {where} · {year}")
        width = max(len(code) for code in CHECKS)
        for code, count in counts.items():
            check = CHECKS[code]
            unit = "人" if check.unit == "member" else "户"
            self.stdout.write(
                f"{check.item:>2}  {code:<{width}}  {count:>8} {unit}  {check.label_zh}"
            )

    def _as_of(self, text: str) -> date | None:
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise CommandError(
                f"日期“{text}”无效，应为 YYYY-MM-DD (invalid date '{text}': use YYYY-MM-DD)"
            ) from None

    def _list(self, code, region, prefix, year, as_of, as_json) -> None:
        check = get_check(code)
        rows = (
            quality_list(code, user=None, region_prefix=prefix, year=year, as_of=as_of)
            .values_list("village_id", "number", "head_name")
            .iterator(chunk_size=2000)
        )
        # The list names households and their heads: a look at personal data, logged as
        # the scorecard's download is.
        access_log_record(
            kind=AccessKind.EXPORT,
            username="(command line)",
            region_code=region.code if region else None,
            object_type="quality",
            object_id=code,
            detail=f"tuopin quality --list {code} --year {year}",
        )
        if as_json:
            households = [
                {"village": village, "number": number, "head": head or ""}
                for village, number, head in rows
            ]
            self.stdout.write(
                json.dumps(
                    {
                        "region": region.code if region else None,
                        "year": year,
                        "check": code,
                        "households": households,
                    },
                    ensure_ascii=False,
                )
            )
            return
        self.stdout.write(f"{check.label_zh} ({check.label_en})")
        count = 0
        for village, number, head in rows:
            self.stdout.write(f"{village}\t{number}\t{head or '—'}")
            count += 1
        self.stdout.write(f"共 {count} 户 ({count} households)")
