"""The one import of every department spreadsheet into its ledger (layouts/).

A block of rows at a time as the file is read: parse each cell with its column's parser
(a repeating value is parsed once per import), check ID numbers and required cells,
find the year; match the block to the registry with one query (members by ID number, or
households by household number), place the rows no registered person places (the
village the row names, else the county of the ID number, else the importing job's
region); find parent rows (a repayment's loan) with one query; compare with the stored
rows of the same natural key (one query) and write the block: new rows with
`insert_with_history` (COPY on PostgreSQL), changed rows with `bulk_update_with_history`.

All in one transaction: nothing is kept when a row has an error, unless `partial`, which
keeps every row without one; `dry_run` writes nothing and reports what would be done.
A person or household not in the registry is kept, counted and reported as
不在建档立卡库中: a finding for the coverage checks, not an error.
"""

import gc
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from django.db import connection, models, transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from tuopin.assistance.importer.report import LedgerImportReport
from tuopin.assistance.importer.table import open_ledger_table
from tuopin.assistance.kinds import KINDS
from tuopin.assistance.layouts import HOUSEHOLD, MEMBER, VILLAGE, Layout, layout_of
from tuopin.assistance.layouts.base import PLACEMENT_KEYS
from tuopin.assistance.measures import measures_sync
from tuopin.assistance.models import LedgerImport
from tuopin.core.bulk import insert_with_history
from tuopin.core.db import analyze
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region
from tuopin.registry.idnumbers import check_id_number
from tuopin.registry.interchange.reader import SheetRow
from tuopin.registry.interchange.rows import Message, storable_amount, within
from tuopin.registry.interchange.values import BadValue
from tuopin.registry.interchange.villages import VillageResolver
from tuopin.registry.models import Household, Member

BLOCK = 5000  # rows parsed, matched, compared and written per round
ANALYZE_AFTER = 10_000  # rows created: refresh the table's statistics
# Values per IN (...) list: a block's in one query where the database allows (SQLite
# takes 999 variables a statement at most).
IN_CHUNK = 900
REASON = "台账导入"
NOT_REGISTERED_ZH = "不在建档立卡库中"
# Fields a row's own cells never set: bookkeeping of the entry and its review.
ENTRY_BOOKKEEPING = ("batch_id", "source_row", "review_status", "reviewed_by_id", "reviewed_at")


class _Rollback(Exception):
    """Leave the import's transaction without keeping anything."""


def import_ledger(
    kind: str,
    path: Path | str,
    *,
    year: int | None = None,
    dry_run: bool = False,
    partial: bool = False,
    acting_user=None,
    progress=None,
    scope_prefix: str = "",
    region_code: str = "",
) -> LedgerImportReport:
    """Import one department spreadsheet of ledger `kind` (kinds.py code).

    `year`: the year of rows that do not give theirs. `scope_prefix`: the importing
    user's region (a job's); rows of people registered outside it are refused, and
    villages outside it are unknown. `region_code`: where a row that names no village
    and no registered person is kept (a job's region). Raises `UnusableFile` for a file
    that is no table of this ledger, `TuopinError` for an unknown kind."""
    layout = layout_of(kind)
    table = open_ledger_table(path, layout)
    importer = _Import(
        layout,
        table,
        year=year,
        dry_run=dry_run,
        partial=partial,
        acting_user=acting_user,
        progress=progress,
        scope_prefix=scope_prefix,
        region_code=region_code,
        file_name=Path(path).name,
    )
    collecting = gc.isenabled()
    gc.disable()  # no cycles are made; the collector would only scan the rows again
    try:
        return importer.run()
    finally:
        if collecting:
            gc.enable()


@dataclass(slots=True)
class _Row:
    sheet: SheetRow
    values: dict  # attname -> value, exactly the import's `fields`
    linked: dict  # cells read to place the row or find its parent
    errors: list[Message] = field(default_factory=list)
    warnings: list[Message] = field(default_factory=list)
    key: tuple = ()
    occurrence: int = 0  # the how-many-th row of its key (payments repeat)
    stored: dict | None = None
    changed: bool = False
    registered: bool = True


