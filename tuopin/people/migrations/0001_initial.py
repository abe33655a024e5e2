# The people app's first migration: the parts' tables follow in their own migrations.

from django.db import migrations


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("registry", "0008_helper_unit_level"),
    ]

    operations = []
