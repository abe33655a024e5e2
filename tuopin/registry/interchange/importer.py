"""Importing the interchange spreadsheet: every row loads or is rejected with its reasons.

Steps, a block of rows and a chunk of households at a time as the file is read: parse
the rows (cell errors), group them into households (household columns must agree),
validate each household as the services do (ID numbers, head, relations, declared size),
compare with the database (ID numbers of other households), and hand the chunk to the
writer (`sink.py`). The writes form one transaction: all or nothing, or with `partial`
only households whose rows are all valid.
"""

import gc
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from django.utils import timezone

from tuopin.core.db import analyze
from tuopin.registry.enums import MemberStatus
from tuopin.registry.idnumbers import normalise_id_text
from tuopin.registry.interchange.columns import BY_KEY, HOUSEHOLD, INCOME
from tuopin.registry.interchange.reader import open_table
from tuopin.registry.interchange.rows import HouseholdRows, Message, ParsedRow, RowParser
from tuopin.registry.interchange.rows import header as _header
from tuopin.registry.interchange.sink import ChunkSink
from tuopin.registry.interchange.stored import (
    INCOME_AMOUNTS,
    StoredChunk,
    StoredReader,
    owners_of,
)
from tuopin.registry.interchange.values import key, text
from tuopin.registry.interchange.villages import VillageResolver
from tuopin.registry.interchange.writer import BulkWriter
from tuopin.registry.lookups import holder_message
from tuopin.registry.models import Helper, Household, HouseholdCause, Income, Measure, Member
from tuopin.registry.validation import Problem, clean_member, household_member_problems

WRITE_CHUNK = 1000  # households validated, then written, per round
ANALYZE_AFTER = 10_000  # households created: at least this many to refresh statistics
# Errors about the file itself, never about what the registry already holds.
FILE_ERRORS = {
    "bad_value",
    "value_too_long",
    "value_negative",
    "value_too_large",
    "number_empty",
    "village_unknown",
    "number_in_two_villages",
    "household_values_disagree",
    "household_row_unplaced",
    "income_year_empty",
    "id_repeated_in_file",
    "id_in_other_household",
}
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
    # ID numbers found registered outside the importing user's region (logged by the job)
    registered_elsewhere: int = 0

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


