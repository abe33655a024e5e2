"""The six 帮扶力量 layouts and their documentation (docs/formats/people-*.md) in step:
every column a layout reads is documented under its header, and every documented sample
reads without a missing column."""

from pathlib import Path

import pytest

from tuopin.people.helpers_importer import HELPERS, VISITS
from tuopin.people.importing import read_table
from tuopin.people.orgs_importer import ENTERPRISES, WORKSHOPS
from tuopin.people.ratings_import import RATINGS
from tuopin.people.teams_import import ROSTER

FORMATS = Path(__file__).resolve().parents[3] / "docs" / "formats"
LAYOUTS = [
    ("people-teams.md", ROSTER, "people-teams.csv"),
    ("people-helpers.md", HELPERS, "people_helpers.csv"),
    ("people-helpers.md", VISITS, "people_visits.csv"),
    ("people-orgs.md", ENTERPRISES, "people_enterprises.csv"),
    ("people-orgs.md", WORKSHOPS, "people_workshops.csv"),
    ("people-ratings.md", RATINGS, "people-ratings.csv"),
]


@pytest.mark.parametrize(("doc", "layout", "sample"), LAYOUTS)
def test_every_column_is_documented_and_the_sample_reads(doc, layout, sample):
    text = (FORMATS / doc).read_text(encoding="utf-8")
    missing = [column.header for column in layout.columns if column.header not in text]
    assert missing == []
    table = read_table(FORMATS / "samples" / sample, layout)
    required = {column.key for column in layout.columns if column.required}
    assert required <= set(table.columns.values()) and table.rows
