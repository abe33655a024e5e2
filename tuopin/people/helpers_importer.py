"""`tuopin import helpers FILE` and `tuopin import visits FILE` (docs/formats/people-helpers.md).

Each row names a household by its 户编号. Every row is checked first (row, column, Chinese
and English message); nothing is written when a row has an error unless `partial`
(then the good rows are written); a dry run writes nothing. A row that matches what is
stored changes nothing, so the same file imported twice changes nothing the second time.
Writes go through the services (history kept). The report has the shape of the sector
ledgers' import report (LedgerImportReport.as_dict)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from tuopin.core.errors import TuopinError
from tuopin.people.models import Pairing, Visit
from tuopin.people.pairing_services import cadre_clean, cadre_save, county_of, pairing_start
from tuopin.people.visits_services import visit_record
from tuopin.registry.idnumbers import canonical_id_number
from tuopin.registry.interchange.reader import UnusableFile, sheet_rows
from tuopin.registry.interchange.rows import Message
from tuopin.registry.interchange.table_report import TableImportReport
from tuopin.registry.interchange.values import BadValue, a_date, text
from tuopin.registry.models import Helper, Household

HELPER_COLUMNS = {
    "number": "户编号",
    "name": "帮扶责任人姓名",
    "id_number": "身份证号",
    "work_unit": "工作单位",
    "unit_level": "单位级别",
    "post": "职务",
    "phone": "联系电话",
    "started_on": "结对日期",
}
HELPER_REQUIRED = ("number", "name")
VISIT_COLUMNS = {
    "number": "户编号",
    "helper_id_number": "帮扶责任人身份证号",
    "helper_name": "帮扶责任人姓名",
    "visited_on": "走访日期",
    "title": "标题",
    "content": "内容",
    "agreed": "商定事项",
}
VISIT_REQUIRED = ("number", "visited_on", "title")
SYNONYMS = {"帮扶责任人": "帮扶责任人姓名", "姓名": "帮扶责任人姓名"}


PeopleImportReport = TableImportReport


class RowError(Exception):
    def __init__(self, column: str, code: str, zh: str, en: str):
        super().__init__(zh)
        self.column, self.code, self.zh, self.en = column, code, zh, en


def _read(path, columns: dict[str, str], required) -> tuple[dict[str, int], list]:
    """(key -> position, [(row number, cells)]) after the header row (the first row that
    holds 户编号)."""
    rows = sheet_rows(Path(path))
    wanted = {zh: k for k, zh in columns.items()}
    for number, cells in rows:
        heads = [SYNONYMS.get(text(c), text(c)) for c in cells]
        if "户编号" not in heads:
            continue
        positions = {wanted[h]: i for i, h in enumerate(heads) if h in wanted}
        missing = [columns[k] for k in required if k not in positions]
        if missing:
            raise UnusableFile(
                "columns_missing",
                f"第 {number} 行的表头缺少列：{'、'.join(missing)}",
                f"row {number}: the header lacks {', '.join(missing)}",
            )
        body = [(n, c) for n, c in rows if any(text(v) for v in c)]
        return positions, body
    raise UnusableFile(
        "header_missing", "找不到含“户编号”的表头行", "no header row with 户编号 was found"
    )


def _values(positions, cells) -> dict:
    return {k: (cells[i] if i < len(cells) else None) for k, i in positions.items()}


def _households(numbers: set[str], scope_prefix: str) -> dict[str, list[Household]]:
    found: dict[str, list[Household]] = {}
    for household in Household.objects.filter(
        number__in=numbers, village__code__startswith=scope_prefix
    ):
        found.setdefault(household.number, []).append(household)
    return found


def _household(found, number: str, column: str) -> Household:
    matches = found.get(number, [])
    if not matches:
        raise RowError(
            column,
            "household_unknown",
            f"户编号“{number}”不在建档立卡库中（或不在本区域）",
            f"household '{number}' is not registered (or not in your region)",
        )
    if len(matches) > 1:
        raise RowError(
            column,
            "household_ambiguous",
            f"户编号“{number}”对应多个村的户，无法确定",
            f"household number '{number}' is found in several villages",
        )
    return matches[0]


def _date(value, column: str, required: bool = False) -> datetime.date | None:
    try:
        day = a_date(value)
    except BadValue as bad:
        raise RowError(column, "date_invalid", bad.message_zh, bad.message_en) from bad
    if day is None and text(value):
        raise RowError(
            column, "date_invalid", f"“{text(value)}”不是日期", f"'{text(value)}' is not a date"
        )
    if day is None and required:
        raise RowError(column, "date_empty", "日期不能为空", "the date is empty")
    if day is not None and day > timezone.localdate():
        raise RowError(column, "date_future", "日期不能晚于今天", "the date is after today")
    return day


def _finish(report, plans, dry_run: bool, partial: bool, write) -> PeopleImportReport:
    report.errors.sort(key=lambda m: (m.row, m.column))
    if report.errors and not partial:
        report.created = report.updated = report.unchanged = 0
        report.rejected = report.rows
        return report
    if dry_run:
        report.dry_run = True
        return report
    with transaction.atomic():
        for plan in plans:
            write(plan)
    report.written = True
    return report


# --- helpers -------------------------------------------------------------------------


def import_helpers(
    path, *, acting_user=None, dry_run: bool = False, partial: bool = False, scope_prefix: str = ""
) -> PeopleImportReport:
    report = PeopleImportReport("helpers")
    positions, body = _read(path, HELPER_COLUMNS, HELPER_REQUIRED)
    rows = [(n, _values(positions, cells)) for n, cells in body]
    report.rows = len(rows)
    found = _households({text(v.get("number")) for _, v in rows}, scope_prefix)
    # The cadres the file names, by (county, ID number) and (county, name).
    counties = {county_of(h.village_id) for hs in found.values() for h in hs}
    stored = list(Helper.objects.filter(region_id__in=counties))
    by_id = {(h.region_id, h.id_number): h for h in stored if h.id_number}
    by_name: dict[tuple[str, str], list[Helper]] = {}
    for h in stored:
        by_name.setdefault((h.region_id, h.name), []).append(h)
    open_pairings = {
        p.household_id: p
        for p in Pairing.objects.filter(
            household_id__in=[h.pk for hs in found.values() for h in hs], ended_on__isnull=True
        )
    }
    planned_new: dict[tuple, dict] = {}  # cadres the file creates, by key
    seen: dict[int, int] = {}
    plans = []
    for number, values in rows:
        try:
            household = _household(found, text(values.get("number")), HELPER_COLUMNS["number"])
            if household.pk in seen:
                raise RowError(
                    HELPER_COLUMNS["number"],
                    "household_twice",
                    f"本户已在第 {seen[household.pk]} 行出现",
                    f"the household is already on row {seen[household.pk]}",
                )
            try:
                cadre = cadre_clean({k: text(values.get(k)) for k in HELPER_COLUMNS})
            except TuopinError as error:
                raise RowError(
                    HELPER_COLUMNS.get(error.field, HELPER_COLUMNS["name"]),
                    error.code,
                    error.message_zh,
                    error.message_en,
                ) from error
            started_on = _date(values.get("started_on"), HELPER_COLUMNS["started_on"])
            county = county_of(household.village_id)
            helper = None
            if cadre["id_number"]:
                helper = by_id.get((county, cadre["id_number"]))
                key = (county, "id", cadre["id_number"])
            else:
                namesakes = by_name.get((county, cadre["name"]), [])
                if len(namesakes) > 1:
                    raise RowError(
                        HELPER_COLUMNS["name"],
                        "helper_name_ambiguous",
                        f"本县（区）有 {len(namesakes)} 名干部叫“{cadre['name']}”：请填写身份证号",
                        f"{len(namesakes)} cadres of the county are named "
                        f"'{cadre['name']}': give the ID number",
                    )
                helper = namesakes[0] if namesakes else None
                key = (county, "name", cadre["name"])
        except RowError as error:
            report.errors.append(Message(number, error.column, error.code, error.zh, error.en))
            report.rejected += 1
            continue
        seen[household.pk] = number
        current = open_pairings.get(household.pk)
        # What the row asks for: the cadre's fields as given (an empty cell keeps the stored).
        given = {k: v for k, v in cadre.items() if v}
        if helper is None:
            if key not in planned_new:
                planned_new[key] = {"region": county, "values": cadre}
            changed = True
            action = "created"
        else:
            cadre_changes = any(getattr(helper, k) != v for k, v in given.items())
            same_pairing = current is not None and current.helper_id == helper.pk
            date_fill = same_pairing and current.started_on is None and started_on is not None
            if same_pairing and not cadre_changes and not date_fill:
                report.unchanged += 1
                continue
            changed = True
            action = "updated" if same_pairing or current is not None else "created"
        if changed:
            setattr(report, action, getattr(report, action) + 1)
            plans.append((household, key, helper, given, started_on))

    created_helpers: dict[tuple, Helper] = {}

    def write(plan):
        household, key, helper, given, started_on = plan
        if helper is None:
            helper = created_helpers.get(key)
            if helper is None:
                helper = cadre_save(
                    acting_user=acting_user,
                    region_code=household.village_id,
                    values=given,
                )
                created_helpers[key] = helper
        elif any(getattr(helper, k) != v for k, v in given.items()):
            values = {k: getattr(helper, k) for k in HELPER_COLUMNS if hasattr(helper, k)}
            values.update(given)
            helper = cadre_save(
                acting_user=acting_user, region_code=helper.region_id, values=values, helper=helper
            )
        pairing = pairing_start(
            acting_user=acting_user, household=household, helper=helper, started_on=started_on
        )
        if pairing.started_on is None and started_on is not None:
            pairing.started_on = started_on
            pairing._history_user = acting_user
            pairing.save(update_fields=["started_on"])

    return _finish(report, plans, dry_run, partial, write)


# --- visits --------------------------------------------------------------------------


def import_visits(
    path, *, acting_user=None, dry_run: bool = False, partial: bool = False, scope_prefix: str = ""
) -> PeopleImportReport:
    report = PeopleImportReport("visits")
    positions, body = _read(path, VISIT_COLUMNS, VISIT_REQUIRED)
    if "helper_id_number" not in positions and "helper_name" not in positions:
        raise UnusableFile(
            "columns_missing",
            "表头缺少列：帮扶责任人身份证号或帮扶责任人姓名",
            "the header lacks 帮扶责任人身份证号 or 帮扶责任人姓名",
        )
    rows = [(n, _values(positions, cells)) for n, cells in body]
    report.rows = len(rows)
    found = _households({text(v.get("number")) for _, v in rows}, scope_prefix)
    counties = {county_of(h.village_id) for hs in found.values() for h in hs}
    stored = list(Helper.objects.filter(region_id__in=counties))
    by_id = {(h.region_id, h.id_number): h for h in stored if h.id_number}
    by_name: dict[tuple[str, str], list[Helper]] = {}
    for h in stored:
        by_name.setdefault((h.region_id, h.name), []).append(h)
    existing = {
        (v.household_id, v.visited_on, v.title): v
        for v in Visit.objects.filter(household_id__in=[h.pk for hs in found.values() for h in hs])
    }
    seen: dict[tuple, int] = {}
    plans = []
    for number, values in rows:
        try:
            household = _household(found, text(values.get("number")), VISIT_COLUMNS["number"])
            county = county_of(household.village_id)
            visited_on = _date(values.get("visited_on"), VISIT_COLUMNS["visited_on"], True)
            title = text(values.get("title"))
            if not title:
                raise RowError(
                    VISIT_COLUMNS["title"], "title_empty", "标题不能为空", "the title is empty"
                )
            if len(title) > 200:
                raise RowError(
                    VISIT_COLUMNS["title"],
                    "title_long",
                    "标题不能超过200个字",
                    "the title is over 200 characters",
                )
            helper = None
            id_number = text(values.get("helper_id_number"))
            name = text(values.get("helper_name"))
            if id_number:
                helper = by_id.get((county, canonical_id_number(id_number)))
                if helper is None:
                    raise RowError(
                        VISIT_COLUMNS["helper_id_number"],
                        "helper_unknown",
                        "本县（区）没有该身份证号的帮扶责任人",
                        "no helper of the county has this ID number",
                    )
            elif name:
                namesakes = by_name.get((county, name), [])
                if not namesakes:
                    raise RowError(
                        VISIT_COLUMNS["helper_name"],
                        "helper_unknown",
                        f"本县（区）没有叫“{name}”的帮扶责任人",
                        f"no helper of the county is named '{name}'",
                    )
                if len(namesakes) > 1:
                    raise RowError(
                        VISIT_COLUMNS["helper_name"],
                        "helper_name_ambiguous",
                        f"本县（区）有 {len(namesakes)} 名干部叫“{name}”：请填写身份证号",
                        f"{len(namesakes)} cadres of the county are named '{name}': give the ID number",
                    )
                helper = namesakes[0]
            key = (household.pk, visited_on, title)
            if key in seen:
                raise RowError(
                    VISIT_COLUMNS["title"],
                    "visit_twice",
                    f"同一户同一天同一标题的走访已在第 {seen[key]} 行出现",
                    f"the same visit is already on row {seen[key]}",
                )
        except RowError as error:
            report.errors.append(Message(number, error.column, error.code, error.zh, error.en))
            report.rejected += 1
            continue
        seen[key] = number
        wanted = {
            "content": text(values.get("content")),
            "agreed": text(values.get("agreed")),
            "helper_id": helper.pk if helper else None,
        }
        visit = existing.get(key)
        if visit is None:
            report.created += 1
            plans.append((household, visited_on, title, helper, wanted, None))
        elif any(getattr(visit, k) != v for k, v in wanted.items() if v is not None):
            report.updated += 1
            plans.append((household, visited_on, title, helper, wanted, visit))
        else:
            report.unchanged += 1

    def write(plan):
        household, visited_on, title, helper, wanted, visit = plan
        if visit is None:
            visit_record(
                acting_user=acting_user,
                household=household,
                visited_on=visited_on,
                title=title,
                helper=helper,
                agreed=wanted["agreed"],
                content=wanted["content"],
            )
            return
        for k, v in wanted.items():
            if v is not None:
                setattr(visit, k, v)
        visit._history_user = acting_user
        visit.save()

    return _finish(report, plans, dry_run, partial, write)


@dataclass
class _PlainRow:
    number: int
    raw: list


@dataclass
class _PlainTable:
    header: list
    rows: list


def plain_table(path) -> _PlainTable:
    """The file as received (the header row holding 户编号 and the rows below), for the
    downloadable error report."""
    rows = sheet_rows(Path(path))
    for _number, cells in rows:
        if "户编号" in [text(c) for c in cells]:
            return _PlainTable(list(cells), [_PlainRow(n, list(c)) for n, c in rows])
    return _PlainTable([], [])
