"""`tuopin import helpers FILE` and `tuopin import visits FILE` (docs/formats/people-helpers.md).

Each row names a household by its 户编号. Every row is checked first (row, column, Chinese
and English message); nothing is written when a row has an error unless `partial`
(then the good rows are written); a dry run writes nothing. A row that matches what is
stored changes nothing, so the same file imported twice changes nothing the second time.

Set-based: the households, cadres, open pairings and stored visits of a block of rows
are read with one query each; the new rows go in with `insert_rows` (COPY on
PostgreSQL) and the changed ones with `update_rows`, all in one transaction; the
helpers import hands each block's writes to a `WriteBehind` (ADR 0018; with a writer
thread, the new rows' ids drawn and their COPY text formatted by the reading thread,
ADR 0027), the visits import writes at the end. The rules are those of the services (pairing_services,
visits_services)."""

from __future__ import annotations

import datetime
from collections import namedtuple
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from django.db.models import Q
from django.utils import timezone

from tuopin.core.bulk import (
    CopyData,
    copy_data,
    copy_in,
    history_of,
    insert_rows,
    insert_with_history,
    new_ids,
    update_rows,
)
from tuopin.core.errors import TuopinError
from tuopin.core.write_behind import WriteBehind
from tuopin.people import access
from tuopin.people.importing import (
    BLOCK,
    CellError,
    Column,
    Layout,
    UnusableFile,
    accepting,
    among,
    blocks,
    collection_paused,
    finish,
    finish_behind,
    memo,
    message,
    read_table,
)
from tuopin.people.models import Pairing, PairingEndReason, Visit
from tuopin.people.pairing_services import CADRE_FIELDS, cadre_clean, county_of
from tuopin.registry.idnumbers import canonical_id_number
from tuopin.registry.interchange.reader import sheet_rows
from tuopin.registry.interchange.table_report import TableImportReport
from tuopin.registry.interchange.values import BadValue, a_date, text
from tuopin.registry.models import Helper, Household

HELPERS = Layout(
    (
        Column("number", "户编号", required=True),
        Column("name", "帮扶责任人姓名", ("帮扶责任人", "姓名"), required=True),
        Column("id_number", "身份证号"),
        Column("work_unit", "工作单位"),
        Column("unit_level", "单位级别"),
        Column("post", "职务"),
        Column("phone", "联系电话"),
        Column("started_on", "结对日期"),
    ),
    marks=("number",),
)
VISITS = Layout(
    (
        Column("number", "户编号", required=True),
        Column("helper_id_number", "帮扶责任人身份证号"),
        Column("helper_name", "帮扶责任人姓名", ("帮扶责任人", "姓名")),
        Column("visited_on", "走访日期", required=True),
        Column("title", "标题", required=True),
        Column("content", "内容"),
        Column("agreed", "商定事项"),
    ),
    marks=("number",),
)
HELPER_COLUMNS = {c.key: c.header for c in HELPERS.columns}
VISIT_COLUMNS = {c.key: c.header for c in VISITS.columns}

PeopleImportReport = TableImportReport


class _Dates:
    """The date cells of one import: each distinct cell parsed once, against one today."""

    def __init__(self):
        self.today = timezone.localdate()
        self.seen: dict = {}

    def __call__(self, value, column: str, required: bool = False) -> datetime.date | None:
        if value is not None and type(value) is not str:
            return _date(value, column, required, self.today)
        cell = (value, column, required)
        found = self.seen.get(cell)
        if found is None:
            try:
                found = self.seen[cell] = (_date(value, column, required, self.today),)
            except CellError as error:
                found = self.seen[cell] = error.code, error.message_zh, error.message_en
        if len(found) == 1:
            return found[0]
        raise CellError(column, *found)


def _date(
    value, column: str, required: bool = False, today: datetime.date | None = None
) -> datetime.date | None:
    try:
        day = a_date(value)
    except BadValue as bad:
        raise CellError(column, "date_invalid", bad.message_zh, bad.message_en) from bad
    if day is None and text(value):
        raise CellError(
            column, "date_invalid", f"“{text(value)}”不是日期", f"'{text(value)}' is not a date"
        )
    if day is None and required:
        raise CellError(column, "date_empty", "日期不能为空", "the date is empty")
    if day is not None and day > (today or timezone.localdate()):
        raise CellError(column, "date_future", "日期不能晚于今天", "the date is after today")
    return day


