"""Migration people 0013 (ADR 0024): a rating's star rows move onto the rating
(`awards`), each of the rating's history rows gets the stars as they stood at that version
(from the star rows' history), and back: the star rows again from the awards."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from conftest import RENHE, first_village

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("people", "0012_star_rows_not_indexed_by_star")]
AFTER = [("people", "0013_rating_awards_on_the_rating")]


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


def test_star_rows_move_onto_the_rating_with_their_history_and_back():
    old = _migrate(BEFORE)
    Household = old.get_model("registry", "Household")
    Scheme, Star = old.get_model("people", "RatingScheme"), old.get_model("people", "RatingStar")
    Rating = old.get_model("people", "HouseholdRating")
    Line = old.get_model("people", "HouseholdRatingStar")
    RatingHistory = old.get_model("people", "HistoricalHouseholdRating")
    LineHistory = old.get_model("people", "HistoricalHouseholdRatingStar")
    home = Household.objects.create(village_id=first_village(RENHE).code, number="R1", status="1")
    other = Household.objects.create(village_id=home.village_id, number="R2", status="1")
    scheme = Scheme.objects.create(year_from=2001, name="测试方案")
    a, b, c = (Star.objects.create(scheme=scheme, code=x, name_zh=x, name_en=x) for x in "abc")
    rating = Rating.objects.create(household=home, year=2018, scheme=scheme, star_count=1)
    unrated = Rating.objects.create(household=other, year=2018, scheme=scheme)
    t = timezone.now() - datetime.timedelta(days=1)
    at = [t + datetime.timedelta(seconds=n) for n in range(5)]

    def version(when, kind):
        fields = {f.attname: getattr(rating, f.attname) for f in Rating._meta.concrete_fields}
        return RatingHistory.objects.create(**fields, history_date=when, history_type=kind)

    def line_version(line, when, kind):
        return LineHistory.objects.create(
            id=line.pk,
            rating_id=rating.pk,
            star_id=line.star_id,
            awarded=line.awarded,
            history_date=when,
            history_type=kind,
        )

    # Proposed (version 1, its star rows just after), then re-proposed (version 2: a
    # changed, c removed), then confirmed (version 3: no star changed).
    first = version(at[0], "+")
    lines = [
        Line.objects.create(rating=rating, star=s, awarded=v)
        for s, v in zip((a, b, c), (True, None, False), strict=True)
    ]
    for line in lines:
        line_version(line, at[1], "+")
    second = version(at[2], "~")
    lines[0].awarded = False
    lines[0].save()
    line_version(lines[0], at[3], "~")
    line_version(lines[2], at[3], "-")
    lines[2].delete()
    third = version(at[4], "~")

    new = _migrate(AFTER)
    Rating = new.get_model("people", "HouseholdRating")
    RatingHistory = new.get_model("people", "HistoricalHouseholdRating")
    now = {str(a.pk): False, str(b.pk): None}
    assert Rating.objects.get(pk=rating.pk).awards == now
    assert Rating.objects.get(pk=unrated.pk).awards == {}
    by_version = {h.history_id: h.awards for h in RatingHistory.objects.all()}
    assert by_version == {
        first.history_id: {str(a.pk): True, str(b.pk): None, str(c.pk): False},
        second.history_id: now,
        third.history_id: now,
    }

    back = _migrate(BEFORE)
    Line = back.get_model("people", "HouseholdRatingStar")
    LineHistory = back.get_model("people", "HistoricalHouseholdRatingStar")
    rows = sorted(Line.objects.values_list("rating_id", "star_id", "awarded"))
    assert rows == [(rating.pk, a.pk, False), (rating.pk, b.pk, None)]
    assert sorted(LineHistory.objects.values_list("star_id", "history_type")) == [
        (a.pk, "+"),
        (b.pk, "+"),
    ]
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
