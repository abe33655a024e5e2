"""Importing the interchange spreadsheet: every row loads or is rejected with its reasons.

Steps: read and parse every row (cell errors), group rows into households (household
columns must agree), validate each household as the services do (ID numbers, head,
relations, declared size), compare with the database (ID numbers of other households),
then write - all or nothing, or with `partial` only households whose rows are all valid.
"""

import gc
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from tuopin.core.db import analyze
from tuopin.registry.enums import MemberStatus
from tuopin.registry.interchange.columns import BY_KEY, HOUSEHOLD, INCOME
from tuopin.registry.interchange.reader import open_table
from tuopin.registry.interchange.rows import HouseholdRows, Message, ParsedRow, RowParser
from tuopin.registry.interchange.rows import header as _header
from tuopin.registry.interchange.values import key, text
from tuopin.registry.interchange.villages import VillageResolver
from tuopin.registry.interchange.writer import BulkWriter
from tuopin.registry.models import Helper, Household, HouseholdCause, Income, Measure, Member
from tuopin.registry.validation import Problem, clean_member, household_member_problems

WRITE_CHUNK = 5000  # households per round of bulk statements
CHECK_CHUNK = 20_000  # keys per look-up statement before writing (SQLite allows 32,766)
ANALYZE_AFTER = 10_000  # households written: refresh the planner's statistics
INCOME_AMOUNTS = ("wages", "business", "property_income", "transfers", "production_costs")
FIELD_COLUMN = {
    "id_number": "id_number",
    "birth_date": "birth_date",
    "sex": "sex",
    "relation": "relation",
    "name": "name",
    "work_months": "work_months",
    "status": "status",
}


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0


@dataclass
class ImportReport:
    rows: int = 0
    households: Counts = field(default_factory=Counts)
    members: Counts = field(default_factory=Counts)
    errors: list[Message] = field(default_factory=list)
    warnings: list[Message] = field(default_factory=list)
    written: bool = False

    def as_dict(self) -> dict:
        return {
            "rows": self.rows,
            "households": vars(self.households),
            "members": vars(self.members),
            "errors": [m.as_dict() for m in self.errors],
            "warnings": [m.as_dict() for m in self.warnings],
        }

    @property
    def exit_code(self) -> int:
        return 1 if self.errors else 0


def _locate(rows: list[ParsedRow], resolver: VillageResolver) -> None:
    found: dict[tuple, tuple] = {}  # the rows of a village name the village alike
    for row in rows:
        values = row.household
        names = (
            values.get("village_code"),
            values.get("county"),
            values.get("township"),
            values.get("village"),
        )
        result = found.get(names)
        if result is None:
            result = found[names] = resolver.resolve(
                code=key(names[0]),
                county=text(names[1]),
                township=text(names[2]),
                village=text(names[3]),
            )
        code, zh, en = result
        if code is None:
            column = (
                _header("village_code")
                if key(row.household.get("village_code"))
                else (_header("village"))
            )
            row.errors.append(Message(row.sheet.number, column, "village_unknown", zh, en))
        row.village_code = code


def _group(rows: list[ParsedRow]) -> list[HouseholdRows]:
    """Rows of one household: same village and household number; a number in two villages
    is an error on the later village's rows."""
    households: dict[tuple[str, str], HouseholdRows] = {}
    village_of_number: dict[str, tuple[str, int]] = {}
    for row in rows:
        number = key(row.household.get("number"))
        if not number or row.village_code is None:
            continue
        first_village, first_row = village_of_number.setdefault(
            number, (row.village_code, row.sheet.number)
        )
        if first_village != row.village_code:
            row.errors.append(
                Message(
                    row.sheet.number,
                    _header("number"),
                    "number_in_two_villages",
                    f"户编号 {number} 在第 {first_row} 行属于另一个村（{first_village}）",
                    f"household number {number} belongs to another village on row {first_row}",
                )
            )
            continue
        household = households.get((row.village_code, number))
        if household is None:
            household = households[(row.village_code, number)] = HouseholdRows(
                row.village_code, number, []
            )
        household.rows.append(row)
    return list(households.values())


HOUSEHOLD_KEYS = {
    k for k, column in BY_KEY.items() if column.level in (HOUSEHOLD, INCOME) and k != "number"
}


def _household_values(values: dict) -> dict:
    return {k: v for k, v in values.items() if k in HOUSEHOLD_KEYS}


