"""The analytic copy: the registry's relations in a DuckDB file, kept current by changes.

Every city-wide computation that reads the relations of analytic/sources.py (the DuckDB
evaluation, the village and county facts) reads them here through `analytic_connection`,
instead of exporting them from the operational database each time (docs/analytics.md).
The same file holds mirrors of the registry tables (analytic/mirrors.py), on which the
quality refresh runs the checks' own queries (registry/quality_copy.py, ADR 0016). The
mirrors have a moment of their own and are brought current only for a computation that
reads them (`mirrors=True`): the exit evaluation does not wait for rows it never reads.

The copy holds the whole registry (every region), so a household moving between
villages is one changed row, not a row leaving one copy and entering another. It states
the moment it reflects: every change committed before that moment is in it. Bringing it
current reloads every household changed since then, whole (its row, its members,
incomes and measures), found through the simple_history tables (every registry write
path records history, deletions as '-') and Household.updated_at (what the importer
bumps when it writes a household's members or incomes). Rows of members, incomes and
measures carry their own id, so a member moved to another household leaves the old one.

Writes that leave no history (the seed command, SQL by hand) are caught when the number
of households no longer matches, and otherwise need `tuopin analytic_copy --rebuild`.

The copy logs which households each bringing-current reloaded, under the moment it then
reflected (`stored.changes`, from its last full build on): a delta evaluation run reads
only the households changed since its base run's moment (`Copy.changed_since`,
docs/adr/0021-delta-runs.md).
"""

import datetime
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import duckdb
import pyarrow as pa
from django.conf import settings
from django.db import connection
from django.utils import timezone

from tuopin.core.db import Keys
from tuopin.core.errors import TuopinError
from tuopin.registry.analytic import mirrors, sources
from tuopin.registry.analytic.fingerprints import fingerprints, unchanged
from tuopin.registry.analytic.transfer import (
    append,
    reading_by_index,
    relation_to_arrow,
    relation_to_parquet,
)
from tuopin.registry.models import Household, HouseholdCause, Income, Measure, Member

# Relations of the copy: the engine's columns, then what bringing it current needs (the
# village to filter by region without a join, the row's own id to follow moved rows).
KEYED = {"m": Member, "i": Income, "me": Measure}
EXTRA = {
    "h": [],
    **{name: [("village_code", "VARCHAR"), ("row_id", "BIGINT")] for name in KEYED},
}
EXTRA_FIELDS = ("household__village_id", "id")
# The stored tables' schema; a reader's connection names its region's views h, m, i, me.
STORED = "stored"
# More households changed than this share of the copy: a full build is faster.
FULL_BUILD_SHARE = 0.25
# The database's id lists are sent in chunks (SQLite allows 32,766 parameters).
CHUNK = 10_000
# Clocks of the application and database servers may differ by this much at most.
CLOCK_MARGIN = datetime.timedelta(seconds=2)
# What the file holds; a file of another layout is built afresh. 2: the mirrors.
# 3: the log of changed households. Then whatever tables and columns the mirrors hold
# (mirrors.layout()).
LAYOUT = "3"
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def _layout() -> str:
    return f"{LAYOUT}/{mirrors.layout()}"


@dataclass
class Copy:
    """An open connection on the copy: h, m, i, me of one region, as of `reflects`."""

    connection: duckdb.DuckDBPyConnection
    reflects: datetime.datetime
    timings: dict = field(default_factory=dict)
    changed_households: int = 0
    built: bool = False
    prefix: str = ""
    # Seconds of each step of bringing it current (the benchmark prints them).
    steps: dict = field(default_factory=dict)

    def changed_since(self, moment: datetime.datetime) -> list[int] | None:
        """The households reloaded since `moment` (a run's `data_as_of`), in the region
        or not (a household that moved out is one of them); None when the log does not
        reach back that far (the copy was built afresh since). `narrow_to_changed`
        then limits h, m, i, me to them.

        A change committed after `moment` is reloaded by a bringing-current whose own
        moment is not earlier (the moment never passes an open transaction's start),
        so the log's entries at or after `moment` cover every change the run at
        `moment` did not read; the few read again within the clock margin are
        evaluated again and found equal."""
        if moment < _meta(self.connection)["log_since"]:
            return None
        self.connection.execute(
            "CREATE OR REPLACE TEMP TABLE narrowed AS SELECT DISTINCT household_id AS id "
            f"FROM {STORED}.changes WHERE reloaded_at >= ? ORDER BY id",
            [_micros(moment)],
        )
        return [row[0] for row in self.connection.execute("SELECT id FROM narrowed").fetchall()]

    def narrow_to_changed(self) -> None:
        """h, m, i, me of the households `changed_since` found, in the region."""
        _region_views(self.connection, self.prefix, narrowed=True)