class _Grouping:
    """Rows of one household: same village and household number; a number in two villages
    is an error on the later village's rows.

    Rows are added a block at a time, and the households are taken for checking in the
    order of their first row, all but the one the last row belongs to (more of its rows
    may follow). A row that joins a household already taken marks the grouping
    `reopened`: the file does not keep a household's rows together. Only the households
    not taken yet are held, so memory does not grow with the file.

    A row with a household number but an unknown village belongs to no household, yet
    to the household of that number all the same: `unplaced` keeps the number, so that a
    partial import does not write that household without it (and a row that comes after
    its household was taken reopens the grouping, when `partial`)."""

    def __init__(self, *, partial: bool = False):
        self.partial = partial
        self.households = 0  # how many, taken or not
        self.unplaced: dict[str, int] = {}  # household number -> first row of no village
        self._alone: set[tuple[str | None, str]] = set()  # (village, number) of such rows
        self._pending: dict[tuple[str, str], HouseholdRows] = {}  # by first row (dicts keep order)
        self._taken: set[tuple[str, str]] = set()
        self._village_of_number: dict[str, tuple[str, int]] = {}
        self._last: tuple[str, str] | None = None
        self.reopened = False

    def add(self, rows: list[ParsedRow]) -> list[ParsedRow]:
        """Group `rows`; returns those that belong to no household."""
        alone = []
        values, number = None, ""
        for row in rows:
            if row.household is not values:  # rows of a household share their values
                values = row.household
                number = key(values.get("number"))
            if not number or row.village_code is None:
                alone.append(row)
                if number:
                    self._unplace(number, row.sheet.number)
                continue
            first_village, first_row = self._village_of_number.setdefault(
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
                alone.append(row)
                self._alone.add((row.village_code, number))
                continue
            household_key = (row.village_code, number)
            household = self._pending.get(household_key)
            if household is None:
                if household_key in self._taken:
                    self.reopened = True
                    continue
                household = self._pending[household_key] = HouseholdRows(
                    row.village_code, number, []
                )
                self.households += 1
            household.rows.append(row)
            self._last = household_key
        return alone

    def _unplace(self, number: str, row_number: int) -> None:
        self.unplaced.setdefault(number, row_number)
        self._alone.add((None, number))
        village = self._village_of_number.get(number, (None,))[0]
        if self.partial and (village, number) in self._taken:
            self.reopened = True

    def households_alone(self) -> int:
        """Households all of whose rows belong to none (refused with their rows)."""
        placed = self._village_of_number
        return sum(1 for village, number in self._alone if village or number not in placed)

    def take(self, *, count: int, everything: bool = False) -> list[HouseholdRows]:
        """`count` households not taken yet, none of them the one still open, or none;
        once the file has been read (`everything`), up to `count` of what is left."""
        taken = []
        for household_key in self._pending:
            if len(taken) == count or (household_key == self._last and not everything):
                break
            taken.append(household_key)
        if len(taken) < count and not everything:
            return []
        self._taken.update(taken)
        return [self._pending.pop(household_key) for household_key in taken]


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
    """The row's member cells with the health flags spread out; in place, as the row's own
    dict is read no more (`clean_member` copies it)."""
    health = values.pop("health", None)
    if health:
        values.update(health)
    return values


def _validate(household: HouseholdRows, today: date) -> list[dict]:
    """Clean every member; attach each problem to its row. Returns the cleaned members."""
    cleaned = []
    for row in household.rows:
        data, problems = clean_member(_member_data(row.member), on=today, texts_normalised=True)
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
    # A city file makes tens of millions of cells, rows and dicts: the cyclic garbage
    # collector would scan them over and over (it took a third of the time when the rows
    # all lived to the end) and finds nothing to free, as the import makes no cycles.
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
    streaming: bool = True,
) -> ImportReport:
    """Households are checked, and written, a chunk at a time as the file is read.
    `streaming=False` first reads the whole file: for a file that scatters a household's
    rows, which the streaming pass finds out and hands over to it."""
    options = dict(acting_user=acting_user, dry_run=dry_run, partial=partial)
    options.update(scope_prefix=scope_prefix, progress=progress)
    table = open_table(path)
    report = ImportReport()
    parser = RowParser(table.columns, typed=table.typed)
    resolver = VillageResolver(scope_prefix)
    grouping = _Grouping(partial=partial)
    checks = _Checks(
        report,
        today=timezone.localdate(),
        partial=partial,
        unplaced=grouping.unplaced,
        scope_prefix=scope_prefix,
    )
    stored_before = Household.objects.count()
    sink = ChunkSink(acting_user, report)
    reader = StoredReader(ahead=sink.threaded)
    try:
        blocks = parser.blocks(table.rows) if streaming else [parser.parse(table.rows)]
        for block in blocks:
            report.rows += len(block)
            _locate(block, resolver)
            checks.alone(grouping.add(block))
            if grouping.reopened:
                break
            checks.failing = checks.failing or (not partial and any(r.errors for r in block))
            while chunk := grouping.take(count=WRITE_CHUNK):
                checks.run(chunk, sink, reader)
                _report_progress(progress, report, table, checks)
        else:
            while chunk := grouping.take(count=WRITE_CHUNK, everything=True):
                checks.run(chunk, sink, reader)
                _report_progress(progress, report, table, checks)
    except BaseException:
        sink.abort()
        raise
    finally:
        reader.close()
    if grouping.reopened:
        sink.close(keep=False)
        return _import_registry(path, **options, streaming=False)
    sink.close(keep=not (dry_run or checks.failing))
    report.errors.sort(key=lambda m: (m.row, m.column))
    alone = grouping.households_alone()
    if checks.failing:
        report.households = Counts(rejected=grouping.households + alone)
        report.members = Counts(rejected=report.rows)
        return report
    report.households.rejected += alone
    # Autovacuum re-analyzes a table once a tenth of it changed, but only a while later;
    # an import that at least doubles the registry would meanwhile leave the next queries
    # (the totals, an export) planned for a small table.
    if not dry_run and report.households.created >= max(ANALYZE_AFTER, stored_before):
        analyze(Helper, Household, HouseholdCause, Member, Income, Measure)
    report.written = not dry_run
    return report


