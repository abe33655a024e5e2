"""Indexes the coverage checks need (tuopin.assistance.coverage).

Created with SQL and no model state: the models stay as they are on main (their Meta is
the data contract), and `makemigrations --check` stays clean.
- payment_cover_item: "was this member paid this item for this period" (student aid
  per term, subsidies): an index-only scan per (kind, item, period) instead of reading
  every payment of the kind.
"""

from django.db import migrations

INDEXES = {
    "payment_cover_item": "assistance_payment (kind, item, period, member_id)",
}


class Migration(migrations.Migration):
    dependencies = [("assistance", "0001_initial")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {name} ON {target}", reverse_sql=f"DROP INDEX {name}"
        )
        for name, target in INDEXES.items()
    ]