def _check_agreement(household: HouseholdRows) -> None:
    """Household columns repeat on every member row and must say the same thing."""
    first_key = household.first.household_key
    differing = [row for row in household.rows[1:] if row.household_key != first_key]
    if not differing:
        return  # every row has the same household cells as the first
    first = _household_values(household.first.household)
    for row in differing:
        for column_key, value in _household_values(row.household).items():
            if column_key in first and value != first[column_key]:
                row.errors.append(
                    Message(
                        row.sheet.number,
                        _header(column_key),
                        "household_values_disagree",
                        f"与本户第 {household.first.sheet.number} 行的“{_header(column_key)}”不一致",
                        f"differs from row {household.first.sheet.number} of the same household",
                    )
                )


def _member_data(values: dict) -> dict:
    data = dict(values)
    data.update(data.pop("health", None) or {})
    return data


def _validate(household: HouseholdRows, today: date) -> list[dict]:
    """Clean every member; attach each problem to its row. Returns the cleaned members."""
    cleaned = []
    for row in household.rows:
        data, problems = clean_member(_member_data(row.member), on=today)
        cleaned.append(data)
        _attach(row, problems)
    for problem in household_member_problems(cleaned):
        row = household.rows[problem.member] if problem.member is not None else household.first
        _attach(row, [problem])
    first = household.first
    amounts_given = any(first.household.get(name) is not None for name in INCOME_AMOUNTS)
    if amounts_given and first.household.get("income_year") is None:
        first.errors.append(
            Message(
                first.sheet.number,
                _header("income_year"),
                "income_year_empty",
                "填写了收入但收入年度为空",
                "incomes given without an income year",
            )
        )
    declared = household.first.household.get("declared_size")
    current = sum(
        1 for m in cleaned if (m.get("status") or MemberStatus.NORMAL) == MemberStatus.NORMAL
    )
    if declared is not None and declared != current:
        household.first.errors.append(
            Message(
                household.first.sheet.number,
                _header("declared_size"),
                "declared_size_mismatch",
                f"家庭人口数 {declared} 与表中现有成员 {current} 人不符",
                f"household size {declared} differs from the {current} current members listed",
            )
        )
    return cleaned


def _attach(row: ParsedRow, problems: list[Problem]) -> None:
    for problem in problems:
        column = _header(FIELD_COLUMN.get(problem.field, "relation"))
        message = Message(
            row.sheet.number, column, problem.code, problem.message_zh, problem.message_en
        )
        (row.warnings if problem.warning else row.errors).append(message)


def import_registry(path: Path | str, **options) -> ImportReport:
    """Import one file; `options`: acting_user, dry_run, partial, scope_prefix, progress."""
    # A city file holds tens of millions of cells, rows and dicts that all live until the
    # end: the cyclic garbage collector would rescan them over and over (a third of the
    # time) and finds nothing to free, as the import makes no reference cycles.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _import_registry(path, **options)
    finally:
        if collecting:
            gc.enable()


def _import_registry(
    path: Path | str,
    *,
    acting_user=None,
    dry_run: bool = False,
    partial: bool = False,
    scope_prefix: str = "",
    progress=None,
) -> ImportReport:
    table = open_table(path)
    report = ImportReport()
    parser = RowParser(table.columns, typed=table.typed)
    rows = parser.parse(table.rows)
    report.rows = len(rows)
    _locate(rows, VillageResolver(scope_prefix))
    households = _group(rows)
    today = timezone.localdate()
    cleaned_by_household = {}
    for household in households:
        _check_agreement(household)
        cleaned_by_household[id(household)] = _validate(household, today)
    _check_file_duplicates(households, cleaned_by_household)
    _check_database(households, cleaned_by_household)
    _income_warnings(households, cleaned_by_household)
    for row in rows:
        report.errors += row.errors
        report.warnings += row.warnings
    report.errors.sort(key=lambda m: (m.row, m.column))
    valid = [h for h in households if not h.has_errors()]
    rejected = [h for h in households if h.has_errors()]
    report.households.rejected = len(rejected)
    grouped = {id(row) for household in households for row in household.rows}
    report.members.rejected = sum(len(h.rows) for h in rejected) + sum(
        1 for row in rows if row.errors and id(row) not in grouped
    )
    if report.errors and not partial:
        report.households.rejected = len(households)
        report.members.rejected = len(rows)
        return report
    writer = BulkWriter(acting_user, report)
    with transaction.atomic():
        for start in range(0, len(valid), WRITE_CHUNK):
            chunk = valid[start : start + WRITE_CHUNK]
            writer.write(chunk, cleaned_by_household)
            if progress:
                done = start + len(chunk)
                progress(done * 100 / len(valid), f"{done}/{len(valid)}")
        if dry_run:
            transaction.set_rollback(True)
    if not dry_run and len(valid) >= ANALYZE_AFTER:
        analyze(Helper, Household, HouseholdCause, Member, Income, Measure)
    report.written = not dry_run
    return report


