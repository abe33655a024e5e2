"""Every check of 帮扶力量 (tuopin/people/checks) at city scale, and pairings_sync.

Usage (a throw-away PostgreSQL database; the target is ≤ 10 s for all checks together):
    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE tuopin_bench_people"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tuopin_bench_people \\
        .venv/bin/python benchmarks/people_checks.py [--households 230000] [--months 1]

Seeds the registry (`tuopin seed`, with its helpers and each household's 帮扶责任人),
then set-based in SQL: every tenth village poor; a team of three (a first secretary and
two members) in every village but one in a hundred, one team in fifty with a member
gone (too small) and one in fifty without a leader; the pairings from the registry
(`pairings_sync`, timed: first with everything to create, then with nothing changed);
a year of visits, about eight per paired household (the last one old for one in ten);
`--months` months of daily attendance (about 440,000 rows a month; one member in
twenty short of days); a workshop in one village in twenty with twelve employees; weak
branches in some counties. Times each check's count over the city and the scorecard
(one grouped query per check), prints them and the total.
"""

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.base")
os.environ.setdefault("TUOPIN_ENV", "development")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from benchmarks.server_cpu import server_cpu  # noqa: E402

YEAR = 2018
CITY = "411400000000"
AS_OF = date(YEAR, 12, 31)  # visits are judged on the day the check runs: the year's end

PEOPLE_SQL = [
    # Every tenth village poor.
    """UPDATE regions_region SET is_poor_village = (right(code, 3)::int % 10 = 1)
       WHERE level = 'village'""",
    # A team in every village but one in a hundred.
    """INSERT INTO people_workteam (village_id, sending_unit, started_on, ended_on, note)
       SELECT code, '县直单位', DATE '2017-03-01', NULL, '' FROM regions_region
       WHERE level = 'village' AND right(code, 3)::int % 100 <> 11""",
    # Three cadres per team (first secretary, two members), one in fifty teams short.
    """INSERT INTO registry_helper (name, work_unit, post, phone, id_number, region_id,
           unit_level)
       SELECT '驻村干部' || t.id || '-' || k, '县直单位', '', '', '', rpad(left(t.village_id, 6), 12, '0'), ''
       FROM people_workteam t CROSS JOIN generate_series(1, 3) k""",
    """INSERT INTO people_posting (role, started_on, ended_on, recalled_reason, cadre_id, team_id)
       SELECT CASE WHEN h.k = 1 AND t.id % 50 <> 3 THEN 'secretary' ELSE 'member' END,
              DATE '2017-03-01',
              CASE WHEN h.k = 3 AND t.id % 50 = 1 THEN DATE '2018-05-31' END, '', h.id, t.id
       FROM people_workteam t JOIN (
           SELECT id, split_part(split_part(name, '干部', 2), '-', 1)::int AS team,
                  split_part(name, '-', 2)::int AS k
           FROM registry_helper WHERE name LIKE '驻村干部%') h ON h.team = t.id""",
]

VISITS_SQL = """
INSERT INTO people_visit (region_code, visited_on, title, agreed, content, followed_up, token,
    created_at, helper_id, household_id, recorded_by_id)
SELECT p.region_code,
       DATE '2018-02-01' + (n * 45 + p.household_id % 20
                            - CASE WHEN p.household_id % 10 = 0 THEN 200 ELSE 0 END)::int,
       '入户走访', '', '', '', '', now(), p.helper_id, p.household_id, NULL
FROM people_pairing p CROSS JOIN generate_series(0, 7) n
WHERE p.ended_on IS NULL"""

ATTENDANCE_SQL = """
INSERT INTO people_attendance (day, status, reason, recorded_at, recorded_by_id, posting_id)
SELECT d::date, CASE WHEN p.id %% 20 = 0 AND extract(day FROM d) > 18 THEN 'absent'
                     ELSE 'present' END, '', now(), NULL, p.id
FROM people_posting p CROSS JOIN generate_series(DATE '2018-01-01',
     DATE '2018-01-01' + (%s || ' months')::interval - interval '1 day', interval '1 day') d
WHERE p.ended_on IS NULL"""

# One helper in a hundred takes three more households from their neighbours' helpers.
HELPERS_SQL = """
UPDATE registry_household h SET helper_id = busy.helper_id
FROM (SELECT id, lag(helper_id, 1) OVER (ORDER BY id) AS helper_id FROM registry_household
      WHERE helper_id IS NOT NULL) busy
WHERE busy.id = h.id AND h.helper_id % 100 IN (1, 2, 3) AND busy.helper_id % 100 = 0"""

