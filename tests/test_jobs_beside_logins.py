"""A large import and its quality recount run in the worker while people log in and edit.

The incident: on SQLite a login failed with "database is locked" while the quality
recount after an import held the one write lock for longer than the busy timeout. Here
a real worker thread runs the import job of a county file (and then the recount it
queues) over its own connection, while other threads log in, open the home page, log
out and edit a household through the web client, each thread with its own connection.
Runs on SQLite (a file database in WAL mode, as deployed) and on PostgreSQL.
"""

import threading
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from conftest import MINQUAN, RENHE, SUIXIAN, first_village
from tuopin.accounts.roles import Role
from tuopin.core.jobs import JobContext, job_claim_next, job_run
from tuopin.core.models import Job, JobStatus
from tuopin.core.services import job_enqueue
from tuopin.registry.interchange.exporter import export_registry, households_under
from tuopin.registry.models import Household
from tuopin.registry.quality_snapshot import covering_snapshot
from tuopin.registry.seed import seed_registry
from tuopin.registry.tests.test_views import form_data

pytestmark = pytest.mark.django_db(transaction=True)

HOUSEHOLDS = 2500  # about 8,000 rows: a township's file, big enough to take seconds
PASSWORD = "Shangqiu#2018"


def forget_county(prefix: str) -> None:
    """Remove a county's households below the application, so that the import creates
    them again (the history of the seed stays, as it would in a real registry)."""
    inner = f"SELECT id FROM registry_household WHERE village_id LIKE '{prefix}%'"
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM registry_memberevent WHERE member_id IN "
            f"(SELECT id FROM registry_member WHERE household_id IN ({inner}))"
        )
        for table in ("member", "income", "measure", "householdcause"):
            cursor.execute(f"DELETE FROM registry_{table} WHERE household_id IN ({inner})")
        cursor.execute(f"DELETE FROM registry_household WHERE village_id LIKE '{prefix}%'")


class Traffic:
    """Threads that log in and edit until told to stop; every failure is kept."""

    def __init__(self):
        self.stop = threading.Event()
        self.errors: list[str] = []
        self.logins: list[float] = []  # seconds each login took
        self.during_import: list[int] = []  # the import's progress seen after a login
        self.edits = 0
        self.lock = threading.Lock()
        self.threads: list[threading.Thread] = []
        self.import_job: int | None = None

    def start(self, target, *args) -> None:
        thread = threading.Thread(target=self._guard, args=(target, *args), daemon=True)
        self.threads.append(thread)
        thread.start()

    def _guard(self, target, *args) -> None:
        try:
            target(*args)
        except Exception as error:  # noqa: BLE001 - the test reports whatever broke
            with self.lock:
                self.errors.append(f"{type(error).__name__}: {error}")
        finally:
            connection.close()  # this thread's own connection

    def log_in_and_out(self, username: str) -> None:
        rounds = 0
        while not self.stop.is_set() or rounds < 3:
            client = Client()
            started = time.monotonic()
            response = client.post(
                reverse("accounts:login"), {"username": username, "password": PASSWORD}
            )
            took = time.monotonic() - started
            if response.status_code != 302:
                with self.lock:
                    self.errors.append(f"login of {username}: HTTP {response.status_code}")
                return
            home = client.get("/")
            assert home.status_code == 200, home.status_code
            job = Job.objects.filter(pk=self.import_job).values("status", "progress").first()
            with self.lock:
                self.logins.append(took)
                if job and job["status"] == JobStatus.RUNNING:
                    self.during_import.append(job["progress"])
            client.post(reverse("accounts:logout"))
            rounds += 1
            time.sleep(0.1)  # people, not a load test: the worker shares this process

    def edit(self, user, household_id: int) -> None:
        client = Client()
        client.force_login(user)
        url = reverse("registry:household_edit", args=[household_id])
        n = 0
        while not self.stop.is_set() or n < 3:
            n += 1
            response = client.post(url, form_data(client, url, phone=f"1380000{n:04d}"))
            if response.status_code != 302:
                with self.lock:
                    self.errors.append(f"edit {n}: HTTP {response.status_code}")
                return
            with self.lock:
                self.edits += 1
            time.sleep(0.2)