class _Import:
    def __init__(self, layout: Layout, table, **options):
        self.layout = layout
        self.model = layout.model
        self.table = table
        self.options = options
        self.scope_prefix = options["scope_prefix"]
        self.report = LedgerImportReport(layout.kind, dry_run=options["dry_run"])
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.columns = self._columns()
        self.fields = self._fields()
        self.compared = [f for f in self.fields if f not in layout.natural_key]
        self.entry = layout.entry
        self.layout_keys = set(layout.by_key)
        self.blank = dict.fromkeys(self.fields)
        self.defaults = list(self._defaults.items())
        self.fixed = list(layout.fixed.items())
        # What the row loop reads of each column, flat.
        self.plan = [
            (position, c.key, parse, memo, header, c.required, c.stored, c.key == "id_number")
            for position, c, parse, memo, header in self.columns
        ]
        self.first_row_of_key: dict[tuple, int] = {}
        self.occurrences: dict[tuple, int] = {}
        self.parent_ids: dict[tuple, int] = {}
        self.pending_parents: dict[tuple, dict] = {}
        self.failing = False
        self.wrote = False
        self.batch: LedgerImport | None = None
        self._resolver: VillageResolver | None = None
        self._places: dict[tuple, tuple] = {}
        self._counties: set[str] | None = None
        self._placeholders: dict[int, int] = {}  # a parent's id before it was written -> after

    # -- set-up ------------------------------------------------------------------------

    def _columns(self) -> list[tuple]:
        """(position, column, parse, memo or None, header in the file) of every column found."""
        found = []
        for position, column in sorted(self.table.columns.items()):
            parse = column.parse
            if column.stored:
                parse = _storable(parse, self.model._meta.get_field(column.key))
            memo = None if column.distinct else {}
            header = self.table.header[position]
            found.append((position, column, parse, memo, str(header).strip() or column.header))
        return found

    def _fields(self) -> list[str]:
        layout = self.layout
        present = [c.key for _, c, _, _, _ in self.columns if c.stored]
        fields = [*present, *(k for k in layout.fixed if k not in present)]
        if layout.entry:
            fields += [
                k for k in ("year", "region_id", "household_id", "member_id") if k not in fields
            ]
        if layout.parent:
            fields.append(layout.parent.fk)
        if layout.match == VILLAGE:
            fields.append("village_id")
        # A key column the file lacks is blank (or NULL) on every row, not missing.
        fields += [name for name in layout.natural_key if name not in fields]
        if layout.kind == "loan":
            fields += [name for name in ("due_on", "term_months") if name not in fields]
        if layout.kind == "disability" and "certificate_number" not in fields:
            fields.append("certificate_number")
        return fields

    def header_of(self, key: str) -> str:
        for _, column, _, _, header in self.columns:
            if column.key == key:
                return header
        column = self.layout.by_key.get(key)
        return column.header if column else key

    # -- the run -----------------------------------------------------------------------

    def run(self) -> LedgerImportReport:
        report, options = self.report, self.options
        # SQLite has one writer at a time, and its transactions take the lock when they
        # begin: the file is read and checked first, outside any transaction, and the
        # rows to write are kept until the end, so other writers (a login's session, a
        # cadre's edit) wait only while they are written. Elsewhere (PostgreSQL, or
        # inside a caller's transaction) each block is written as soon as it is checked.
        self.deferred = connection.vendor == "sqlite" and not connection.in_atomic_block
        self.to_write: list[_Row] = []
        try:
            if self.deferred:
                self._read()
                if not (self.failing or options["dry_run"]):
                    with transaction.atomic():
                        self._begin()
                        self._write(self.to_write)
                        self._finish()
            else:
                with transaction.atomic():
                    self._begin()
                    self._read()
                    if self.failing or options["dry_run"]:
                        raise _Rollback
                    self._finish()
        except _Rollback:
            pass
        report.errors.sort(key=lambda m: m.row)
        report.warnings.sort(key=lambda m: m.row)
        if self.failing:
            report.created = report.updated = report.unchanged = 0
        report.written = not (self.failing or options["dry_run"])
        if not report.written:
            report.batch_id = None
        return report

    def _begin(self) -> None:
        options = self.options
        if not options["dry_run"]:
            self.batch = LedgerImport.objects.create(
                kind=self.layout.kind,
                year=options["year"],
                file_name=options["file_name"][:255],
                imported_by=options["acting_user"],
            )

    def _read(self) -> None:
        block: list[SheetRow] = []
        for sheet in self.table.rows:
            block.append(sheet)
            if len(block) == BLOCK:
                self._block(block)
                block = []
        if block:
            self._block(block)

    def _finish(self) -> None:
        report = self.report
        if report.created >= ANALYZE_AFTER:
            # The planner would still see the table as it was (tiny) for the measures
            # below and the next pages; autovacuum catches up only later.
            analyze(self.model)
        kind = KINDS.get(self.layout.kind)
        if kind is not None and kind.measure and (report.created or report.updated):
            measures_sync(kinds=[kind.code], region_prefix=self.scope_prefix, years=report.years)
        if self.batch is not None:
            for name in ("rows", "created", "updated", "unchanged", "rejected", "not_registered"):
                setattr(self.batch, name, getattr(report, name))
            self.batch.save()
            report.batch_id = self.batch.pk

    def _block(self, sheets: list[SheetRow]) -> None:
        rows = [self._parse(sheet) for sheet in sheets]
        self.report.rows += len(rows)
        live = [row for row in rows if not row.errors]
        if self.layout.entry:
            self._match(live)
        elif self.layout.match == VILLAGE:
            for row in live:
                self._place_village(row)
        live = [row for row in live if not row.errors]
        if self.layout.parent:
            self._parents(live)
            live = [row for row in live if not row.errors]
        self._keys(live)
        live = [row for row in live if not row.errors]
        self._compare(live)
        self._count(rows)
        if not self.failing and not self.options["dry_run"]:
            if self.deferred:
                self.to_write += [row for row in live if row.stored is None or row.changed]
            else:
                self._write(live)
        progress = self.options["progress"]
        if progress is not None:
            last = self.table.last_row
            percent = min(99.0, rows[-1].sheet.number * 100 / last) if last else 0.0
            done = self.report.rows
            progress(percent, f"已检查 {done} 行 ({done} rows checked)")

    # -- one row -----------------------------------------------------------------------

    def _parse(self, sheet: SheetRow) -> _Row:
        raw = sheet.raw
        width = len(raw)
        values = self.blank.copy()
        linked: dict = {}
        row = _Row(sheet, values, linked)
        for position, key, parse, memo, header, required, stored, is_id in self.plan:
            cell = raw[position] if position < width else None
            if is_id:
                value = self._id_number(row, cell)
            elif memo is None:
                value = _parse_cell(parse, cell)
            else:
                value = memo.get(cell, memo)
                if value is memo:
                    value = memo[cell] = _parse_cell(parse, cell)
            if value is None or value == "":
                if required:
                    row.errors.append(
                        Message(
                            sheet.number,
                            header,
                            "required_empty",
                            "必填，不能为空",
                            "required; the cell is empty",
                        )
                    )
            elif isinstance(value, BadValue):
                row.errors.append(
                    Message(sheet.number, header, value.code, value.message_zh, value.message_en)
                )
                value = None
            (values if stored else linked)[key] = value
        for key, value in self.fixed:
            if values.get(key) in (None, ""):
                values[key] = value
        self._derive(row)
        self._year(row)
        self._complete(row)
        return row

    def _id_number(self, row: _Row, cell):
        if cell is None or cell == "":
            return ""
        check = check_id_number(cell, on=self.today)
        if not check.valid:
            problem = check.errors[0]
            return BadValue(problem.message_zh, problem.message_en, code=problem.code)
        number = check.normalised
        if len(number) > 18:  # a disability certificate number: the person is its first 18
            if self.layout.kind == "disability" and not row.values.get("certificate_number"):
                row.values["certificate_number"] = number
            number = number[:18]
        return number

    def _derive(self, row: _Row) -> None:
        """Cells a department may leave out because another one says them: a loan's term
        or due date, a payment's period (the term, quarter or month of its date)."""
        values, kind = row.values, self.layout.kind
        if kind == "loan" and values.get("term_months") is None:
            drawn, due = values.get("drawn_on"), values.get("due_on")
            if drawn and due and due > drawn:
                months = (due.year - drawn.year) * 12 + due.month - drawn.month
                values["term_months"] = months + (due.day > drawn.day)
            elif not row.errors:
                row.errors.append(
                    Message(
                        row.sheet.number,
                        self.header_of("term_months"),
                        "required_empty",
                        "期限为空，且无法由放款日期和到期日期算出",
                        "no term, and none follows from the drawdown and due dates",
                    )
                )
        if self.layout.model_name == "Payment" and not values.get("period"):
            paid = values.get("paid_on")
            year = values.get("year") or self.options["year"]
            if paid is not None:
                month = paid.month
                if kind == "student_aid":  # spring term Feb-Jul, autumn term Aug-Jan
                    term_year = paid.year - (month == 1)
                    values["period"] = f"{term_year}S{1 if 2 <= month <= 7 else 2}"
                elif kind == "social_payment":
                    values["period"] = f"{paid.year}Q{(month - 1) // 3 + 1}"
                else:
                    values["period"] = f"{paid.year}-{month:02d}"
            elif year is not None:
                values["period"] = str(year)
            elif not row.errors:
                row.errors.append(
                    Message(
                        row.sheet.number,
                        self.header_of("period"),
                        "required_empty",
                        "发放期间为空，且没有发放日期或年度可推出",
                        "no period, and no payment date or year to tell it",
                    )
                )

    def _year(self, row: _Row) -> None:
        layout = self.layout
        if not self.entry and "year" not in self.layout_keys:
            return
        target = row.values if self.entry else row.linked
        year = target.get("year")
        if year is None and layout.year_from:
            source = row.values.get(layout.year_from)
            if isinstance(source, date):
                year = source.year
            elif isinstance(source, str) and source[:4].isdigit():
                year = int(source[:4])
        if year is None:
            year = self.options["year"]
        target["year"] = year
        if year is None:
            row.errors.append(
                Message(
                    row.sheet.number,
                    self.header_of("year"),
                    "year_empty",
                    "年度为空：请填写“年度”列，或导入时指定年度（--year）",
                    "no year: fill the 年度 column or give the year of the import (--year)",
                )
            )
        elif self.entry:
            self.report.years.add(year)

    def _complete(self, row: _Row) -> None:
        """What the file leaves to be worked out, and what no table could store."""
        values, number = row.values, row.sheet.number
        for name, default in self.defaults:
            if values[name] is None:
                values[name] = default
        if self.layout.kind == "loan":
            if values.get("amount") is not None and values["amount"] <= 0:
                row.errors.append(
                    Message(
                        number,
                        self.header_of("amount"),
                        "loan_amount_not_positive",
                        "贷款金额必须大于 0",
                        "the loan amount must be more than 0",
                    )
                )
            if (
                values.get("due_on") is None
                and values.get("drawn_on")
                and values.get("term_months")
            ):
                values["due_on"] = _add_months(values["drawn_on"], values["term_months"])
            if values.get("due_on") is None and not row.errors:
                row.errors.append(
                    Message(
                        number,
                        self.header_of("due_on"),
                        "required_empty",
                        "到期日期为空，且无法由放款日期和期限算出",
                        "no due date, and none follows from the drawdown date and term",
                    )
                )

    @property
    def _defaults(self) -> dict:
        """Fields that cannot be NULL: an empty cell stores their default (blank text,
        the model's default); the others store NULL (unknown)."""
        cached = getattr(self, "_defaults_cache", None)
        if cached is None:
            cached = {}
            for name in self.fields:
                model_field = self.model._meta.get_field(name)
                if model_field.null:
                    continue
                if model_field.has_default():
                    cached[name] = model_field.get_default()
                elif isinstance(model_field, models.CharField | models.TextField):
                    cached[name] = ""
            self._defaults_cache = cached
        return cached

    # -- registry --------------------------------------------------------------------

    def _match(self, rows: list[_Row]) -> None:
        """Members by ID number (one query), households by number (one query)."""
        ids = {row.values["id_number"] for row in rows if row.values.get("id_number")}
        members: dict[str, tuple] = {}
        for chunk in _chunks(sorted(ids)):
            for number, *found in Member.objects.filter(id_number__in=chunk).values_list(
                "id_number",
                "id",
                "household_id",
                "household__village_id",
                "household__number",
                "name",
            ):
                members[number] = tuple(found)
        households: dict[str, list[tuple]] = {}
        if self.layout.match == HOUSEHOLD:
            numbers = {row.values.get("household_number") for row in rows} - {None, ""}
            for chunk in _chunks(sorted(numbers)):
                for number, *found in Household.objects.filter(number__in=chunk).values_list(
                    "number", "id", "village_id"
                ):
                    households.setdefault(number, []).append(tuple(found))
        for row in rows:
            values = row.values
            member = members.get(values.get("id_number"))
            if self.layout.match == MEMBER:
                if member is not None:
                    member_id, household_id, village, number, name = member
                    self._matched(row, village, household_id, member_id, name)
                    if values.get("household_number") and values["household_number"] != number:
                        self._warn(
                            row,
                            "household_number",
                            "household_number_differs",
                            f"户编号与建档立卡库中此人所在户（{number}）不同",
                            f"the household number differs from this person's household ({number})",
                        )
                else:
                    self._unregistered(row)
            else:
                self._match_household(
                    row, households.get(values.get("household_number"), []), member
                )

    def _match_household(self, row: _Row, candidates: list[tuple], member) -> None:
        if len(candidates) > 1:
            village = self._named_village(row)
            if village is None:
                if not row.errors:
                    row.errors.append(
                        Message(
                            row.sheet.number,
                            self.header_of("household_number"),
                            "household_number_ambiguous",
                            "多个村有此户编号，请填写所在村或行政区划代码",
                            "several villages have this household number: give the village "
                            "or its code",
                        )
                    )
                return
            candidates = [c for c in candidates if c[1] == village]
        if len(candidates) == 1:
            household_id, village = candidates[0]
            member_id = member[0] if member is not None and member[1] == household_id else None
            self._matched(row, village, household_id, member_id, None)
        else:
            self._unregistered(row)

    def _matched(self, row: _Row, village: str, household_id, member_id, name) -> None:
        values = row.values
        if self.scope_prefix and not village.startswith(self.scope_prefix):
            row.errors.append(
                Message(
                    row.sheet.number,
                    self.header_of(
                        "id_number" if self.layout.match == MEMBER else "household_number"
                    ),
                    "registered_outside_scope",
                    "此人（户）登记在本次导入的范围以外，不能由本次导入写入",
                    "this person (household) is registered outside the region of this import",
                )
            )
            return
        values["region_id"] = village
        values["household_id"] = household_id
        values["member_id"] = member_id
        if name and values.get("name") and values["name"] != name:
            self._warn(
                row,
                "name",
                "name_differs",
                f"姓名与建档立卡库中的“{name}”不一致",
                f"the name differs from the registry's '{name}'",
            )

    def _unregistered(self, row: _Row) -> None:
        values = row.values
        values["household_id"] = values["member_id"] = None
        values["region_id"] = self._place(row)
        if values["region_id"] is None:
            return
        row.registered = False
        by_household = self.layout.match == HOUSEHOLD
        self._warn(
            row,
            "household_number" if by_household else "id_number",
            "not_registered",
            NOT_REGISTERED_ZH + ("（按户编号）" if by_household else "（按身份证号）"),
            "not in the poverty registry"
            + (" (by household number)" if by_household else " (by ID number)"),
        )

    # -- placing rows no registry match places ------------------------------------------

    def _named_village(self, row: _Row) -> str | None:
        names = tuple(row.linked.get(key) or "" for key in PLACEMENT_KEYS)
        if not any(names):
            return None
        found = self._places.get(names)
        if found is None:
            if self._resolver is None:
                self._resolver = VillageResolver(self.scope_prefix)
            village_code, county, township, village = names
            found = self._places[names] = self._resolver.resolve(
                code=village_code, county=county, township=township, village=village
            )
        code, zh, en = found
        if code is None:
            column = "village_code" if names[0] else "village"
            row.errors.append(
                Message(row.sheet.number, self.header_of(column), "village_unknown", zh, en)
            )
        return code

    def _place(self, row: _Row) -> str | None:
        """The named village, else the county of the ID number, else the job's region."""
        if any(row.linked.get(key) for key in PLACEMENT_KEYS):
            return self._named_village(row)
        number = row.values.get("id_number") or ""
        county = f"{number[:6]}000000" if len(number) >= 6 else ""
        if county in self.counties and (
            not self.scope_prefix or county.startswith(self.scope_prefix)
        ):
            return county
        if self.options["region_code"]:
            return self.options["region_code"]
        row.errors.append(
            Message(
                row.sheet.number,
                self.header_of("village"),
                "region_unknown",
                f"{NOT_REGISTERED_ZH}，且未填写所在村（或行政区划代码），无法确定所属区划",
                "not in the poverty registry, and no village (or village code) given: "
                "the row cannot be placed",
            )
        )
        return None

    @property
    def counties(self) -> set[str]:
        if self._counties is None:
            self._counties = set(
                Region.objects.filter(level=RegionLevel.COUNTY).values_list("code", flat=True)
            )
        return self._counties

    def _place_village(self, row: _Row) -> None:
        village = self._named_village(row)
        if village is None and not row.errors:
            row.errors.append(
                Message(
                    row.sheet.number,
                    self.header_of("village"),
                    "village_empty",
                    "请填写所在村（或行政区划代码）",
                    "give the village (or its code)",
                )
            )
        row.values["village_id"] = village

    # -- parents -----------------------------------------------------------------------

    def _parents(self, rows: list[_Row]) -> None:
        parent = self.layout.parent
        model = self.model._meta.get_field(parent.fk.removesuffix("_id")).related_model
        fields = list(parent.fields)
        # Text the file leaves out is stored blank: the key says so too, or the parent
        # made by one import would not be found by the next.
        blank = {
            name
            for name in parent.fields
            if isinstance(model._meta.get_field(name), models.CharField)
        }
        wanted = {}
        for row in rows:
            merged = {**row.values, **row.linked}
            wanted[id(row)] = tuple(
                "" if merged.get(column) is None and name in blank else merged.get(column)
                for name, column in parent.fields.items()
            )
        missing = {key for key in wanted.values() if key not in self.parent_ids}
        if missing:
            lead = "id_number" if "id_number" in fields else "name"
            position = fields.index(lead)
            for chunk in _chunks(sorted({key[position] for key in missing})):
                for found_id, *found in model.objects.filter(**{f"{lead}__in": chunk}).values_list(
                    "id", *fields
                ):
                    self.parent_ids.setdefault(tuple(found), found_id)
        for row in rows:
            key = wanted[id(row)]
            found = self.parent_ids.get(key)
            if found is None and parent.create:
                found = self.parent_ids[key] = -(len(self.pending_parents) + 1)
                merged = {**row.values, **row.linked}
                new = dict(zip(parent.fields, key, strict=True))
                for name, column in parent.defaults.items():
                    value = merged.get(column)
                    new[name] = (
                        ""
                        if value is None
                        and isinstance(model._meta.get_field(name), models.CharField)
                        else value
                    )
                new["region_id"] = _county_of(row.values.get("region_id") or "", self.counties)
                self.pending_parents[key] = new
            if found is None:
                row.errors.append(
                    Message(
                        row.sheet.number,
                        self.header_of(next(iter(parent.fields.values()))),
                        "parent_missing",
                        f"找不到对应的{parent.label_zh}，请先导入它",
                        f"no matching {parent.label_en}: import it first",
                    )
                )
                continue
            row.values[parent.fk] = found

    # -- keys, stored rows, comparison ---------------------------------------------

    def _keys(self, rows: list[_Row]) -> None:
        natural = self.layout.natural_key
        repeatable = self.layout.repeatable
        for row in rows:
            key = tuple(row.values.get(name) for name in natural)
            row.key = key
            if repeatable:
                row.occurrence = self.occurrences.get(key, 0)
                self.occurrences[key] = row.occurrence + 1
                continue
            first = self.first_row_of_key.setdefault(key, row.sheet.number)
            if first != row.sheet.number:
                headers = "、".join(self.header_of(name.removesuffix("_id")) for name in natural)
                row.errors.append(
                    Message(
                        row.sheet.number,
                        self.header_of(natural[-1].removesuffix("_id")),
                        "key_repeated_in_file",
                        f"与第 {first} 行重复（{headers}相同）",
                        f"repeats row {first} (same {', '.join(natural)})",
                    )
                )

    def _compare(self, rows: list[_Row]) -> None:
        if not rows:
            return
        natural = self.layout.natural_key
        lead = next(
            (
                name
                for name in ("id_number", "household_number", "bill_number", "name")
                if name in natural
            ),
            natural[0],
        )
        position = natural.index(lead)
        fixed = {
            name: value
            for name, value in self.layout.fixed.items()
            if name in natural and name != "kind"
        }
        if "kind" in self.layout.fixed and "kind" in natural and "kind" not in self.layout.by_key:
            fixed["kind"] = self.layout.fixed["kind"]
        stored: dict[tuple, list[dict]] = {}
        leads = sorted({row.key[position] for row in rows} - {None})
        wanted = {row.key for row in rows}
        for chunk in _chunks(leads):
            query = self.model.objects.filter(**{f"{lead}__in": chunk}, **fixed).order_by("id")
            for found in query.values("id", *natural, *self.compared):
                key = tuple(found[name] for name in natural)
                if key in wanted:
                    stored.setdefault(key, []).append(found)
        for row in rows:
            candidates = stored.get(row.key, ())
            if row.occurrence < len(candidates):
                row.stored = candidates[row.occurrence]
                row.changed = any(row.values[name] != row.stored[name] for name in self.compared)

    def _count(self, rows: list[_Row]) -> None:
        report = self.report
        for row in rows:
            if row.errors:
                report.rejected += 1
                report.errors += row.errors
                report.warnings += [w for w in row.warnings if w.code != "not_registered"]
                if not self.options["partial"]:
                    self.failing = True
                continue
            report.warnings += row.warnings
            report.not_registered += not row.registered
            if row.stored is None:
                report.created += 1
            elif row.changed:
                report.updated += 1
            else:
                report.unchanged += 1

    # -- writing -------------------------------------------------------------------------

    def _write(self, rows: list[_Row]) -> None:
        user = self.options["acting_user"]
        if self.pending_parents:
            self._create_parents(user)
            fk = self.layout.parent.fk
            for row in rows:
                if row.values[fk] < 0:
                    row.values[fk] = self._placeholders[row.values[fk]]
        entry = self.layout.entry
        user_id = getattr(user, "pk", None)
        batch_id = self.batch.pk if self.batch else None
        new = []
        for row in rows:
            if row.stored is None:
                values = dict(row.values)
                if entry:
                    values.update(
                        batch_id=batch_id,
                        source_row=row.sheet.number,
                        entered_by_id=user_id,
                        review_status="pending",
                    )
                new.append(values)
        if new:
            insert_with_history(self.model, new, user=user, reason=REASON)
        changed = {row.stored["id"]: row for row in rows if row.stored is not None and row.changed}
        if changed:
            fields = list(self.compared)
            if entry:
                fields += [
                    "batch_id",
                    "source_row",
                    "review_status",
                    "reviewed_by_id",
                    "reviewed_at",
                    "return_reason",
                    "updated_at",
                ]
            objects = []
            for ids in _chunks(sorted(changed)):
                for obj in self.model.objects.filter(pk__in=ids):
                    row = changed[obj.pk]
                    for name in self.compared:
                        setattr(obj, name, row.values[name])
                    if entry:
                        obj.batch_id, obj.source_row = batch_id, row.sheet.number
                        obj.review_status, obj.reviewed_by_id, obj.reviewed_at = (
                            "pending",
                            None,
                            None,
                        )
                        obj.return_reason, obj.updated_at = "", self.now
                    objects.append(obj)
            bulk_update_with_history(
                objects,
                self.model,
                fields,
                batch_size=1000,
                default_user=user,
                default_change_reason=REASON,
            )
        self.wrote = True

    def _create_parents(self, user) -> None:
        parent = self.layout.parent
        model = self.model._meta.get_field(parent.fk.removesuffix("_id")).related_model
        keys = list(self.pending_parents)
        ids = insert_with_history(
            model, [self.pending_parents[key] for key in keys], user=user, reason=REASON
        )
        for key, new_id in zip(keys, ids, strict=True):
            self._placeholders[self.parent_ids[key]] = new_id
            self.parent_ids[key] = new_id
        self.pending_parents = {}

    def _warn(self, row: _Row, key: str, code: str, zh: str, en: str) -> None:
        row.warnings.append(Message(row.sheet.number, self.header_of(key), code, zh, en))


def _parse_cell(parse, cell):
    try:
        return parse(cell)
    except BadValue as bad:
        return bad


def _storable(parse, model_field):
    """`parse`, refusing what the field could not store (too long, too many digits)."""
    if (
        isinstance(model_field, models.CharField)
        and model_field.max_length
        and not model_field.choices
    ):
        return within(parse, model_field.max_length)
    if isinstance(model_field, models.DecimalField):
        digits = model_field.max_digits - model_field.decimal_places
        return storable_amount(parse, digits, False)
    return parse


def _chunks(values: list, size: int | None = None):
    if size is None:
        size = BLOCK if connection.vendor == "postgresql" else IN_CHUNK
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    return day + timedelta(days=30 * months)


def _county_of(region_code: str, counties: set[str]) -> str:
    county = f"{region_code[:6]}000000"
    return county if county in counties else region_code
