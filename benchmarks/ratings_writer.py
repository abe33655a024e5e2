"""The ratings import's writer, phase by phase: the PostgreSQL backend's CPU of each of the
statements the import's writer runs for 50,000 new ratings of 5 stars (ratings COPY with
their stars on them, ADR 0024; their history; the foreign-key checks), in one transaction
that is rolled back. Each argument is an SQL statement run first in that transaction (a
variant: `DROP INDEX …`, `ALTER TABLE … DROP CONSTRAINT …`), so a variant's cost is seen
without changing the database.

Usage (a database the people_import benchmark has seeded and run once, for its user):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tuopin_bench_people \\
        .venv/bin/python benchmarks/ratings_writer.py ["DROP INDEX …" …]
        .venv/bin/python benchmarks/ratings_writer.py --delete-star
The second times the deletion of a star, unused and used by ratings (rolled back): the
guard of ADR 0024 asks whether any rating names the star's scheme.
"""

import datetime
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.base")
os.environ.setdefault("TUOPIN_ENV", "development")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import ProtectedError  # noqa: E402
from django.test import override_settings  # noqa: E402
from simple_history.utils import get_history_model_for_model  # noqa: E402

from benchmarks.server_cpu import server_cpu  # noqa: E402
from tuopin.core import bulk  # noqa: E402
from tuopin.people.models import HouseholdRating, RatingScheme, RatingStar  # noqa: E402
from tuopin.people.ratings_services import scheme_in_force  # noqa: E402
from tuopin.registry.models import Household  # noqa: E402

YEAR = 2017  # not the people_import benchmark's year: its ratings may be stored
RATINGS, BLOCK = 50_000, 5_000
NAMES = ["household_id", "year", "scheme_id", "status", "star_count", "unknown_count"]
NAMES += ["rated_on", "proposed_by_id", "proposed_on", "returned_reason", "awards"]


def main() -> None:
    user = get_user_model().objects.get(username="bench_people")
    homes = list(Household.objects.order_by("pk").values_list("pk", "village_id")[:RATINGS])
    scheme = scheme_in_force(YEAR, homes[0][1])
    stars = [star.pk for star in scheme.stars.all()]
    marks = [True, False, None, True, True]
    spent: dict[str, float] = {}

    def timed(name, write):
        backend, process = server_cpu(), time.process_time()
        result = write()
        spent[name] = spent.get(name, 0) + server_cpu() - backend
        spent["python"] = spent.get("python", 0) + time.process_time() - process
        return result

    rated_on, today = datetime.date(YEAR, 11, 20), datetime.date.today()
    ratings_history = get_history_model_for_model(HouseholdRating)
    # The stars of each rating as the import sends them: JSON text, one of five patterns.
    awards = [
        json.dumps({str(star): marks[(n + k) % 5] for k, star in enumerate(stars)})
        for n in range(5)
    ]
    with transaction.atomic():
        with connection.cursor() as cursor:
            for statement in sys.argv[1:]:
                cursor.execute(statement)
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # the checks timed on their own
        for start in range(0, len(homes), BLOCK):
            rows = [
                (pk, YEAR, scheme.pk, "proposed", 3, 1, rated_on, user.pk, today, "", awards[n % 5])
                for n, (pk, _village) in enumerate(homes[start : start + BLOCK], start)
            ]
            with override_settings(SIMPLE_HISTORY_ENABLED=False):
                ids = timed("ratings", lambda r=rows: bulk.insert_rows(HouseholdRating, NAMES, r))
            timed(
                "ratings' history",
                lambda i=ids: bulk._history(HouseholdRating, ratings_history, i, user, ""),
            )
        with connection.cursor() as cursor:
            timed("foreign-key checks", lambda: cursor.execute("SET CONSTRAINTS ALL IMMEDIATE"))
        transaction.set_rollback(True)
    database = sum(value for name, value in spent.items() if name != "python")
    print(" ".join(sys.argv[1:]) or "as stored")
    print("  " + ", ".join(f"{name} {value:.2f} s" for name, value in spent.items()))
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(f"  database {database:.2f} s; load {load}")


def delete_star() -> None:
    """An unused star (of a scheme no rating names) and a star that ratings name, each
    deleted in a transaction rolled back: wall time, backend and process CPU."""
    used = RatingStar.objects.filter(scheme_id=HouseholdRating.objects.values("scheme_id")[:1])
    print(f"{HouseholdRating.objects.count():,} ratings")
    with transaction.atomic():
        spare = RatingStar.objects.create(
            scheme=RatingScheme.objects.create(year_from=1999, name="试用方案"),
            code="spare",
            name_zh="试用星",
            name_en="spare",
        )
        for label, star in (("unused star", spare), ("used star", used.first())):
            backend, wall, process = server_cpu(), time.perf_counter(), time.process_time()
            try:
                with transaction.atomic():
                    star.delete()
                outcome = "deleted"
            except ProtectedError as refused:
                outcome = f"refused ({len(refused.protected_objects):,} ratings shown)"
            print(
                f"  {label} {outcome}: {time.perf_counter() - wall:.3f} s wall, backend CPU "
                f"{server_cpu() - backend:.3f} s, process {time.process_time() - process:.3f} s"
            )
        transaction.set_rollback(True)


if __name__ == "__main__":
    if sys.argv[1:] == ["--delete-star"]:
        delete_star()
    else:
        main()
