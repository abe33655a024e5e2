"""Database triggers that make the access log append-only below the application.

UPDATE is refused on every database. DELETE is refused on PostgreSQL, whose
TRUNCATE (used only by test teardown and a deliberate administrator) fires no row
trigger; on SQLite a DELETE trigger would also block the test runner's flush, so
there the model and queryset refusals stand alone.
"""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION audit_accesslog_refuse() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit_accesslog is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_accesslog_no_update BEFORE UPDATE OR DELETE ON audit_accesslog
  FOR EACH ROW EXECUTE FUNCTION audit_accesslog_refuse();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS audit_accesslog_no_update ON audit_accesslog;
DROP FUNCTION IF EXISTS audit_accesslog_refuse();
"""
SQLITE_UP = """
CREATE TRIGGER audit_accesslog_no_update BEFORE UPDATE ON audit_accesslog
BEGIN
  SELECT RAISE(ABORT, 'audit_accesslog is append-only');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS audit_accesslog_no_update;"


def install(apps, schema_editor):
    sql = {"postgresql": POSTGRES_UP, "sqlite": SQLITE_UP}.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)


def remove(apps, schema_editor):
    sql = {"postgresql": POSTGRES_DOWN, "sqlite": SQLITE_DOWN}.get(
        schema_editor.connection.vendor
    )
    if sql:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
