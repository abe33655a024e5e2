"""Fixtures shared by every test: the real Shangqiu divisions and users at each level."""

import contextlib
import importlib
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import override_settings
from whitenoise.middleware import WhiteNoiseMiddleware

from tests.shared_test_database import SharedTestDatabase
from tuopin.regions.models import Region
from tuopin.regions.services import regions_load

# Real codes of the vendored divisions, used across the suite.
CITY = "411400000000"  # 商丘市
MINQUAN = "411421000000"  # 民权县
SUIXIAN = "411422000000"  # 睢县
RENHE = "411421101000"  # 人和镇 (民权县)


# Every row the test database holds before the first test: the divisions loaded below
# and what the migrations ship (the policy standard, the case routes, ...), by model.
_REFERENCE_ROWS: list[tuple[type, list[dict]]] = []
# The flush that ends a transactional test puts these back itself (post_migrate).
_PUT_BACK_BY_FLUSH = {"contenttypes", "auth"}


def _reference_rows() -> list[tuple[type, list[dict]]]:
    from django.apps import apps

    rows = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.app_label in _PUT_BACK_BY_FLUSH or meta.proxy or not meta.managed:
            continue
        fields = [field.attname for field in meta.concrete_fields]
        values = list(model._base_manager.order_by("pk").values(*fields))
        if values:
            rows.append((model, values))
    return rows


def _reference_restore() -> None:
    """Insert the remembered rows as they were: same keys and timestamps (raw INSERTs, so
    no auto_now, no signals, no new history). Foreign keys are checked at commit, so the
    order of the tables does not matter."""
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for model, values in _REFERENCE_ROWS:
            fields = model._meta.concrete_fields
            sql = "INSERT INTO {} ({}) VALUES ({})".format(
                quote(model._meta.db_table),
                ", ".join(quote(field.column) for field in fields),
                ", ".join(["%s"] * len(fields)),
            )
            cursor.executemany(
                sql,
                [
                    [field.get_db_prep_save(row[field.attname], connection) for field in fields]
                    for row in values
                ],
            )


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings, request, django_db_blocker):
    """With pytest-xdist, the first worker migrates and the others copy its database
    (tests/shared_test_database.py): one migrate per run instead of one per worker."""
    shared = SharedTestDatabase.for_worker(request.config)
    if shared is None:
        yield
        return
    shared.install()
    yield
    with django_db_blocker.unblock():  # the last worker drops the template
        shared.release()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        regions_load()
        _REFERENCE_ROWS[:] = _reference_rows()


@pytest.fixture
def shangqiu(db):
    """The divisions and the shipped standard, put back if a transactional test flushed them.

    Put back from the rows remembered at setup in one bulk insert per table: loading the
    division file again took ~0.8 s (several seconds on PostgreSQL under load) each time."""
    if not Region.objects.exists():
        _reference_restore()
    return Region.objects.get(code=CITY)


@pytest.fixture(autouse=True)
def _regions_present(request):
    """A transactional test (live server) flushes the tables; put the divisions back."""
    uses_db = {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    if uses_db or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("shangqiu")


# The access log's DELETE trigger on SQLite (audit migration 0004).
_NO_DELETE = importlib.import_module("tuopin.audit.migrations.0004_access_log_no_delete_on_sqlite")


def _transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
        or (marker and marker.kwargs.get("transaction"))
    )


