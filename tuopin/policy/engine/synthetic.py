"""A synthetic registry generated straight to Parquet, for national-scale benchmarks.

No database could hold 30 million households on one machine, and inserting them one by
one would take days, so DuckDB writes the engine's input relations (h, m, i, me, in
exactly the columns and types of `sources.RELATIONS`) directly from `range()`. Every
value is a hash of (household id, member index, salt): the same arguments give the same
files, in household-id order, whatever the thread count. The distributions follow the
city registry made by `tuopin seed` (sizes 1–8 averaging about 3.35, incomes around the
2018 poverty line, about a third of households failing a clause), plus the rare missing
values real registries carry, so every clause sees pass, fail and unknown.
"""

from pathlib import Path

import duckdb

from tuopin.registry.analytic import sources

# A uniform number in [0, 1) from (key, salt); DuckDB's hash() is deterministic.
MACROS = """
CREATE OR REPLACE MACRO u(k, s) AS (hash(k, s) % 1000000)::DOUBLE / 1000000.0;
CREATE OR REPLACE MACRO hsize(id) AS CASE
    WHEN u(id, 1) < 0.15 THEN 1 WHEN u(id, 1) < 0.36 THEN 2 WHEN u(id, 1) < 0.56 THEN 3
    WHEN u(id, 1) < 0.75 THEN 4 WHEN u(id, 1) < 0.88 THEN 5 WHEN u(id, 1) < 0.95 THEN 6
    WHEN u(id, 1) < 0.985 THEN 7 ELSE 8 END;
CREATE OR REPLACE MACRO flag(k, s, p_true, p_null) AS CASE
    WHEN u(k, s) < p_null THEN NULL ELSE u(k, s) < p_null + p_true END;
"""

HOUSEHOLDS_PER_VILLAGE = 234  # about 128,000 poor villages for 30 million households

HOUSEHOLDS = """
SELECT
    id::BIGINT AS id,
    printf('%s%04d', village_code, (id - 1) % {per_village} + 1) AS number,
    village_code,
    CASE WHEN u(id, 10) < 0.001 THEN NULL WHEN u(id, 10) < 0.49 THEN 'A'
         WHEN u(id, 10) < 0.92 THEN 'B' WHEN u(id, 10) < 0.977 THEN 'C' ELSE 'D' END
        AS housing_grade,
    CASE WHEN u(id, 11) < 0.05 THEN '1' WHEN u(id, 11) < 0.2 THEN '2'
         WHEN u(id, 11) < 0.8 THEN '3' ELSE '4' END AS road_type,
    CASE WHEN exit_year IS NULL THEN (CASE WHEN returned_year IS NULL THEN '1' ELSE '4' END)
         WHEN u(id, 12) < 0.95 THEN '2' ELSE '3' END AS status,
    CASE WHEN u(id, 13) < 0.7 THEN '1' WHEN u(id, 13) < 0.95 THEN '2' ELSE '3' END
        AS attribute,
    ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '99']
        [1 + (hash(id, 14) % 12)::INTEGER] AS main_cause,
    flag(id, 15, 0.987, 0.0005) AS food_secure,
    flag(id, 16, 0.992, 0.0005) AS clothing_secure,
    flag(id, 17, 0.983, 0.0005) AS owns_house,
    relocated AS is_relocated,
    CASE WHEN relocated THEN u(id, 19) < 0.8 END AS relocation_moved_in,
    flag(id, 20, 0.972, 0.0005) AS water_safe,
    flag(id, 21, 0.02, 0.0005) AS water_difficult,
    flag(id, 22, 0.999, 0.0) AS has_household_power,
    flag(id, 23, 0.99, 0.0) AS has_production_power,
    flag(id, 24, 0.98, 0.0) AS has_radio_tv,
    flag(id, 25, 0.7, 0.0) AS has_sanitary_toilet,
    identified_year,
    returned_year,
    exit_year
FROM (
    SELECT
        id,
        printf('%02d%04d%03d%03d', 11 + v // 4200, 100 + (v // 140) % 30,
               (v // 14) % 10 + 1, v % 14 + 201) AS village_code,
        u(id, 18) < 0.005 AS relocated,
        identified_year,
        CASE WHEN u(id, 27) < 0.034 THEN greatest(identified_year, 2016 + (hash(id, 28) % 3)::INTEGER)
             END AS returned_year,
        CASE WHEN u(id, 29) < 0.65
             THEN greatest(identified_year, 2016 + (hash(id, 30) % 4)::INTEGER) END AS exit_year
    FROM (
        SELECT id, (id - 1) // {per_village} AS v,
            (CASE WHEN u(id, 26) < 0.62 THEN 2014 WHEN u(id, 26) < 0.74 THEN 2015
                  WHEN u(id, 26) < 0.86 THEN 2016 WHEN u(id, 26) < 0.95 THEN 2017
                  ELSE 2018 END)::INTEGER AS identified_year
        FROM range(1, {households} + 1) t(id)
    )
)
"""

