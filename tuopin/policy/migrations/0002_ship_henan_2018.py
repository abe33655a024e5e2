"""Ship the published standard henan-2018 (domain.md §4) as version 1."""

from django.db import migrations
from django.utils import timezone

from tuopin.policy import henan2018


def ship(apps, schema_editor):
    PolicyVersion = apps.get_model("policy", "PolicyVersion")
    Clause = apps.get_model("policy", "Clause")
    if PolicyVersion.objects.filter(code="henan-2018").exists():
        return
    policy = PolicyVersion.objects.create(
        code="henan-2018",
        version=1,
        title="河南省 2018 年贫困退出标准",
        status="published",
        parameters=henan2018.PARAMETERS,
        note="按国家 2016 年贫困退出机制及河南省实施办法",
        published_at=timezone.now(),
    )
    Clause.objects.bulk_create(
        [
            Clause(
                policy=policy,
                level=level,
                code=code,
                title=title,
                description=description,
                expression=expression,
                position=position,
            )
            for level, clauses in henan2018.CLAUSES.items()
            for position, (code, title, description, expression) in enumerate(clauses)
        ]
    )


class Migration(migrations.Migration):
    dependencies = [("policy", "0001_initial")]
    operations = [migrations.RunPython(ship, migrations.RunPython.noop)]
