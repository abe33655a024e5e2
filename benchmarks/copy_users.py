"""The other city-wide computations on the database vs on the analytic copy (issue 16):
the 帮扶力量 checks, the funds warning rules, and the dashboard figures' counts.

Usage (a copy of the seeded city with the people part of benchmarks/people_checks.py
and the funds of benchmarks/funds_warnings.py seeded on it, migrated):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME_city MEDIA_ROOT=/tmp/NAME_media \\
        .venv/bin/python benchmarks/copy_users.py [--only people warnings figures] \\
        [--repeat 2] [--prefix 4114]

Builds the copy once (timed), then for each kind alternately: every item on the
database, then on the copy as the code runs them there (one bringing-current of the
mirrors, nothing changed, then each item inside the open copy); each item's answer is
compared both ways (people: the count per village; warnings: every finding, field by
field; figures: the grouped counts). Prints wall, this process's CPU-s (DuckDB's
threads included) and the PostgreSQL backend's CPU-s, with the load average. Run it with
PGOPTIONS="-c max_parallel_workers_per_gather=0" for the database's whole CPU (parallel
workers are other processes). It writes nothing to the database.
"""

import argparse
import os
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.base")
os.environ.setdefault("TUOPIN_ENV", "development")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp())

import django  # noqa: E402

django.setup()

from benchmarks.server_cpu import server_cpu  # noqa: E402
from tuopin.registry.analytic.analytic_copy import analytic_connection, copy_rebuild  # noqa: E402
from tuopin.registry.analytic.queries import rows_on_copy  # noqa: E402

YEAR = 2018
AS_OF = date(YEAR, 12, 31)


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Clock:
    """Wall, process CPU and the backend's CPU of one step."""

    def __enter__(self):
        self.wall, self.cpu, self.server = time.perf_counter(), cpu(), server_cpu() or 0.0
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        self.cpu = cpu() - self.cpu
        self.server = (server_cpu() or 0.0) - self.server

    def __str__(self):
        return f"wall {self.wall:6.2f} s, CPU {self.cpu:5.2f} + {self.server:5.2f} s"


def say(text: str) -> None:
    print(f"{text}  (load {os.getloadavg()[0]:.1f})", flush=True)


def people(prefix: str, repeat: int) -> None:
    from tuopin.people.checks import (
        CHECKS,
        check_counts,
        context_for,
        counted,
        grouped_counts,
        grouping_sql,
    )
    from tuopin.people.checks.on_copy import ON_COPY

    context = context_for(None, region_prefix=prefix, year=YEAR, today=AS_OF)
    for attempt in range(repeat):
        on_db = {}
        for code, check in CHECKS.items():
            with Clock() as clock:
                on_db[code] = grouped_counts(check.offenders(context), 12)
            say(f"people {code:<28} database {clock}")
        with Clock() as total, analytic_connection(prefix, mirrors=True):
            pass
        say(f"people: the copy opened and its mirrors brought current  {total}")
        with analytic_connection(prefix, mirrors=True) as copy:
            for code in ON_COPY:
                with Clock() as clock:
                    found = dict(
                        rows_on_copy(
                            copy, counted(CHECKS[code].offenders(context)), grouping_sql(12)
                        )
                    )
                same = "equal" if found == on_db[code] else "DIFFERENT"
                say(f"people {code:<28} copy     {clock}  {same}")
        with Clock() as clock:
            counts_db = check_counts(None, region_prefix=prefix, year=YEAR, today=AS_OF)
        say(f"people: check_counts, all on the database ({attempt + 1})  {clock}")
        with Clock() as clock:
            counts_copy = check_counts(
                None, region_prefix=prefix, year=YEAR, today=AS_OF, on_copy=True
            )
        say(
            f"people: check_counts, on the copy ({attempt + 1})  {clock}  "
            f"{'equal' if counts_copy == counts_db else 'DIFFERENT'}"
        )


def warnings(prefix: str, repeat: int) -> None:
    from tuopin.projects.warning_rules import RULES, context_for, findings
    from tuopin.projects.warning_rules.framework import reading_copy
    from tuopin.projects.warning_rules.on_copy import ON_COPY

    context = context_for(prefix=prefix, as_of=AS_OF)

    def key(found):
        return sorted(found, key=lambda f: (f.rule, f.subject))

    for attempt in range(repeat):
        on_db = {}
        for code, rule in RULES.items():
            with Clock() as clock:
                on_db[code] = key(rule.run(context))
            say(f"warnings {code:<24} database {clock}  {len(on_db[code])} found")
        with Clock() as clock, reading_copy(prefix):
            pass
        say(f"warnings: the copy opened and its mirrors brought current  {clock}")
        with reading_copy(prefix):
            for code in ON_COPY:
                with Clock() as clock:
                    found = key(RULES[code].run(context))
                same = "equal" if found == on_db[code] else "DIFFERENT"
                say(f"warnings {code:<24} copy     {clock}  {same}")
        with Clock() as clock:
            all_db = key(findings(context))
        say(f"warnings: all rules on the database ({attempt + 1})  {clock}")
        with Clock() as clock:
            all_copy = key(findings(context, on_copy=True))
        say(
            f"warnings: all rules on the copy ({attempt + 1})  {clock}  "
            f"{'equal' if all_copy == all_db else 'DIFFERENT'} ({len(all_db)} findings)"
        )


def figures(prefix: str, repeat: int) -> None:
    """The home pages' region figures read stored totals; what they are refreshed from
    (registry/totals.py) is two grouped counts over households and members."""
    from django.db.models import Count

    from tuopin.regions.models import Region
    from tuopin.registry.enums import MemberStatus
    from tuopin.registry.models import Household, Member
    from tuopin.registry.summary import children_figures, region_figures

    city = Region.objects.get(code=prefix.ljust(12, "0"))
    counts = {
        "households by village": Household.objects.values_list("village_id", "status", "attribute")
        .annotate(n=Count("id"))
        .order_by(),
        "members by village": Member.objects.filter(status=MemberStatus.NORMAL)
        .values_list("household__village_id", "household__status", "household__attribute")
        .annotate(n=Count("id"))
        .order_by(),
    }
    for attempt in range(repeat):
        with Clock() as clock:
            region_figures(city, YEAR)
            children_figures(city, YEAR)
        say(f"figures: the city's region and children figures (stored totals) {clock}")
        on_db = {}
        for name, queryset in counts.items():
            with Clock() as clock:
                on_db[name] = sorted(queryset.all())  # a fresh query: no result cache
            say(f"figures: {name:<22} database {clock}")
        with analytic_connection(prefix, mirrors=True) as copy:
            for name, queryset in counts.items():
                with Clock() as clock:
                    found = sorted(rows_on_copy(copy, queryset))
                same = "equal" if found == on_db[name] else "DIFFERENT"
                say(f"figures: {name:<22} copy     {clock}  {same} ({attempt + 1})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefix", default="4114")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument(
        "--only", nargs="+", choices=["people", "warnings", "figures"], default=None
    )
    parser.add_argument("--no-build", action="store_true", help="reuse the copy as it is")
    args = parser.parse_args()
    if not args.no_build:
        with Clock() as clock:
            copy_rebuild()
        say(f"full build of the copy  {clock}")
    kinds = {"people": people, "warnings": warnings, "figures": figures}
    for name in args.only or kinds:
        kinds[name](args.prefix, args.repeat)


if __name__ == "__main__":
    main()
