"""One migrate per test run, not one per pytest-xdist worker.

Migrating an empty test database costs ~30 CPU-s (docs/benchmarks.md); with `pytest -n 2`
both workers paid it at once, on the same two cores. Here the first worker to need a
database migrates its own, copies it into a template, and every other worker of the same
run (the same xdist `testrunuid`) creates its database from that template instead:
PostgreSQL `CREATE DATABASE … TEMPLATE`, SQLite the backup API (a consistent copy, WAL
included). The database each worker tests on is its own, as before.

Coordination is an flock on a file named by the run: the kernel releases it when the
process ends, so a crashed run leaves no lock behind; a template that a crashed run
left on PostgreSQL is dropped by the next run that builds one. A run with --reuse-db
(and without --create-db) keeps its databases and migrates them as before, so it does
not use this; --create-db builds a fresh template, since every run has its own.
"""

import contextlib
import fcntl
import json
import sqlite3
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connections

ALIAS = "default"


@contextlib.contextmanager
def _run_lock(folder: Path):
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released by the kernel if this process dies
        yield


def _read(folder: Path) -> dict:
    try:
        return json.loads((folder / "template.json").read_text())
    except (OSError, ValueError):
        return {}


def _write(folder: Path, state: dict) -> None:
    (folder / "template.json").write_text(json.dumps(state))


def _quote(name: str) -> str:
    return connections[ALIAS].ops.quote_name(name)


def _template_exists(vendor: str, template: str) -> bool:
    if vendor == "sqlite":
        return Path(template).exists()
    with connections[ALIAS].creation._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
        return cursor.fetchone() is not None


def _copy(vendor: str, source: str, target: str) -> None:
    """A new database `target` with everything `source` holds; `target` is replaced."""
    connections[ALIAS].close()
    if vendor == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(target + suffix).unlink(missing_ok=True)
        with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
            origin.backup(copy)
        copy.close()
        origin.close()
        return
    with connections[ALIAS].creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {_quote(target)}")
        cursor.execute(f"CREATE DATABASE {_quote(target)} WITH TEMPLATE {_quote(source)}")


def _drop(vendor: str, template: str) -> None:
    if vendor == "sqlite":
        Path(template).unlink(missing_ok=True)
        return
    with connections[ALIAS].creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {_quote(template)}")


def _drop_stale_templates(vendor: str, test_name: str, keep: str) -> None:
    """Templates of earlier runs of this database that ended before dropping theirs."""
    if vendor != "postgresql":
        return  # their files are in the temporary folder of their own run
    base = test_name.rsplit("_gw", 1)[0].replace("_", r"\_")
    with connections[ALIAS].creation._nodb_cursor() as cursor:
        cursor.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s",
            [base + r"\_gw%\_tpl\_%", keep],
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f"DROP DATABASE IF EXISTS {_quote(name)}")


class SharedTestDatabase:
    """Wraps the default connection's create_test_db for one xdist worker."""

    def __init__(self, run_id: str):
        self.folder = Path(tempfile.gettempdir()) / f"tuopin-test-run-{run_id}"
        self.run_id = run_id
        self.creation = connections[ALIAS].creation
        self.vendor = connections[ALIAS].vendor
        self.original = self.creation.create_test_db
        self.using = False

    @staticmethod
    def for_worker(config) -> "SharedTestDatabase | None":
        workerinput = getattr(config, "workerinput", None)
        if not workerinput or connections[ALIAS].vendor not in ("sqlite", "postgresql"):
            return None
        if config.getvalue("reuse_db") and not config.getvalue("create_db"):
            return None
        return SharedTestDatabase(workerinput["testrunuid"])

    def install(self) -> None:
        self.creation.create_test_db = self.create_test_db

    def create_test_db(self, verbosity=1, autoclobber=False, serialize=True, keepdb=False):
        if keepdb:
            return self.original(verbosity, autoclobber, serialize, keepdb)
        test_name = self.creation._get_test_db_name()
        with _run_lock(self.folder):
            state = _read(self.folder)
            template = state.get("template")
            if template and _template_exists(self.vendor, template):
                _copy(self.vendor, template, test_name)
                self._use(test_name, serialize)
            else:
                test_name = self.original(verbosity, autoclobber, serialize, keepdb)
                template = (
                    str(self.folder / "template.sqlite3")
                    if self.vendor == "sqlite"
                    else f"{test_name}_tpl_{self.run_id[:12]}"
                )
                _drop_stale_templates(self.vendor, test_name, keep=template)
                _copy(self.vendor, test_name, template)
                state = {"template": template, "users": 0}
            state["users"] = state.get("users", 0) + 1
            _write(self.folder, state)
            self.using = True
        return test_name

    def _use(self, test_name: str, serialize: bool) -> None:
        """What create_test_db does after its migrate, for a copied database."""
        connection = connections[ALIAS]
        settings.DATABASES[ALIAS]["NAME"] = test_name
        connection.settings_dict["NAME"] = test_name
        if serialize:
            connection._test_serialized_contents = self.creation.serialize_db_to_string()
        connection.ensure_connection()

    def release(self) -> None:
        """The last worker of the run to finish drops the template. The run's folder and
        its empty lock file stay: a worker may be waiting on that lock (it then builds a
        template of its own)."""
        self.creation.create_test_db = self.original
        if not self.using:
            return
        with _run_lock(self.folder):
            state = _read(self.folder)
            state["users"] = state.get("users", 1) - 1
            if state["users"] > 0 or not state.get("template"):
                _write(self.folder, state)
                return
            _drop(self.vendor, state["template"])
            (self.folder / "template.json").unlink(missing_ok=True)
