"""Database housekeeping shared by the apps."""

from django.db import connection


def analyze(*models) -> None:
    """Refresh planner statistics after a bulk load.

    Right after hundreds of thousands of rows arrive, PostgreSQL still believes the tables
    are tiny and picks sort-based plans that made a city export 100x slower; autovacuum
    catches up only later. SQLite's planner uses the same statistics (sqlite_stat1).
    """
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')