def _check_file_duplicates(households: list[HouseholdRows], cleaned: dict) -> None:
    """One person in two households of the same file: the later rows are errors."""
    first_row: dict[str, int] = {}
    for household in households:
        for row, member in zip(household.rows, cleaned[id(household)], strict=True):
            number = member.get("id_number")
            if not number:
                continue
            if number in first_row and first_row[number] not in [
                r.sheet.number for r in household.rows
            ]:
                row.errors.append(
                    Message(
                        row.sheet.number,
                        _header("id_number"),
                        "id_repeated_in_file",
                        f"证件号码与第 {first_row[number]} 行（另一户）重复",
                        f"the ID number repeats row {first_row[number]} of another household",
                    )
                )
            first_row.setdefault(number, row.sheet.number)


def _check_database(households: list[HouseholdRows], cleaned: dict) -> None:
    """An ID number registered in another household is reported, never merged."""
    own = _stored_id_numbers(households)
    numbers = [
        m["id_number"]
        for h in households
        for m in cleaned[id(h)]
        if m.get("id_number") and own.get(m["id_number"]) != (h.village_code, h.number)
    ]
    owners: dict[str, tuple[str, str, str]] = {}  # ID number -> village, household, name
    for start in range(0, len(numbers), 5000):
        chunk = numbers[start : start + 5000]
        found = Member.objects.filter(id_number__any_of=chunk).values_list(
            "id_number", "household__village_id", "household__number", "name"
        )
        for number, village, household_number, name in found:
            owners[number] = (village, household_number, name)
    for household in households:
        for row, member in zip(household.rows, cleaned[id(household)], strict=True):
            owner = owners.get(member.get("id_number"))
            if owner is None:
                continue
            village, number, name = owner
            if (village, number) != (household.village_code, household.number):
                row.errors.append(
                    Message(
                        row.sheet.number,
                        _header("id_number"),
                        "id_in_other_household",
                        f"证件号码已登记在户编号 {number}（{name}，{village}）",
                        f"the ID number is registered in household {number} ({village})",
                    )
                )


def _stored_id_numbers(households: list[HouseholdRows]) -> dict[str, tuple[str, str]]:
    """ID number -> (village, household number) of the stored members of the file's
    households. Read by household (an index range each), which is how a re-imported file
    finds nearly all of its people; only the others are then looked up one by one."""
    keys = {(h.village_code, h.number) for h in households}
    numbers = sorted({number for _, number in keys})
    stored: dict[int, tuple[str, str]] = {}
    for start in range(0, len(numbers), CHECK_CHUNK):
        found = Household.objects.filter(number__any_of=numbers[start : start + CHECK_CHUNK])
        for pk, village, number in found.values_list("id", "village_id", "number"):
            if (village, number) in keys:
                stored[pk] = (village, number)
    ids = sorted(stored)
    own: dict[str, tuple[str, str]] = {}
    for start in range(0, len(ids), CHECK_CHUNK):
        found = Member.objects.filter(household_id__any_of=ids[start : start + CHECK_CHUNK])
        for number, household_id in found.values_list("id_number", "household_id"):
            if number:
                own[number] = stored[household_id]
    return own


def _income_warnings(households: list[HouseholdRows], cleaned: dict) -> None:
    """A declared per-capita income more than 1 yuan off the computed one is a warning."""
    for household in households:
        values = household.first.household
        declared = values.get("declared_per_capita")
        current = sum(
            1
            for m in cleaned[id(household)]
            if (m.get("status") or MemberStatus.NORMAL) == MemberStatus.NORMAL
        )
        if declared is None or not current:
            continue
        net = sum((values.get(name) or Decimal(0)) for name in INCOME_AMOUNTS[:4]) - (
            values.get("production_costs") or Decimal(0)
        )
        computed = net / current
        if abs(computed - declared) > 1:
            household.first.warnings.append(
                Message(
                    household.first.sheet.number,
                    _header("declared_per_capita"),
                    "per_capita_differs",
                    f"表中人均纯收入 {declared} 与计算值 {computed:.2f} 相差超过 1 元",
                    f"declared per-capita income {declared} differs from computed {computed:.2f}",
                )
            )
