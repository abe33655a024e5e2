"""How a department spreadsheet is laid out: declared once per ledger kind.

A `Layout` names the table its rows go to, its columns (header, synonyms, the parser of
the registry import that reads the cell, whether it must be filled), the columns that
identify a row (the table's natural key: its UniqueConstraint), and how a row finds its
place in the registry: a person by ID number (`MEMBER`), a household by household number
(`HOUSEHOLD`), or, for the tables that hang below a ledger row (a loan's repayments),
the parent row named by some of its columns (`Parent`). The one import engine
(tuopin.assistance.importer) reads every kind through its layout.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.db import models

from tuopin.registry.interchange import values as v

MEMBER, HOUSEHOLD, CHILD, VILLAGE = "member", "household", "child", "village"
PLACEMENT_KEYS = ("village_code", "county", "township", "village")


@dataclass(frozen=True)
class Column:
    key: str  # the model field's attname, or an import-only key (placement, parent key)
    header: str  # as the sample file and the documentation write it
    parse: Callable = v.text  # raw cell -> value, None/"" when empty; raises values.BadValue
    synonyms: tuple[str, ...] = ()
    required: bool = False
    stored: bool = True  # False: read to place or link the row, not a field of the table
    distinct: bool = False  # nearly every row differs (names, numbers): not memoised

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.header, *self.synonyms)


@dataclass(frozen=True)
class Parent:
    """The row a child row belongs to (a repayment's loan), found by some of its columns.

    `fields`: parent field -> this layout's column key. `create`: the parent is made
    from those columns when it is not stored yet (a trainee's course), with `defaults`
    (parent field -> column key) filled on creation."""

    fk: str  # this table's foreign key attname, e.g. "loan_id"
    model: str  # assistance model name
    fields: dict[str, str]
    label_zh: str
    label_en: str
    create: bool = False
    defaults: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Layout:
    kind: str
    model_name: str
    columns: tuple[Column, ...]
    natural_key: tuple[str, ...]  # attnames; a payment's key is not unique (see below)
    match: str = MEMBER
    fixed: dict = field(default_factory=dict)  # attname -> value every row gets
    year_from: str | None = None  # a date column (or "period") the year follows from
    parent: Parent | None = None
    # Payments may repeat (a double payment is a finding): the n-th row of a key in the
    # file is the n-th stored row of that key, so a re-import changes nothing.
    repeatable: bool = False

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model("assistance", self.model_name)

    @property
    def entry(self) -> bool:
        """A LedgerEntry (year, person, region, review); else a child or a station."""
        return self.match in (MEMBER, HOUSEHOLD)

    @property
    def by_key(self) -> dict[str, Column]:
        return {column.key: column for column in self.columns}

    @property
    def stored_columns(self) -> list[Column]:
        return [column for column in self.columns if column.stored]


# Parsers of the registry import, named for the layouts.
def text(key, header, *synonyms, required=False, distinct=False) -> Column:
    return Column(key, header, v.text, synonyms, required, distinct=distinct)


def code(key, header, choices, *synonyms, words=None, required=False) -> Column:
    """A code list: the code, its Chinese label, or one of `words`."""
    return Column(key, header, v.CodeList(choices, words), synonyms, required)


def money(key, header, *synonyms, required=False) -> Column:
    return Column(key, header, v.amount, synonyms, required)


def a_date(key, header, *synonyms, required=False) -> Column:
    return Column(key, header, v.a_date, synonyms, required)


def fact(value) -> bool | None:
    """是/否 as the registry import reads it, and as departments write a state:
    已参保 / 未参保, 已签约 / 未签约, 参加 / 不参加 ..."""
    try:
        return v.yes_no(value)
    except v.BadValue:
        word = v.key(value)
        if word.startswith(("未", "不", "没", "无", "非")):
            return False
        if word.startswith(("已", "参加", "参保", "签约", "有")):
            return True
        raise


def yes_no(key, header, *synonyms) -> Column:
    return Column(key, header, fact, synonyms)


def whole(key, header, *synonyms, required=False, low=0, high=32767) -> Column:
    def parse(value):
        return v.whole_number(value, low=low, high=high)

    return Column(key, header, parse, synonyms, required)


def percent(value) -> Decimal | None:
    """A percentage: 4.35, "4.35%" or 0.0435 all mean 4.35 %."""
    if value is None or v.key(value) == "":
        return None
    word = value if isinstance(value, int | float) else v.key(value).rstrip("%")
    try:
        number = Decimal(str(word))
    except InvalidOperation as error:
        raise v.BadValue(
            f"“{v.text(value)}”不是百分比", f"'{v.text(value)}' is not a percentage"
        ) from error
    if not number.is_finite():
        raise v.BadValue(f"“{v.text(value)}”不是百分比", f"'{v.text(value)}' is not a percentage")
    return (number * 100 if 0 < number < 1 else number).quantize(Decimal("0.001"))


def rate(key, header, *synonyms) -> Column:
    return Column(key, header, percent, synonyms)


def place(key, header, *synonyms) -> Column:
    return Column(key, header, v.text, synonyms, stored=False)


# What every ledger row may carry (domain-assistance, conventions).
YEAR = whole("year", "年度", "年份", "台账年度", "计划年度", low=1980, high=2100)
ID_NUMBER = Column(
    "id_number",
    "身份证号",
    v.text,
    ("身份证号码", "证件号码", "公民身份号码", "身份证", "证件号"),
    distinct=True,
)
NAME = text("name", "姓名", distinct=True)
HOUSEHOLD_NUMBER = text("household_number", "户编号", "户码", "家庭编号", "贫困户编号")
NOTE = text("note", "备注")
PLACEMENT = (
    place("county", "县(市、区)", "县", "县区", "县(区)", "县(市区)", "县市区"),
    place("township", "乡(镇)", "乡镇", "乡镇(街道)", "乡(镇、街道)", "乡", "镇"),
    place("village", "行政村", "村", "村(社区)", "行政村(社区)", "村名"),
    place("village_code", "行政区划代码", "村代码", "村级区划代码", "区划代码"),
)


def person(*synonyms_of_id: str, name_synonyms: tuple[str, ...] = ()) -> tuple[Column, ...]:
    """Year, ID number, name, household number, where the row is: the opening columns of a
    person's ledger. `synonyms_of_id`, `name_synonyms`: how this department heads them."""
    return (
        YEAR,
        Column(
            ID_NUMBER.key,
            ID_NUMBER.header,
            v.text,
            (*ID_NUMBER.synonyms, *synonyms_of_id),
            required=True,
            distinct=True,
        ),
        Column(NAME.key, NAME.header, v.text, name_synonyms, distinct=True),
        HOUSEHOLD_NUMBER,
        *PLACEMENT,
    )


def linked(column: Column, *, required: bool | None = None) -> Column:
    """`column` read to place the row or find its parent, not stored in the row's table."""
    return replace(column, stored=False, required=column.required if required is None else required)
