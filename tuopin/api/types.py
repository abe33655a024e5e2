"""Input types shared by the operations: what the schema refuses is a 400 before any
code runs, and the OpenAPI document shows the caller the same limits."""

from datetime import date
from typing import Annotated, TypeVar

from pydantic import BeforeValidator, Field

T = TypeVar("T")


def _blank_is_none(value):
    # A query filter sent empty (?kind=) means "no filter", as the pages send it.
    return None if value == "" else value


# An optional filter over a code list: one of its values, empty or absent for all.
Filter = Annotated[T | None, BeforeValidator(_blank_is_none)]

# A full 12-digit division code (GB/T 2260 + township and village digits).
RegionCode = Annotated[str, Field(pattern=r"^[0-9]{12}$")]
# A region filter: a full code of any level or the leading digits of one.
RegionPrefix = Annotated[str, Field(pattern=r"^[0-9]{0,12}$", max_length=12)]
# Registry years: the office's records start with the Republic, plans end this century.
Year = Annotated[int, Field(ge=1949, le=2100)]
# Dates the registry can hold; outside them a date is a typing error (and year 1 is not
# representable once shifted to UTC).
Day = Annotated[date, Field(ge=date(1890, 1, 1), le=date(2100, 12, 31))]
# Row ids are positive 63-bit integers in every database the project runs on.
RowId = Annotated[int, Field(ge=1, le=2**63 - 1)]
# Page sizes.
Limit = Annotated[int, Field(ge=1, le=500)]
# Free text typed into a search box or a comment.
Text = Annotated[str, Field(max_length=200)]