# Member key: household id * 8 + index (a household has at most 8 members).
MEMBERS = """
SELECT
    household_id::BIGINT AS household_id,
    CASE WHEN u(key, 40) < 0.975 THEN '1' WHEN u(key, 40) < 0.985 THEN '2'
         WHEN u(key, 40) < 0.995 THEN '3' ELSE '4' END AS status,
    CASE WHEN u(key, 41) < 0.0005 THEN NULL
         ELSE ((2018 - age) * 10000 + (1 + hash(key, 42) % 12) * 100 + 1 + hash(key, 43) % 28)
         END::INTEGER AS birth_ymd,
    CASE WHEN k = 0 THEN (CASE WHEN u(key, 44) < 0.85 THEN '1' ELSE '2' END)
         WHEN k = 1 THEN (CASE WHEN u(key, 44) < 0.85 THEN '2' ELSE '1' END)
         WHEN u(key, 44) < 0.52 THEN '1' ELSE '2' END AS sex,
    CASE WHEN k = 0 THEN '02' WHEN k = 1 THEN '10'
         WHEN age < 18 AND u(key, 45) < 0.4 THEN (CASE WHEN u(key, 44) < 0.52 THEN '41' ELSE '42' END)
         WHEN age >= 60 THEN (CASE WHEN u(key, 44) < 0.52 THEN '51' ELSE '52' END)
         WHEN u(key, 44) < 0.52 THEN '20' ELSE '30' END AS relation,
    CASE WHEN u(key, 46) < 0.0002 THEN NULL
         WHEN age BETWEEN 6 AND 15 AND u(key, 47) < 0.001 THEN '01'
         WHEN age BETWEEN 3 AND 5 THEN (CASE WHEN u(key, 47) < 0.7 THEN '02' ELSE '01' END)
         WHEN age BETWEEN 6 AND 11 THEN '03'
         WHEN age BETWEEN 12 AND 15 THEN ['04', '05', '06', '07'][age - 11]
         WHEN age BETWEEN 16 AND 18 AND u(key, 47) < 0.7 THEN ['07', '08', '09'][age - 15]
         WHEN age BETWEEN 19 AND 22 AND u(key, 47) < 0.3 THEN ['13', '14', '15', '16'][age - 18]
         ELSE '01' END AS student_status,
    CASE WHEN age < 6 THEN '7' WHEN age < 12 THEN '2' WHEN age < 16 THEN '3'
         WHEN age >= 60 THEN (CASE WHEN u(key, 48) < 0.5 THEN '1' ELSE '2' END)
         WHEN u(key, 48) < 0.1 THEN '2' WHEN u(key, 48) < 0.75 THEN '3'
         WHEN u(key, 48) < 0.95 THEN '4' ELSE '5' END AS education,
    CASE WHEN age < 16 THEN '5' WHEN age >= 70 THEN (CASE WHEN u(key, 49) < 0.55 THEN '4' ELSE '3' END)
         WHEN chronic OR u(key, 49) < 0.2 THEN '3' WHEN u(key, 49) < 0.3 THEN '2' ELSE '1' END
        AS labour,
    CASE WHEN age BETWEEN 18 AND 60 AND u(key, 50) < 0.55
         THEN ['1', '2', '3', '4', '5'][1 + (hash(key, 51) % 5)::INTEGER] END AS work_status,
    chronic AS is_chronically_ill,
    CASE WHEN u(key, 52) < 0.0002 THEN NULL
         ELSE u(key, 52) < (CASE WHEN age < 30 THEN 0.01 WHEN age < 60 THEN 0.03 ELSE 0.08 END)
         END AS is_seriously_ill,
    u(key, 53) < (CASE WHEN age < 30 THEN 0.02 WHEN age < 60 THEN 0.05 ELSE 0.1 END)
        AS is_disabled,
    (CASE WHEN age BETWEEN 18 AND 60 AND u(key, 50) < 0.55
          THEN 3 + (hash(key, 54) % 10)::INTEGER END)::INTEGER AS work_months,
    flag(key, 55, 0.995, 0.0001) AS has_basic_medical_insurance,
    flag(key, 56, 0.99, 0.0001) AS has_serious_illness_insurance,
    age >= 16 AND u(key, 57) < 0.96 AS has_basic_pension,
    u(key, 58) < 0.15 AS receives_dibao
FROM (
    SELECT household_id, k, key,
        (CASE WHEN k = 0 THEN (CASE WHEN u(key, 60) < 0.7 THEN 50 + (hash(key, 61) % 43)
                                    ELSE 25 + (hash(key, 61) % 25) END)
              WHEN k = 1 THEN (CASE WHEN u(key, 60) < 0.6 THEN 48 + (hash(key, 61) % 40)
                                    ELSE 23 + (hash(key, 61) % 25) END)
              WHEN u(key, 60) < 0.45 THEN hash(key, 61) % 18
              WHEN u(key, 60) < 0.7 THEN 18 + (hash(key, 61) % 18)
              ELSE 60 + (hash(key, 61) % 36) END)::INTEGER AS age,
        u(key, 62) < 0.12 AS chronic
    FROM (
        SELECT household_id, k, household_id * 8 + k AS key
        FROM (
            SELECT id AS household_id, unnest(range(hsize(id))) AS k
            FROM range(1, {households} + 1) t(id)
        )
    )
)
"""

