import datetime
import json as jsonlib
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tuopin.core.errors import TuopinError
from tuopin.core.regioncodes import expand_code
from tuopin.core.spreadsheets import csv_writer
from tuopin.policy.export import result_rows, write_results
from tuopin.policy.models import Engine, Level, PolicyStatus, PolicyVersion
from tuopin.policy.runs import evaluation_run
from tuopin.regions.models import Region


class Command(BaseCommand):
    help = (
        "按退出标准评估并保存结果 (evaluate households, villages or counties against a standard): "
        "tuopin evaluate --policy henan-2018 --year 2018"
    )

    def add_arguments(self, parser):
        add_standard_arguments(parser)
        parser.add_argument("--region", default="", help="区划代码（任一层级，全码或有效前缀）")
        parser.add_argument("--level", choices=Level.values, default=Level.HOUSEHOLD)
        parser.add_argument("--engine", choices=Engine.values, default=Engine.DB)
        parser.add_argument(
            "--out", help="结果文件：.csv、.xlsx 或 .parquet；- 表示把 CSV 打印到标准输出"
        )
        parser.add_argument("--json", action="store_true", help="以 JSON 输出运行摘要")

    def handle(self, *args, policy, year, as_of, region, level, engine, out, json, **options):
        if out and out != "-" and Path(out).suffix.lower() not in (".csv", ".xlsx", ".parquet"):
            raise CommandError("结果文件应为 .csv、.xlsx 或 .parquet (use .csv, .xlsx or .parquet)")
        try:
            version = _policy(policy)
            code = _region_code(region) if region else _root_code()
            as_of_date = datetime.date.fromisoformat(as_of) if as_of else None
            run = evaluation_run(
                acting_user=None,
                policy=version,
                year=year,
                level=level,
                as_of=as_of_date,
                region_code=code,
                engine=engine,
            )
        except TuopinError as error:
            raise CommandError(str(error)) from error
        except ValueError as error:
            raise CommandError(f"日期无效：{as_of} (invalid date)") from error
        if out == "-":
            # The CSV itself on standard output; the summary goes to standard error.
            writer = csv_writer(self.stdout, lineterminator="\n")
            for row in result_rows(run):
                writer.writerow(row)
        elif out:
            try:
                write_results(run, Path(out))
            except TuopinError as error:
                raise CommandError(str(error)) from error
        summary = {
            "run": run.pk,
            "policy": str(run.policy),
            "level": run.level,
            "year": run.year,
            "as_of": run.as_of.isoformat(),
            "region": run.region_id,
            "engine": run.engine,
            **run.counts,
            "timings": run.timings,
        }
        # With the CSV on standard output the summary goes to standard error.
        report = self.stderr if out == "-" else self.stdout
        if json:
            report.write(jsonlib.dumps(summary, ensure_ascii=False))
        else:
            r = run.counts["results"]
            report.write(
                f"评估 #{run.pk}（{run.policy}，{run.year} 年，{run.region_id}）："
                f"共 {run.counts['total']}，达标 {r['pass']}，未达标 {r['fail']}，"
                f"待核实 {r['unknown']} (pass {r['pass']}, fail {r['fail']}, "
                f"unknown {r['unknown']})"
            )
        sys.stdout.flush()


def add_standard_arguments(parser) -> None:
    """The standard, year and date every evaluation command asks for."""
    parser.add_argument("--policy", required=True, help="标准代码，如 henan-2018（可加 @版本号）")
    parser.add_argument("--year", type=int, required=True, help="评估年度")
    parser.add_argument("--as-of", help="评估日期 YYYY-MM-DD，默认该年 12 月 31 日")


def _policy(text: str) -> PolicyVersion:
    code, _, version = text.partition("@")
    versions = PolicyVersion.objects.filter(code=code)
    if version:
        found = versions.filter(version=int(version)).first()
    else:
        found = versions.filter(status=PolicyStatus.PUBLISHED).order_by("-version").first()
    if found is None:
        raise CommandError(f"没有已发布的退出标准 {text} (no published standard {text})")
    return found


def _region_code(text: str) -> str:
    code = expand_code(text)
    if code is None or not Region.objects.filter(code=code).exists():
        raise CommandError(f"区划代码 {text} 不存在 (unknown region code {text})")
    return code


def _root_code() -> str:
    root = Region.objects.filter(parent__isnull=True).order_by("code").first()
    if root is None:
        raise CommandError("没有区划数据，请先运行 tuopin regions load")
    return root.code