class Stopwatch:
    """Seconds spent per named step, each lap measured from the previous one."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}
        self._at = time.perf_counter()

    def lap(self, step: str) -> None:
        now = time.perf_counter()
        self.spent[step] = round(self.spent.get(step, 0.0) + now - self._at, 4)
        self._at = now


def copy_path() -> Path:
    configured = getattr(settings, "ANALYTIC_COPY_PATH", "")
    return (
        Path(configured)
        if configured
        else Path(settings.MEDIA_ROOT) / "analytic" / "registry.duckdb"
    )


@contextmanager
def analytic_connection(
    prefix: str, *, bring_current: bool = True, mirrors: bool = False
) -> Iterator[Copy]:
    """The relations h, m, i, me of the households under `prefix`, current; with
    `mirrors` the mirrors of the registry tables current too.

    With bring_current False a copy older than the data under `prefix` is refused
    (TuopinError) rather than read. The copy is locked while the connection is open.
    """
    path = copy_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with _locked(path):
        started = time.perf_counter()
        watch = Stopwatch()
        con = _open(path)
        changed, built = 0, False
        try:
            if con is None:
                _build(path)
                con, built = duckdb.connect(str(path)), True
            elif bring_current:
                con, changed, built = _bring_current(con, path, with_mirrors=mirrors, watch=watch)
            else:
                _refuse_if_stale(con, prefix)
            timings = {"copy": round(time.perf_counter() - started, 3)}
            _region_views(con, prefix)
            yield Copy(con, _meta(con)["reflects"], timings, changed, built, prefix, watch.spent)
        finally:
            if con is not None:
                con.close()


def copy_rebuild() -> datetime.datetime:
    """Build the copy afresh (after writes that left no history); returns its moment."""
    path = copy_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with _locked(path):
        return _build(path)


def copy_is_current(prefix: str) -> bool:
    """No change under `prefix` since the copy's moment."""
    path = copy_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with _locked(path):
        con = _open(path)
        if con is None:
            return False
        try:
            _refuse_if_stale(con, prefix)
        except TuopinError:
            return False
        finally:
            con.close()
        return True


# -- the file -------------------------------------------------------------------------


