"""Coverage checks of the sector ledgers at city scale: every check over the city.

Usage (a throw-away PostgreSQL database; the target is ≤ 30 s for all checks):
    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE tuopin_bench_ledgers"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tuopin_bench_ledgers \\
        .venv/bin/python benchmarks/ledger_checks.py [--households 230000] [--skip-seed]

Seeds the registry (`tuopin seed`) and a year of ledgers: with
`tuopin.assistance.seed.seed_ledgers` when it is there, else with the set-based SQL
generator below (PostgreSQL only; about 2.5 million ledger rows for 230,000 households),
then times each check's count (`coverage_counts`) and the city scorecard (one grouped
query per check). Prints one line per check and the totals; `--json` for a JSON summary.
"""

import argparse
import json
import os
import sys
import tempfile
import time
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
from django.db import connection, models  # noqa: E402

CITY = "411400000000"
YEAR = 2018


def insert_select(model, columns: dict[str, str], source: str) -> int:
    """INSERT INTO the model's table SELECT the given column expressions FROM `source`;
    every other NOT NULL column gets its empty value ('' / false / now())."""
    values = dict(columns)
    for field in model._meta.concrete_fields:
        column = field.column
        if column in values or field.primary_key or field.null:
            continue
        if isinstance(field, models.DateTimeField):
            values[column] = "now()"
        elif isinstance(field, models.BooleanField):
            values[column] = "false"
        elif isinstance(field, (models.CharField, models.TextField)):
            values[column] = "''"
        else:
            raise ValueError(f"{model.__name__}.{field.name} needs a value")
    names = ", ".join(values)
    select = ", ".join(values.values())
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {model._meta.db_table} ({names}) SELECT {select} {source}")
        return cursor.rowcount


PERSON = {
    "region_id": "h.village_id",
    "year": str(YEAR),
    "id_number": "m.id_number",
    "name": "m.name",
    "household_number": "h.number",
    "household_id": "h.id",
    "member_id": "m.id",
    "review_status": "'approved'",
}
MEMBERS = (
    "FROM registry_member m JOIN registry_household h ON h.id = m.household_id "
    "WHERE m.status = '1' AND m.id_number <> ''"
)
AGE = "date_part('year', age(DATE '2018-12-31', m.birth_date))"


