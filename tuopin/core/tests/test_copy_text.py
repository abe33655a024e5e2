"""core.copy_text: rows as COPY text a column at a time, the text psycopg writes for them;
values of a kind it does not know leave the rows to psycopg."""

import io
from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest
from django.db import connection

from tuopin.core.copy_text import rows_text
from tuopin.projects.enums import ProjectStage

ROWS = [
    ("a\tb", None, Decimal("1.50"), date(2018, 1, 2), ProjectStage.IN_LIBRARY, True, "中文\\x"),
    ("", "x", Decimal("-0.00"), None, "applied", False, "line\nbreak\r"),
    ("plain", "x", Decimal("1E+3"), date(2018, 1, 2), ProjectStage.IN_LIBRARY, None, "ok"),
]
EXPECTED = (
    "7\ta\\tb\t\\N\t1.50\t2018-01-02\tin_library\tt\t中文\\\\x\t\\N\tK\n"
    "8\t\tx\t-0.00\t\\N\tapplied\tf\tline\\nbreak\\r\t\\N\tK\n"
    "9\tplain\tx\t1E+3\t2018-01-02\tin_library\t\\N\tok\t\\N\tK\n"
).encode()


def test_rows_are_written_as_copy_text_with_their_ids_and_tail():
    assert rows_text(ROWS, (None, "K"), ids=[7, 8, 9]) == EXPECTED
    assert rows_text([], ("K",)) == b""
    assert rows_text([(), ()], ("K", 1)) == b"K\t1\nK\t1\n"
    stamp = datetime(2026, 12, 6, 13, 1, 2, 345, tzinfo=UTC)
    assert rows_text([(stamp, time(1, 2, 3), 10**20)]) == (
        b"2026-12-06 13:01:02.000345+00:00\t01:02:03\t100000000000000000000\n"
    )
    with pytest.raises(ValueError):
        rows_text(ROWS, ids=[1])


@pytest.mark.parametrize(
    "column",
    [
        (1, True),  # equal as keys, written differently
        (1.5, 2.5),  # floats: not formatted here
        (Decimal("NaN"),),
        ("a\x00b",),  # no text holds a NUL: psycopg says so
        ("a", None, "b\x00"),
        (object(),),
    ],
)
def test_a_column_of_an_unknown_or_mixed_kind_is_left_to_psycopg(column):
    assert rows_text([(value,) for value in column]) is None


@pytest.mark.django_db
def test_the_text_is_psycopgs():
    """Byte for byte what psycopg's COPY writer gives the same rows (PostgreSQL: it needs
    the connection's adapters); elsewhere the expected text above stands for it."""
    if connection.vendor != "postgresql":
        assert rows_text(ROWS, (None, "K"), ids=[7, 8, 9]) == EXPECTED
        return
    from psycopg.copy import Copy, FileWriter

    buffer = io.BytesIO()
    with connection.cursor() as cursor, Copy(cursor.cursor, writer=FileWriter(buffer)) as copy:
        for number, row in zip([7, 8, 9], ROWS, strict=True):
            copy.write_row((number, *row, None, "K"))
    assert buffer.getvalue() == EXPECTED
