"""Where the validated households of an import go: one transaction, chunk by chunk.

On PostgreSQL, when the import owns its transaction, this thread also plans each chunk
(reads the stored rows, compares, builds the new rows: `BulkWriter.plan`), and a writer
thread applies the plans over a connection of its own while this thread goes on with the
next chunk: the database maintains indexes and checks foreign keys on one core while
Python parses and validates on the other (one after the other, the two took about as
long each). The writer's transaction is invisible to this thread's look-ups until
commit, which is what the checks and the plans want: they compare the file with what
was stored before the import, and each household is in one chunk only.

On SQLite, when the import owns its transaction, the plans are made the same way (over
the rows stored before the import) but spooled to a temporary file, and applied in one
transaction at the end. SQLite has one writer at a time: holding the write transaction
while the file is read and checked kept every other writer (a login's session, the
access log, a cadre's edit) waiting for the whole import and failing after the busy
timeout. Now the lock is held only while the planned rows are written, and the import
stays all or nothing.

Inside a caller's transaction (tests, a service that imports) the chunks are written
here, in the caller's connection.
"""

import pickle
import sys
import tempfile

from django.db import connection, transaction

from tuopin.core.writer_thread import WriterThread
from tuopin.registry.interchange.writer import BulkWriter


class ChunkSink:
    """`put(households, cleaned, stored)` each validated chunk, then `close(keep)` once."""

    def __init__(self, acting_user, report):
        self.writer = BulkWriter(acting_user, report)
        owns_transaction = not connection.in_atomic_block
        self.threaded = connection.vendor == "postgresql" and owns_transaction
        self.spooled = connection.vendor == "sqlite" and owns_transaction
        if self.spooled:
            # Plans hold a chunk's rows as plain values; a city file's plans would not fit
            # comfortably in memory, a temporary file takes them one after the other.
            self._spool = tempfile.TemporaryFile(prefix="tuopin-import-")  # noqa: SIM115 - closed by close()
        elif self.threaded:
            self._writer = WriterThread(self.writer.apply, "registry-import-writer")
        else:
            self._atomic = transaction.atomic()
            self._atomic.__enter__()

    def put(self, households: list, cleaned: dict, stored) -> None:
        """`stored`: the StoredChunk read for these households."""
        if not households:
            return
        plan = self.writer.plan(households, cleaned, stored)
        if self.spooled:
            pickle.dump(plan, self._spool, protocol=pickle.HIGHEST_PROTOCOL)
            return
        if self.threaded:
            self._writer.put(plan)
        else:
            self.writer.apply(plan)

    def close(self, keep: bool) -> None:
        """Commit what was put when `keep`, else roll it all back; re-raises the writer's
        failure."""
        if self.spooled:
            try:
                if keep:
                    self._apply_spool()
            finally:
                self._spool.close()
            return
        if not self.threaded:
            if not keep:
                transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)
            return
        self._writer.close(keep)

    def abort(self) -> None:
        """Roll back after a failure in the validating thread."""
        if self.threaded or self.spooled:
            self.close(keep=False)
        else:
            self._atomic.__exit__(*sys.exc_info())

    def _apply_spool(self) -> None:
        """The one write transaction of a SQLite import: only the planned rows."""
        self._spool.seek(0)
        with transaction.atomic():
            while True:
                try:
                    plan = pickle.load(self._spool)
                except EOFError:
                    break
                self.writer.apply(plan)
