import argparse
import json

from django.core.management.base import BaseCommand, CommandError

from tuopin.assistance.seed import PLANTED, seed_ledgers
from tuopin.core.errors import TuopinError
from tuopin.core.regioncodes import expand_code, significant_prefix
from tuopin.registry.models import Household
from tuopin.registry.seed import CITY_CODE, DEFECT_KINDS, seed_registry


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(
            f"户数应为正整数：{text} (the number of households must be a positive integer)"
        )
    return value


class Command(BaseCommand):
    help = (
        "生成合成的建档立卡数据：在区划下的真实村（社区）中生成贫困户、家庭成员、年度收入、"
        "帮扶措施和帮扶责任人，同一种子结果完全相同，约 2.5% 的户带有一处故意的疑点数据。"
        "为了速度，数据成批直接写入，不记录修改历史（合成数据没有修改人；历史从第一次真实修改开始）。"
        " (Generate synthetic registry data over the real villages below a region: households, "
        "members, incomes, measures and helpers; the same seed gives the same data; about 2.5% "
        "of the households carry one deliberate data-quality defect. Rows are bulk-written "
        "without row history, for speed: generated rows have no author, and their history "
        "starts with the first real edit.) --ledgers 另生成该年度各行业帮扶台账 (--ledgers adds a "
        "year of every sector ledger, tuopin/assistance/seed.py)"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--households",
            type=positive,
            help="户数 (number of households); 只加 --ledgers 时可省略，为已有贫困户生成台账 "
            "(may be left out with --ledgers: ledgers for the households already there)",
        )
        parser.add_argument(
            "--region",
            default=CITY_CODE,
            help="区划代码，12 位或其前 4/6/9 位，默认商丘市 411400 "
            "(region code, 12 digits or its significant prefix; default the whole city)",
        )
        parser.add_argument("--seed", type=int, default=1, help="随机种子 (random seed), default 1")
        parser.add_argument(
            "--year", type=int, default=2018, help="收入年度 (income year), default 2018"
        )
        parser.add_argument(
            "--previous-year",
            action="store_true",
            help="同时生成上一年度收入（监测收入下降用） (also each household's income of the year "
            "before, for the income-fall monitoring rule)",
        )
        parser.add_argument(
            "--ledgers",
            action="store_true",
            help="同时生成该年度的各行业帮扶台账（含少量故意的核查问题）并同步帮扶措施 "
            "(also a year of every sector ledger for the region's households, with a small "
            "share of planted coverage problems, then the measures from the ledgers)",
        )
        parser.add_argument("--json", action="store_true", help="print the totals as JSON")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="只在区域内还没有贫困户时生成（make run 用） (only when the region has no households)",
        )

    def handle(self, *args, households, region, seed, year, **options):
        as_json = options.get("json", False)
        with_ledgers = options.get("ledgers", False)
        if households is None and not with_ledgers:
            raise CommandError(
                "请给出户数 --households，或用 --ledgers 为已有贫困户生成台账 "
                "(give --households, or --ledgers for the households already there)"
            )
        prefix = significant_prefix(expand_code(region) or region)
        verbose = options.get("verbosity", 1) >= 1 and not as_json
        totals = None
        if households is not None:
            if (
                options.get("if_empty")
                and Household.objects.filter(village__code__startswith=prefix).exists()
            ):
                self.stdout.write(
                    f"{region} 已有贫困户，未生成 (households exist; nothing generated)"
                )
                return
            totals = self._registry(households, region, seed, year, verbose, options)
        ledgers = self._ledgers(prefix, seed, year, verbose) if with_ledgers else None
        if as_json:
            result = totals if totals is not None else {}
            if ledgers is not None:
                result["ledgers"] = ledgers
            self._json(result)

    def _registry(self, households, region, seed, year, verbose, options) -> dict:
        as_json = options.get("json", False)

        def progress(state: dict) -> None:
            if verbose:
                self.stdout.write(
                    f"第 {state['chunk']}/{state['chunks']} 批：{state['households']:,} 户，"
                    f"{state['members']:,} 人，{state['seconds']:.1f} 秒 "
                    f"(chunk {state['chunk']}/{state['chunks']}: {state['households']:,} "
                    f"households, {state['members']:,} members, {state['seconds']:.1f} s)"
                )

        try:
            totals = seed_registry(
                households=households,
                region_code=region,
                seed=seed,
                year=year,
                progress=progress,
                previous_year=options.get("previous_year", False),
            )
        except TuopinError as error:
            raise CommandError(f"{error.message_zh} ({error.message_en})") from error
        planted = totals.pop("planted")
        if as_json:
            return totals
        self.stdout.write(
            f"完成：{totals['households']:,} 户，{totals['members']:,} 人，"
            f"{totals['incomes']:,} 条年度收入，{totals['measures']:,} 条帮扶措施，"
            f"{totals['causes']:,} 条其他致贫原因，{totals['helpers']:,} 名帮扶责任人，"
            f"用时 {totals['seconds']} 秒 (done: {totals['households']:,} households, "
            f"{totals['members']:,} members, {totals['incomes']:,} incomes, "
            f"{totals['measures']:,} measures, {totals['causes']:,} other causes, "
            f"{totals['helpers']:,} helpers, {totals['seconds']} s)"
        )
        self.stdout.write(
            f"故意的疑点数据 {len(planted):,} 户 ({len(planted):,} households with a planted "
            "data-quality defect):"
        )
        for kind, count in totals["defects"].items():
            self.stdout.write(f"  {DEFECT_KINDS[kind]} ({kind}): {count:,}")
        return totals

    def _ledgers(self, prefix: str, seed: int, year: int, verbose: bool) -> dict:
        def progress(state: dict) -> None:
            if verbose:
                self.stdout.write(
                    f"台账 {state['step']}/{state['steps']}（{state['ledger']}）："
                    f"{state['rows']:,} 行，{state['seconds']:.1f} 秒 (ledgers "
                    f"{state['step']}/{state['steps']} {state['ledger']}: {state['rows']:,} "
                    f"rows, {state['seconds']:.1f} s)"
                )

        try:
            result = seed_ledgers(region_prefix=prefix, year=year, seed=seed, progress=progress)
        except TuopinError as error:
            raise CommandError(f"{error.message_zh} ({error.message_en})") from error
        # Whom each problem concerns is for tests and benchmarks, not for a terminal: ID
        # numbers are not printed.
        result.pop("planted_ids")
        if verbose:
            self.stdout.write(
                f"台账完成：{result['total']:,} 行，用时 {result['seconds']} 秒 "
                f"(ledgers done: {result['total']:,} rows, {result['seconds']} s)"
            )
            for table, count in result["rows"].items():
                self.stdout.write(f"  {table}: {count:,}")
            self.stdout.write("故意的核查问题 (planted coverage problems):")
            for kind, count in result["planted"].items():
                self.stdout.write(f"  {PLANTED[kind]} ({kind}): {count:,}")
            measures = result["measures"]
            self.stdout.write(
                f"帮扶措施：新增 {measures['created']:,}，删除 {measures['deleted']:,} "
                f"(measures from ledgers: {measures['created']:,} created, "
                f"{measures['deleted']:,} deleted)"
            )
        return result

    def _json(self, totals: dict) -> None:
        self.stdout.write(json.dumps(totals, ensure_ascii=False))
