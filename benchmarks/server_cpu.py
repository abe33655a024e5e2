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
    threads (an import's writer thread: ADR 0007, tuopin.people.write_behind), which
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


class ParallelWorkers:
    """CPU seconds of the parallel workers of this connection's backend (a parallel plan's
    Gather, a parallel index build), which `server_cpu` does not count: a sampler reads
    the /proc entry of each child of the postmaster titled "parallel worker for PID
    <backend>" every 10 ms until it ends, keeping the last reading (at most 10 ms of a
    worker's work is missed). Zero for SQLite or a server elsewhere."""

    def __init__(self):
        import threading

        self._threading = threading
        self._last: dict[str, float] = {}
        self._running = False

    def _sample(self, postmaster: str, title: bytes) -> None:
        """Only the postmaster's children are looked at, each one's title once."""
        import time

        tick = os.sysconf("SC_CLK_TCK")
        others: set[str] = set()
        children = Path(f"/proc/{postmaster}/task/{postmaster}/children")
        while self._running:
            try:
                pids = children.read_text().split()
            except OSError:
                pids = []
            for pid in pids:
                if pid in others:
                    continue
                try:
                    if (
                        pid not in self._last
                        and title not in Path(f"/proc/{pid}/cmdline").read_bytes()
                    ):
                        others.add(pid)
                        continue
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                self._last[pid] = (int(fields[11]) + int(fields[12])) / tick
            time.sleep(0.01)

    def start(self) -> "ParallelWorkers":
        if server_cpu() is None:
            return self
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        postmaster = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()[1]
        title = f"parallel worker for PID {backend}".encode()
        self._running = True
        self._thread = self._threading.Thread(
            target=self._sample, args=(postmaster, title), daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> float:
        """The CPU seconds of the workers seen, the sampler stopped."""
        if self._running:
            self._running = False
            self._thread.join()
        return sum(self._last.values())