def synthetic_ledgers() -> dict:
    """A year of ledgers from the registry, set-based (PostgreSQL): a few planted problems
    of every kind arise from the modulo choices (uninsured, unpaid, double paid, ...)."""
    from tuopin.assistance import models as m

    counts = {}
    counts["insurance"] = insert_select(
        m.HealthInsurance,
        {
            **PERSON,
            "basic_insured": "m.id % 97 <> 0",
            "serious_illness_cover": "m.id % 89 <> 0",
        },
        MEMBERS,
    )
    counts["doctor_contract"] = insert_select(
        m.DoctorContract,
        {**PERSON, "signed_on": "DATE '2018-03-01'", "follow_ups": "4"},
        MEMBERS + " AND (m.is_seriously_ill OR m.is_chronically_ill OR m.id % 3 = 0)"
        " AND m.id % 53 <> 0",
    )
    stage = (
        f"CASE WHEN {AGE} < 6 THEN 'preschool' WHEN {AGE} < 12 THEN 'primary' "
        f"WHEN {AGE} < 15 THEN 'junior' WHEN {AGE} < 18 THEN 'senior' "
        "ELSE 'undergraduate' END"
    )
    counts["student"] = insert_select(
        m.StudentEnrolment,
        {**PERSON, "stage": stage, "status": "'1'", "boarding": "m.id % 3 = 0"},
        MEMBERS + f" AND {AGE} BETWEEN 3 AND 21 AND m.id % 41 <> 0",
    )
    aid = (
        "CASE e.stage WHEN 'preschool' THEN 'care_fee' WHEN 'primary' THEN 'living' "
        "WHEN 'junior' THEN 'living' ELSE 'national_grant' END"
    )
    amount = (
        "CASE e.stage WHEN 'preschool' THEN 300 WHEN 'primary' THEN 500 WHEN 'junior' "
        "THEN 625 WHEN 'senior' THEN 1000 ELSE 2000 END"
    )
    for term in ("S1", "S2"):
        counts[f"student_aid_{term}"] = insert_select(
            m.Payment,
            {
                "region_id": "e.region_id",
                "year": str(YEAR),
                "id_number": "e.id_number",
                "name": "e.name",
                "household_number": "e.household_number",
                "household_id": "e.household_id",
                "member_id": "e.member_id",
                "kind": "'student_aid'",
                "item": aid,
                "period": f"'{YEAR}{term}'",
                "amount": amount,
                "paid_on": f"DATE '{YEAR}-{'04' if term == 'S1' else '10'}-15'",
            },
            "FROM assistance_studentenrolment e WHERE e.id % 37 <> 0",
        )
    counts["employment"] = insert_select(
        m.EmploymentRecord,
        {**PERSON, "status": "CASE WHEN m.id % 10 < 7 THEN '1' ELSE '2' END", "form": "'1'"},
        MEMBERS + f" AND m.labour IN ('1', '2', '3') AND {AGE} BETWEEN 16 AND 60",
    )
    counts["post"] = insert_select(
        m.PublicWelfarePost,
        {**PERSON, "post_type": "'2'", "funding": "'1'", "monthly_pay": "300"},
        MEMBERS + " AND m.labour IN ('1', '2', '3', '4') AND m.id % 31 = 0",
    )

    def person_payment(table, kind, item, period_sql, amount_sql, series, where="") -> int:
        return insert_select(
            m.Payment,
            {
                "region_id": "p.region_id",
                "year": str(YEAR),
                "id_number": "p.id_number",
                "name": "p.name",
                "household_number": "p.household_number",
                "household_id": "p.household_id",
                "member_id": "p.member_id",
                "kind": f"'{kind}'",
                "item": f"'{item}'",
                "period": period_sql,
                "amount": amount_sql,
                "paid_on": f"make_date({YEAR}, (s.n * (12 / {series}))::int, 10)",
            },
            f"FROM {table} p CROSS JOIN generate_series(1, {series}) AS s(n) {where}",
        )

    counts["post_pay"] = person_payment(
        "assistance_publicwelfarepost",
        "post_pay",
        "",
        f"'{YEAR}-' || lpad(s.n::text, 2, '0')",
        "300",
        12,
    )
    counts["social_assistance"] = insert_select(
        m.SocialAssistance,
        {
            **PERSON,
            "kind": "CASE h.attribute WHEN '3' THEN 'tekun' ELSE 'dibao' END",
            "monthly_amount": "290",
        },
        MEMBERS + " AND h.attribute IN ('2', '3') AND m.relation = '02' AND h.id % 29 <> 0",
    )
    counts["social_payment"] = person_payment(
        "assistance_socialassistance",
        "dibao",
        "",
        f"'{YEAR}Q' || s.n",
        "870",
        4,
    )
    counts["disability"] = insert_select(
        m.DisabilityCertificate,
        {**PERSON, "category": "'4'", "grade": "(1 + m.id % 4)::text"},
        MEMBERS + " AND m.is_disabled AND m.id % 23 <> 0",
    )
    counts["disability_subsidy"] = person_payment(
        "assistance_disabilitycertificate",
        "disability_subsidy",
        "living",
        f"'{YEAR}Q' || s.n",
        "180",
        4,
    )
    counts["disability_care"] = person_payment(
        "assistance_disabilitycertificate",
        "disability_subsidy",
        "care",
        f"'{YEAR}Q' || s.n",
        "180",
        4,
        "WHERE p.grade IN ('1', '2')",
    )
    counts["loan"] = insert_select(
        m.Loan,
        {
            **PERSON,
            "amount": "CASE WHEN m.id % 211 = 0 THEN 60000 ELSE 30000 + (m.id % 4) * 5000 END",
            "term_months": "CASE WHEN m.id % 223 = 0 THEN 48 ELSE 36 END",
            "drawn_on": f"make_date({YEAR}, (1 + m.id % 12)::int, 1)",
            "due_on": f"make_date({YEAR} + 3, (1 + m.id % 12)::int, 1)",
            "bank": "'农商行'",
            "state": "CASE WHEN m.id % 41 = 0 THEN '3' ELSE '1' END",
            "balance": "30000",
        },
        MEMBERS + " AND m.relation = '02' AND h.id % 7 = 0",
    )
    counts["ranger"] = insert_select(
        m.Ranger,
        {**PERSON, "area_mu": "500", "annual_pay": "10000", "state": "'1'"},
        MEMBERS + " AND m.labour IN ('1', '2', '3', '4') AND m.id % 97 = 1",
    )
    counts["ranger_pay"] = person_payment(
        "assistance_ranger", "ranger_pay", "", f"'{YEAR}Q' || s.n", "2500", 4
    )
    counts["housing"] = insert_select(
        m.HousingRenovation,
        {
            **PERSON,
            "member_id": "NULL",
            "grade": "h.housing_grade",
            "method": "'1'",
            "finished_on": "CASE WHEN h.id % 13 = 0 THEN NULL ELSE DATE '2018-10-01' END",
        },
        MEMBERS + " AND m.relation = '02' AND h.housing_grade IN ('C', 'D') AND h.id % 17 <> 0",
    )
    counts["pv_income"] = insert_select(
        m.Payment,
        {
            **PERSON,
            "kind": "'pv_income'",
            "item": "'no_labour'",
            "period": f"'{YEAR}Q' || s.n",
            "amount": "800",
        },
        "FROM registry_member m JOIN registry_household h ON h.id = m.household_id "
        "CROSS JOIN generate_series(1, 4) AS s(n) "
        "WHERE m.status = '1' AND m.relation = '02' AND h.id % 5 = 0",
    )
    # A few double payments (the same month paid twice).
    counts["double_paid"] = insert_select(
        m.Payment,
        {
            col: f"p.{col}"
            for col in (
                "region_id",
                "year",
                "id_number",
                "name",
                "household_number",
                "household_id",
                "member_id",
                "kind",
                "item",
                "period",
                "amount",
                "paid_on",
            )
        },
        "FROM assistance_payment p WHERE p.kind = 'post_pay' AND p.id % 997 = 0",
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return counts


def seed(households: int) -> None:
    from tuopin.registry.models import Household

    if not Household.objects.exists():
        started = time.perf_counter()
        call_command("seed", households=households, region="4114", verbosity=0)
        print(f"registry seed: {time.perf_counter() - started:.1f} s", flush=True)
    from tuopin.assistance.models import HealthInsurance

    if HealthInsurance.objects.exists():
        return
    started = time.perf_counter()
    try:
        from tuopin.assistance.seed import seed_ledgers  # H-seed's generator
    except ImportError:
        if connection.vendor != "postgresql":
            raise SystemExit(
                "without tuopin.assistance.seed this benchmark needs PostgreSQL"
            ) from None
        counts = synthetic_ledgers()
    else:
        counts = seed_ledgers(region_prefix="4114", year=YEAR, seed=1)
    total = sum(v for v in counts.values() if isinstance(v, int))
    print(f"ledger seed: {total:,} rows in {time.perf_counter() - started:.1f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=230_000)
    parser.add_argument("--skip-seed", action="store_true")
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    call_command("migrate", verbosity=0)
    from tuopin.regions.models import Region
    from tuopin.regions.services import regions_load

    if not Region.objects.exists():
        regions_load()
    if not options.skip_seed:
        seed(options.households)

    from tuopin.assistance.coverage import CHECKS, coverage_by_region, coverage_counts

    seconds, counts = {}, {}
    for code in CHECKS:
        started = time.perf_counter()
        counts.update(coverage_counts(None, region_prefix="4114", year=YEAR, codes=[code]))
        seconds[code] = time.perf_counter() - started
        if not options.json:
            print(f"{code:<42} {counts[code]:>9}  {seconds[code]:6.2f} s", flush=True)
    total = sum(seconds.values())
    started = time.perf_counter()
    coverage_by_region(None, region_code=CITY, year=YEAR)
    scorecard = time.perf_counter() - started
    from tuopin.assistance.coverage.snapshot import coverage_refresh, coverage_scorecard

    started = time.perf_counter()
    coverage_refresh(prefix="4114", year=YEAR)
    refresh = time.perf_counter() - started
    started = time.perf_counter()
    coverage_scorecard(None, region_code=CITY, year=YEAR)
    stored = time.perf_counter() - started
    if options.json:
        print(
            json.dumps(
                {
                    "checks": counts,
                    "seconds": seconds,
                    "total": total,
                    "scorecard": scorecard,
                    "refresh": refresh,
                    "stored_scorecard": stored,
                }
            )
        )
    else:
        print(f"all checks over the city: {total:.1f} s (target ≤ 30 s)")
        print(f"city scorecard, live (checks × counties): {scorecard:.1f} s")
        print(f"refresh of the stored counts (tuopin ledgers check --store): {refresh:.1f} s")
        print(f"city scorecard from the stored counts: {stored * 1000:.0f} ms")


if __name__ == "__main__":
    main()
