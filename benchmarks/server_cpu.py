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


class OtherBackends:
    """CPU seconds of the backends of the connections opened after `start()` by other
    threads (an import's writer thread: ADR 0007, tuopin.core.write_behind), which
    `server_cpu` of this thread's connection does not see. A sampler reads each one's
    /proc entry every 10 ms until it ends, keeping the last reading (at most 10 ms of a
    backend's last work is missed)."""

    def __init__(self):
        import threading

        from django.db.backends.signals import connection_created

        self._signal, self._threading = connection_created, threading
        self._last: dict[int, float] = {}
        self._main = threading.get_ident()
        self._running = False

    def _created(self, sender, connection, **kwargs) -> None:
        if self._threading.get_ident() == self._main or connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            self._last[cursor.fetchone()[0]] = 0.0

    def _sample(self) -> None:
        import time

        tick = os.sysconf("SC_CLK_TCK")
        while self._running:
            for pid in list(self._last):
                try:
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                self._last[pid] = (int(fields[11]) + int(fields[12])) / tick
            time.sleep(0.01)

    def start(self) -> "OtherBackends":
        self._signal.connect(self._created, weak=False)
        self._running = True
        self._thread = self._threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> float:
        """The CPU seconds of the backends seen, the sampler stopped."""
        self._running = False
        self._thread.join()
        self._signal.disconnect(self._created)
        return sum(self._last.values())
