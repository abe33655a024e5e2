# The many-to-many table of Project.villages made explicit (ProjectVillage) to keep only the
# indexes a reader uses (ADR 0025): the table, its rows, ids and unique (project, region)
# constraint stay as they are; the single-column indexes Django gave both keys go, and the
# village's pattern index (PostgreSQL; plain on SQLite) is kept under a name of the model's.

import django.db.models.deletion
from django.db import migrations, models

TABLE = "projects_project_villages"
NEW = "project_village_region"


def _names(schema_editor) -> tuple[str, str]:
    """The names Django gave the keys' indexes (the same on every database)."""
    name = schema_editor._create_index_name
    return name(TABLE, ["project_id"], suffix=""), name(TABLE, ["region_id"], suffix="")


def forwards(apps, schema_editor):
    project, region = _names(schema_editor)
    run = schema_editor.execute
    run(f"DROP INDEX IF EXISTS {project}")
    run(f"DROP INDEX IF EXISTS {region}")
    if schema_editor.connection.vendor == "postgresql":
        run(f"ALTER INDEX {region}_like RENAME TO {NEW}")
    else:
        run(f"CREATE INDEX {NEW} ON {TABLE} (region_id)")


def backwards(apps, schema_editor):
    project, region = _names(schema_editor)
    run = schema_editor.execute
    run(f"CREATE INDEX {project} ON {TABLE} (project_id)")
    run(f"CREATE INDEX {region} ON {TABLE} (region_id)")
    if schema_editor.connection.vendor == "postgresql":
        run(f"ALTER INDEX {NEW} RENAME TO {region}_like")
    else:
        run(f"DROP INDEX {NEW}")


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0009_project_county_of_region"),
        ("regions", "0001_squashed_0002_alter_historicalregion_level_alter_region_level"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ProjectVillage",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "project",
                            models.ForeignKey(
                                db_constraint=False,
                                db_index=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="projects.project",
                            ),
                        ),
                        (
                            "region",
                            models.ForeignKey(
                                db_constraint=False,
                                db_index=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="regions.region",
                            ),
                        ),
                    ],
                    options={
                        "db_table": TABLE,
                        "unique_together": {("project", "region")},
                        "indexes": [
                            models.Index(
                                fields=["region"],
                                name=NEW,
                                opclasses=["varchar_pattern_ops"],
                            )
                        ],
                    },
                ),
                migrations.AlterField(
                    model_name="project",
                    name="villages",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="+",
                        through="projects.ProjectVillage",
                        to="regions.region",
                        verbose_name="实施地点",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
    ]
