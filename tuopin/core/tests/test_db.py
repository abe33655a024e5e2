from django.db import connection

from tuopin.core.db import analyze
from tuopin.regions.models import Region


def test_analyze_records_planner_statistics(shangqiu):
    analyze(Region)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = 'regions_region'")
        else:
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'regions_region'")
        assert cursor.fetchone()[0] > 0
