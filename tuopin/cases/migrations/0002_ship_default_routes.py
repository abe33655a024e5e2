"""Ship the default approval routes of domain.md §5 as version 1."""

from django.db import migrations

from tuopin.cases.routes import ship_routes


def ship(apps, schema_editor):
    ship_routes(apps.get_model("cases", "Route"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(ship, migrations.RunPython.noop)]