# What the imports need of a stored household, pairing and visit: values, not model
# instances (a block's rows are read as tuples; history rows are copied on the server).
_Home = namedtuple("_Home", "pk number village_id helper_id version")
_Open = namedtuple("_Open", "pk household_id helper_id started_on")
_Stored = namedtuple("_Stored", "pk household_id visited_on title content agreed helper_id")


class _Households:
    """The households a block of rows names (one query), within the importer's region."""

    def __init__(self, numbers: set[str], scope_prefix: str, user, topic: str):
        self.found: dict[str, list[_Home]] = {}
        query = Household.objects.filter(
            number__in=among(numbers), village__code__startswith=scope_prefix
        )
        if user is not None:
            query = query.filter(access.keep_q(user, topic, "village__code"))
        for household in query.values_list(*_Home._fields):
            household = _Home._make(household)
            self.found.setdefault(household.number, []).append(household)

    def get(self, number: str) -> _Home:
        matches = self.found.get(number, [])
        if not matches:
            raise CellError(
                "number",
                "household_unknown",
                f"户编号“{number}”不在建档立卡库中（或不在本区域）",
                f"household '{number}' is not registered (or not in your region)",
            )
        if len(matches) > 1:
            raise CellError(
                "number",
                "household_ambiguous",
                f"户编号“{number}”对应多个村的户，无法确定",
                f"household number '{number}' is found in several villages",
            )
        return matches[0]

    def pks(self) -> list[int]:
        return [h.pk for group in self.found.values() for h in group]

    def counties(self) -> set[str]:
        return {county_of(h.village_id) for group in self.found.values() for h in group}


class _Cadres:
    """The stored cadres by (county, ID number) and (county, name), read block by block
    (one query each) and kept for the file."""

    def __init__(self):
        self.by_id: dict[tuple[str, str], Helper] = {}
        self.by_name: dict[tuple[str, str], dict[int, Helper]] = {}

    def load(self, counties: set[str], id_numbers: set[str], names: set[str]) -> None:
        query = Helper.objects.filter(region_id__in=counties).filter(
            Q(id_number__in=among(id_numbers - {""})) | Q(name__in=among(names - {""}))
        )
        for cadre in query:
            if cadre.id_number:
                self.by_id.setdefault((cadre.region_id, cadre.id_number), cadre)
            self.by_name.setdefault((cadre.region_id, cadre.name), {})[cadre.pk] = cadre

    def named(self, county: str, name: str) -> list[Helper]:
        return list(self.by_name.get((county, name), {}).values())

    def ambiguous(self, column: str, name: str, count: int) -> CellError:
        return CellError(
            column,
            "helper_name_ambiguous",
            f"本县（区）有 {count} 名干部叫“{name}”：请填写身份证号",
            f"{count} cadres of the county are named '{name}': give the ID number",
        )


def _open_pairings(household_ids: list[int]) -> dict[int, _Open]:
    query = Pairing.objects.filter(
        household_id__in=among(household_ids, "bigint"), ended_on__isnull=True
    )
    return {p.household_id: p for p in map(_Open._make, query.values_list(*_Open._fields))}


# --- helpers -------------------------------------------------------------------------


@dataclass
class _HelperPlan:
    household: _Home
    key: tuple  # the cadre's key in the file: (county, "id"|"name", value)
    helper: Helper | None  # stored, or None: created by the file
    given: dict  # the cadre's fields the row gives (an empty cell keeps the stored)
    started_on: datetime.date | None
    current: _Open | None


