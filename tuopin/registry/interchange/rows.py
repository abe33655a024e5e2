"""Rows of an import: their messages, parsed values, and the households they form.

Parsing is most of an import's work, so it is arranged around how files repeat
themselves: household columns say the same thing on every member row (parsed once per
household), and codes, yes/no, years and dates repeat down a column (each distinct raw
value parsed once per import).
"""

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from operator import itemgetter

from django.core.exceptions import FieldDoesNotExist
from django.db import models

from tuopin.registry.interchange.columns import (
    BY_KEY,
    COLUMNS,
    HOUSEHOLD,
    INCOME,
    MEMBER,
    Column,
)
from tuopin.registry.interchange.reader import SheetRow
from tuopin.registry.interchange.values import BadValue, key
from tuopin.registry.models import Helper, Household, Income, Member


@dataclass(slots=True)
class Message:
    row: int
    column: str
    code: str
    message_zh: str
    message_en: str

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "column": self.column,
            "code": self.code,
            "message": self.message_zh,
            "message_en": self.message_en,
        }


@dataclass(slots=True)
class ParsedRow:
    sheet: SheetRow
    household: dict  # location, household and income columns; shared by equal rows: read only
    member: dict  # member columns
    errors: list[Message] = field(default_factory=list)
    warnings: list[Message] = field(default_factory=list)
    village_code: str | None = None
    household_key: object = None  # the raw household cells: equal keys, equal values

    @property
    def values(self) -> dict:
        """Every parsed cell (a cell that could not be parsed is absent)."""
        return {**self.household, **self.member}


@dataclass(slots=True)
class HouseholdRows:
    village_code: str
    number: str
    rows: list[ParsedRow]
    taken: bool = False  # handed on to be checked (an import checks households in chunks)

    @property
    def first(self) -> ParsedRow:
        return self.rows[0]

    def has_errors(self) -> bool:
        return any(row.errors for row in self.rows)


def header(column_key: str) -> str:
    return BY_KEY[column_key].header


# Columns whose values are (nearly) all different: memoising them would only cost memory.
DISTINCT_COLUMNS = {"name", "person_number", "number", "phone", "bank_account"}


# Where a column's text is stored, when the column's key is not a field of its level's model.
STORED_IN = {"helper_name": (Helper, "name")}
LEVEL_MODEL = {MEMBER: Member, HOUSEHOLD: Household, INCOME: Income}
# Amounts a database constraint keeps from being negative (income_costs_not_negative,
# household_*_not_negative): a negative one cannot be stored, so it is a row error.
NOT_NEGATIVE = {"production_costs", "housing_area_m2", "road_distance_km"}


def max_lengths() -> dict[str, int]:
    """Column key -> the max_length of the model field its text is stored in, from the
    models themselves (a 300-character name fits SQLite's varchar and fails PostgreSQL's
    at insert: it must be refused as a row error before). Coded columns (choices) are
    left out: their parsers give codes, never the text."""
    lengths = {}
    for column in COLUMNS:
        model, name = STORED_IN.get(column.key) or (LEVEL_MODEL.get(column.level), column.key)
        if model is None or column.parse is None:
            continue
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue  # an import-only column (the village's names)
        if isinstance(field, models.CharField) and field.max_length and not field.choices:
            lengths[column.key] = field.max_length
    return lengths


def decimal_limits() -> dict[str, tuple[int, bool]]:
    """Column key -> (the most integer digits its decimal field stores, whether it must not
    be negative): a number over either cannot be stored as given, so it is a row error
    rather than a failed insert (PostgreSQL refuses an overflowing numeric)."""
    limits = {}
    for column in COLUMNS:
        model = LEVEL_MODEL.get(column.level)
        if model is None or column.parse is None:
            continue
        try:
            field = model._meta.get_field(column.key)
        except FieldDoesNotExist:
            continue
        if isinstance(field, models.DecimalField):
            digits = field.max_digits - field.decimal_places
            limits[column.key] = (digits, column.key in NOT_NEGATIVE)
    return limits


def storable_amount(parse, digits: int, not_negative: bool):
    def parse_storable(raw):
        value = parse(raw)
        if value is None:
            return value
        if not_negative and value < 0:
            raise BadValue(
                f"{value} 为负数，本栏不能为负",
                f"{value} is negative; this column cannot be",
                code="value_negative",
            )
        if abs(value) >= 10**digits:
            raise BadValue(
                f"{value} 超过本栏可保存的 {digits} 位整数",
                f"{value} has more than the {digits} integer digits this column stores",
                code="value_too_large",
            )
        return value

    return parse_storable


def within(parse, limit: int):
    """`parse`, refusing a text longer than the field it is stored in."""

    def parse_within(raw):
        value = parse(raw)
        if type(value) is str and len(value) > limit:
            raise BadValue(
                f"长度为 {len(value)} 个字符，超过本栏上限 {limit} 个字符",
                f"is {len(value)} characters long, over this column's limit of {limit}",
                code="value_too_long",
            )
        return value

    return parse_within


def _parse_cell(parse, raw):
    try:
        return parse(raw)
    except BadValue as bad:
        return bad


