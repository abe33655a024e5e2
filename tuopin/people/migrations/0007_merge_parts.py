# The parts of issue 14 were built side by side from 0002: teams (0003), pairings and
# visits (0004), orgs (0005) and ratings (0006); this joins them.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_teams"),
        ("people", "0004_pairings"),
        ("people", "0005_orgs"),
        ("people", "0006_ratings"),
    ]

    operations = []
