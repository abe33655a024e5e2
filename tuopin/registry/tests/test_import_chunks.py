"""An import checks and writes a chunk of households at a time while it reads the file.

The chunk and block sizes are made tiny here so that a few rows span many chunks.
"""

from datetime import date

import pytest
from django.db import connection

from tuopin.registry.idnumbers import make_id_number
from tuopin.registry.interchange import importer, sink
from tuopin.registry.interchange.importer import import_registry
from tuopin.registry.interchange.rows import RowParser
from tuopin.registry.models import Household, Member
from tuopin.registry.tests.test_import import family, person, write_xlsx


@pytest.fixture
def tiny_chunks(monkeypatch):
    monkeypatch.setattr(importer, "WRITE_CHUNK", 1)
    monkeypatch.setattr(RowParser, "BLOCK", 2)


def single(number: str, serial: int, **overrides) -> dict:
    id_number = make_id_number("411421", date(1950, 1, 1), 100 + serial, "1")
    return person(
        number, f"单身{serial}", "男", id_number, "1950-01-01", "户主", size=1, **overrides
    )


def numbers_and_sizes() -> dict[str, int]:
    return {h.number: h.members.count() for h in Household.objects.all()}


def test_households_spread_over_many_chunks_load_as_one_file(shangqiu, tmp_path, tiny_chunks):
    rows = [*family("411421101201001"), single("411421101201002", 1), single("A3", 2)]
    report = import_registry(write_xlsx(tmp_path / "in.xlsx", rows))
    assert [e.as_dict() for e in report.errors] == []
    assert vars(report.households) == {"created": 3, "updated": 0, "unchanged": 0, "rejected": 0}
    assert numbers_and_sizes() == {"411421101201001": 3, "411421101201002": 1, "A3": 1}
    again = import_registry(write_xlsx(tmp_path / "in.xlsx", rows))
    assert vars(again.members) == {"created": 0, "updated": 0, "unchanged": 5, "rejected": 0}


def test_a_household_whose_rows_are_scattered_is_read_whole(shangqiu, tmp_path, tiny_chunks):
    """Its first row is checked (and written) before its last row is read: the import
    starts again reading the whole file first, and nothing is written twice."""
    head, wife, son = family("411421101201001")
    rows = [head, single("B1", 1), single("B2", 2), wife, single("B3", 3), son]
    report = import_registry(write_xlsx(tmp_path / "in.xlsx", rows))
    assert [e.as_dict() for e in report.errors] == []
    assert vars(report.households) == {"created": 4, "updated": 0, "unchanged": 0, "rejected": 0}
    assert vars(report.members) == {"created": 6, "updated": 0, "unchanged": 0, "rejected": 0}
    assert numbers_and_sizes() == {"411421101201001": 3, "B1": 1, "B2": 1, "B3": 1}


def test_a_scattered_household_with_an_error_is_rejected_whole(shangqiu, tmp_path, tiny_chunks):
    head, wife, son = family("411421101201001")
    son["姓名"] = ""
    rows = [head, single("B1", 1), single("B2", 2), wife, son]
    report = import_registry(write_xlsx(tmp_path / "in.xlsx", rows), partial=True)
    assert [(e.row, e.code) for e in report.errors] == [(8, "name_empty")]
    assert vars(report.households) == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 1}
    assert numbers_and_sizes() == {"B1": 1, "B2": 1}


def test_an_error_in_a_late_chunk_keeps_the_earlier_chunks_out(shangqiu, tmp_path, tiny_chunks):
    rows = [single(f"C{n}", n) for n in range(1, 6)]
    valid = rows[-1]["证件号码"]
    rows[-1]["证件号码"] = valid[:-1] + ("1" if valid[-1] == "0" else "0")  # wrong check digit
    report = import_registry(write_xlsx(tmp_path / "in.xlsx", rows))
    assert [(e.row, e.column) for e in report.errors] == [(8, "证件号码")]
    assert vars(report.households) == {"created": 0, "updated": 0, "unchanged": 0, "rejected": 5}
    assert Household.objects.count() == 0
    report = import_registry(write_xlsx(tmp_path / "in.xlsx", rows), partial=True)
    assert vars(report.households) == {"created": 4, "updated": 0, "unchanged": 0, "rejected": 1}
    assert sorted(numbers_and_sizes()) == ["C1", "C2", "C3", "C4"]


def test_a_person_repeated_in_a_later_chunk_is_reported_there(shangqiu, tmp_path, tiny_chunks):
    first, second = single("D1", 1), single("D2", 2)
    second["证件号码"] = first["证件号码"]
    second["出生日期"] = first["出生日期"]
    report = import_registry(write_xlsx(tmp_path / "in.xlsx", [first, second]), partial=True)
    assert [(e.row, e.code) for e in report.errors] == [(5, "id_repeated_in_file")]
    assert list(numbers_and_sizes()) == ["D1"]


@pytest.mark.django_db(transaction=True)
def test_the_writer_thread_commits_all_or_nothing(shangqiu, tmp_path, tiny_chunks, monkeypatch):
    """On PostgreSQL, outside a transaction, chunks are written by a thread with a
    connection of its own; a failure there reaches the caller and leaves nothing."""
    used = []
    original = sink.ChunkSink.__init__

    def remember(self, *args):
        original(self, *args)
        used.append(self.threaded)

    monkeypatch.setattr(sink.ChunkSink, "__init__", remember)
    rows = [single(f"E{n}", n) for n in range(1, 5)]
    report = import_registry(write_xlsx(tmp_path / "in.xlsx", rows))
    assert used == [connection.vendor == "postgresql"]
    assert report.households.created == 4 and Member.objects.count() == 4

    written = []
    apply = sink.BulkWriter.apply

    def fail_on_third(self, plan):
        written.append(len(plan.households))
        if len(written) == 3:
            raise RuntimeError("disk full")
        apply(self, plan)

    monkeypatch.setattr(sink.BulkWriter, "apply", fail_on_third)
    more = [single(f"F{n}", n + 10) for n in range(1, 5)]
    with pytest.raises(RuntimeError, match="disk full"):
        import_registry(write_xlsx(tmp_path / "more.xlsx", more))
    assert len(written) == 3
    assert sorted(numbers_and_sizes()) == ["E1", "E2", "E3", "E4"]
