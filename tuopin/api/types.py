"""Input types shared by the operations: what the schema refuses is a 400 before any
code runs, and the OpenAPI document shows the caller the same limits."""

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal, TypeVar

from django.db import models
from ninja import Schema
from pydantic import BeforeValidator, Field, create_model

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


def _input_type(field: models.Field):
    """The strict input type of a model field: what the database and the code list take."""
    if field.choices:
        values = tuple(str(value) for value, _label in field.flatchoices)
        kind = Literal[(*values, "")] if field.blank and "" not in values else Literal[values]
    elif isinstance(field, models.BooleanField):
        kind = bool
    elif isinstance(field, models.PositiveSmallIntegerField):
        kind = Annotated[int, Field(ge=0, le=32767)]
    elif isinstance(field, models.PositiveIntegerField):
        kind = Annotated[int, Field(ge=0, le=2**31 - 1)]
    elif isinstance(field, models.IntegerField):
        kind = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]
    elif isinstance(field, models.DecimalField):
        kind = Annotated[
            Decimal, Field(max_digits=field.max_digits, decimal_places=field.decimal_places)
        ]
    elif isinstance(field, models.DateField):
        kind = Day
    elif isinstance(field, models.CharField):
        kind = Annotated[str, Field(max_length=field.max_length)]
    else:
        raise TypeError(f"no input type for {field!r}")
    # null only where the column takes it: an explicit null for a NOT NULL column (a blank
    # text, a code) is refused here, not by the database (make fuzz found that 500).
    return kind | None if field.null else kind


def model_input_schema(name: str, model, names: list[str]) -> type[Schema]:
    """An input schema of the model's fields, all optional (the services say what is
    required; an absent field is left out), each typed as strictly as the model: code
    lists as enums, numbers within their columns, texts within their lengths, null only
    for nullable columns. Outputs keep the plain model schema, so
    that a stored value from before a code list changed is still answered."""
    fields = {
        field.name: (_input_type(field), Field(None, title=str(field.verbose_name)))
        for field in model._meta.concrete_fields
        if field.name in names
    }
    return create_model(name, __base__=Schema, **fields)
