"""The writes of an import, made while the rest of the file is still being read (the 帮扶力量 imports, the project library).

An import checks its file block by block and hands each checked block's writes over as a
function (`put`). On PostgreSQL, when the import owns its transaction, a writer thread
runs them over a connection of its own, in one transaction, while this thread reads and
checks the next block (core.writer_thread, as the registry import does: ADR 0007).
`close(keep)` commits when the whole file was good (or the import is partial), else
rolls everything back: all or nothing is kept, and a failure in the writer reaches the
caller.

The checking thread's look-ups do not see the writer's uncommitted rows: they compare
the file with what was stored before the import, which is what the checks want (each
household, cadre or rating is on one row of the file; a repeated one is an error).

Elsewhere (SQLite, or inside a caller's transaction: the test suite, a service that
imports) the functions are kept and run at `close`, one after the other in one
transaction: SQLite has one writer at a time, and holding its write lock while the file
is read would keep every other writer waiting (ADR 0008).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection, transaction

from tuopin.core.writer_thread import WriterThread


def _call(write: Callable[[], None]) -> None:
    write()


class WriteBehind:
    """`put(write)` each block's writes (a function of no arguments), then `close(keep)`."""

    def __init__(self, name: str = "people-import-writer"):
        self.threaded = connection.vendor == "postgresql" and not connection.in_atomic_block
        self._pending: list[Callable[[], None]] = []
        self._closed = False
        self._writer = WriterThread(_call, name) if self.threaded else None

    def put(self, write: Callable[[], None]) -> None:
        if self._writer is not None:
            self._writer.put(write)
        else:
            self._pending.append(write)

    def close(self, keep: bool) -> None:
        """Commit what was put when `keep`, else roll it back; re-raises the writer's
        failure. Closing twice does nothing."""
        if self._closed:
            return
        self._closed = True
        if self._writer is not None:
            self._writer.close(keep)
            return
        if keep and self._pending:
            with transaction.atomic():
                for write in self._pending:
                    write()
        self._pending = []

    def __enter__(self) -> WriteBehind:
        return self

    def __exit__(self, kind, error, trace) -> None:
        """A failure in the checking thread rolls back what was written."""
        if kind is not None:
            self.close(keep=False)