# Incomes for the evaluation year and the year before; 0.3% lack the year's income.
INCOMES = """
SELECT household_id::BIGINT AS household_id, year::INTEGER AS year,
    (floor(2995 * (0.5 + 0.9 * u(household_id, 70 + year) + 0.35 * u(household_id, 80 + year))
           * (CASE WHEN year = 2018 THEN 1.0 ELSE 0.93 END) * hsize(household_id)) * 100
     + hash(household_id, 90 + year) % 100)::BIGINT AS net_cents
FROM (
    SELECT id AS household_id, unnest([2017, 2018]) AS year FROM range(1, {households} + 1) t(id)
)
WHERE year = 2017 OR u(household_id, 71) >= 0.003
"""

# Measures: 0–4 per household (0.5% none), years 2014–2018 and a few in 2019 (after the year).
MEASURES = """
SELECT household_id::BIGINT AS household_id,
    (CASE WHEN u(household_id * 8 + k, 103) < 0.03 THEN 2019
          ELSE 2014 + hash(household_id * 8 + k, 101) % 5 END)::INTEGER AS year,
    u(household_id * 8 + k, 102) < 0.69 AS raises_income
FROM (
    SELECT id AS household_id,
        unnest(range(CASE WHEN u(id, 100) < 0.005 THEN 0 WHEN u(id, 100) < 0.355 THEN 1
                          WHEN u(id, 100) < 0.805 THEN 2 WHEN u(id, 100) < 0.955 THEN 3
                          ELSE 4 END)) AS k
    FROM range(1, {households} + 1) t(id)
)
"""

QUERIES = {"h": HOUSEHOLDS, "m": MEMBERS, "i": INCOMES, "me": MEASURES}


def relation_sql(name: str, households: int) -> str:
    """The SELECT producing relation `name`, cast to the columns of `sources.RELATIONS`."""
    query = QUERIES[name].format(households=int(households), per_village=HOUSEHOLDS_PER_VILLAGE)
    columns = ", ".join(f"{column}::{kind} AS {column}" for column, kind in sources.RELATIONS[name])
    return f"SELECT {columns} FROM ({query})"


def generate(directory: Path, households: int, threads: int | None = None) -> dict[str, int]:
    """Write h, m, i, me as Parquet files in `directory`; returns the row count of each."""
    directory.mkdir(parents=True, exist_ok=True)
    counts = {}
    with duckdb.connect() as duck:
        if threads:
            duck.execute(f"SET threads = {int(threads)}")
        duck.execute(MACROS)
        for name in sources.RELATIONS:
            path = directory / f"{name}.parquet"
            duck.execute(f"COPY ({relation_sql(name, households)}) TO '{path}' (FORMAT parquet)")
            counts[name] = duck.execute(f"SELECT count(*) FROM read_parquet('{path}')").fetchone()[
                0
            ]
    return counts
