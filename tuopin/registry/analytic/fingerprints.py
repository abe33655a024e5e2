"""Whether a table can have gained or lost rows since the analytic copy last agreed with it.

The copy compares the number of rows of the tables it follows by id (households, the
mirrors found again by id) with the database's, to catch rows written or deleted without
history (a seed, SQL by hand). On PostgreSQL each `count(*)` reads the whole table: with
nothing changed that was 0.45 CPU-s of the server per bringing-current of the mirrors
(5 million attendance rows, 2 million payments, ...). A table whose fingerprint is the
one it had when the copy last agreed with it needs no count (docs/adr/0031):

- the statistics' counters of rows inserted and deleted: every session's, once flushed
  to the server's shared statistics, plus this session's own not yet flushed
  (`pg_stat_get_xact_*` holds those, committed or not);
- the table's file node: TRUNCATE, which the counters do not count, gives it a new one;
- its highest key: an insert shows at once, before its session's statistics reach the
  server (a session flushes them within about a second of going idle, at the latest
  when it ends).

What is left unseen until the statistics arrive is a delete without history by another
session that is still open, for a few seconds; the copy then counts at its next
bringing-current and is built afresh if it disagrees. With the statistics off
(`track_counts`), or on SQLite, there is no fingerprint and every table is counted.
"""

from django.db import connection


def fingerprints(models) -> dict[str, str] | None:
    """Each model's table and its fingerprint now; None where there is none to take."""
    if connection.vendor != "postgresql" or not models:
        return None
    quote = connection.ops.quote_name
    rows = ", ".join(
        f"('{quote(model._meta.db_table)}', "
        f"(SELECT max({quote(model._meta.pk.column)})::text "
        f"FROM {quote(model._meta.db_table)}))"
        for model in models
    )
    with connection.cursor() as cursor:
        # Statistics read earlier in this transaction are otherwise served again.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT current_setting('track_counts') = 'on', t.name, concat_ws(':', "
            "c.relfilenode, pg_stat_get_tuples_inserted(c.oid) "
            "+ pg_stat_get_xact_tuples_inserted(c.oid) + pg_stat_get_tuples_deleted(c.oid) "
            "+ pg_stat_get_xact_tuples_deleted(c.oid), coalesce(t.highest, '-')) "
            f"FROM (VALUES {rows}) AS t(name, highest) JOIN pg_class c ON c.oid = t.name::regclass"
        )
        found = cursor.fetchall()
    if not all(counting for counting, _table, _print in found):
        return None
    return {table.strip('"'): fingerprint for _counting, table, fingerprint in found}


def unchanged(before: dict[str, str], now: dict[str, str] | None) -> set[str]:
    """The tables whose fingerprint now is the one recorded when the copy last agreed."""
    if not now:
        return set()
    return {table for table, fingerprint in now.items() if before.get(table) == fingerprint}
