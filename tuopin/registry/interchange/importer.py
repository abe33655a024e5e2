"""Importing the interchange spreadsheet: every row loads or is rejected with its reasons.

Steps: read and parse every row (cell errors), group rows into households (household
columns must agree), validate each household as the services do (ID numbers, head,
relations, declared size), compare with the database (ID numbers of other households),
then write - all or nothing, or with `partial` only households whose rows are all valid.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from tuopin.core.db import analyze
from tuopin.registry.enums import MemberStatus
from tuopin.registry.interchange.columns import BY_KEY, HOUSEHOLD, INCOME, MEMBER
from tuopin.registry.interchange.reader import SheetRow, open_table
from tuopin.registry.interchange.values import BadValue, key, text
from tuopin.registry.interchange.villages import VillageResolver
from tuopin.registry.interchange.writer import BulkWriter
from tuopin.registry.models import Helper, Household, HouseholdCause, Income, Measure, Member
from tuopin.registry.validation import Problem, clean_member, household_member_problems

WRITE_CHUNK = 5000  # households per round of bulk statements
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


@dataclass
class ParsedRow:
    sheet: SheetRow
    values: dict
    errors: list[Message] = field(default_factory=list)
    warnings: list[Message] = field(default_factory=list)
    village_code: str | None = None


@dataclass
class HouseholdRows:
    village_code: str
    number: str
    rows: list[ParsedRow]

    @property
    def first(self) -> ParsedRow:
        return self.rows[0]

    def has_errors(self) -> bool:
        return any(row.errors for row in self.rows)


def _header(column_key: str) -> str:
    return BY_KEY[column_key].header


# Columns whose values are (nearly) all different: memoising them would only cost memory.
DISTINCT_COLUMNS = {
    "name",
    "id_number",
    "person_number",
    "number",
    "birth_date",
    "phone",
    "bank_account",
}


def _parse(sheet: SheetRow, memo: dict) -> ParsedRow:
    """Parse every cell; codes, yes/no, years and amounts repeat, so each distinct raw value
    of a column is parsed once per import (`memo`)."""
    parsed = ParsedRow(sheet, {})
    for column_key, raw in sheet.cells.items():
        column = BY_KEY[column_key]
        if column.parse is None:
            parsed.values[column_key] = raw
            continue
        if column_key in DISTINCT_COLUMNS:
            result = _parse_cell(column.parse, raw)
        else:
            result = memo.get((column_key, raw), memo)
            if result is memo:
                result = memo[(column_key, raw)] = _parse_cell(column.parse, raw)
        if isinstance(result, BadValue):
            parsed.errors.append(
                Message(
                    sheet.number, column.header, "bad_value", result.message_zh, result.message_en
                )
            )
        else:
            parsed.values[column_key] = result
    if not key(parsed.values.get("number")):
        parsed.errors.append(
            Message(
                sheet.number,
                _header("number"),
                "number_empty",
                "户编号为空",
                "household number is empty",
            )
        )
    return parsed


def _parse_cell(parse, raw):
    try:
        return parse(raw)
    except BadValue as bad:
        return bad


def _locate(rows: list[ParsedRow], resolver: VillageResolver) -> None:
    for row in rows:
        code, zh, en = resolver.resolve(
            code=key(row.values.get("village_code")),
            county=text(row.values.get("county")),
            township=text(row.values.get("township")),
            village=text(row.values.get("village")),
        )
        if code is None:
            column = (
                _header("village_code")
                if key(row.values.get("village_code"))
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
        number = key(row.values.get("number"))
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
        households.setdefault(
            (row.village_code, number), HouseholdRows(row.village_code, number, [])
        ).rows.append(row)
    return list(households.values())


def _household_values(values: dict) -> dict:
    return {
        k: v
        for k, v in values.items()
        if k in BY_KEY and BY_KEY[k].level in (HOUSEHOLD, INCOME) and k != "number"
    }


def _check_agreement(household: HouseholdRows) -> None:
    """Household columns repeat on every member row and must say the same thing."""
    first = _household_values(household.first.values)
    for row in household.rows[1:]:
        for column_key, value in _household_values(row.values).items():
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
    data = {
        k: v
        for k, v in values.items()
        if k in BY_KEY and BY_KEY[k].level == MEMBER and k != "health"
    }
    data.update(values.get("health") or {})
    return data


def _validate(household: HouseholdRows, today: date) -> list[dict]:
    """Clean every member; attach each problem to its row. Returns the cleaned members."""
    cleaned = []
    for row in household.rows:
        data, problems = clean_member(_member_data(row.values), on=today)
        cleaned.append(data)
        _attach(row, problems)
    for problem in household_member_problems(cleaned):
        row = household.rows[problem.member] if problem.member is not None else household.first
        _attach(row, [problem])
    first = household.first
    amounts_given = any(first.values.get(name) is not None for name in INCOME_AMOUNTS)
    if amounts_given and first.values.get("income_year") is None:
        first.errors.append(
            Message(
                first.sheet.number,
                _header("income_year"),
                "income_year_empty",
                "填写了收入但收入年度为空",
                "incomes given without an income year",
            )
        )
    declared = household.first.values.get("declared_size")
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


def import_registry(
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
    memo: dict = {}
    rows = [_parse(sheet, memo) for sheet in table.rows]
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
            writer.write(chunk, cleaned_by_household, _existing_households(chunk))
            if progress:
                done = start + len(chunk)
                progress(done * 100 / len(valid), f"{done}/{len(valid)}")
        if dry_run:
            transaction.set_rollback(True)
    if not dry_run and len(valid) >= ANALYZE_AFTER:
        analyze(Helper, Household, HouseholdCause, Member, Income, Measure)
    report.written = not dry_run
    return report


def _existing_households(households: list[HouseholdRows]) -> dict[tuple[str, str], Household]:
    numbers = {h.number for h in households}
    villages = {h.village_code for h in households}
    found = Household.objects.filter(number__in=numbers, village_id__in=villages)
    return {(h.village_id, h.number): h for h in found}


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
    numbers = [m["id_number"] for h in households for m in cleaned[id(h)] if m.get("id_number")]
    owners: dict[str, Member] = {}
    for start in range(0, len(numbers), 5000):
        chunk = numbers[start : start + 5000]
        for member in Member.objects.filter(id_number__in=chunk).select_related("household"):
            owners[member.id_number] = member
    for household in households:
        for row, member in zip(household.rows, cleaned[id(household)], strict=True):
            owner = owners.get(member.get("id_number"))
            if owner is None:
                continue
            mine = (owner.household.village_id, owner.household.number) == (
                household.village_code,
                household.number,
            )
            if not mine:
                row.errors.append(
                    Message(
                        row.sheet.number,
                        _header("id_number"),
                        "id_in_other_household",
                        f"证件号码已登记在户编号 {owner.household.number}（{owner.name}，"
                        f"{owner.household.village_id}）",
                        f"the ID number is registered in "
                        f"household {owner.household.number} ({owner.household.village_id})",
                    )
                )


def _income_warnings(households: list[HouseholdRows], cleaned: dict) -> None:
    """A declared per-capita income more than 1 yuan off the computed one is a warning."""
    for household in households:
        values = household.first.values
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