@contextmanager
def _locked(path: Path):
    """One process at a time: DuckDB lets one process open a file for writing."""
    with open(path.with_name(path.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _database_identity() -> str:
    """Which operational database the copy is of: a copy of another one is rebuilt."""
    params = connection.settings_dict
    key = f"{connection.vendor}|{params.get('HOST')}|{params.get('PORT')}|{params.get('NAME')}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _meta(con) -> dict:
    rows = dict(con.execute("SELECT key, value FROM copy_meta").fetchall())
    return {
        "identity": rows.get("identity"),
        "layout": rows.get("layout"),
        "reflects": datetime.datetime.fromisoformat(rows["reflects"]),
        # The mirrors' own moment (older when the relations were brought current alone).
        "mirrors_reflect": datetime.datetime.fromisoformat(
            rows.get("mirrors_reflect") or rows["reflects"]
        ),
        "households": int(rows["households"]),
        # The log of changed households is complete from this moment (the last build).
        "log_since": datetime.datetime.fromisoformat(rows["log_since"]),
        # Each counted table's fingerprint when the copy last agreed with it.
        "fingerprints": json.loads(rows.get("fingerprints") or "{}"),
    }


def _open(path: Path) -> duckdb.DuckDBPyConnection | None:
    """A connection on the copy, or None when there is none of this database."""
    if not path.exists():
        return None
    con = duckdb.connect(str(path))
    try:
        state = _meta(con)
        if state["identity"] == _database_identity() and state["layout"] == _layout():
            return con
    except (duckdb.Error, KeyError, ValueError):
        pass  # a file from an older layout or a broken build: built again
    con.close()
    return None


def _write_meta(
    con,
    reflects: datetime.datetime,
    mirrors_reflect: datetime.datetime | None = None,
    log_since: datetime.datetime | None = None,
    agreed: dict[str, str] | None = None,
) -> None:
    households = con.execute(f"SELECT count(*) FROM {STORED}.h").fetchall()[0][0]
    con.execute("CREATE OR REPLACE TABLE copy_meta (key VARCHAR, value VARCHAR)")
    con.executemany(
        "INSERT INTO copy_meta VALUES (?, ?)",
        [
            ["identity", _database_identity()],
            ["layout", _layout()],
            ["reflects", reflects.isoformat()],
            ["mirrors_reflect", (mirrors_reflect or reflects).isoformat()],
            ["households", str(households)],
            ["log_since", (log_since or reflects).isoformat()],
            ["fingerprints", json.dumps(agreed or {})],
        ],
    )


def _micros(moment: datetime.datetime) -> int:
    """A moment as whole microseconds since 1970 (exact, whatever its time zone)."""
    return (moment - EPOCH) // datetime.timedelta(microseconds=1)


def _columns(name: str) -> list[tuple[str, str]]:
    return sources.RELATIONS[name] + EXTRA[name]


def _querysets() -> dict:
    """The copy's relations from the operational database (all regions)."""
    return {
        "h": sources.households(""),
        "m": sources.members("", extra=EXTRA_FIELDS),
        "i": sources.incomes("", extra=EXTRA_FIELDS),
        "me": sources.measures("", extra=EXTRA_FIELDS),
    }


def _rows_of(household_ids: list[int]) -> dict:
    """The relations of a few thousand households, each read by its own index: the ids
    as one array (`any_of`, not one parameter each), and members, incomes and measures
    without the join to their household for its village (the copy takes it from the
    household's row just read). With the join PostgreSQL scanned the whole household
    table and, for 2,300 households, each of the three tables in parallel (0.6 s of the
    0.7 s spent reading)."""
    keys = Keys(household_ids)
    return {
        "h": sources.households("").filter(pk__any_of=keys),
        **{
            name: rows(extra=("id",)).filter(household_id__any_of=keys)
            for name, rows in (
                ("m", partial(sources.members, "")),
                ("i", partial(sources.incomes, "")),
                ("me", partial(sources.measures, "")),
            )
        },
    }


def _moment() -> datetime.datetime:
    """The moment the copy will reflect once the rows changed before it are read.

    A write still open when the copy is taken may commit later with an earlier history
    date; the moment goes back to the start of the oldest open transaction, so the next
    bring-current reads it then.
    """
    moment = timezone.now()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT min(xact_start) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                "AND xact_start IS NOT NULL"
            )
            oldest = cursor.fetchall()[0][0]
        if oldest is not None:
            moment = min(moment, oldest)
    return moment


def _build(path: Path) -> datetime.datetime:
    """A full build into a new file, put in place at once."""
    reflects = _moment()
    # Taken before anything is read: a row written meanwhile changes it, so the next
    # bringing-current counts that table.
    agreed = fingerprints(_counted(with_mirrors=True))
    work = Path(tempfile.mkdtemp(prefix="analytic-copy-", dir=path.parent))
    try:
        target = work / path.name
        with duckdb.connect(str(target)) as con:
            con.execute(f"CREATE SCHEMA {STORED}")
            for name, queryset in _querysets().items():
                parquet = work / f"{name}.parquet"
                relation_to_parquet(queryset, _columns(name), parquet)
                # Sorted by village: a region's rows lie together and DuckDB skips the rest.
                order = "village_code" if name == "h" else "village_code, household_id"
                con.execute(
                    f"CREATE TABLE {STORED}.{name} AS SELECT * FROM read_parquet('{parquet}') "
                    f"ORDER BY {order}"
                )
            mirrors.build(con, work)
            con.execute(f"CREATE TABLE {STORED}.changes (household_id BIGINT, reloaded_at BIGINT)")
            _write_meta(con, reflects, agreed=agreed)
        # A write-ahead log left by the old file must not be replayed onto the new one.
        path.with_name(path.name + ".wal").unlink(missing_ok=True)
        os.replace(target, path)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return reflects


# -- what changed ---------------------------------------------------------------------


def _changed_since(
    since: datetime.datetime, margin: datetime.timedelta = CLOCK_MARGIN
) -> tuple[set[int], dict[str, set[int]], set[str]]:
    """Households changed since `since`, the ids of changed m/i/me rows, and the
    villages (now or before) of the households whose own row changed.

    History dates come from the application server's clock, the moment may come from
    the database server's: what lies within `margin` before it is read again."""
    since -= margin
    households, villages = set(), set()
    history = Household.history.model.objects.filter(history_date__gte=since)
    for household_id, village_id in history.values_list("id", "village_id"):
        households.add(household_id)
        villages.add(village_id)
    for household_id, village_id in Household.objects.filter(updated_at__gte=since).values_list(
        "id", "village_id"
    ):
        households.add(household_id)
        villages.add(village_id)
    causes = HouseholdCause.history.model.objects.filter(history_date__gte=since)
    households.update(causes.values_list("household_id", flat=True))
    rows = {}
    for name, model in KEYED.items():
        changed = model.history.model.objects.filter(history_date__gte=since)
        rows[name] = set()
        for row_id, household_id in changed.values_list("id", "household_id"):
            rows[name].add(row_id)
            households.add(household_id)
    return households, rows, villages


def _moved_from(con, rows: dict[str, set[int]]) -> set[int]:
    """The households the changed rows belonged to in the copy (a member moved away)."""
    households = set()
    for name, ids in rows.items():
        if ids:
            con.register("changed_rows", pa.table({"row_id": pa.array(sorted(ids), pa.int64())}))
            households.update(
                household_id
                for (household_id,) in con.execute(
                    f"SELECT DISTINCT household_id FROM {STORED}.{name} "
                    "WHERE row_id IN (SELECT row_id FROM changed_rows)"
                ).fetchall()
            )
            con.unregister("changed_rows")
    return households


def _counted(*, with_mirrors: bool) -> list:
    """The tables whose rows the copy counts against the database's: the households,
    and with the mirrors those found again by id (mirrors.counts_agree)."""
    return [Household, *(mirrors.counted() if with_mirrors else [])]


def _bring_current(
    con, path: Path, *, with_mirrors: bool, watch: "Stopwatch"
) -> tuple[duckdb.DuckDBPyConnection, int, bool]:
    """Reload the households changed since the copy's moment, and with `with_mirrors`
    the mirrors' rows changed since theirs: (connection, how many, built afresh)."""
    state = _meta(con)
    reflects = _moment()
    # Before any row is read, as in _build.
    now = fingerprints(_counted(with_mirrors=with_mirrors))
    same = unchanged(state["fingerprints"], now)
    watch.lap("moment")
    households, rows, _villages = _changed_since(state["reflects"])
    watch.lap("find changes")
    limit = max(FULL_BUILD_SHARE * state["households"], CHUNK)
    mirror_households, mirror_rows = set(), None
    if with_mirrors:
        mirror_households, mirror_ids = households, rows
        if state["mirrors_reflect"] != state["reflects"]:
            mirror_households, mirror_ids, _villages = _changed_since(state["mirrors_reflect"])
        mirror_rows = mirrors.changed_rows(
            con,
            state["mirrors_reflect"] - CLOCK_MARGIN,
            member_ids=mirror_ids["m"],
            income_ids=mirror_ids["i"],
        )
        watch.lap("find mirrors' changes")
    if len(households) <= limit and len(mirror_households) <= limit:
        households |= _moved_from(con, rows)
        watch.lap("moved rows")
        ids = sorted(households)
        con.execute("BEGIN TRANSACTION")
        with reading_by_index():
            if ids:
                _reload(con, ids, watch)
                _log_changes(con, ids, reflects)
            if with_mirrors:
                mirrors.reload(con, sorted(mirror_households | households), mirror_rows)
                watch.lap("reload mirrors")
        _write_meta(
            con,
            reflects,
            reflects if with_mirrors else state["mirrors_reflect"],
            state["log_since"],
            # Without fingerprints now (statistics off), none of before is trusted later.
            agreed=None if now is None else {**state["fingerprints"], **now},
        )
        watch.lap("log and meta")
        if _households_agree(con, Household._meta.db_table in same) and (
            not with_mirrors or mirrors.counts_agree(con, same)
        ):
            watch.lap("check")
            con.execute("COMMIT")
            watch.lap("commit")
            return con, len(ids), False
        # Rows written or deleted without history (the seeds, SQL by hand).
        con.execute("ROLLBACK")
    con.close()
    _build(path)
    return duckdb.connect(str(path)), len(households), True


def _households_agree(con, unchanged: bool) -> bool:
    """The copy holds as many households as the database (not counted when the table's
    fingerprint is as when they last agreed: fingerprints.py)."""
    if unchanged:
        return True
    held = con.execute(f"SELECT count(*) FROM {STORED}.h").fetchall()[0][0]
    return held == Household.objects.count()


def _reload(con, ids: list[int], watch: "Stopwatch") -> None:
    con.register("changed", pa.table({"id": pa.array(ids, pa.int64())}))
    con.execute(f"DELETE FROM {STORED}.h WHERE id IN (SELECT id FROM changed)")
    watch.lap("delete h")
    for name in KEYED:
        con.execute(f"DELETE FROM {STORED}.{name} WHERE household_id IN (SELECT id FROM changed)")
        watch.lap(f"delete {name}")
    con.unregister("changed")
    for start in range(0, len(ids), CHUNK):
        querysets = _rows_of(ids[start : start + CHUNK])
        households = relation_to_arrow(querysets.pop("h"), _columns("h"))
        watch.lap("read h")
        append(con, f"{STORED}.h", households)
        con.register("fresh_h", households)
        for name, queryset in querysets.items():
            rows = relation_to_arrow(queryset, [*sources.RELATIONS[name], ("row_id", "BIGINT")])
            watch.lap(f"read {name}")
            _append_in_village(con, name, rows)
            watch.lap(f"append {name}")
        con.unregister("fresh_h")


def _append_in_village(con, name: str, rows: pa.Table) -> None:
    """Rows of m, i or me appended with their household's village (from `fresh_h`, the
    households just read): the stored table's columns are the relation's, then
    village_code and row_id."""
    if not rows.num_rows:
        return
    columns = ", ".join(f"f.{column}" for column, _kind in sources.RELATIONS[name])
    con.register("fresh", rows)
    con.execute(
        f"INSERT INTO {STORED}.{name} SELECT {columns}, h.village_code, f.row_id "
        "FROM fresh f JOIN fresh_h h ON h.id = f.household_id"
    )
    con.unregister("fresh")


def _log_changes(con, ids: list[int], reflects: datetime.datetime) -> None:
    """The households just reloaded, under the moment the copy now reflects."""
    con.register("logged", pa.table({"household_id": pa.array(ids, pa.int64())}))
    con.execute(
        f"INSERT INTO {STORED}.changes SELECT household_id, ? FROM logged", [_micros(reflects)]
    )
    con.unregister("logged")


def _refuse_if_stale(con, prefix: str) -> None:
    state = _meta(con)
    # Without the margin: a change already read again within it is no reason to refuse.
    households, rows, villages = _changed_since(state["reflects"], datetime.timedelta(0))
    if any(village.startswith(prefix) for village in villages):
        _refuse(state)
    if not households and not any(rows.values()):
        return
    households |= _moved_from(con, rows)
    con.register("changed", pa.table({"id": pa.array(sorted(households), pa.int64())}))
    in_copy = con.execute(
        f"SELECT count(*) FROM {STORED}.h WHERE id IN (SELECT id FROM changed) "
        "AND starts_with(village_code, ?)",
        [prefix],
    ).fetchall()[0][0]
    con.unregister("changed")
    now_under = Household.objects.filter(pk__in=households, village__code__startswith=prefix)
    if in_copy or now_under.exists():
        _refuse(state)


def _refuse(state: dict) -> None:
    moment = timezone.localtime(state["reflects"]).strftime("%Y-%m-%d %H:%M:%S")
    raise TuopinError(
        "analytic_copy_stale",
        f"分析副本截至 {moment}，此后该范围的数据已有变动，须先更新副本再评估",
        f"the analytic copy reflects the registry as of {moment}; the data of this scope "
        "changed since, so the copy must be brought current first",
    )


# -- reading --------------------------------------------------------------------------


def _region_views(con, prefix: str, narrowed: bool = False) -> None:
    """h, m, i, me as the evaluation expects them, limited to the region (and with
    `narrowed` to the households of the temp table `narrowed`)."""
    quoted = prefix.replace("'", "''")
    for name in sources.RELATIONS:
        columns = ", ".join(column for column, _kind in sources.RELATIONS[name])
        key = "id" if name == "h" else "household_id"
        only = f" AND {key} IN (SELECT id FROM narrowed)" if narrowed else ""
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT {columns} FROM {STORED}.{name} "
            f"WHERE starts_with(village_code, '{quoted}'){only}"
        )
