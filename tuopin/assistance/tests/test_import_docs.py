"""docs/formats/ledgers.md is the layouts' own description, and every kind's sample file
imports without an error."""

from pathlib import Path

import pytest

from tuopin.assistance.importer import import_ledger
from tuopin.assistance.layouts import LAYOUTS
from tuopin.assistance.layouts.docs import layouts_markdown, sample_rows

DOCS = Path(__file__).resolve().parents[3] / "docs" / "formats"
# Kinds whose rows hang below another kind's: imported after it.
PARENTS_FIRST = ["employment", "loan"]


def test_the_layout_documentation_is_generated_from_the_layouts():
    assert (DOCS / "ledgers.md").read_text(encoding="utf-8") == layouts_markdown(), (
        "regenerate: tuopin shell -c 'from tuopin.assistance.layouts.docs import *; ...'"
    )


def test_every_kind_has_its_sample_file_as_the_layout_writes_it():
    import csv

    for code, layout in LAYOUTS.items():
        path = DOCS / "samples" / f"{code}.csv"
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        assert rows == [[str(cell) for cell in row] for row in sample_rows(layout)], code


@pytest.mark.django_db
def test_every_sample_imports_without_an_error():
    order = PARENTS_FIRST + [code for code in LAYOUTS if code not in PARENTS_FIRST]
    for code in order:
        report = import_ledger(code, DOCS / "samples" / f"{code}.csv", year=2018)
        assert report.errors == [], (code, report.errors)
        assert report.created == 2, (code, report.as_dict())
