"""A thread that writes on a connection of its own while the caller reads on (ADR 0007).

An import checks its file in blocks and hands each block's writes over (`put`); the
thread applies them over its own connection, in one transaction, with foreign keys
checked as rows arrive (`SET CONSTRAINTS ALL IMMEDIATE`), while the caller parses the
next block: PostgreSQL writes on one core while Python parses on the other. `close(keep)`
commits when `keep`, else rolls everything back, and re-raises a failure of the writer.
Used by the registry's import (registry.interchange.sink) and the 帮扶力量 imports
(core.write_behind); PostgreSQL only, when the import owns its transaction.
"""

import queue
import sys
import threading
from collections.abc import Callable

from django.db import connection, transaction

_DONE = object()
_SWITCH_INTERVAL = 0.0005  # s: the writer takes the interpreter back soon after a reply


class _Rollback(Exception):
    """Leave the writer's transaction without keeping anything."""


class WriterThread:
    """`put(item)` for `apply(item)` on the writer's connection, then `close(keep)` once."""

    def __init__(self, apply: Callable, name: str):
        self._apply = apply
        self._queue: queue.Queue = queue.Queue(maxsize=2)
        self._failure: BaseException | None = None
        self._keep = False
        self._switch = sys.getswitchinterval()
        sys.setswitchinterval(_SWITCH_INTERVAL)
        # A daemon: should the caller die without closing, the process can still exit
        # (the connection drops and PostgreSQL rolls the writes back).
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def put(self, item) -> None:
        while self._thread.is_alive():  # a writer that failed takes no more
            try:
                self._queue.put(item, timeout=0.5)
                return
            except queue.Full:
                continue

    def close(self, keep: bool) -> None:
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

    def _run(self) -> None:
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                while (item := self._queue.get()) is not _DONE:
                    self._apply(item)
                if not self._keep:
                    raise _Rollback
        except _Rollback:
            pass
        except BaseException as failure:  # handed to the caller at close
            self._failure = failure
        finally:
            connection.close()
