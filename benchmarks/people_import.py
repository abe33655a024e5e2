"""帮扶力量 import benchmark: rows per second of the six people imports from CSV.

Seeds the registry of one county (民权县) unless the database holds one, writes a CSV file
of every layout from it (roster, helper pairings, visits, enterprises with pairings,
projects and beneficiaries, workshops with employees, star ratings), then times each
import twice: the first run (every row created, with history) and the re-import of the
same file (every row unchanged, nothing written). Prints rows/s per layout and the load.

Usage (an empty, throw-away database; PostgreSQL for the recorded figures):
    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE tuopin_bench_people"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tuopin_bench_people \\
        .venv/bin/python benchmarks/people_import.py [--households 60000] [--scale 1]
Without DATABASE_URL it runs on a new SQLite file (for information; use --scale 0.1).

Target (issue 14): >= 10,000 rows/s from CSV, created and unchanged.
"""

import argparse
import csv
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if "DATABASE_URL" not in os.environ:
    os.environ["TUOPIN_SQLITE_PATH"] = str(Path(tempfile.mkdtemp()) / "bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.base")
os.environ.setdefault("TUOPIN_ENV", "development")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from benchmarks.server_cpu import OtherBackends, server_cpu  # noqa: E402

OUT = Path(tempfile.mkdtemp())
COUNTY = "411421000000"  # 民权县
YEAR = 2018
OFFSET = 200_000  # ID numbers of one run: 500 days of births apart from the next run's
STARS = ["勤劳致富星", "学习教育星", "健身康复星", "卫生整洁星", "精神面貌星"]


def prepare(households: int):
    from tuopin.regions.services import regions_load
    from tuopin.registry.models import Household
    from tuopin.registry.seed import seed_registry

    call_command("migrate", verbosity=0)
    regions_load()
    if not Household.objects.exists():
        start = time.perf_counter()
        seed_registry(households=households, region_code=COUNTY, seed=1)
        print(f"seed {households} households: {time.perf_counter() - start:.1f} s", flush=True)


def registry():
    """(household number, village) of every household; (ID number, name) of members."""
    from tuopin.regions.models import Region
    from tuopin.registry.models import Household, Member

    homes = list(Household.objects.order_by("pk").values_list("number", "village_id"))
    people = list(
        Member.objects.exclude(id_number="").order_by("pk").values_list("id_number", "name")
    )
    villages = list(
        Region.objects.filter(code__startswith=COUNTY[:6], level="village").values_list(
            "code", flat=True
        )
    )
    return homes, people, villages


