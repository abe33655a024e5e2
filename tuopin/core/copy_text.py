"""Rows as PostgreSQL's COPY text, a column at a time (core.bulk.copy_data).

psycopg formats COPY rows one by one in Python: for each value of each row it finds the
value's dumper and escapes its text (about 3 µs a row of a few columns, a sixth of the
project library import's reading thread). Here each column is formatted in one pass:
its values' types are looked at once, each distinct value of a column of labels, dates
or amounts is formatted once, a column of text is escaped only if one of its values
needs it, and the lines are joined in C (`str.join` over `zip` of the columns). The text
is what psycopg writes for the same values (tests compare them byte for byte); a value
of a type not listed here (or a column mixing kinds) leaves the rows to psycopg
(`rows_text` returns None).

COPY text format: columns separated by a tab, rows ended by a newline, NULL as `\\N`,
and in a value a backslash, tab, newline or carriage return escaped with a backslash.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from decimal import Decimal

NULL = "\\N"
_SPECIAL = ("\\", "\t", "\n", "\r")
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def rows_text(
    rows: Sequence[tuple], tail: tuple = (), *, ids: Sequence[int] | None = None
) -> bytes | None:
    """The COPY text of `rows` (tuples of equal length), each preceded by its id of `ids`
    when given and followed by the values `tail` (the same on every row), UTF-8; None if
    a value is not formatted here."""
    if not rows:
        return b""
    texts: list[Sequence[str]] = []
    if ids is not None:
        if len(ids) != len(rows):
            raise ValueError("one id per row")
        texts.append(list(map(str, ids)))
    for column in zip(*rows, strict=True):
        text = _column(column)
        if text is None:
            return None
        texts.append(text)
    ends = []
    for value in tail:
        text = _value(value)
        if text is None:
            return None
        ends.append(text)
    end = "".join(f"\t{text}" for text in ends) + "\n"
    if not texts:  # only the tail: the same line for each row
        return (end[1:] * len(rows)).encode()
    return (end.join(map("\t".join, zip(*texts, strict=True))) + end).encode()


def _column(values: tuple) -> Sequence[str] | None:
    try:  # text (a label's choice is its value's text), most of it never escaped
        joined = "".join(values)
    except TypeError:  # not all text
        pass
    else:
        if "\x00" in joined:  # no text holds it: psycopg's error, as before
            return None
        if any(special in joined for special in _SPECIAL):
            return [str.__str__(value).translate(_ESCAPES) for value in values]
        return values
    kinds = set(map(type, values))
    if kinds == {int}:  # ids and keys, mostly distinct
        return list(map(str, values))
    kinds.discard(type(None))
    # 1 == 1.0 == True as keys: a column mixing kinds is left to psycopg, unless all are
    # text (a label's choice and its plain text are equal and written alike).
    if len(kinds) > 1 and not all(issubclass(kind, str) for kind in kinds):
        return None
    # Labels, dates, amounts, years repeat down a column: each distinct value once.
    distinct = dict.fromkeys(values)
    for value in distinct:
        text = _value(value)
        if text is None:
            return None
        distinct[value] = text
    return list(map(distinct.__getitem__, values))


def _value(value) -> str | None:
    """One value's COPY text as psycopg writes it, or None for a type not known here."""
    if value is None:
        return NULL
    kind = type(value)
    if kind is str:
        return None if "\x00" in value else value.translate(_ESCAPES)
    if kind is bool:
        return "t" if value else "f"
    if kind is int:
        return str(value)
    if kind is Decimal:
        return str(value) if value.is_finite() else None
    if kind is date or kind is datetime or kind is time:
        # psycopg: str() of the value (a space between date and time, the offset if any)
        return str(value)
    if isinstance(value, str):  # Django's TextChoices: the member is its value's text
        return _value(str.__str__(value))
    return None
