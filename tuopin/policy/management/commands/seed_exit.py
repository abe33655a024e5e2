"""Demo data for the exit evaluations: poor villages, populations, indicators, and runs."""

import random

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tuopin.core.regioncodes import expand_code, significant_prefix
from tuopin.policy.engine.areas import VILLAGE_INDICATORS
from tuopin.policy.models import CountyIndicator, EvaluationRun, VillageIndicator
from tuopin.policy.runs import evaluation_run
from tuopin.policy.selectors import current_policy
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region

# Share of villages flagged poor (351 of 4,834 in Shangqiu's plan, about 7%).
POOR_SHARE = 0.073


class Command(BaseCommand):
    help = (
        "为演示生成贫困村、户籍人口、村县退出指标并运行评估 "
        "(demo poor villages, populations, exit indicators and evaluation runs)"
    )

    def add_arguments(self, parser):
        parser.add_argument("--region", default="411421", help="区划代码或有效前缀")
        parser.add_argument("--year", type=int, default=2018)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--if-empty", action="store_true", help="已有评估运行时什么也不做")

    def handle(self, *args, region, year, seed, if_empty, **options):
        code = expand_code(region)
        if code is None or not Region.objects.filter(code=code).exists():
            raise CommandError(f"区划代码 {region} 不存在 (unknown region code {region})")
        if if_empty and EvaluationRun.objects.exists():
            return
        prefix = significant_prefix(code)
        generator = random.Random(seed)
        with transaction.atomic():
            villages = self._villages(prefix, generator)
            self._indicators(villages, prefix, year, generator)
        policy = current_policy()
        for level in ("household", "village", "county"):
            scope = code if level != "county" or len(prefix) <= 6 else prefix[:6].ljust(12, "0")
            run = evaluation_run(
                acting_user=None, policy=policy, year=year, region_code=scope, level=level
            )
            results = run.counts["results"]
            self.stdout.write(
                f"评估 #{run.pk} {level}：达标 {results['pass']}，未达标 {results['fail']}，"
                f"待核实 {results['unknown']}"
            )

    def _villages(self, prefix: str, generator: random.Random) -> list[Region]:
        villages = list(
            Region.objects.filter(
                level=RegionLevel.VILLAGE, code__startswith=prefix, kind="village"
            ).order_by("code")
        )
        poor = [v for v in villages if generator.random() < POOR_SHARE]
        for village in villages:
            village.registered_population = village.registered_population or generator.randint(
                900, 3200
            )
            village.is_poor_village = village.is_poor_village or village in poor
        Region.objects.bulk_update(villages, ["registered_population", "is_poor_village"])
        return [v for v in villages if v.is_poor_village]

    def _indicators(self, villages, prefix: str, year: int, generator: random.Random) -> None:
        VillageIndicator.objects.bulk_create(
            [
                VillageIndicator(
                    village=village,
                    year=year,
                    collective_income=generator.randint(5, 80) * 1000,
                    industry=generator.choice(["小麦种植", "花生", "食用菌", "蔬菜大棚", "养殖"]),
                    # Most villages have every indicator; some still lack one or two.
                    **{name: generator.random() < 0.93 for name in VILLAGE_INDICATORS},
                )
                for village in villages
            ],
            ignore_conflicts=True,
        )
        counties = Region.objects.filter(level=RegionLevel.COUNTY, code__startswith=prefix[:6])
        CountyIndicator.objects.bulk_create(
            [
                CountyIndicator(
                    county=county,
                    year=year,
                    wrong_exit_rate=round(generator.uniform(0.2, 2.5), 2),
                    missed_rate=round(generator.uniform(0.2, 2.5), 2),
                    approval=round(generator.uniform(88, 98), 2),
                )
                for county in counties
            ],
            ignore_conflicts=True,
        )
