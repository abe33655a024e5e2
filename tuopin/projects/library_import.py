"""`tuopin import projects FILE`: a county's project library from a spreadsheet (xlsx,
xls or csv). Layout: docs/formats/projects.md. One row a project, keyed by its 项目编号
within the county; villages and beneficiary households as lists in a cell; fundings one
column per source level; the stage only up to 已入库 (with performance targets and a
带贫减贫机制, as the flow asks).

The registry import's guarantees: every error names its row and column in Chinese and
English; a dry run writes nothing; all or nothing unless `partial`; re-importing the same
file changes nothing (each project is compared before it is written); writes keep
history. A project already in the library is not changed by an import (edits end at
entry), nor is a project's stage (the flow moves it, on its page).

Set-based: each column is parsed in one pass, each distinct cell once (labels, dates,
amounts repeat; a column of text normalised as one string, _texts), and the rules
across a row's cells are checked column by column; the regions, stored projects (as
values, not model instances), fundings, villages and households a block of rows names
are read with one query each; new projects and their
fundings, villages, entries, steps and beneficiaries are written as tuples with COPY on
PostgreSQL (insert_rows, insert_children: the children without a round trip of their
ids), their history by one INSERT ... SELECT per table; changed projects with one
UPDATE. The file is read a block at a time and each block's new projects are written
behind (core.write_behind: on PostgreSQL by a thread on its own connection while the
next block is checked), kept only if the whole file is (all or nothing, unless partial).
A new project's children name it without a database check (ADR 0019): their project is
the one just inserted in the same transaction. Python's cycle collector is paused
meanwhile (collection_paused)."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import reduce
from operator import itemgetter, or_
from pathlib import Path

from django.db.models import Q
from django.utils import translation

from tuopin.core.bulk import (
    CopyData,
    copy_data,
    copy_in,
    history_of,
    insert_children,
    insert_rows,
    new_ids,
    update_rows,
)
from tuopin.core.regioncodes import within
from tuopin.core.spreadsheets import QUOTE
from tuopin.core.write_behind import WriteBehind
from tuopin.people.importing import (
    CellError,
    Column,
    Layout,
    UnusableFile,
    among,
    blocks,
    collection_paused,
    finish,
    message,
    read_table,
)
from tuopin.projects import access
from tuopin.projects.changes import funds_written
from tuopin.projects.enums import FundNature, ProjectCategory, ProjectNature, SourceLevel
from tuopin.projects.enums import ProjectStage as S
from tuopin.projects.models import (
    LibraryEntry,
    Project,
    ProjectBeneficiary,
    ProjectFunding,
    ProjectStep,
)
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region
from tuopin.registry.interchange import values as v
from tuopin.registry.interchange.table_report import TableImportReport
from tuopin.registry.models import Household

IMPORT_STAGES = (S.APPLIED, S.REVIEWED, S.APPRAISED, S.APPROVED, S.IN_LIBRARY)
LEVEL_COLUMNS = {
    SourceLevel.CENTRAL: "中央资金（元）",
    SourceLevel.PROVINCE: "省级资金（元）",
    SourceLevel.CITY: "市级资金（元）",
    SourceLevel.COUNTY: "县级资金（元）",
}
LAYOUT = Layout(
    (
        Column("code", "项目编号", ("项目代码",), required=True),
        Column("name", "项目名称", required=True),
        Column("year", "申报年度", ("年度",), required=True),
        Column("category", "项目类别", required=True),
        Column("nature", "建设性质", required=True),
        Column("region", "申报单位区划代码", ("区划代码", "申报单位代码"), required=True),
        Column("villages", "实施地点", ("实施村",)),
        Column("location", "实施地点说明"),
        Column("starts_on", "计划开工日期", ("开工日期",)),
        Column("ends_on", "计划完工日期", ("完工日期",)),
        Column("unit", "实施单位", required=True),
        Column("person", "责任人", required=True),
        Column("phone", "联系电话"),
        Column("tasks", "建设任务", ("建设内容",), required=True),
        Column("subsidy_standard", "补助标准"),
        Column("amount", "项目总投资（元）", ("项目总投资", "总投资"), required=True),
        *(
            Column(f"funding_{level}", header, (header.removesuffix("（元）"),))
            for level, header in LEVEL_COLUMNS.items()
        ),
        Column("fund_nature", "资金性质"),
        Column("targets", "绩效目标"),
        Column("mechanism", "带贫减贫机制", ("联农带贫机制",)),
        Column("participation", "群众参与机制"),
        Column("households_planned", "计划带动贫困户数", ("带动贫困户数",)),
        Column("stage", "所处环节", ("环节",)),
        Column("entered_on", "入库日期"),
        Column("document", "入库文号"),
        Column("beneficiaries", "受益户编号", ("受益户",)),
    ),
    marks=("code", "name", "region"),
)
HEADERS = {c.key: c.header for c in LAYOUT.columns}
LIST_SPLIT = re.compile(r"[、,，;；\s]+")
TEXT = ("name", "location", "unit", "person", "phone", "tasks", "subsidy_standard")
LONG_TEXT = ("targets", "mechanism", "participation")
LIMITS = {
    "code": 40,
    "name": 200,
    "location": 200,
    "unit": 100,
    "person": 50,
    "phone": 30,
    "subsidy_standard": 200,
}
# The project's own fields an import compares and writes (ATTNAMES: as stored).
FIELDS = [
    "name",
    "year",
    "category",
    "nature",
    "region",
    "location",
    "starts_on",
    "ends_on",
    "unit",
    "person",
    "phone",
    "tasks",
    "subsidy_standard",
    "amount",
    "targets",
    "mechanism",
    "participation",
    "households_planned",
]
ATTNAMES = ["region_id" if name == "region" else name for name in FIELDS]
# A checked row's values of FIELDS, in C: its text cells are "" when empty (v.text).
_VALUES = itemgetter(*FIELDS)
REGION = ATTNAMES.index("region_id")


def ProjectsImportReport() -> TableImportReport:  # noqa: N802 (the kind's empty report)
    return TableImportReport("projects")


def _words(choices) -> dict[str, str]:
    """The code of each code and Chinese label (computed once: labels are lazy)."""
    with translation.override("zh-hans"):
        return {v.key(word): code for code, label in choices for word in (code, str(label))}


def _choice(choices, zh: str):
    words: dict[str, str] = {}

    def parse(value):
        word = v.key(value)
        if not word:
            return ""
        if not words:
            words.update(_words(choices))
        if word in words:
            return words[word]
        with translation.override("zh-hans"):
            labels = "、".join(str(label) for _c, label in choices)
        raise CellError(
            "", "bad_choice", f"{zh}“{v.text(value)}”无效，应为：{labels}", f"invalid {zh} value"
        )

    return parse


_STAGE_WORDS: dict[str, str] = {}


def _stage(value):
    word = v.key(value)
    if not word:
        return S.IN_LIBRARY
    if not _STAGE_WORDS:
        _STAGE_WORDS.update(_words([(c, S(c).label) for c in IMPORT_STAGES]))
    if word in _STAGE_WORDS:
        return _STAGE_WORDS[word]
    with translation.override("zh-hans"):
        labels = "、".join(str(S(code).label) for code in IMPORT_STAGES)
    raise CellError(
        "",
        "stage_not_importable",
        f"所处环节“{v.text(value)}”不能导入，只能是：{labels}（之后的环节在项目页办理）",
        "only stages up to 'in library' are imported; later steps are taken on the page",
    )


def _code12(value) -> str:
    return _code12_of_text(v.text(value))


def _code12_of_text(text: str) -> str:
    word = text.replace(" ", "")  # v.key
    if word and (not word.isdigit() or len(word) != 12):
        raise v.BadValue(f"“{text}”不是 12 位区划代码", f"'{text}' is not a 12-digit code")
    return word


def _list(value) -> tuple[str, ...]:
    return _list_of_text(v.text(value))


def _list_of_text(text: str) -> tuple[str, ...]:
    return tuple(part for part in LIST_SPLIT.split(text) if part)


def _money(value):
    amount = v.amount(value)
    if amount is not None and amount < 0:
        raise v.BadValue("金额不能为负数", "an amount cannot be negative", "negative")
    return amount


PARSERS = {
    "code": v.text,
    "name": v.text,
    "year": lambda x: v.whole_number(x, low=2000, high=2100),
    "category": _choice(ProjectCategory.choices, "项目类别"),
    "nature": _choice(ProjectNature.choices, "建设性质"),
    "region": _code12,
    "villages": _list,
    "location": v.text,
    "starts_on": v.a_date,
    "ends_on": v.a_date,
    "unit": v.text,
    "person": v.text,
    "phone": v.text,
    "tasks": v.text,
    "subsidy_standard": v.text,
    "amount": _money,
    **{f"funding_{level}": _money for level in LEVEL_COLUMNS},
    "fund_nature": _choice(FundNature.choices, "资金性质"),
    "targets": v.text,
    "mechanism": v.text,
    "participation": v.text,
    "households_planned": lambda x: v.whole_number(x, low=0, high=1_000_000),
    "stage": _stage,
    "entered_on": v.a_date,
    "document": v.text,
    "beneficiaries": _list,
}


REQUIRED = ("code", "name", "year", "category", "nature", "region", "unit", "person", "tasks",
            "amount")  # fmt: skip
FUNDING_KEYS = tuple(f"funding_{level}" for level in LEVEL_COLUMNS)
# The project's columns a new project is written with (COPY: in this order).
NEW_PROJECT = ["county_id", "code", "stage", "created_by_id", *ATTNAMES]
FUNDING = ["project_id", "level", "nature", "amount"]
BENEFICIARY = ["project_id", "household_id", "how"]
ENTRY = ["project_id", "year", "entered_on", "document", "removal_reason"]
VILLAGE = ["project_id", "region_id"]
STEP = ["project_id", "action", "stage", "acted_on", "document", "note", "acting_user_id"]
REASON = "导入项目库"
# A new project's children, written after it in this order.
CHILDREN = (
    (ProjectFunding, FUNDING),
    (Project.villages.through, VILLAGE),
    (ProjectBeneficiary, BENEFICIARY),
    (LibraryEntry, ENTRY),
    (ProjectStep, STEP),
)
# Rows parsed, checked and handed to the writer at a time: small enough that the writing
# of one block overlaps the reading of the next, large enough that the queries per
# block (stored rows, households) and the statements per write stay few.
WRITE_BLOCK = 1000
FIRST_BLOCK = 200  # the writer waits for the first block: a small one starts it sooner


_TEXT_OR_EMPTY = {str, type(None)}
# Parsers that read only a cell's text (v.text): a column of text cells is normalised as
# a whole (_texts), then each distinct text goes through the rest (None: nothing more).
ON_TEXT: dict[Callable, Callable | None] = {
    v.text: None,
    _code12: _code12_of_text,
    _list: _list_of_text,
}
_JOIN = "\x00"  # neither changed by NFKC nor composed with a neighbour, nor whitespace
_SPACES = re.compile(r"\s+")


def _texts(cells: list) -> list[str] | None:
    """`v.text` of each cell of a list of text cells, worked out on the cells joined into
    one string (one NFKC normalisation, one whitespace pass, in C) instead of cell by
    cell: a project's code, name and tasks differ on every row, each cell a cache miss
    of v.text. NFKC and the collapsing of whitespace do not reach across the joining
    character, so each part is the cell's own text (tests compare with v.text). None
    when a cell is not text, or holds the joining character or a quote (which v.text
    may remove: the platform's formula quote), for the caller to parse cell by cell."""
    try:
        joined = _JOIN.join(cells)
    except TypeError:
        return None
    if QUOTE in joined or joined.count(_JOIN) != len(cells) - 1:
        return None
    if not joined.isascii():
        joined = unicodedata.normalize("NFKC", joined).replace("\u3000", " ")
    joined = _SPACES.sub(" ", joined).replace(" " + _JOIN, _JOIN).replace(_JOIN + " ", _JOIN)
    return joined.strip(" ").split(_JOIN)


def _parse_column(parser, cells: list) -> tuple[list, dict[int, Exception]]:
    """The column's values (None where a cell failed) and its failures by row index: each
    distinct cell is parsed once (labels, dates, years, amounts and units repeat down a
    column), then the column is mapped through the results in one pass."""
    if not set(map(type, cells)) <= _TEXT_OR_EMPTY:  # a csv's cells are text: no pass in Python
        cells = [(type(cell), cell) for cell in cells]  # 1, 1.0 and True are one key else
        unwrap = itemgetter(1)
    else:
        unwrap = None
    try:
        distinct = dict.fromkeys(cells)
    except TypeError:  # an unhashable cell: parse each on its own
        distinct = None
    if distinct is None:
        values, failed = [], {}
        for index, cell in enumerate(cells):
            try:
                values.append(parser(unwrap(cell) if unwrap else cell))
            except (CellError, v.BadValue) as error:
                values.append(None)
                failed[index] = error
        return values, failed
    bad = {}
    texts = _texts(list(distinct)) if parser in ON_TEXT and unwrap is None else None
    if texts is not None:
        then = ON_TEXT[parser]
        if then is None:
            distinct = dict(zip(distinct, texts, strict=True))
        else:
            for cell, text in zip(distinct, texts, strict=True):
                try:
                    distinct[cell] = then(text)
                except (CellError, v.BadValue) as error:
                    bad[cell] = error
    else:
        for cell in distinct:
            try:
                distinct[cell] = parser(unwrap(cell) if unwrap else cell)
            except (CellError, v.BadValue) as error:
                bad[cell] = error
    values = list(map(distinct.__getitem__, cells))
    failed = {i: bad[cell] for i, cell in enumerate(cells) if cell in bad} if bad else {}
    return values, failed


def _problems(columns: dict[str, list], failed: dict[str, dict]) -> dict[int, list[CellError]]:
    """The rules across a row's cells, column by column: row index -> its problems, in
    the order the rules are listed (required, length, entry, dates, fundings)."""
    found: dict[int, list[CellError]] = defaultdict(list)
    for k in REQUIRED:
        bad = failed[k]
        for i, value in enumerate(columns[k]):
            if (value is None or value == "") and i not in bad:
                found[i].append(
                    CellError(k, "required", f"“{HEADERS[k]}”未填写", f"'{HEADERS[k]}' is missing")
                )
    for k, limit in LIMITS.items():
        for i, value in enumerate(columns[k]):
            if value and len(value) > limit:
                found[i].append(
                    CellError(
                        k, "too_long", f"“{HEADERS[k]}”超过 {limit} 个字", f"longer than {limit}"
                    )
                )
    in_library = [i for i, stage in enumerate(columns["stage"]) if stage == S.IN_LIBRARY]
    for i in in_library:
        for k, zh, en in (
            ("targets", "绩效目标", "performance targets"),
            ("mechanism", "带贫减贫机制", "a benefit mechanism"),
        ):
            if not columns[k][i] and i not in failed[k]:
                found[i].append(
                    CellError(
                        k,
                        "entry_incomplete",
                        f"已入库的项目必须有{zh}（没有{zh}，不能入库）",
                        f"a project in the library needs {en}",
                    )
                )
    for i, (starts, ends) in enumerate(zip(columns["starts_on"], columns["ends_on"], strict=True)):
        if starts and ends and ends < starts:
            found[i].append(
                CellError(
                    "ends_on", "dates_order", "计划完工日期早于开工日期", "ends before it starts"
                )
            )
    amounts = zip(columns["amount"], *(columns[k] for k in FUNDING_KEYS), strict=True)
    for i, (amount, *fundings) in enumerate(amounts):
        given = [f for f in fundings if f is not None]
        if given and amount is not None and sum(given, Decimal(0)) != amount:
            found[i].append(
                CellError(
                    "amount",
                    "fundings_total",
                    f"各级资金合计 {sum(given, Decimal(0))} 元与项目总投资 {amount} 元不符",
                    "the fundings do not add up to the amount",
                )
            )
    return found


def import_projects(
    path: Path | str, *, acting_user=None, dry_run: bool = False, partial: bool = False
) -> TableImportReport:
    """Import a project library file; raises UnusableFile for an unreadable one."""
    with collection_paused():
        return _import(path, acting_user, dry_run=dry_run, partial=partial)


def _import(path, acting_user, *, dry_run: bool, partial: bool) -> TableImportReport:
    report = ProjectsImportReport()
    table = read_table(path, LAYOUT, lazy=True)
    present = set(table.columns.values())
    plan, seen = _Plan(acting_user, report), {}
    # Each checked block's new projects are written behind (on PostgreSQL, by a thread on
    # a connection of its own, while the next block is parsed and checked: the server's
    # writing overlaps the process's reading); kept only if the whole file was good.
    with WriteBehind("projects-import-writer") as writer:
        for block in blocks(table.rows, WRITE_BLOCK, first=FIRST_BLOCK):
            report.rows += len(block)
            good = _checked(block, present, seen, report)
            plan.load(good)
            done = dict.fromkeys(("created", "updated", "unchanged"), 0)
            for number, parsed in good:
                try:
                    done[plan.row(parsed)] += 1
                except CellError as error:
                    report.errors.append(message(LAYOUT, number, error))
                    report.rejected += 1
            for outcome, count in done.items():
                setattr(report, outcome, getattr(report, outcome) + count)
            if not dry_run and (partial or not report.errors):  # else nothing will be kept
                writer.put(plan.take_new(prepared=writer.threaded))
            else:
                plan.take_new()  # dropped

        def write() -> None:  # the file is to be kept
            writer.put(plan.write_changed)
            writer.close(keep=True)
            plan.written()

        report = finish(report, partial=partial, dry_run=dry_run, write=write)
        writer.close(keep=False)  # nothing to keep (a kept file was closed by `write`)
    return report


def _checked(block: list, present: set[str], seen: dict, report) -> list[tuple[int, dict]]:
    """The block's rows that pass the checks of their own cells, as (number, values by
    column key); the others' errors go to the report. `seen`: the (county, code) of the
    rows passed so far, with their row numbers (a code twice in the file is an error)."""
    numbers = [number for number, _cells in block]
    columns, failed = {}, {}
    cell_errors: dict[int, list] = defaultdict(list)  # row index -> its cells' errors
    # A row's dict holds every column of the file's header: a column's cells are picked
    # in C (itemgetter); a column the file lacks is empty.
    dicts = [cells for _number, cells in block]
    empty = [None] * len(dicts)
    for column, parser in PARSERS.items():
        cells = list(map(itemgetter(column), dicts)) if column in present else empty
        columns[column], failed[column] = _parse_column(parser, cells)
        for i, error in failed[column].items():
            error.column = column  # a parser's CellError does not know its column
            cell_errors[i].append(error)
    problems = _problems(columns, failed)
    # A row as the plan reads it: its values by column key (a failed cell has none).
    keys = list(columns)
    rows = [dict(zip(keys, values, strict=True)) for values in zip(*columns.values(), strict=True)]
    for i, errors in cell_errors.items():
        for error in errors:
            del rows[i][error.column]
    good = []
    failing = cell_errors.keys() | problems.keys()
    for i, (number, parsed) in enumerate(zip(numbers, rows, strict=True)):
        if i not in failing:  # most rows: only a code the file already had to look for
            key = (parsed["region"][:6], parsed["code"])
            if key not in seen:
                seen[key] = number
                good.append((number, parsed))
                continue
            problems[i].append(
                CellError(
                    "code",
                    "duplicate",
                    f"项目编号与第 {seen[key]} 行重复",
                    f"the same project code as row {seen[key]}",
                )
            )
        report.errors.extend(message(LAYOUT, number, error) for error in cell_errors.get(i, ()))
        report.errors.extend(message(LAYOUT, number, problem) for problem in problems.get(i, ()))
        report.rejected += 1
    return good


class _Plan:
    def __init__(self, user, report):
        self.user, self.report = user, report
        self.prefixes = None if user is None else access.keep_prefixes(user, access.LIBRARY)
        self.regions: dict[str, str] = {}  # code -> level
        self.village_names: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.loaded_counties: set[str] = set()
        # Stored projects as values, not model instances: (pk, stage, ATTNAMES values).
        self.stored: dict[tuple[str, str], tuple] = {}
        self.fundings: dict[int, set] = defaultdict(set)
        self.villages: dict[int, set] = defaultdict(set)
        self.beneficiaries: dict[int, set] = defaultdict(set)
        self.households: dict[tuple[str, str], set[int]] = defaultdict(set)
        self.new: list[tuple[tuple, dict]] = []  # (the project's NEW_PROJECT values, plan)
        self.changed: list[tuple[int, tuple, dict]] = []  # (pk, ATTNAMES values, plan)
        self.counties: set[str] = set()

    def load(self, block) -> None:
        rows = [p for _n, p in block]
        counties = {p["region"][:6] for p in rows} - self.loaded_counties
        if counties:  # the regions of the counties new to this block, in one query
            found = Region.objects.filter(reduce(or_, (Q(code__startswith=c) for c in counties)))
            for code, name, level in found.values_list("code", "name", "level"):
                self.regions[code] = level
                if level == RegionLevel.VILLAGE:
                    self.village_names[(code[:6], name)].append(code)
            # The stored projects of these counties, whole (a county holds thousands at
            # most): one query per model, without lists of thousands of codes or ids;
            # none for a block whose counties were read before.
            self._load_stored([county.ljust(12, "0") for county in counties])
        self.loaded_counties |= counties
        numbers = {n for p in rows for n in p.get("beneficiaries") or ()}
        if numbers:
            for pk, number, village in Household.objects.filter(
                number__in=among(numbers)
            ).values_list("pk", "number", "village_id"):
                self.households[(village[:6], number)].add(pk)

    def _load_stored(self, county_codes: list[str]) -> None:
        """The counties' stored projects as values, and the children of those (a county
        without stored projects has none to read)."""
        found = Project.objects.filter(county_id__in=county_codes)
        stored = found.values_list("pk", "county_id", "code", "stage", *ATTNAMES)
        for pk, county_id, code, stage, *values in stored:
            self.stored[(county_id, code)] = (pk, stage, tuple(values))
        if not stored:
            return
        of_counties = {"project__county_id__in": county_codes}
        funded = ProjectFunding.objects.filter(**of_counties)
        for project_id, *funding in funded.values_list("project_id", "level", "nature", "amount"):
            self.fundings[project_id].add(tuple(funding))
        through = Project.villages.through.objects.filter(**of_counties)
        for project_id, region_id in through.values_list("project_id", "region_id"):
            self.villages[project_id].add(region_id)
        linked = ProjectBeneficiary.objects.filter(**of_counties)
        for project_id, household in linked.values_list("project_id", "household_id"):
            self.beneficiaries[project_id].add(household)

    def _region(self, code: str) -> str:
        """The level of the region the row names, checked."""
        level = self.regions.get(code)
        if level is None or level == RegionLevel.CITY:
            raise CellError(
                "region", "region_unknown", f"区划代码“{code}”不存在", f"no region '{code}'"
            )
        if self.prefixes is not None and not within(code, self.prefixes):
            raise CellError(
                "region", "out_of_scope", "不在您可维护的区划内", "outside the regions you keep"
            )
        return level

    def _villages(self, county: str, items, fallback: str) -> set[str]:
        found = set()
        for item in items:
            if item.isdigit():
                if self.regions.get(item) != RegionLevel.VILLAGE:
                    raise CellError(
                        "villages",
                        "village_unknown",
                        f"实施地点“{item}”不是本县的行政村",
                        f"'{item}' is not a village of the county",
                    )
                found.add(item)
                continue
            codes = self.village_names.get((county, item), [])
            if len(codes) != 1:
                zh = "不是本县的行政村" if not codes else "在本县有重名，请填写 12 位代码"
                raise CellError(
                    "villages",
                    "village_unknown" if not codes else "village_ambiguous",
                    f"实施地点“{item}”{zh}",
                    f"'{item}' names no single village of the county",
                )
            found.add(codes[0])
        if not found and self.regions.get(fallback) == RegionLevel.VILLAGE:
            found.add(fallback)
        return found

    def row(self, p: dict) -> str:
        region = p["region"]
        self._region(region)
        county = region[:6]
        places = self._villages(county, p.get("villages") or (), region)
        households = set()
        for item in p.get("beneficiaries") or ():
            found = self.households.get((county, item), set())
            if len(found) != 1:
                raise CellError(
                    "beneficiaries",
                    "household_unknown" if not found else "household_ambiguous",
                    f"受益户编号“{item}”"
                    + ("不在本县建档立卡库中" if not found else "在本县不唯一"),
                    f"the household '{item}' is not (once) in the county's registry",
                )
            households.add(next(iter(found)))
        nature = p.get("fund_nature") or FundNature.SPECIAL
        fundings = {
            (level, nature, p[key])
            for level, key in zip(LEVEL_COLUMNS, FUNDING_KEYS, strict=True)
            if p.get(key) is not None
        }
        values = _VALUES(p)  # in the order of ATTNAMES (a good row has every column)
        entered_on = p.get("entered_on") or date(p["year"], 1, 1)
        plan = {
            "fundings": fundings,
            "villages": places,
            "households": households,
            "entered_on": entered_on,
            "document": (p.get("document") or "")[:100],
            "stage": p["stage"],
        }
        self.counties.add(county)
        county_id = county.ljust(12, "0")
        stored = self.stored.get((county_id, p["code"]))
        if stored is None:
            self.new.append(((county_id, p["code"], p["stage"], _id(self.user), *values), plan))
            return "created"
        pk, stage, stored_values = stored
        if self.prefixes is not None and not within(stored_values[REGION], self.prefixes):
            raise CellError(
                "region", "out_of_scope", "不在您可维护的区划内", "outside the regions you keep"
            )
        same = (
            stored_values == values
            and self.fundings[pk] == fundings
            and self.villages[pk] == places
            and (not households or self.beneficiaries[pk] == households)
        )
        if stage != p["stage"]:
            raise CellError(
                "stage",
                "stage_changed",
                f"项目已处于“{S(stage).label}”，导入不能改变环节（请在项目页办理）",
                "an import does not move a project's stage: take the step on its page",
            )
        if same:
            return "unchanged"
        if stage in (S.IN_LIBRARY, S.PLANNED, S.IMPLEMENTING, S.COMPLETED, S.ANNOUNCED):
            raise CellError(
                "code",
                "not_editable",
                f"项目处于“{S(stage).label}”，入库后不能通过导入修改",
                "a project in the library is not changed by an import",
            )
        self.changed.append((pk, values, plan))
        return "updated"

    def take_new(self, prepared: bool = False) -> Callable[[], None]:
        """The writing of the projects planned as new since the last call (a block's).
        `prepared` (a writer thread on PostgreSQL): this thread draws the projects' ids
        and formats every row's COPY text now, so the writer only sends (ADR 0025)."""
        new, self.new = self.new, []
        batch = self._prepared(new) if prepared and new else new
        return lambda: self._write_new(batch)

    def _children(self, ids, new, today) -> tuple[list, ...]:
        """The new projects' fundings, villages, beneficiaries, entries and steps (in the
        order of CHILDREN), each as tuples that start with the project's id; `today`, the
        steps' date (as a date, or as text for COPY)."""
        user = self.user
        fundings, villages, entries, steps, beneficiaries = [], [], [], [], []
        for pk, (_values, plan) in zip(ids, new, strict=True):
            fundings += [(pk, *funding) for funding in sorted(plan["fundings"])]
            villages += [(pk, code) for code in sorted(plan["villages"])]
            beneficiaries += [(pk, household, "") for household in sorted(plan["households"])]
            if plan["stage"] == S.IN_LIBRARY:
                entries.append(
                    (pk, plan["entered_on"].year, plan["entered_on"], plan["document"], "")
                )
            steps.append((pk, "import", plan["stage"], today, plan["document"], REASON, _id(user)))
        return fundings, villages, beneficiaries, entries, steps

    def _prepared(self, new: list[tuple[tuple, dict]]) -> _Prepared:
        ids = new_ids(Project, len(new))
        projects = copy_data(Project, NEW_PROJECT, [values for values, _plan in new], ids=ids)
        children = [
            copy_data(model, names, rows)
            # The steps' date as text once (psycopg would format it on every row).
            for (model, names), rows in zip(
                CHILDREN, self._children(ids, new, date.today().isoformat()), strict=True
            )
            if rows
        ]
        return _Prepared(ids, projects, children)

    def _write_new(self, new: list[tuple[tuple, dict]] | _Prepared) -> None:
        user = self.user
        if isinstance(new, _Prepared):  # formatted by the reading thread: sent as it is
            copy_in(new.projects)
            history_of(Project, new.ids, user=user, reason=REASON)
            for child in new.children:
                copy_in(child)
                history_of(child.model, new.ids, user=user, reason=REASON, by="project_id")
            return
        ids = insert_rows(
            Project, NEW_PROJECT, [values for values, _plan in new], user=user, reason=REASON
        )
        # The children of new projects are new: COPY draws their ids, history by parent.
        children_of = self._children(ids, new, date.today())
        for (model, names), children in zip(CHILDREN, children_of, strict=True):
            insert_children(model, names, children, ids, user=user, reason=REASON)

    def written(self) -> None:
        """The funds app's followers (warnings) learn of the counties written."""
        if self.counties:
            funds_written(next(iter(self.counties)) if len(self.counties) == 1 else "")

    def write_changed(self) -> None:
        """The changed projects (before the library: a few, edited by hand in the file)."""
        user, fundings, beneficiaries = self.user, [], []
        for pk, _values, plan in self.changed:
            if self.fundings[pk] != plan["fundings"]:
                for row in ProjectFunding.objects.filter(project_id=pk):
                    row._history_user = user
                    row.delete()
                fundings += [(pk, *funding) for funding in sorted(plan["fundings"])]
            if self.villages[pk] != plan["villages"]:
                Project.objects.get(pk=pk).villages.set(sorted(plan["villages"]))
            if plan["households"]:
                stored = self.beneficiaries[pk]
                for row in ProjectBeneficiary.objects.filter(project_id=pk).exclude(
                    household_id__in=plan["households"]
                ):
                    row._history_user = user
                    row.delete()
                beneficiaries += [(pk, h, "") for h in sorted(plan["households"] - stored)]
        changed = [(pk, *values) for pk, values, _plan in self.changed]
        update_rows(Project, ATTNAMES, changed, user=user, reason=REASON)
        insert_rows(ProjectFunding, FUNDING, fundings, user=user, reason=REASON)
        insert_rows(ProjectBeneficiary, BENEFICIARY, beneficiaries, user=user, reason=REASON)


class _Prepared:
    """A block's new projects as the writer sends them: their ids (drawn from the
    sequence by the reading thread) and the COPY text of the projects and of each kind
    of child, in the order of CHILDREN."""

    def __init__(self, ids: list[int], projects: CopyData, children: list[CopyData]):
        self.ids, self.projects, self.children = ids, projects, children

    def __len__(self) -> int:
        return len(self.ids)


def _id(user):
    return None if user is None else user.pk


__all__ = ["LAYOUT", "ProjectsImportReport", "UnusableFile", "import_projects"]
