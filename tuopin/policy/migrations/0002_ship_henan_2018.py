"""Ship the published standard henan-2018 (domain.md §4) as version 1."""

from django.db import migrations
from django.utils import timezone

from tuopin.policy import henan2018


def ship(apps, schema_editor):
    henan2018.ship(
        apps.get_model("policy", "PolicyVersion"), apps.get_model("policy", "Clause"), timezone.now()
    )


class Migration(migrations.Migration):
    dependencies = [("policy", "0001_initial")]
    operations = [migrations.RunPython(ship, migrations.RunPython.noop)]
