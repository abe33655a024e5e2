# The household's current helper (a copy of its open pairing's, rewritten for every
# household a helpers file pairs) without its index and its database check: ADR 0027.
# Reversible (the index is built again and the key checked again).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0001_squashed_0010_household_updated_at_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="household",
            name="helper",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="households",
                to="registry.helper",
                verbose_name="帮扶责任人",
            ),
        ),
    ]
