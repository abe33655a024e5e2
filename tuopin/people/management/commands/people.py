"""`tuopin people check`: the checks of 帮扶力量 (work teams, attendance, helpers and
visits, workshops, weak branches), each check's count; with --json also every finding's
region code and id. Runs as the system: every row (below `--region`) is checked."""

import json
import time

from django.core.management.base import BaseCommand, CommandError

from tuopin.core.errors import TuopinError
from tuopin.people.checks import (
    CHECKS,
    DEFAULT_YEAR,
    check_counts,
    context_for,
    findings,
    get_check,
)
from tuopin.people.checks.framework import analytic_queries
from tuopin.regions.selectors import region_option


class Command(BaseCommand):
    help = "帮扶力量：check 核查（每项核查的问题数） (people who help: the checks)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="帮扶力量核查 (the checks)")
        check.add_argument(
            "--region", default="", help="区划代码，12 位或前 2/4/6/9 位 (12 digits or prefix)"
        )
        check.add_argument("--year", type=int, default=DEFAULT_YEAR, help="年度 (default 2018)")
        check.add_argument(
            "--check",
            dest="codes",
            action="append",
            default=[],
            metavar="CODE",
            help="只运行该项核查，可重复 (run only this check; repeatable)",
        )
        check.add_argument(
            "--json",
            action="store_true",
            help="输出 JSON，含每个问题的区划代码和编号 (JSON with each finding's region and id)",
        )
        check.add_argument(
            "--on-copy",
            dest="on_copy",
            action="store_true",
            help="在分析副本上计数 (count on the analytic copy, docs/analytics.md)",
        )

    def handle(self, *args, **options):
        region = region_option(options["region"])
        year = options["year"]
        try:
            chosen = [get_check(code) for code in options["codes"]] or list(CHECKS.values())
        except TuopinError as error:
            raise CommandError(str(error)) from error
        context = context_for(None, region_prefix=region.prefix if region else "", year=year)
        counts, seconds, found = {}, {}, {}
        if options["on_copy"] and not options["json"]:
            started = time.perf_counter()
            counts = check_counts(
                None,
                region_prefix=region.prefix if region else "",
                year=year,
                codes=[item.code for item in chosen],
                on_copy=True,
            )
            # One bringing-current and one pass for all of them: the time is the total's.
            seconds = dict.fromkeys(counts, 0.0)
            seconds[chosen[0].code] = round(time.perf_counter() - started, 3)
            chosen = []
        for item in chosen:
            started = time.perf_counter()
            if options["json"]:
                found[item.code] = findings(item, context)
                counts[item.code] = len(found[item.code])
            else:
                with analytic_queries():
                    counts[item.code] = item.offenders(context).count()
            seconds[item.code] = round(time.perf_counter() - started, 3)
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "region": region.code if region else None,
                        "year": year,
                        "checks": counts,
                        "findings": found,
                        "seconds": seconds,
                    },
                    ensure_ascii=False,
                    default=str,
                )
            )
            return
        where = f"{region.name} {region.code}" if region else "全部 (all)"
        self.stdout.write(f"帮扶力量核查 (people checks) · {where} · {year}")
        width = max(len(code) for code in counts)
        for code, count in counts.items():
            item = CHECKS[code]
            self.stdout.write(
                f"{code:<{width}}  {count:>8} {item.unit_info.label_zh}  {item.label_zh}"
                f"  ({seconds[code]:.2f}s)"
            )
        self.stdout.write(f"合计用时 {sum(seconds.values()):.1f} 秒 (total seconds)")
