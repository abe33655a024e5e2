"""The writes of a 帮扶力量 import, made while the rest of the file is still being read.

An import checks its file block by block and hands each checked block's writes over as a
function (`put`). On PostgreSQL, when the import owns its transaction, a thread runs
them over a connection of its own, in one transaction, while this thread reads and
checks the next block: PostgreSQL inserts the rows, their history and index entries and
checks their foreign keys (`SET CONSTRAINTS ALL IMMEDIATE`: as the rows arrive, not all
at commit) on one core while Python parses on the other, as the registry import does
(ADR 0007, `registry.interchange.sink`). `close(keep)` commits when the whole file was
good (or the import is partial), else rolls everything back: all or nothing is kept, and
a failure in the writer reaches the caller.

The checking thread's look-ups do not see the writer's uncommitted rows: they compare
the file with what was stored before the import, which is what the checks want (each
household, cadre or rating is on one row of the file; a repeated one is an error).

Elsewhere (SQLite, or inside a caller's transaction: the test suite, a service that
imports) the functions are kept and run at `close`, one after the other in one
transaction: SQLite has one writer at a time, and holding its write lock while the file
is read would keep every other writer waiting (ADR 0008).
"""

from __future__ import annotations

import queue
import sys
import threading
from collections.abc import Callable

from django.db import connection, transaction

_DONE = object()
_SWITCH_INTERVAL = 0.0005  # s: the writer takes the interpreter back soon after a reply


class _Rollback(Exception):
    """Leave the writer's transaction without keeping anything."""


class WriteBehind:
    """`put(write)` each block's writes (a function of no arguments), then `close(keep)`."""

    def __init__(self, name: str = "people-import-writer"):
        self.threaded = connection.vendor == "postgresql" and not connection.in_atomic_block
        self._pending: list[Callable[[], None]] = []
        self._closed = False
        if not self.threaded:
            return
        self._queue: queue.Queue = queue.Queue(maxsize=2)
        self._failure: BaseException | None = None
        self._keep = False
        self._switch = sys.getswitchinterval()
        sys.setswitchinterval(_SWITCH_INTERVAL)
        # A daemon: should the import die without closing, the process can still exit
        # (the connection drops and PostgreSQL rolls the writes back).
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def put(self, write: Callable[[], None]) -> None:
        if not self.threaded:
            self._pending.append(write)
            return
        while self._thread.is_alive():  # a writer that failed takes no more blocks
            try:
                self._queue.put(write, timeout=0.5)
                return
            except queue.Full:
                continue

    def close(self, keep: bool) -> None:
        """Commit what was put when `keep`, else roll it back; re-raises the writer's
        failure. Closing twice does nothing."""
        if self._closed:
            return
        self._closed = True
        if not self.threaded:
            if keep and self._pending:
                with transaction.atomic():
                    for write in self._pending:
                        write()
            self._pending = []
            return
        self._keep = keep
        while self._thread.is_alive():
            try:
                self._queue.put(_DONE, timeout=0.5)
                break
            except queue.Full:
                continue
        self._thread.join()
        sys.setswitchinterval(self._switch)
        if self._failure is not None:
            raise self._failure

    def __enter__(self) -> WriteBehind:
        return self

    def __exit__(self, kind, error, trace) -> None:
        """A failure in the checking thread rolls back what was written."""
        if kind is not None:
            self.close(keep=False)

    def _run(self) -> None:
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                while (write := self._queue.get()) is not _DONE:
                    write()
                if not self._keep:
                    raise _Rollback
        except _Rollback:
            pass
        except BaseException as failure:  # handed to the checking thread
            self._failure = failure
            while self._queue.get() is not _DONE:  # let `put` and `close` through
                pass
        finally:
            connection.close()