def import_helpers(
    path, *, acting_user=None, dry_run: bool = False, partial: bool = False, scope_prefix: str = ""
) -> PeopleImportReport:
    """Check the file a block of rows at a time; each good block's writes go to a
    `WriteBehind` (on PostgreSQL written while the next block is checked) and are kept
    at the end unless a dry run, or errors without `partial`."""
    report = PeopleImportReport("helpers")
    table = read_table(path, HELPERS, lazy=True)
    cadres = _Cadres()
    planned_new: set[tuple] = set()  # the keys of the cadres the file creates
    # Each stored cadre the file changes: its fields as planned so far (what the
    # writer has been sent), so that a later row or block compares with them.
    planned_fields: dict[int, dict] = {}
    created: dict[tuple, int] = {}  # new cadres' ids by key: filled by the writes, in order
    seen: dict[int, int] = {}
    parse = _HelperCells()
    with collection_paused(), WriteBehind("helpers-import-writer") as writer:
        for block in blocks(table.rows, BLOCK, first=FIRST_BLOCK):
            report.rows += len(block)
            found = _Households(
                {text(c.get("number")) for _n, c in block},
                scope_prefix,
                acting_user,
                access.HELPERS,
            )
            cadres.load(
                found.counties(),
                {canonical_id_number(text(c.get("id_number"))) or "" for _n, c in block},
                {text(c.get("name")) for _n, c in block},
            )
            open_pairings = _open_pairings(found.pks())
            plans: list[_HelperPlan] = []
            new_cadres: dict[tuple, dict] = {}  # the cadres first met in this block
            for number, cells in block:
                try:
                    plan = _helper_row(cells, found, cadres, seen, open_pairings, parse)
                except CellError as error:
                    report.errors.append(message(HELPERS, number, error))
                    report.rejected += 1
                    continue
                seen[plan.household.pk] = number
                if plan.helper is None:
                    if plan.key not in planned_new:
                        planned_new.add(plan.key)
                        new_cadres[plan.key] = {"region_id": plan.key[0], **plan.given}
                    report.created += 1
                elif _helper_unchanged(plan):
                    report.unchanged += 1
                    continue
                elif plan.current is not None:
                    report.updated += 1
                else:
                    report.created += 1
                plans.append(plan)
            if not accepting(report, partial=partial, dry_run=dry_run):
                continue  # nothing will be kept: checking the rest is all that is left
            changed = _cadre_changes(plans, planned_fields)
            if not (plans or new_cadres):
                continue
            if writer.threaded:  # this thread formats the block's rows; the writer sends
                prepared = _prepared_helpers(plans, new_cadres, created)
                writer.put(lambda b=prepared, c=changed: _send_helpers(b, c, acting_user))
            else:
                writer.put(
                    lambda p=plans, n=new_cadres, c=changed: _write_helpers(
                        p, n, c, created, acting_user
                    )
                )
        return finish_behind(report, writer, partial=partial, dry_run=dry_run)


# The writer (the slower side of this import) starts after 1,000 rows are read and
# checked rather than after the whole file is read and 5,000 checked.
FIRST_BLOCK = 1000  # rows


class _HelperCells:
    """The cadre's cells (`cadre_clean`) and the date of one import, each distinct value
    checked once: a cadre is on the rows of each of their households."""

    def __init__(self):
        self.cadres: dict[tuple, dict | TuopinError] = {}
        self.date = _Dates()
        self.text = memo(text)

    def cadre(self, cells) -> dict:
        given = tuple(self.text(cells.get(k)) for k in CADRE_FIELDS)
        cleaned = self.cadres.get(given)
        if cleaned is None:
            try:
                cleaned = cadre_clean(dict(zip(CADRE_FIELDS, given, strict=True)))
            except TuopinError as error:
                cleaned = error
            self.cadres[given] = cleaned
        if isinstance(cleaned, TuopinError):
            raise CellError(
                cleaned.field if cleaned.field in HELPER_COLUMNS else "name",
                cleaned.code,
                cleaned.message_zh,
                cleaned.message_en,
            )
        return cleaned


def _helper_row(cells, found, cadres, seen, open_pairings, parse) -> _HelperPlan:
    household = found.get(parse.text(cells.get("number")))
    if household.pk in seen:
        raise CellError(
            "number",
            "household_twice",
            f"本户已在第 {seen[household.pk]} 行出现",
            f"the household is already on row {seen[household.pk]}",
        )
    cadre = parse.cadre(cells)
    started_on = parse.date(cells.get("started_on"), "started_on")
    county = county_of(household.village_id)
    if cadre["id_number"]:
        helper = cadres.by_id.get((county, cadre["id_number"]))
        key = (county, "id", cadre["id_number"])
    else:
        namesakes = cadres.named(county, cadre["name"])
        if len(namesakes) > 1:
            raise cadres.ambiguous("name", cadre["name"], len(namesakes))
        helper = namesakes[0] if namesakes else None
        key = (county, "name", cadre["name"])
    current = open_pairings.get(household.pk)
    if current is not None and (helper is None or current.helper_id != helper.pk):
        end = started_on or parse.date.today
        if current.started_on is not None and end < current.started_on:
            raise CellError(
                "started_on",
                "pairing_before_current",
                "结对日期早于现任帮扶责任人的结对日期",
                "the start is before the current pairing's start",
            )
    given = {k: v for k, v in cadre.items() if v}
    return _HelperPlan(household, key, helper, given, started_on, current)


