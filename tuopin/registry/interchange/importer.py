"""Importing the interchange spreadsheet: every row loads or is rejected with its reasons.

Steps: read and parse every row (cell errors), group rows into households (household
columns must agree), validate each household as the services do (ID numbers, head,
relations, declared size), compare with the database (ID numbers of other households),
then write - all or nothing, or with `partial` only households whose rows are all valid.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from tuopin.registry.enums import MeasureCategory, MemberStatus
from tuopin.registry.interchange.columns import BY_KEY, HOUSEHOLD, INCOME, MEMBER
from tuopin.registry.interchange.reader import SheetRow, open_table
from tuopin.registry.interchange.values import BadValue, key, text
from tuopin.registry.interchange.villages import VillageResolver
from tuopin.registry.models import Helper, Household, HouseholdCause, Income, Measure, Member
from tuopin.registry.validation import Problem, clean_member, household_member_problems

INCOME_AMOUNTS = ("wages", "business", "property_income", "transfers", "production_costs")
HOUSEHOLD_ONLY = {
    "household_status",
    "other_causes",
    "measures",
    "helper_name",
    "declared_size",
    "dangerous_house",
}
INCOME_RAISING = {
    MeasureCategory.INDUSTRY,
    MeasureCategory.EMPLOYMENT,
    MeasureCategory.FINANCE,
    MeasureCategory.PHOTOVOLTAIC,
    MeasureCategory.PUBLIC_WELFARE_JOB,
    MeasureCategory.RANGER,
    MeasureCategory.ASSET_INCOME,
}
# Member problems name a model field; the report names the column a person sees.
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


def _parse(sheet: SheetRow) -> ParsedRow:
    parsed = ParsedRow(sheet, {})
    for column_key, raw in sheet.cells.items():
        column = BY_KEY[column_key]
        try:
            parsed.values[column_key] = raw if column.parse is None else column.parse(raw)
        except BadValue as bad:
            parsed.errors.append(
                Message(sheet.number, column.header, "bad_value", bad.message_zh, bad.message_en)
            )
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
        _attach(row, problems, household)
    for problem in household_member_problems(cleaned):
        row = household.rows[problem.member] if problem.member is not None else household.first
        _attach(row, [problem], household)
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


def _attach(row: ParsedRow, problems: list[Problem], household: HouseholdRows) -> None:
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
    rows = [_parse(sheet) for sheet in table.rows]
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
    report.members.rejected = sum(len(h.rows) for h in rejected) + sum(
        1 for row in rows if row.errors and not any(row in h.rows for h in households)
    )
    if report.errors and not partial:
        report.households.rejected = len(households)
        report.members.rejected = len(rows)
        return report
    existing = _existing_households(valid)
    existing_members = defaultdict(list)
    for member in Member.objects.filter(household__in=list(existing.values())):
        existing_members[member.household_id].append(member)
    with transaction.atomic():
        for index, household in enumerate(valid, start=1):
            current = existing.get((household.village_code, household.number))
            _write(
                household,
                cleaned_by_household[id(household)],
                current,
                existing_members[current.pk] if current else [],
                acting_user,
                report,
            )
            if progress and index % 200 == 0:
                progress(index * 100 / len(valid), f"{index}/{len(valid)}")
        if dry_run:
            transaction.set_rollback(True)
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


HOUSEHOLD_FIELD_OF = {"household_status": "status"}
NOT_A_HOUSEHOLD_FIELD = HOUSEHOLD_ONLY - {"household_status"} | {"declared_per_capita"}


def _household_attributes(values: dict) -> dict:
    """Model fields of the household present in the file (an absent column changes nothing)."""
    attributes = {}
    for column_key, value in values.items():
        column = BY_KEY.get(column_key)
        if column is None or column.level != HOUSEHOLD or column_key == "number":
            continue
        if column_key in NOT_A_HOUSEHOLD_FIELD:
            continue
        attributes[HOUSEHOLD_FIELD_OF.get(column_key, column_key)] = value
    if values.get("dangerous_house") and not values.get("housing_grade"):
        attributes["housing_grade"] = values["dangerous_house"]
    for name, value in list(attributes.items()):
        if value is None and Household._meta.get_field(name).null is False:
            attributes[name] = ""  # an empty code cell: unknown
    return attributes


def _apply(instance, attributes: dict) -> bool:
    """Set what differs; True when something changed."""
    changed = False
    for name, value in attributes.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed


def _write(
    household: HouseholdRows,
    members: list[dict],
    existing: Household | None,
    existing_members: list[Member],
    acting_user,
    report: ImportReport,
) -> None:
    values = household.first.values
    attributes = _household_attributes(values)
    if existing is None:
        target = Household(village_id=household.village_code, number=household.number, **attributes)
        target._history_user = acting_user
        target.save()
        created, changed = True, False
    else:
        target, created = existing, False
        changed = _apply(target, attributes)
        if changed:
            target.version += 1
            target._history_user = acting_user
            target.save()
    changed |= _write_causes(target, values, acting_user)
    changed |= _write_helper(target, values, acting_user)
    changed |= _write_income_and_measures(target, values, acting_user)
    if created:
        report.households.created += 1
    elif changed:
        report.households.updated += 1
    else:
        report.households.unchanged += 1
    _write_members(target, members, existing_members, acting_user, report)


def _write_causes(target: Household, values: dict, acting_user) -> bool:
    if "other_causes" not in values:
        return False
    wanted = {c for c in values["other_causes"] or [] if c != target.main_cause}
    current = {c.cause: c for c in target.other_causes.all()}
    for cause in set(current) - wanted:
        current[cause]._history_user = acting_user
        current[cause].delete()
    for cause in wanted - set(current):
        link = HouseholdCause(household=target, cause=cause)
        link._history_user = acting_user
        link.save()
    return set(current) != wanted


def _write_helper(target: Household, values: dict, acting_user) -> bool:
    name = text(values.get("helper_name"))
    if "helper_name" not in values or (target.helper and target.helper.name == name):
        return False
    if not name and target.helper is None:
        return False
    helper = None
    if name:
        county = target.village_id[:6].ljust(12, "0")
        helper = Helper.objects.filter(region_id=county, name=name).first()
        if helper is None:
            helper = Helper(region_id=county, name=name)
            helper._history_user = acting_user
            helper.save()
    target.helper = helper
    target.version += 1
    target._history_user = acting_user
    target.save(update_fields=["helper", "version"])
    return True


def _write_income_and_measures(target: Household, values: dict, acting_user) -> bool:
    year = values.get("income_year")
    changed = False
    if year is not None and any(name in values for name in INCOME_AMOUNTS):
        amounts = {
            name: values.get(name) or Decimal(0) for name in INCOME_AMOUNTS if name in values
        }
        income = Income.objects.filter(household=target, year=year).first()
        if income is None:
            income = Income(household=target, year=year, **amounts)
            changed = True
        else:
            changed = _apply(income, amounts)
        if changed:
            income._history_user = acting_user
            income.save()
    categories = values.get("measures") or []
    measure_year = year or timezone.localdate().year
    have = set(
        Measure.objects.filter(household=target, year=measure_year).values_list(
            "category", flat=True
        )
    )
    for category in categories:
        if category not in have:
            measure = Measure(
                household=target,
                category=category,
                year=measure_year,
                raises_income=category in INCOME_RAISING,
            )
            measure._history_user = acting_user
            measure.save()
            changed = True
    return changed


def _member_match(data: dict, existing: list[Member]) -> Member | None:
    for member in existing:
        if data.get("id_number") and member.id_number == data["id_number"]:
            return member
    for member in existing:  # no ID number (a newborn): name and birth date
        if (
            not data.get("id_number")
            and not member.id_number
            and member.name == data.get("name")
            and member.birth_date == data.get("birth_date")
        ):
            return member
    return None


def _write_members(
    target: Household,
    members: list[dict],
    existing: list[Member],
    acting_user,
    report: ImportReport,
) -> None:
    for data in members:
        fields = {name: value for name, value in data.items() if name in MEMBER_MODEL_FIELDS}
        for name, value in list(fields.items()):
            if value is None and not Member._meta.get_field(name).null:
                fields[name] = ""
        member = _member_match(data, existing)
        if member is None:
            member = Member(household=target, **fields)
            member._history_user = acting_user
            member.save()
            report.members.created += 1
        elif _apply(member, fields):
            member.version += 1
            member._history_user = acting_user
            member.save()
            report.members.updated += 1
        else:
            report.members.unchanged += 1


MEMBER_MODEL_FIELDS = {f.name for f in Member._meta.concrete_fields} - {
    "id",
    "household",
    "version",
}
