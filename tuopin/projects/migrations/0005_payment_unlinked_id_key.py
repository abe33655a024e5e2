"""An index of the payments that name no member (the import found no one) by the form of
the ID number the warning rules match the registry on (warning_rules.framework.Sql.id_key;
the expression here must stay the same text, or PostgreSQL will not use it). The payee
rules start from the few exited households or dead people and look their payments up
here instead of sorting every unlinked payment (docs/benchmarks.md). PostgreSQL only: on
SQLite the registries are small."""

from django.db import migrations

KEY = (
    "(CASE WHEN LENGTH(id_number) = 18 AND SUBSTR(id_number, 7, 2) = '19' "
    "THEN SUBSTR(UPPER(id_number), 1, 6) || SUBSTR(UPPER(id_number), 9, 9) "
    "ELSE UPPER(id_number) END)"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS projects_fundpayment_unlinked_id_key "
            f"ON projects_fundpayment (({KEY})) WHERE member_id IS NULL"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS projects_fundpayment_unlinked_id_key")


class Migration(migrations.Migration):
    dependencies = [("projects", "0004_project_appraiser")]

    operations = [migrations.RunPython(create, drop)]
