"""SQLite refuses DELETE of access-log rows too (ADR 0003).

Migration 0002 left DELETE open on SQLite because the test runner empties tables with
DELETE between transactional tests. The test suite now drops this trigger itself just
before such a flush and puts it back after (conftest.py); production has no switch to
turn it off.
"""

from django.db import migrations

SQLITE_UP = """
CREATE TRIGGER IF NOT EXISTS audit_accesslog_no_delete BEFORE DELETE ON audit_accesslog
BEGIN
  SELECT RAISE(ABORT, 'audit_accesslog is append-only');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS audit_accesslog_no_delete;"


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_access_kind_lookup")]
    operations = [migrations.RunPython(install, remove)]