def _helper_unchanged(plan: _HelperPlan) -> bool:
    helper, current = plan.helper, plan.current
    cadre_changes = any(getattr(helper, k) != v for k, v in plan.given.items())
    same_pairing = current is not None and current.helper_id == helper.pk
    date_fill = same_pairing and current.started_on is None and plan.started_on is not None
    return same_pairing and not cadre_changes and not date_fill


def _cadre_changes(plans: list[_HelperPlan], planned_fields: dict[int, dict]) -> list[tuple]:
    """(pk, *CADRE_FIELDS) of the stored cadres a block's rows change, each once per
    block with what its rows give (a later row's cell over an earlier one's), compared
    with the stored fields or with what an earlier block planned. Computed while the
    block is checked: the writer is handed values, nothing the reading goes on changing."""
    changed: set[int] = set()
    for plan in plans:
        helper = plan.helper
        if helper is None:
            continue
        fields = planned_fields.get(helper.pk)
        if fields is None:
            fields = {k: getattr(helper, k) for k in CADRE_FIELDS}
        if any(fields[k] != v for k, v in plan.given.items()):
            planned_fields[helper.pk] = {**fields, **plan.given}
            changed.add(helper.pk)
    return [(pk, *planned_fields[pk].values()) for pk in sorted(changed)]


def _write_helpers(
    plans: list[_HelperPlan], new_cadres: dict, changed: list[tuple], created: dict, user
) -> None:
    """One block's new cadres, changed cadres, ended and new pairings, the households'
    helper: a few statements per kind, with history. `created` holds the ids of the
    cadres earlier blocks created (a cadre is on the rows of each of their households,
    which may lie in later blocks), and takes those of this block's."""
    keys = list(new_cadres)
    ids = insert_with_history(Helper, [new_cadres[k] for k in keys], user=user)
    created.update(zip(keys, ids, strict=True))
    update_rows(Helper, list(CADRE_FIELDS), changed, user=user)
    writes = _pairing_writes(plans, created, timezone.localdate(), timezone.now())
    _write_pairings(writes, user)
    insert_rows(Pairing, PAIRING_NAMES, writes.new_pairings, user=user)


PAIRING_NAMES = ["helper_id", "household_id", "region_code", "started_on", "ended_on"]
PAIRING_NAMES += ["ended_reason", "created_at"]
HELPER_NAMES = ["region_id", *CADRE_FIELDS]


class _PairingWrites(NamedTuple):
    """A block's changes to pairings and households, as rows of `update_rows` and (new
    pairings) of PAIRING_NAMES."""

    ended: list[tuple]
    dated: list[tuple]
    new_pairings: list[tuple]
    households: list[tuple]


def _pairing_writes(plans: list[_HelperPlan], created: dict, today, now) -> _PairingWrites:
    ended, dated, new_pairings, households = [], [], [], []
    for plan in plans:
        helper_id = plan.helper.pk if plan.helper is not None else created[plan.key]
        current, household = plan.current, plan.household
        if current is not None and current.helper_id == helper_id:
            if current.started_on is None and plan.started_on is not None:
                dated.append((current.pk, plan.started_on))
        else:
            if current is not None:
                ended.append((current.pk, plan.started_on or today, PairingEndReason.REPLACED))
            new_pairings.append(
                (helper_id, household.pk, household.village_id, plan.started_on, None, "", now)
            )
        if household.helper_id != helper_id:
            households.append((household.pk, helper_id, household.version + 1, now))
    return _PairingWrites(ended, dated, new_pairings, households)


def _write_pairings(writes: _PairingWrites, user) -> None:
    """The households' helper, the ended and the dated pairings (the new ones follow)."""
    fields = ["helper_id", "version", "updated_at"]
    update_rows(Household, fields, writes.households, user=user, reason="帮扶结对")
    update_rows(Pairing, ["ended_on", "ended_reason"], writes.ended, user=user)
    update_rows(Pairing, ["started_on"], writes.dated, user=user)