def _report_progress(progress, report: ImportReport, table, checks: "_Checks") -> None:
    if progress is None:
        return
    done = checks.households
    percent = min(99.0, report.rows * 100 / table.last_row) if table.last_row else 0.0
    progress(percent, f"已检查 {done} 户 ({done} households checked)")


@dataclass
class _Checks:
    """The checks of a chunk of households, in file order; state carried between chunks.
    Each chunk's messages and rejections go into the report as soon as it is checked."""

    report: ImportReport
    today: date
    partial: bool
    # Nothing is written unless partial or every row is valid: a file with an error is
    # still checked to the end, but its chunks are no longer handed to the writer.
    failing: bool = False
    households: int = 0  # checked so far
    first_row_of_id: dict[str, int] = field(default_factory=dict)
    unplaced: dict[str, int] = field(default_factory=dict)  # `_Grouping.unplaced`
    scope_prefix: str = ""  # the importing user's region: what messages may name

    def run(self, chunk: list[HouseholdRows], sink: ChunkSink, reader: StoredReader) -> None:
        # The stored rows are read (ahead, on PostgreSQL) while the members are validated.
        reading = reader.read(
            {(h.village_code, h.number) for h in chunk},
            {normalise_id_text(row.member.get("id_number")) for h in chunk for row in h.rows},
        )
        cleaned = {}
        for household in chunk:
            _check_agreement(household)
            cleaned[id(household)] = _validate(household, self.today)
        stored = reading.result()
        _check_file_duplicates(chunk, cleaned, self.first_row_of_id)
        self.report.registered_elsewhere += _check_database(
            chunk, cleaned, stored, sink.writer.new_id_numbers, self.scope_prefix
        )
        _income_warnings(chunk, cleaned)
        _check_helper_names(chunk, stored)
        if self.partial and self.unplaced:
            _check_unplaced(chunk, self.unplaced)
        _accept_as_stored(chunk, cleaned, stored)
        rejected = [h for h in chunk if h.has_errors()]
        self.failing = self.failing or (not self.partial and bool(rejected))
        if not self.failing:
            sink.put([h for h in chunk if not h.has_errors()], cleaned, stored)
        self.households += len(chunk)
        self.report.households.rejected += len(rejected)
        self.report.members.rejected += sum(len(h.rows) for h in rejected)
        self._collect(row for household in chunk for row in household.rows)

    def alone(self, rows: list[ParsedRow]) -> None:
        """Rows of no household (no number, unknown village, ...): they carry an error."""
        self.report.members.rejected += sum(1 for row in rows if row.errors)
        self._collect(rows)

    def _collect(self, rows) -> None:
        errors, warnings = self.report.errors, self.report.warnings
        for row in rows:
            if row.errors:
                errors += row.errors
            if row.warnings:
                warnings += row.warnings


def _check_unplaced(households: list[HouseholdRows], unplaced: dict[str, int]) -> None:
    """A partial import writes a household whole or not at all: not without a row of its
    number whose village was not found."""
    for household in households:
        row_number = unplaced.get(household.number)
        if row_number is not None:
            first = household.first
            first.errors.append(
                Message(
                    first.sheet.number,
                    _header("number"),
                    "household_row_unplaced",
                    f"同一户编号的第 {row_number} 行找不到所属的村，本户不能只导入一部分成员",
                    f"row {row_number} has this household number but no known village: "
                    "the household is not imported without it",
                )
            )