@pytest.fixture(autouse=True)
def _access_log_delete_trigger(request):
    """A transactional test ends with Django's flush, which on SQLite empties every table
    with DELETE, the access log too, which its trigger refuses. Only here, in the test
    suite, the trigger is dropped right before that flush and created again at the start
    of the next test that uses the database (outside any test transaction when the test
    is transactional; inside it, and so only for that test, otherwise). Production code
    has no way to switch the trigger off."""
    uses_db = {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    if not (uses_db or request.node.get_closest_marker("django_db")):
        yield
        return
    transactional = _transactional(request)
    # Set up after the database fixture, so that this teardown runs before its flush.
    request.getfixturevalue("transactional_db" if transactional else "db")
    if connection.vendor != "sqlite":
        yield  # PostgreSQL's flush is a TRUNCATE, which fires no row trigger
        return
    with connection.cursor() as cursor:
        cursor.execute(_NO_DELETE.SQLITE_UP)
    yield
    if transactional:
        with connection.cursor() as cursor:
            cursor.execute(_NO_DELETE.SQLITE_DOWN)


@pytest.fixture(scope="session", autouse=True)
def _static_files_listed_once():
    """Every test Client builds its own middleware chain, and WhiteNoise (with the finders
    on) lists and stats every static file in its constructor: ~150 files, a fifth of the
    time of a test that opens two pages. A server builds the chain once; the files do not
    change during a run, so here the listing is made once per setting and shared (the
    StaticFile entries are only read when serving)."""
    original = WhiteNoiseMiddleware.add_files_from_finders
    listed: dict[tuple, dict] = {}

    def add_files_from_finders(self):
        key = (self.static_prefix, self.max_age, self.charset, self.allow_all_origins)
        if key not in listed:
            before = dict(self.files)
            original(self)
            listed[key] = {
                url: entry for url, entry in self.files.items() if before.get(url) is not entry
            }
        self.files.update(listed[key])

    WhiteNoiseMiddleware.add_files_from_finders = add_files_from_finders
    yield
    WhiteNoiseMiddleware.add_files_from_finders = original


# argon2 is what production uses (tested in accounts); tests need speed.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_hashes_and_private_media(settings, tmp_path):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.MEDIA_ROOT = tmp_path / "media"


@contextlib.contextmanager
def rows_for_a_module(django_db_blocker, media_root: Path):
    """Rows that a module's tests all start from, built once (in a module-scoped fixture)
    instead of once per test: built inside a transaction that stays open while the
    module's tests run and is rolled back after them. Each test's own transaction
    (pytest-django's `db`) is then a savepoint inside it, so every test sees the rows as
    built and what it changes is undone before the next test, as with rows built per test.
    The transaction spans the module: its other tests see the rows too. For modules whose
    tests are not transactional (a flush would end the transaction).

        with rows_for_a_module(django_db_blocker, media_root) as building:
            with building():
                ...  # create the rows
            yield ...

    `building()` allows the database and applies the tests' settings (fast hashes);
    files written go to `media_root`, which a test copies into its own MEDIA_ROOT
    (`copy_module_media`). The divisions are put back first if a transactional test
    flushed them."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()

    @contextlib.contextmanager
    def building():
        with (
            django_db_blocker.unblock(),
            override_settings(PASSWORD_HASHERS=FAST_HASHERS, MEDIA_ROOT=media_root),
        ):
            yield

    try:
        with django_db_blocker.unblock():
            if not Region.objects.exists():
                _reference_restore()
        yield building
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def copy_module_media(media_root: Path) -> None:
    """The files a module's rows were built with, into this test's own MEDIA_ROOT: a test
    that changes or removes one changes its own copy."""
    if Path(media_root).exists():
        shutil.copytree(media_root, settings.MEDIA_ROOT, dirs_exist_ok=True)


@pytest.fixture
def make_user(shangqiu):
    from tuopin.accounts.services import user_create

    counter = iter(range(1, 10_000))

    def make(
        role: str,
        region_code: str,
        username: str | None = None,
        password="Shangqiu#2018",
        department: str = "",
    ):
        region = Region.objects.get(code=region_code)
        return user_create(
            acting_user=None,
            username=username or f"{role}{next(counter)}",
            password=password,
            role=role,
            region=region,
            department=department,
        )

    return make


def first_village(township_code: str) -> Region:
    return Region.objects.filter(parent_id=township_code).order_by("code").first()


def other_county_village(county_code: str) -> Region:
    return (
        Region.objects.filter(level="village", code__startswith=county_code[:6])
        .order_by("code")
        .last()
    )