class _Prepared(NamedTuple):
    """A block's writes as the reading thread prepared them (ADR 0025, 0027): the new
    cadres' and pairings' ids drawn and their rows formatted as COPY text."""

    helper_ids: list[int]
    helpers: CopyData
    writes: _PairingWrites
    pairing_ids: list[int]
    pairings: CopyData


def _prepared_helpers(plans: list[_HelperPlan], new_cadres: dict, created: dict) -> _Prepared:
    """On the reading thread (PostgreSQL, a writer thread): the ids of the block's new
    cadres (`created` takes them here, so only this thread reads or fills it) and new
    pairings, and their COPY text (each distinct date or time formatted once:
    core.copy_text), so that the writer thread only sends."""
    keys = list(new_cadres)
    helper_ids = new_ids(Helper, len(keys))
    created.update(zip(keys, helper_ids, strict=True))
    cadres = [new_cadres[k] for k in keys]
    helpers = copy_data(
        Helper,
        HELPER_NAMES,
        [tuple(c.get(n, "") for n in HELPER_NAMES) for c in cadres],
        ids=helper_ids,
    )
    writes = _pairing_writes(plans, created, timezone.localdate(), timezone.now())
    pairing_ids = new_ids(Pairing, len(writes.new_pairings))
    pairings = copy_data(Pairing, PAIRING_NAMES, writes.new_pairings, ids=pairing_ids)
    return _Prepared(helper_ids, helpers, writes, pairing_ids, pairings)


def _send_helpers(prepared: _Prepared, changed: list[tuple], user) -> None:
    """On the writer thread: one block's prepared rows sent, the updates and the history
    rows (copied on the server), in the order of `_write_helpers`."""
    copy_in(prepared.helpers)
    history_of(Helper, prepared.helper_ids, user=user)
    update_rows(Helper, list(CADRE_FIELDS), changed, user=user)
    _write_pairings(prepared.writes, user)
    copy_in(prepared.pairings)
    history_of(Pairing, prepared.pairing_ids, user=user)


# --- visits --------------------------------------------------------------------------


@dataclass
class _VisitPlan:
    household: _Home
    visited_on: datetime.date
    title: str
    wanted: dict  # content, agreed, helper_id (None: not given)
    visit: _Stored | None  # stored, or None: created


def import_visits(
    path, *, acting_user=None, dry_run: bool = False, partial: bool = False, scope_prefix: str = ""
) -> PeopleImportReport:
    report = PeopleImportReport("visits")
    table = read_table(path, VISITS)
    present = set(table.columns.values())
    if "helper_id_number" not in present and "helper_name" not in present:
        raise UnusableFile(
            "columns_missing",
            "表头缺少列：帮扶责任人身份证号或帮扶责任人姓名",
            "the header lacks 帮扶责任人身份证号 or 帮扶责任人姓名",
        )
    report.rows = len(table.rows)
    cadres = _Cadres()
    seen: dict[tuple, int] = {}
    plans: list[_VisitPlan] = []
    parse = _VisitCells()
    for block in blocks(table.rows):
        found = _Households(
            {text(c.get("number")) for _n, c in block}, scope_prefix, acting_user, access.VISITS
        )
        cadres.load(
            found.counties(),
            {canonical_id_number(text(c.get("helper_id_number"))) or "" for _n, c in block},
            {text(c.get("helper_name")) for _n, c in block},
        )
        stored: dict[tuple, _Stored] = {}
        # The stored visits of the block's households on the block's days: one query.
        visits = Visit.objects.filter(
            household_id__in=among(found.pks(), "bigint"),
            visited_on__in=among(_days(block, parse), "date"),
        ).order_by("pk")
        for visit in map(_Stored._make, visits.values_list(*_Stored._fields)):
            stored.setdefault((visit.household_id, visit.visited_on, visit.title), visit)
        open_pairings = _open_pairings(found.pks())
        for number, cells in block:
            try:
                plan = _visit_row(cells, found, cadres, seen, stored, parse)
            except CellError as error:
                report.errors.append(message(VISITS, number, error))
                report.rejected += 1
                continue
            seen[(plan.household.pk, plan.visited_on, plan.title)] = number
            if plan.visit is None:
                if plan.wanted["helper_id"] is None:
                    pairing = open_pairings.get(plan.household.pk)
                    plan.wanted["helper_id"] = (
                        pairing.helper_id if pairing else plan.household.helper_id
                    )
                report.created += 1
                plans.append(plan)
            elif any(getattr(plan.visit, k) != v for k, v in plan.wanted.items() if v is not None):
                report.updated += 1
                plans.append(plan)
            else:
                report.unchanged += 1
    return finish(
        report, partial=partial, dry_run=dry_run, write=lambda: _write_visits(plans, acting_user)
    )