def id_number(n: int, county: str = "411421") -> str:
    from tuopin.registry.idnumbers import make_id_number

    return make_id_number(county, date(1960, 1, 1) + timedelta(days=n // 400), n % 400, "1")


def credit_code(n: int) -> str:
    """A valid unified social credit code (its organisation code checked too)."""
    from tuopin.core.errors import TuopinError
    from tuopin.people.enterprises_services import credit_code_clean

    base = f"91411421{n:08d}"
    for digit in "0123456789X":
        for last in "0123456789ABCDEFGHJKLMNPQRTUWXY":
            try:
                return credit_code_clean(base + digit + last)
            except TuopinError:
                continue
    raise ValueError(n)


def write_csv(name: str, header: list[str], rows) -> Path:
    path = OUT / name
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def roster(villages, count: int, run: int) -> Path:
    roles = ["第一书记", "队长", "队员", "队员", "队员"]
    rows = (
        [
            villages[(n // 5) % len(villages)],
            "",
            f"派出单位{run}-{n // (5 * len(villages))}",
            f"驻村干部{n}·{run}",
            id_number(n + run * OFFSET, "411402"),
            "县直单位",
            "县直",
            "科员",
            "",
            roles[n % 5],
            "2018-03-01",
            "",
        ]
        for n in range(count)
    )
    header = "村代码,村名称,派出单位,姓名,身份证号,工作单位,单位级别,职务,联系电话,队内职务,进驻日期,期满日期"
    return write_csv("roster.csv", header.split(","), rows)


def helpers(homes, count: int, run: int) -> Path:
    rows = (
        [
            number,
            f"帮扶干部{n // 5}·{run}",
            id_number(n // 5 + run * OFFSET, "411403"),
            "县农业局",
            "县直",
            "",
            "",
            "2018-03-01",
        ]
        for n, (number, _village) in enumerate(homes[:count])
    )
    header = "户编号,帮扶责任人姓名,身份证号,工作单位,单位级别,职务,联系电话,结对日期"
    return write_csv("helpers.csv", header.split(","), rows)


def visits(homes, count: int, paired: int, run: int) -> Path:
    per = max(1, count // paired)
    rows = (
        [
            homes[n // per][0],
            id_number(n // per // 5 + run * OFFSET, "411403"),
            "",
            (date(2018, 4, 1) + timedelta(days=n % per * 7)).isoformat(),
            f"入户走访{run}",
            "了解收入和就医情况",
            "下次走访复查",
        ]
        for n in range(per * paired)
    )
    header = "户编号,帮扶责任人身份证号,帮扶责任人姓名,走访日期,标题,内容,商定事项"
    return write_csv("visits.csv", header.split(","), rows)


def enterprises(villages, people, companies: int, per: int, run: int) -> Path:
    rows = []
    for n in range(companies):
        code = credit_code(n + run * 10_000)
        for k in range(per):
            person = people[(n * per + k) % len(people)]
            rows.append(
                [
                    f"帮扶企业{n}·{run}",
                    code,
                    COUNTY,
                    "是" if n % 10 == 0 else "否",
                    villages[(n + k // 2) % len(villages)],
                    "产业帮扶",
                    f"项目{k}",
                    1000 * (k + 1),
                    person[1],
                    person[0],
                    "就业",
                ]
            )
    header = "企业名称,统一社会信用代码,所在区划代码,带贫龙头企业,结对村代码,帮扶形式,帮扶项目,投入资金（元）,受益人姓名,受益人身份证号,受益方式"
    return write_csv("enterprises.csv", header.split(","), rows)


def workshops(villages, people, count: int, staff: int, run: int) -> Path:
    rows = (
        [
            f"扶贫车间{n // staff}·{run}",
            villages[(n // staff) % len(villages)],
            "厂房",
            staff,
            people[n % len(people)][1],
            people[n % len(people)][0],
            "2018-01-01",
            "",
            1800,
        ]
        for n in range(count * staff)
    )
    header = "车间名称,所在村代码,车间类型,用工总人数,姓名,身份证号,合同开始日期,合同结束日期,月工资（元）"
    return write_csv("workshops.csv", header.split(","), rows)


def ratings(homes, count: int) -> Path:
    marks = ["是", "否", "", "是", "是"]
    rows = (
        [number, village, YEAR, *(marks[(n + s) % 5] for s in range(5)), "2018-11-20"]
        for n, (number, village) in enumerate(homes[:count])
    )
    return write_csv("ratings.csv", ["户编号", "行政村代码", "年度", *STARS, "评定日期"], rows)


def _run_number(village: str) -> int:
    """Runs on one database create new cadres, teams, enterprises and workshops each (a
    re-run would find them all unchanged): a run's number is one more than the highest
    of the earlier runs, each of which leaves one marker row per layout it imported (a
    team "派出单位N-0" in the first village, a cadre "帮扶干部0·N", an enterprise
    "帮扶企业0·N", a workshop "扶贫车间0·N"; an import is all or nothing), so that runs of
    some layouts only (`--only`) do not meet. Visits need the helpers of their run
    (`--only visits` alone finds none). Ratings are one per household and year: the
    earlier runs' are removed."""
    import re

    from tuopin.people.models import Enterprise, HouseholdRating, Workshop, WorkTeam
    from tuopin.registry.models import Helper

    # The earlier runs' ratings removed in one statement (the benchmark's own rows:
    # `delete()` would write a history row per rating, a minute at this size).
    HouseholdRating.objects.all()._raw_delete(HouseholdRating.objects.db)
    teams = WorkTeam.objects.filter(village_id=village, sending_unit__startswith="派出单位")
    markers = [
        *teams.filter(sending_unit__endswith="-0").values_list("sending_unit", flat=True),
        *Helper.objects.filter(name__startswith="帮扶干部0·").values_list("name", flat=True),
        *Enterprise.objects.filter(name__startswith="帮扶企业0·").values_list("name", flat=True),
        *Workshop.objects.filter(name__startswith="扶贫车间0·").values_list("name", flat=True),
    ]
    runs = [int(n) for m in markers for n in re.findall(r"^派出单位(\d+)-0$|·(\d+)$", m)[0] if n]
    return max(runs, default=-1) + 1


def county_user():
    from django.contrib.auth import get_user_model

    from tuopin.accounts.roles import Role
    from tuopin.accounts.services import user_create
    from tuopin.regions.models import Region

    user = get_user_model().objects.filter(username="bench_people").first()
    return user or user_create(
        acting_user=None,
        username="bench_people",
        password="Shangqiu#2018",
        role=Role.COUNTY_OFFICE,
        region=Region.objects.get(code=COUNTY),
    )


class _Statements:
    """Wall time and the PostgreSQL backend's CPU of each statement of an import
    (`--statements`), on this thread's connection and on those other threads open
    meanwhile (an import's writer: their statements are marked "writer"); the
    statements with the most backend CPU printed."""

    def __init__(self):
        import threading

        from django.db.backends.signals import connection_created

        self.seconds: dict[str, list] = {}
        self._signal, self._main = connection_created, threading.get_ident()

    def _created(self, sender, connection, **kwargs) -> None:
        import threading

        if threading.get_ident() != self._main:
            connection.execute_wrappers.append(self._timed("writer"))

    def __enter__(self):
        self._signal.connect(self._created, weak=False)
        self._wrapper = connection.execute_wrapper(self._timed(""))
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        self._wrapper.__exit__(*exc)
        self._signal.disconnect(self._created)

    def _timed(self, where: str):
        tick = os.sysconf("SC_CLK_TCK")

        def cpu(context) -> float:
            pid = context["connection"].connection.info.backend_pid
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / tick

        def wrapper(execute, sql, params, many, context):
            start, backend = time.perf_counter(), cpu(context)
            try:
                return execute(sql, params, many, context)
            finally:
                text = f"{where:6} " + " ".join(str(sql).split())[:110]
                entry = self.seconds.setdefault(text, [0, 0.0, 0.0])
                entry[0] += 1
                entry[1] += time.perf_counter() - start
                entry[2] += cpu(context) - backend

        return wrapper

    def print(self) -> None:
        slowest = sorted(self.seconds.items(), key=lambda i: -i[1][2])[:14]
        for statement, (count, seconds, backend) in slowest:
            print(f"    {seconds:6.2f} s, backend {backend:5.2f} s {count:>5}x  {statement}")


class _Timeline:
    """When an import hands its first block to its writer, when its reading ends and
    when the writer is done (`--timeline`): wall and process CPU seconds from the start.
    Before the first block nothing overlaps; after the reading the writer works alone."""

    def __init__(self):
        self.marks: dict[str, tuple[float, float]] = {}

    def __enter__(self):
        from tuopin.core import write_behind

        self._class, self._put, self._close = (
            write_behind.WriteBehind,
            write_behind.WriteBehind.put,
            write_behind.WriteBehind.close,
        )
        marks, put, close = self.marks, self._put, self._close

        def first_put(writer, write):
            marks.setdefault("first block to the writer", self._now())
            put(writer, write)

        def timed_close(writer, keep):
            marks.setdefault("reading done", self._now())
            close(writer, keep)
            marks.setdefault("writer done", self._now())

        self._class.put, self._class.close = first_put, timed_close
        self.start = (time.perf_counter(), time.process_time())
        return self

    def _now(self) -> tuple[float, float]:
        return time.perf_counter() - self.start[0], time.process_time() - self.start[1]

    def __exit__(self, *exc):
        self._class.put, self._class.close = self._put, self._close

    def print(self) -> None:
        for what, (wall, cpu) in self.marks.items():
            print(f"    {what:26} at {wall:6.2f} s wall, {cpu:5.2f} s CPU of this process")


def timed(label: str, function, expected: str, statements: bool = False, timeline=False):
    backend = server_cpu()
    writers = OtherBackends().start()  # an import's writer thread has a backend of its own
    watch, marks = _Statements(), _Timeline()
    start, cpu = time.perf_counter(), time.process_time()
    if statements:
        with watch:
            report = function()
    elif timeline:
        with marks:
            report = function()
    else:
        report = function()
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    writer = writers.stop()
    database = "" if backend is None else f", database {server_cpu() - backend + writer:.1f} s"
    if writer:
        database += f" (of it the writer's connection {writer:.1f} s)"
    counted = getattr(report, expected)
    assert not report.errors, [m.as_dict() for m in report.errors[:3]]
    assert counted == report.rows, report.as_dict()
    print(
        f"{label:12} {expected:9} {report.rows:>8,} rows {elapsed:7.1f} s "
        f"{report.rows / elapsed:>9,.0f} rows/s (CPU of this process {cpu:.1f} s{database}; "
        f"load {os.getloadavg()[0]:.1f})",
        flush=True,
    )
    if statements:
        watch.print()
    if timeline:
        marks.print()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=60_000)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--only", nargs="*", help="layouts to time (default: all)")
    parser.add_argument("--statements", action="store_true", help="time each statement")
    parser.add_argument(
        "--timeline", action="store_true", help="when the writer gets its first block, ends"
    )
    args = parser.parse_args()

    from tuopin.people.helpers_importer import import_helpers, import_visits
    from tuopin.people.orgs_importer import import_orgs
    from tuopin.people.ratings_import import import_ratings
    from tuopin.people.teams_import import import_teams

    prepare(args.households)
    homes, people, villages = registry()
    size = lambda n: max(1, int(n * args.scale))  # noqa: E731
    paired = min(size(50_000), len(homes))
    user = county_user()
    run = _run_number(villages[0])
    files = {
        "roster": (lambda: roster(villages, size(15_000), run), import_teams),
        "helpers": (lambda: helpers(homes, paired, run), import_helpers),
        "visits": (lambda: visits(homes, size(100_000), paired, run), import_visits),
        "enterprises": (
            lambda: enterprises(villages, people, size(2_000), 5, run),
            lambda path: import_orgs("enterprises", path),
        ),
        "workshops": (
            lambda: workshops(villages, people, size(1_000), 20, run),
            lambda path: import_orgs("workshops", path),
        ),
        "ratings": (
            lambda: ratings(homes, min(size(50_000), len(homes))),
            lambda path: import_ratings(path, acting_user=user),
        ),
    }
    print(
        f"{connection.vendor}: {len(homes):,} households, {len(people):,} people, "
        f"{len(villages):,} villages; {date.today()}",
        flush=True,
    )
    for label, (make, importer) in files.items():
        if args.only and label not in args.only:
            continue
        path = make()
        for expected in ("created", "unchanged"):
            timed(label, lambda p=path, i=importer: i(p), expected, args.statements, args.timeline)


if __name__ == "__main__":
    main()