def _accept_as_stored(households: list[HouseholdRows], cleaned: dict, stored) -> None:
    """A stored household that the file leaves exactly as it is, is not refused for what
    the registry already says (data of before these checks, or the seed's deliberate
    defects): an export of any registry re-imports as unchanged. Its problems become
    warnings; the quality checks list them until they are corrected. Any change to such a
    household, and any error about the file itself, is still refused."""
    for household in households:
        if (household.village_code, household.number) not in stored.households:
            continue
        errors = [error for row in household.rows for error in row.errors]
        if not errors or any(error.code in FILE_ERRORS for error in errors):
            continue
        trial = BulkWriter(None, ImportReport())  # counts nothing into the real report
        if not trial.plan([household], cleaned, stored).changes_nothing():
            continue
        for row in household.rows:
            row.warnings += [
                replace(
                    error,
                    message_zh=f"{error.message_zh}（登记库中已是如此，本次未改动）",
                    message_en=f"{error.message_en} (already so in the registry, unchanged)",
                )
                for error in row.errors
            ]
            row.errors = []


def _check_file_duplicates(
    households: list[HouseholdRows], cleaned: dict, first_row: dict[str, int]
) -> None:
    """One person in two households of the same file: the later rows are errors.
    `first_row`: ID number -> the row it was first seen on, carried from chunk to chunk."""
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


def _check_database(
    households: list[HouseholdRows],
    cleaned: dict,
    stored: StoredChunk,
    written: set[str],
    scope_prefix: str,
) -> int:
    """An ID number registered in another household is reported, never merged; of a
    household outside `scope_prefix` only its county is named (lookups.holder_message).
    `written`: ID numbers this import has already added: they were checked within the
    file (a later chunk read in the same transaction sees them stored).
    Returns how many numbers were found registered outside `scope_prefix`."""
    numbers = {m["id_number"] for h in households for m in cleaned[id(h)] if m.get("id_number")}
    owners = stored.owners
    missing = sorted(numbers - stored.asked)  # cleaned differently from the cell (15 -> 18)
    if missing:
        owners = {**owners, **owners_of(missing)}
    elsewhere = 0
    for household in households:
        for row, member in zip(household.rows, cleaned[id(household)], strict=True):
            number = member.get("id_number")
            if not number or number in written:
                continue
            owner = owners.get(number)
            if owner is None:
                continue
            village, number, name = owner
            if (village, number) != (household.village_code, household.number):
                visible = village.startswith(scope_prefix)
                elsewhere += not visible
                zh, en = holder_message(
                    village_code=village,
                    village_name=village,
                    household_number=number,
                    person=name,
                    visible=visible,
                )
                code = "id_in_other_household" if visible else "id_registered_elsewhere"
                row.errors.append(Message(row.sheet.number, _header("id_number"), code, zh, en))
    return elsewhere


def _check_helper_names(households: list[HouseholdRows], stored) -> None:
    """帮扶责任人 is found by name within the county: a name two cadres of the county bear
    is an error, unless the household already has one of them (the name still says it)."""
    wanted = {}
    for household in households:
        name = text(household.first.household.get("helper_name"))
        if name:
            wanted[id(household)] = (household.village_code[:6].ljust(12, "0"), name)
    if not wanted:
        return
    namesakes: dict[tuple[str, str], set[int]] = {}
    found = Helper.objects.filter(
        region_id__in={r for r, _ in wanted.values()}, name__in={n for _, n in wanted.values()}
    ).values_list("region_id", "name", "id")
    for region, name, pk in found:
        namesakes.setdefault((region, name), set()).add(pk)
    for household in households:
        key = wanted.get(id(household))
        if key is None or len(namesakes.get(key, ())) < 2:
            continue
        current = stored.households.get((household.village_code, household.number))
        if current is not None and current["helper_id"] in namesakes[key]:
            continue
        count = len(namesakes[key])
        household.first.errors.append(
            Message(
                household.first.sheet.number,
                _header("helper_name"),
                "helper_name_ambiguous",
                f"本县（区）有 {count} 名帮扶责任人叫“{key[1]}”，无法确定是哪一位："
                "请在帮扶力量中为本户结对，或区分姓名",
                f"{count} helpers of the county are named '{key[1]}': which one is meant "
                "cannot be told; pair the household under 帮扶力量 or tell the names apart",
            )
        )


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
        amounts = [values.get(name) for name in INCOME_AMOUNTS]
        if declared is None or not current or None in amounts:
            continue  # with an amount unknown there is no computed value to compare
        wages, business, property_income, transfers, costs = amounts
        computed = (wages + business + property_income + transfers - costs) / current
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