def _days(block, parse) -> set[datetime.date]:
    days = set()
    for _number, cells in block:
        try:
            days.add(parse.date(cells.get("visited_on"), "visited_on", True))
        except CellError:
            continue
    return days


class _VisitCells:
    """The cells of one visits import, each distinct value parsed once."""

    def __init__(self):
        self.date = _Dates()
        self.text = memo(text)
        self.id_number = memo(lambda cell: canonical_id_number(text(cell)))


def _visit_row(cells, found, cadres, seen, stored, parse) -> _VisitPlan:
    text = parse.text
    household = found.get(text(cells.get("number")))
    county = county_of(household.village_id)
    visited_on = parse.date(cells.get("visited_on"), "visited_on", True)
    title = text(cells.get("title"))
    if not title:
        raise CellError("title", "title_empty", "标题不能为空", "the title is empty")
    if len(title) > 200:
        raise CellError(
            "title", "title_long", "标题不能超过200个字", "the title is over 200 characters"
        )
    helper = None
    id_number = text(cells.get("helper_id_number"))
    name = text(cells.get("helper_name"))
    if id_number:
        helper = cadres.by_id.get((county, parse.id_number(id_number)))
        if helper is None:
            raise CellError(
                "helper_id_number",
                "helper_unknown",
                "本县（区）没有该身份证号的帮扶责任人",
                "no helper of the county has this ID number",
            )
    elif name:
        namesakes = cadres.named(county, name)
        if not namesakes:
            raise CellError(
                "helper_name",
                "helper_unknown",
                f"本县（区）没有叫“{name}”的帮扶责任人",
                f"no helper of the county is named '{name}'",
            )
        if len(namesakes) > 1:
            raise cadres.ambiguous("helper_name", name, len(namesakes))
        helper = namesakes[0]
    key = (household.pk, visited_on, title)
    if key in seen:
        raise CellError(
            "title",
            "visit_twice",
            f"同一户同一天同一标题的走访已在第 {seen[key]} 行出现",
            f"the same visit is already on row {seen[key]}",
        )
    wanted = {
        "content": text(cells.get("content")),
        "agreed": text(cells.get("agreed")),
        "helper_id": helper.pk if helper else None,
    }
    return _VisitPlan(household, visited_on, title, wanted, stored.get(key))


def _write_visits(plans: list[_VisitPlan], user) -> None:
    now, user_id = timezone.now(), getattr(user, "pk", None)
    names = ["household_id", "helper_id", "region_code", "visited_on", "title", "agreed"]
    names += ["content", "followed_up", "token", "recorded_by_id", "created_at"]
    new = [
        (
            plan.household.pk,
            plan.wanted["helper_id"],
            plan.household.village_id,
            plan.visited_on,
            plan.title,
            plan.wanted["agreed"],
            plan.wanted["content"],
            "",
            "",
            user_id,
            now,
        )
        for plan in plans
        if plan.visit is None
    ]
    insert_rows(Visit, names, new, user=user)
    changed = []
    for plan in plans:
        visit, wanted = plan.visit, plan.wanted
        if visit is not None:
            helper_id = visit.helper_id if wanted["helper_id"] is None else wanted["helper_id"]
            changed.append((visit.pk, wanted["content"], wanted["agreed"], helper_id))
    update_rows(Visit, ["content", "agreed", "helper_id"], changed, user=user)


@dataclass
class _PlainRow:
    number: int
    raw: list


@dataclass
class _PlainTable:
    header: list
    rows: list


HOUSEHOLD_TABLE = Layout((Column("number", "户编号"),), marks=("number",))


def plain_table(path) -> _PlainTable:
    """The file as received (its header row and every row), for the downloadable error
    report."""
    try:
        header = read_table(path, HOUSEHOLD_TABLE).header
    except UnusableFile:
        return _PlainTable([], [])
    return _PlainTable(header, [_PlainRow(n, list(c)) for n, c in sheet_rows(Path(path))])
