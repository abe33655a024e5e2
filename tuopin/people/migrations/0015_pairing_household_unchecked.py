# A pairing's household without a database check, its region code under one
# varchar_pattern_ops index (equality and prefix) instead of two, and the history's
# region code without index (history is read by record): ADR 0027. Reversible.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0014_orgs_children_unchecked"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicalpairing",
            name="region_code",
            field=models.CharField(max_length=12, verbose_name="行政村"),
        ),
        migrations.AlterField(
            model_name="pairing",
            name="household",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="pairings",
                to="registry.household",
                verbose_name="贫困户",
            ),
        ),
        migrations.AlterField(
            model_name="pairing",
            name="region_code",
            field=models.CharField(max_length=12, verbose_name="行政村"),
        ),
        migrations.AddIndex(
            model_name="pairing",
            index=models.Index(
                fields=["region_code"],
                name="pairing_region_prefix",
                opclasses=["varchar_pattern_ops"],
            ),
        ),
    ]