ORGS_SQL = [
    """INSERT INTO people_workshop (name, established_on, type, total_staff, operator_id,
           village_id)
       SELECT '扶贫车间' || right(code, 6), DATE '2017-06-01', 'F', 30, NULL, code
       FROM regions_region WHERE level = 'village' AND right(code, 3)::int % 20 = 2""",
    """INSERT INTO people_workshopemployee (name, id_number, contract_start, contract_end,
           monthly_wage, member_id, workshop_id)
       SELECT m.name, m.id_number, DATE '2018-01-01', NULL, 1800, m.id, w.id
       FROM people_workshop w
       JOIN LATERAL (SELECT m.id, m.name, m.id_number FROM registry_member m
                     JOIN registry_household h ON h.id = m.household_id
                     WHERE h.village_id = w.village_id AND m.id_number <> ''
                     ORDER BY m.id LIMIT (8 + w.id % 6)) m ON true""",
    # One employee in fifty also in the next workshop from March: two workshops at once.
    """INSERT INTO people_workshopemployee (name, id_number, contract_start, contract_end,
           monthly_wage, member_id, workshop_id)
       SELECT e.name, e.id_number, DATE '2018-03-01', NULL, 1800, e.member_id, w.id
       FROM people_workshopemployee e JOIN people_workshop w ON w.id = e.workshop_id + 1
       WHERE e.id % 50 = 0""",
    # Weak branches: 6 % of the villages of every other county.
    """INSERT INTO people_weakbranch (year, reasons, listed_on, measures, deadline,
           signed_off_on, leader_id, signed_off_by_id, village_id)
       SELECT 2018, '软弱涣散', NULL, '', NULL, NULL, NULL, NULL, code FROM (
           SELECT code, row_number() OVER (PARTITION BY left(code, 6) ORDER BY code) AS n,
                  count(*) OVER (PARTITION BY left(code, 6)) AS villages
           FROM regions_region WHERE level = 'village') v
       WHERE substr(code, 5, 2)::int % 2 = 1 AND n * 100 <= villages * 6""",
]


def _run(sql: str, params=None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def seed(households: int, months: int) -> None:
    from tuopin.people.models import WorkTeam
    from tuopin.people.pairing_services import pairings_sync
    from tuopin.regions.models import Region
    from tuopin.regions.services import regions_load
    from tuopin.registry.models import Household

    call_command("migrate", verbosity=0)
    if not Region.objects.exists():
        regions_load()
    if not Household.objects.exists():
        started = time.perf_counter()
        call_command("seed", households=households, seed=1, verbosity=0)
        print(f"registry seed: {time.perf_counter() - started:.0f} s", flush=True)
    from tuopin.people.models import Attendance, Visit, Workshop

    if not WorkTeam.objects.exists():
        started = time.perf_counter()
        for sql in PEOPLE_SQL:
            _run(sql)
        print(f"teams and postings: {time.perf_counter() - started:.1f} s", flush=True)
        _run(HELPERS_SQL)
        started = time.perf_counter()
        ended, opened = pairings_sync("")
        print(f"pairings_sync, first: {opened:,} opened in {time.perf_counter() - started:.1f} s")
    if not Visit.objects.exists():
        started = time.perf_counter()
        rows = _run(VISITS_SQL)
        print(f"visits: {rows:,} rows in {time.perf_counter() - started:.1f} s", flush=True)
    if not Attendance.objects.exists():
        started = time.perf_counter()
        rows = _run(ATTENDANCE_SQL, [str(months)])
        print(f"attendance: {rows:,} rows in {time.perf_counter() - started:.1f} s", flush=True)
    if not Workshop.objects.exists():
        started = time.perf_counter()
        for sql in ORGS_SQL:
            _run(sql)
        print(f"workshops and branches: {time.perf_counter() - started:.1f} s", flush=True)
    # What autovacuum would have done to tables filled in one go: the checks' index-only
    # scans (attendance, visits) read the heap for every row until the visibility map is set.
    _run("VACUUM ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=230_000)
    parser.add_argument("--months", type=int, default=1)
    options = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("PostgreSQL only: set DATABASE_URL to a throw-away database")
    seed(options.households, options.months)

    from tuopin.people.checks import CHECKS, check_counts, scorecard
    from tuopin.people.models import Attendance, Visit
    from tuopin.people.pairing_services import pairings_sync
    from tuopin.regions.models import Region

    started = time.perf_counter()
    pairings_sync("")
    print(f"pairings_sync, nothing changed: {time.perf_counter() - started:.2f} s")
    print(f"visits {Visit.objects.count():,}, attendance {Attendance.objects.count():,} rows")
    print(f"load average {os.getloadavg()[0]:.1f}")
    seconds, cpu = {}, {}
    for code in CHECKS:
        backend, started = server_cpu(), time.perf_counter()
        count = check_counts(None, region_prefix="4114", year=YEAR, today=AS_OF, codes=[code])[code]
        seconds[code] = time.perf_counter() - started
        cpu[code] = (server_cpu() or 0) - (backend or 0)
        print(
            f"{code:<30} {count:>9}  {seconds[code]:6.2f} s (database CPU {cpu[code]:.2f} s)",
            flush=True,
        )
    print(
        f"all checks over the city: {sum(seconds.values()):.1f} s (target ≤ 10 s; database "
        f"CPU {sum(cpu.values()):.1f} s; load average {os.getloadavg()[0]:.1f})"
    )
    started = time.perf_counter()
    scorecard(None, region=Region.objects.get(code=CITY), year=YEAR, today=AS_OF)
    print(f"city scorecard (one grouped query per check): {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
