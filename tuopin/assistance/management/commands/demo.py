"""`tuopin demo`: the whole demo database in one process (make run), work included."""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from tuopin.assistance.demo import ledger_demo
from tuopin.cases.demo import DEMO_YEAR, DemoError, demo_setup
from tuopin.core.demo_steps import demo_steps
from tuopin.people.demo import people_demo


class Command(BaseCommand):
    help = (
        "建立演示数据库：迁移、区划、演示用户、贫困户（含上年收入）、退出评估，以及每个演示用户的待办"
        "（各步骤的退出事项、异议、返贫、监测、县退出），以及演示县的各行业帮扶台账（含待审核条目和"
        "故意的核查问题）。--if-empty 时已有的部分不再生成。"
        " (Set up the demo database: migrate, divisions, demo users, households with last "
        "year's income, exit evaluations, and work for every demo user: exit cases at each "
        "step, an objection, a return, monitoring, a county exit; and a year of every sector "
        "ledger of the demo county, with entries waiting for review and planted coverage "
        "problems. With --if-empty, parts "
        "already there are left as they are.)"
    )

    def add_arguments(self, parser):
        parser.add_argument("--region", default="411421", help="县级区划代码 (county code)")
        parser.add_argument("--households", type=int, default=2000, help="户数 (households)")
        parser.add_argument("--seed", type=int, default=1, help="随机种子 (random seed)")
        parser.add_argument("--year", type=int, default=DEMO_YEAR, help="工作年度 (work year)")
        parser.add_argument(
            "--if-empty", action="store_true", help="已有数据时不再生成 (keep what is there)"
        )

    def handle(self, *args, region, households, seed, year, if_empty, **options):
        started = time.monotonic()
        quiet = options.get("verbosity", 1) < 1
        call_command("migrate", interactive=False, verbosity=0)
        if not quiet:
            self.stdout.write(f"数据库迁移 (migrate)：{time.monotonic() - started:.1f} 秒")
        try:
            result = demo_setup(
                region_code=region.ljust(12, "0"),
                households=households,
                seed=seed,
                year=year,
                if_empty=if_empty,
                say=(lambda text: None) if quiet else self.stdout.write,
            )
            ledger_started = time.monotonic()
            ledger_demo(
                region_code=region.ljust(12, "0"),
                year=year,
                seed=seed,
                if_empty=if_empty,
                say=(lambda text: None) if quiet else self.stdout.write,
            )
            if not quiet:
                self.stdout.write(
                    f"行业台账 (sector ledgers)：{time.monotonic() - ledger_started:.1f} 秒"
                )
            people_started = time.monotonic()
            people_demo(
                region_code=region.ljust(12, "0"),
                year=year,
                seed=seed,
                if_empty=if_empty,
                say=(lambda text: None) if quiet else self.stdout.write,
            )
            if not quiet:
                self.stdout.write(
                    f"帮扶力量 (teams, helpers): {time.monotonic() - people_started:.1f} 秒"
                )
            for label, step in demo_steps():  # the apps above: the project library, funds…
                step_started = time.monotonic()
                step(
                    region_code=region.ljust(12, "0"),
                    year=year,
                    seed=seed,
                    if_empty=if_empty,
                    say=(lambda text: None) if quiet else self.stdout.write,
                )
                if not quiet:
                    self.stdout.write(f"{label}：{time.monotonic() - step_started:.1f} 秒")
        except DemoError as error:
            raise CommandError(str(error)) from error
        if not quiet:
            self.stdout.write(f"演示数据共用时 {time.monotonic() - started:.1f} 秒 (demo set up)")
        self.stdout.write("演示账号 (demo logins):")
        for login in result["logins"]:
            self.stdout.write(
                f"  {login['username']:<16} {login['password']}  {login['role']} · {login['region']}"
            )
