# The parts of issue 14 were built side by side from 0002: teams (0003), orgs (0005) and
# ratings (0006); this joins them (0004 is left for the helpers part's pairings).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_teams"),
        ("people", "0005_orgs"),
        ("people", "0006_ratings"),
    ]

    operations = []
