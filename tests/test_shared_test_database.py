"""The one-migrate-per-run setup of the test databases (tests/shared_test_database.py): a
crashed worker leaves no lock, a copy holds what the WAL held, and the template goes with
the last worker that used it."""

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests import shared_test_database
from tests.shared_test_database import SharedTestDatabase, _copy, _read, _run_lock, _write

ROOT = Path(__file__).resolve().parent.parent


def test_a_worker_that_died_holding_the_lock_does_not_block_the_next(tmp_path):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from pathlib import Path\n"
            "from tests.shared_test_database import _run_lock\n"
            "with _run_lock(Path(sys.argv[1])):\n"
            "    print('locked', flush=True)\n"
            "    time.sleep(600)\n",
            str(tmp_path),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "locked"
    holder.kill()  # as a crash would: no release of its own
    holder.wait()
    started = time.monotonic()
    with _run_lock(tmp_path):
        assert time.monotonic() - started < 5


def test_the_copy_holds_the_rows_still_in_the_write_ahead_log(tmp_path):
    source, target = str(tmp_path / "source.sqlite3"), str(tmp_path / "target.sqlite3")
    Path(target).write_text("an earlier run's file")
    writer = sqlite3.connect(source)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")  # the rows stay in source.sqlite3-wal
    writer.execute("CREATE TABLE shipped (name TEXT)")
    writer.executemany("INSERT INTO shipped VALUES (?)", [("henan-2018",), ("routes",)])
    writer.commit()
    assert Path(source + "-wal").stat().st_size > 0
    _copy("sqlite", source, target)
    writer.close()
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT name FROM shipped ORDER BY name").fetchall() == [
            ("henan-2018",),
            ("routes",),
        ]


def test_the_template_goes_with_the_last_worker_that_used_it(tmp_path, monkeypatch):
    monkeypatch.setattr(shared_test_database.tempfile, "gettempdir", lambda: str(tmp_path))
    workers = [SharedTestDatabase("run1"), SharedTestDatabase("run1")]
    folder = workers[0].folder
    template = folder / "template.sqlite3"
    folder.mkdir()
    template.write_text("migrated")
    _write(folder, {"template": str(template), "users": 2})
    for worker in workers:
        worker.vendor, worker.using = "sqlite", True
    workers[0].release()
    assert template.exists() and _read(folder)["users"] == 1
    workers[1].release()
    assert not template.exists() and _read(folder) == {}