def hold_mid_import(monkeypatch, traffic: Traffic, logins: int = 2, most: float = 60) -> None:
    """The first time the import reports progress past reading (5) and short of its last
    chunk (90), it waits, up to `most` seconds, for `logins` logins to finish at that
    point. How many logins fall into that stretch on their own depends on the machine's
    speed and load; waiting there makes the test ask the same thing every time: can
    people log in while the import is under way? Where the import held the database's
    write lock there, no login could finish and the wait runs out."""
    original = JobContext.progress
    held = threading.Event()

    def progress(self, percent, message=""):
        original(self, percent, message)
        if self.job.pk != traffic.import_job or held.is_set() or not 5 <= percent < 90:
            return
        held.set()
        deadline = time.monotonic() + most
        while time.monotonic() < deadline:
            with traffic.lock:
                if len([p for p in traffic.during_import if 5 <= p < 90]) >= logins:
                    return
            time.sleep(0.05)

    monkeypatch.setattr(JobContext, "progress", progress)


def test_logins_and_edits_succeed_while_an_import_and_its_recount_run(
    make_user, tmp_path, monkeypatch
):
    county = make_user(Role.COUNTY_OFFICE, MINQUAN, username="importer")
    editor = make_user(Role.COUNTY_OFFICE, SUIXIAN, username="editor")
    village = first_village(RENHE).code
    people = [make_user(Role.VILLAGE, village, f"cadre{n}") for n in range(4)]
    seed_registry(households=30, region_code=SUIXIAN, seed=2)
    edited = Household.objects.filter(village__code__startswith=SUIXIAN[:6]).order_by("id").first()
    seed_registry(households=HOUSEHOLDS, region_code=MINQUAN, seed=1)
    name = f"uploads/{uuid.uuid4().hex}.csv"  # as the upload form names it
    upload = Path(settings.MEDIA_ROOT) / name
    upload.parent.mkdir(parents=True)
    rows = export_registry(households_under(MINQUAN[:6]), upload)
    assert rows > 3 * HOUSEHOLDS
    forget_county(MINQUAN[:6])

    job = job_enqueue(
        acting_user=county,
        kind="registry.import",
        region_code=MINQUAN,
        params={"upload": name, "partial": True},
    )
    traffic = Traffic()
    traffic.import_job = job.pk
    hold_mid_import(monkeypatch, traffic)
    for user in people:
        traffic.start(traffic.log_in_and_out, user.username)
    traffic.start(traffic.edit, editor, edited.pk)
    time.sleep(0.5)  # the people are at work before the import starts

    def worker() -> None:
        """The worker process: the import, then the recount it queued."""
        for _ in range(2):
            claimed = job_claim_next("test-worker")
            assert claimed is not None
            job_run(claimed)

    traffic.start(worker)
    traffic.threads[-1].join(timeout=600)
    traffic.stop.set()
    for thread in traffic.threads:
        thread.join(timeout=120)

    job.refresh_from_db()
    assert traffic.errors == []
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result["households"]["created"] > 0.9 * HOUSEHOLDS
    assert (
        Household.objects.filter(village__code__startswith=MINQUAN[:6]).count()
        == (job.result["households"]["created"])
    )
    recount = Job.objects.get(kind="registry.quality")
    assert recount.status == JobStatus.SUCCEEDED, recount.error
    assert covering_snapshot(MINQUAN[:6], 2018) is not None
    assert len(traffic.logins) >= 12 and traffic.edits >= 3
    # People logged in while the import was still reading and checking its file (its
    # progress from "reading", 5, and short of the last chunk, 94), not only once it had
    # finished writing: on SQLite the write lock is no longer held while the file is read.
    # The import waits at its first such progress report for them (hold_mid_import).
    assert len([p for p in traffic.during_import if 5 <= p < 90]) >= 2, traffic.during_import