class RowParser:
    """Parses every cell of a row; a bad cell is an error on that row and column.

    Household columns are parsed once per household (rows with the same raw household
    cells as the row before share the result). Member columns are parsed a block of rows
    at a time, column by column: each distinct raw value of a repeating column is parsed
    once (`memo`, shared by all blocks), and mapping a column of raw values to parsed
    values then runs in C rather than in a Python loop per cell.

    `typed`: the cells may be numbers, dates or booleans (xlsx), so two rows have the
    same household cells only if the cells also have the same types (1 == 1.0 == True),
    and columns of distinct values are parsed cell by cell.
    """

    BLOCK = 5_000  # rows: an import hands its first households on after one block

    def __init__(self, columns: dict[int, Column], *, typed: bool):
        lengths, limits = max_lengths(), decimal_limits()
        columns = {
            position: (
                replace(column, parse=within(column.parse, lengths[column.key]))
                if column.key in lengths
                else replace(column, parse=storable_amount(column.parse, *limits[column.key]))
                if column.key in limits
                else column
            )
            for position, column in columns.items()
        }
        ordered = sorted(columns.items())
        self.household = [(p, c, {}) for p, c in ordered if c.level != MEMBER]
        self.member = [(p, c) for p, c in ordered if c.level == MEMBER]
        self.member_keys = [c.key for _, c in self.member]
        self.member_memo = {c.key: {} for _, c in self.member if c.key not in DISTINCT_COLUMNS}
        self.household_cells = _getter([p for p, _, _ in self.household])
        self.member_cells = _getter([p for p, _ in self.member])
        self.width = max(columns) + 1 if columns else 0
        self.typed = typed
        self._last_key: object = None
        self._last: tuple[dict, list] = ({}, [])

    def parse(self, sheets) -> list[ParsedRow]:
        return [row for block in self.blocks(sheets) for row in block]

    def blocks(self, sheets) -> Iterator[list[ParsedRow]]:
        """The parsed rows, a block at a time, as the sheet is read."""
        block: list[SheetRow] = []
        for sheet in sheets:
            block.append(sheet)
            if len(block) == self.BLOCK:
                yield self._block(block)
                block = []
        if block:
            yield self._block(block)

    def _household(self, cells: tuple) -> tuple[dict, list]:
        """(values, [(column, BadValue)]) of one row's household cells."""
        values, bad = {}, []
        for (_, column, memo), cell in zip(self.household, cells, strict=True):
            result = memo.get(cell, memo)
            if result is memo:
                result = memo[cell] = _parse_cell(column.parse, cell)
            if isinstance(result, BadValue):
                bad.append((column, result))
            else:
                values[column.key] = result
        if not key(values.get("number")):
            bad.append((None, None))
        return values, bad

    def _member_columns(self, rows: list[tuple]) -> tuple[list, dict]:
        """Parsed member cells, one tuple per row, and row index -> [(column, BadValue)]."""
        results, bad = [], {}
        for (_, column), cells in zip(self.member, zip(*rows, strict=True), strict=True):
            parse = column.parse
            if parse is None:
                results.append(cells)
                continue
            memo = self.member_memo.get(column.key)
            if memo is None and self.typed:
                values = [_parse_cell(parse, cell) for cell in cells]
            else:
                memo = {} if memo is None else memo  # distinct values: this block only
                for cell in set(cells).difference(memo):
                    memo[cell] = _parse_cell(parse, cell)
                values = list(map(memo.__getitem__, cells))
            if any(isinstance(value, BadValue) for value in (memo or {}).values()) or (
                memo is None and any(isinstance(value, BadValue) for value in values)
            ):
                for index, value in enumerate(values):
                    if isinstance(value, BadValue):
                        bad.setdefault(index, []).append((column, value))
            results.append(values)
        return list(zip(*results, strict=True)), bad

    def _block(self, sheets: list[SheetRow]) -> list[ParsedRow]:
        if not sheets:
            return []
        width = self.width
        raws = [
            sheet.raw if len(sheet.raw) >= width else [*sheet.raw, *[None] * width]
            for sheet in sheets
        ]
        members, member_bad = self._member_columns(list(map(self.member_cells, raws)))
        keys, typed = self.member_keys, self.typed
        parsed = []
        for index, (sheet, raw, cells) in enumerate(zip(sheets, raws, members, strict=True)):
            household_cells = self.household_cells(raw)
            household_key = (
                (household_cells, tuple(map(type, household_cells))) if typed else household_cells
            )
            if household_key != self._last_key:
                self._last_key, self._last = household_key, self._household(household_cells)
            household, bad = self._last
            row = ParsedRow(sheet, household, dict(zip(keys, cells, strict=True)))
            row.household_key = household_key
            for column, value in [*bad, *member_bad.get(index, ())]:
                if column is None:
                    row.errors.append(
                        Message(
                            sheet.number,
                            header("number"),
                            "number_empty",
                            "户编号为空",
                            "household number is empty",
                        )
                    )
                    continue
                if column.level == MEMBER:
                    del row.member[column.key]
                row.errors.append(
                    Message(
                        sheet.number, column.header, value.code, value.message_zh, value.message_en
                    )
                )
            parsed.append(row)
        return parsed


def _getter(positions: list[int]):
    """A function from a row to the tuple of its cells at `positions`."""
    if len(positions) == 1:
        position = positions[0]
        return lambda row: (row[position],)
    if not positions:
        return lambda row: ()
    return itemgetter(*positions)
