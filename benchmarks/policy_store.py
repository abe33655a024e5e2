"""The city's results stored alone (issue 16): the shared results table against a run table.

Usage (a copy of the seeded city; it WRITES runs and deletes them again):
    createdb -h 127.0.0.1 -U postgres -T tpl_city230k tuopin_bench_store
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tuopin_bench_store \\
        .venv/bin/python benchmarks/policy_store.py [--repeat 3] [--parallel]

Evaluates the city once on DuckDB (the analytic copy), then stores that answer with
`storage.store_results`, alternately into the results table itself (as a township's run
is, and as every run was before ADR 0014) and into a table of the run's own. Index builds
run serially unless --parallel, so the backend's CPU is all of the work. Prints one line
per store with the load average.
"""

import argparse
import datetime
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.base")
os.environ.setdefault("TUOPIN_ENV", "development")  # the development key; no SECRET_KEY needed
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp())

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from benchmarks.server_cpu import server_cpu  # noqa: E402
from tuopin.core.regioncodes import significant_prefix  # noqa: E402
from tuopin.policy import storage  # noqa: E402
from tuopin.policy.engine import duck  # noqa: E402
from tuopin.policy.models import EvaluationRun, HouseholdResult, PolicyVersion  # noqa: E402
from tuopin.policy.plans import build_plan  # noqa: E402
from tuopin.policy.rules.params import ymd  # noqa: E402
from tuopin.regions.models import Region  # noqa: E402
from tuopin.registry.analytic.analytic_copy import analytic_connection  # noqa: E402

CITY = "411400000000"
AS_OF = datetime.date(2018, 12, 31)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--parallel", action="store_true", help="allow parallel index builds")
    args = parser.parse_args()
    policy = PolicyVersion.objects.get(code="henan-2018", version=1)
    plan = build_plan(policy, "household", AS_OF.year, AS_OF)
    with analytic_connection(significant_prefix(CITY)) as copy:
        answer = copy.connection.sql(duck.household_sql(plan, ymd(AS_OF))).to_arrow_table()
    city = Region.objects.get(code=CITY)
    if not args.parallel:
        with connection.cursor() as cursor:
            cursor.execute("SET max_parallel_maintenance_workers = 0")
    own_levels = storage.OWN_TABLE_LEVELS
    made = []
    try:
        for _attempt in range(args.repeat):
            for way, levels in (("results table", ()), ("own table", own_levels)):
                run = EvaluationRun.objects.create(
                    policy=policy,
                    level="household",
                    year=AS_OF.year,
                    as_of=AS_OF,
                    region=city,
                    engine="duckdb",
                    parameters=plan.params,
                    clause_codes=[code for code, _node in plan.clauses],
                    seen_keys=[list(item) for item in plan.seen],
                )
                made.append(run.pk)
                before = HouseholdResult.objects.count()
                storage.OWN_TABLE_LEVELS = levels
                started, cpu, server = time.perf_counter(), time.process_time(), server_cpu()
                storage.store_results(run, answer)
                print(
                    f"{way}: {answer.num_rows:,} rows in {time.perf_counter() - started:.2f} s, "
                    f"{server_cpu() - server:.2f} CPU-s in the PostgreSQL backend, "
                    f"{time.process_time() - cpu:.2f} in this process; {before:,} rows stored "
                    "before  [load {:.2f} {:.2f} {:.2f}]".format(*os.getloadavg()),
                    flush=True,
                )
    finally:
        storage.OWN_TABLE_LEVELS = own_levels
        EvaluationRun.objects.filter(pk__in=made).delete()


if __name__ == "__main__":
    main()
