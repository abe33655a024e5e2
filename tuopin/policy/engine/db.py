"""The database engine: one query over the scope, run where the registry lives."""

from django.db import connection

from tuopin.policy.engine import sources
from tuopin.policy.rules.sqlcompile import Plan, household_steps, render

DIALECTS = {"sqlite": "sqlite", "postgresql": "postgres"}


def household_sql(plan: Plan, prefix: str, as_of_ymd: int, household_ids=None) -> tuple[str, list]:
    """The evaluation as SQL for this database, with the ORM's parameters."""
    ctes, params = sources.base_ctes(sources.base_querysets(prefix, household_ids))
    # Django formats the SQL with %s placeholders: literal percent signs must be doubled.
    steps = render(household_steps(plan, as_of_ymd), DIALECTS[connection.vendor]).replace("%", "%%")
    return steps.replace("WITH ", f"WITH {ctes}, ", 1), params


def household_rows(plan: Plan, prefix: str, as_of_ymd: int, household_ids=None) -> list[tuple]:
    sql, params = household_sql(plan, prefix, as_of_ymd, household_ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
