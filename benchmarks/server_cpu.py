"""The database's share of a benchmark: CPU seconds of this connection's PostgreSQL backend.

Read from /proc when the server runs on this machine (user + system; parallel workers not
counted). On a shared machine the load changes wall time far more than CPU time, so the
benchmarks print this beside their wall times. None for SQLite or a server elsewhere.
"""

import os
from pathlib import Path

from django.db import connection


def server_cpu() -> float | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
