# A rating's stars move from a row per star (HouseholdRatingStar, with its history) onto
# the rating itself (`awards`: {"<star id>": true/false/null}), ADR 0024. Set-based both
# ways, on PostgreSQL and SQLite.
#
# Forward: each rating's awards from its star rows; each of the rating's history rows
# from the star rows' history as it stood until the rating's next history row (a star
# row is written only with its rating, just after it: its history falls between the
# rating's version it belongs to and the next). Then the star tables go.
# Backward: the star rows from the ratings' awards, one "+" history row each, dated
# now (the rating's history keeps what each star was before).

from django.db import migrations, models
from django.utils import timezone

RATING = "people_householdrating"
RATING_HISTORY = "people_historicalhouseholdrating"
STAR = "people_householdratingstar"
STAR_HISTORY = "people_historicalhouseholdratingstar"
REASON = "星级并回单行：迁移 people 0013 回退 (stars back as rows: migration reversed)"

# The star rows' state at each of the rating's history rows: (history_id, star_id,
# awarded) of the latest star history row before the rating's next history row.
STATES = f"""
    WITH versions AS (
        SELECT history_id, id, LEAD(history_date) OVER (
            PARTITION BY id ORDER BY history_date, history_id) AS until
        FROM {RATING_HISTORY}
    ), states AS (
        SELECT v.history_id, s.star_id, s.awarded, s.history_type, ROW_NUMBER() OVER (
            PARTITION BY v.history_id, s.star_id
            ORDER BY s.history_date DESC, s.history_id DESC) AS n
        FROM versions v JOIN {STAR_HISTORY} s
            ON s.rating_id = v.id AND (v.until IS NULL OR s.history_date < v.until)
    )
    SELECT history_id, star_id, awarded FROM states WHERE n = 1 AND history_type <> '-'
"""

# SQLite: the JSON object built as text (its JSON functions lose the true/false subtype
# through CASE); keys are star ids, values true/false/null.
SQLITE_PAIR = (
    "'\"' || star_id || '\":' || "
    "CASE awarded WHEN 1 THEN 'true' WHEN 0 THEN 'false' ELSE 'null' END"
)


def stars_onto_ratings(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {RATING} r SET awards = s.awards FROM ("
                f" SELECT rating_id, jsonb_object_agg(star_id::text, awarded) AS awards"
                f" FROM {STAR} GROUP BY rating_id) s WHERE s.rating_id = r.id"
            )
            cursor.execute(
                f"UPDATE {RATING_HISTORY} h SET awards = a.awards FROM ("
                f" SELECT history_id, jsonb_object_agg(star_id::text, awarded) AS awards"
                f" FROM ({STATES}) AS state GROUP BY history_id) a"
                f" WHERE a.history_id = h.history_id"
            )
        else:
            cursor.execute(
                f"UPDATE {RATING} SET awards = (SELECT '{{' || group_concat({SQLITE_PAIR}, ',')"
                f" || '}}' FROM {STAR} WHERE rating_id = {RATING}.id)"
                f" WHERE id IN (SELECT rating_id FROM {STAR})"
            )
            cursor.execute(
                f"UPDATE {RATING_HISTORY} SET awards = a.awards FROM ("
                f" SELECT history_id, '{{' || group_concat({SQLITE_PAIR}, ',') || '}}' AS awards"
                f" FROM ({STATES}) GROUP BY history_id) AS a"
                f" WHERE a.history_id = {RATING_HISTORY}.history_id"
            )


def stars_back_to_rows(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {STAR} (rating_id, star_id, awarded)"
                f" SELECT r.id, e.key::bigint, (e.value #>> '{{}}')::boolean"
                f" FROM {RATING} r, jsonb_each(r.awards) e ORDER BY r.id, e.key::bigint"
            )
        else:
            cursor.execute(
                f"INSERT INTO {STAR} (rating_id, star_id, awarded)"
                f" SELECT r.id, CAST(e.key AS INTEGER), e.value"
                f" FROM {RATING} r, json_each(r.awards) e ORDER BY r.id, CAST(e.key AS INTEGER)"
            )
        cursor.execute(
            f"INSERT INTO {STAR_HISTORY} (id, rating_id, star_id, awarded, history_date,"
            f" history_change_reason, history_type, history_user_id)"
            f" SELECT id, rating_id, star_id, awarded, %s, %s, '+', NULL FROM {STAR}",
            [timezone.now(), REASON],
        )


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0012_star_rows_not_indexed_by_star"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalhouseholdrating",
            name="awards",
            field=models.JSONField(blank=True, default=dict, verbose_name="各星评定"),
        ),
        migrations.AddField(
            model_name="householdrating",
            name="awards",
            field=models.JSONField(blank=True, default=dict, verbose_name="各星评定"),
        ),
        migrations.RunPython(stars_onto_ratings, stars_back_to_rows),
        migrations.DeleteModel(
            name="HistoricalHouseholdRatingStar",
        ),
        migrations.DeleteModel(
            name="HouseholdRatingStar",
        ),
    ]
