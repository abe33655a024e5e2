"""`tuopin import teams FILE`: work-team rosters (docs/formats/people-teams.md).

One row is one member's posting: the village (村代码 or 村名称), the team's sending
unit (派出单位), the cadre (姓名, 身份证号, 工作单位, 单位级别, 职务, 联系电话) and the
posting (队内职务, 进驻日期, 期满日期). The guarantees of the registry import: every
error names its row and column; a dry run writes nothing; all or nothing unless
`partial`; a re-import of the same file changes nothing; updates keep history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q

from tuopin.core.bulk import insert_rows, update_rows
from tuopin.core.errors import TuopinError
from tuopin.core.regioncodes import within
from tuopin.people import access
from tuopin.people.cadres import cadre_id_number, county_of
from tuopin.people.enums import PostingRole
from tuopin.people.importing import (
    Column,
    Layout,
    Row,
    UnusableFile,
    among,
    finish,
    memo,
    read_table,
)
from tuopin.people.models import Posting, WorkTeam
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region
from tuopin.registry.enums import UnitLevel
from tuopin.registry.idnumbers import canonical_id_number, stored_forms
from tuopin.registry.interchange.rows import Message
from tuopin.registry.interchange.table_report import TableImportReport
from tuopin.registry.interchange.values import BadValue, a_date, text
from tuopin.registry.models import Helper

ROSTER = Layout(
    (
        Column("village_code", "村代码", ("行政村代码", "村级代码")),
        Column("village_name", "村名称", ("行政村", "村名", "驻村名称")),
        Column("sending_unit", "派出单位", ("选派单位",), required=True),
        Column("name", "姓名", ("队员姓名",), required=True),
        Column("id_number", "身份证号", ("身份证号码", "公民身份号码")),
        Column("work_unit", "工作单位"),
        Column("unit_level", "单位级别"),
        Column("post", "职务", ("现任职务",)),
        Column("phone", "联系电话", ("手机号码", "电话")),
        Column("role", "队内职务", ("驻村职务",), required=True),
        Column("started_on", "进驻日期", ("驻村时间", "进驻时间"), required=True),
        Column("ended_on", "期满日期", ("期满时间", "离村日期")),
    ),
    marks=("name", "role"),
)
ROLE_LABELS = {str(label): code for code, label in PostingRole.choices} | {
    code: code for code in PostingRole.values
}
LEVEL_LABELS = {str(label): code for code, label in UnitLevel.choices} | {
    code: code for code in UnitLevel.values
}


@dataclass
class TeamImportReport(TableImportReport):
    kind: str = "teams"
    teams_created: int = 0
    cadres_created: int = 0

    def as_dict(self) -> dict:
        return {
            **super().as_dict(),
            "teams_created": self.teams_created,
            "cadres_created": self.cadres_created,
        }


@dataclass
class RosterRow:
    number: int
    village: Region | None = None
    sending_unit: str = ""
    name: str = ""
    id_number: str = ""
    work_unit: str = ""
    unit_level: str = ""
    post: str = ""
    phone: str = ""
    role: str = ""
    started_on: date | None = None
    ended_on: date | None = None
    errors: list[Message] = field(default_factory=list)


def _read(path) -> list[tuple[int, dict]]:
    table = read_table(path, ROSTER)
    if not {"village_code", "village_name"} & set(table.columns.values()):
        raise UnusableFile(
            "columns_missing",
            f"第 {table.header_row} 行像是表头，但缺少必填列：村代码或村名称",
            f"row {table.header_row} looks like the header but lacks: 村代码或村名称",
        )
    return table.rows


def _error(row: RosterRow, column: str, code: str, zh: str, en: str) -> None:
    row.errors.append(Message(row.number, ROSTER.header(column), code, zh, en))


class _Villages:
    """Villages by code and by name, read once for the file."""

    def __init__(self, codes: set[str], names: set[str]):
        villages = Region.objects.filter(level=RegionLevel.VILLAGE)
        self.by_code = {r.code: r for r in villages.filter(code__in=codes)}
        self.by_name: dict[str, list[Region]] = {}
        for region in villages.filter(name__in=names):
            self.by_name.setdefault(region.name, []).append(region)


class _Cells:
    """The parsers of one import: each distinct ID number and date checked once."""

    def __init__(self):
        self.id_number, self.date = memo(cadre_id_number), memo(a_date)


def _parse(number: int, cells: dict, villages: _Villages, kept, parse: _Cells) -> RosterRow:
    row = RosterRow(number)
    code, village_name = text(cells.get("village_code")), text(cells.get("village_name"))
    if code:
        row.village = villages.by_code.get(code)
        if row.village is None:
            _error(
                row,
                "village_code",
                "village_unknown",
                f"没有代码为“{code}”的行政村",
                f"there is no village '{code}'",
            )
    elif village_name:
        found = villages.by_name.get(village_name, [])
        if len(found) == 1:
            row.village = found[0]
        elif not found:
            _error(
                row,
                "village_name",
                "village_unknown",
                f"没有名为“{village_name}”的行政村",
                f"there is no village named '{village_name}'",
            )
        else:
            _error(
                row,
                "village_name",
                "village_ambiguous",
                f"有多个名为“{village_name}”的行政村，请填写村代码",
                f"several villages are named '{village_name}': give the village code",
            )
    else:
        _error(
            row,
            "village_code",
            "village_missing",
            "村代码和村名称都为空",
            "neither village code nor name is given",
        )
    if row.village is not None and not kept(row.village.code):
        column = "village_code" if code else "village_name"
        _error(
            row,
            column,
            "village_unknown",
            f"没有“{code or village_name}”这个可维护的行政村",
            f"'{code or village_name}' is not a village you keep",
        )
        row.village = None
    row.sending_unit = text(cells.get("sending_unit"))
    if not row.sending_unit:
        _error(row, "sending_unit", "value_missing", "派出单位为空", "the sending unit is empty")
    row.name = text(cells.get("name"))
    if not row.name:
        _error(row, "name", "value_missing", "姓名为空", "the name is empty")
    try:
        row.id_number = parse.id_number(cells.get("id_number"))
    except TuopinError as error:
        _error(row, "id_number", error.code, error.message_zh, error.message_en)
    row.work_unit = text(cells.get("work_unit"))[:100]
    level = text(cells.get("unit_level"))
    if level:
        row.unit_level = LEVEL_LABELS.get(level, "")
        if not row.unit_level:
            _error(
                row,
                "unit_level",
                "unit_level_unknown",
                f"单位级别“{level}”无效：应为省直、市直、县直、乡镇或村级",
                f"unknown unit level '{level}'",
            )
    row.post = text(cells.get("post"))[:50]
    row.phone = text(cells.get("phone"))[:30]
    role = text(cells.get("role"))
    row.role = ROLE_LABELS.get(role, "")
    if not row.role:
        _error(
            row,
            "role",
            "role_unknown",
            f"队内职务“{role}”无效：应为第一书记、队长或队员" if role else "队内职务为空",
            f"unknown role '{role}': 第一书记, 队长 or 队员",
        )
    for column in ("started_on", "ended_on"):
        try:
            setattr(row, column, parse.date(cells.get(column)))
        except BadValue as bad:
            _error(row, column, "date_invalid", bad.message_zh, bad.message_en)
    if row.started_on is None and not any(m.column == "进驻日期" for m in row.errors):
        _error(row, "started_on", "value_missing", "进驻日期为空", "the start date is empty")
    if row.started_on and row.ended_on and row.ended_on < row.started_on:
        _error(
            row,
            "ended_on",
            "date_order",
            f"期满日期 {row.ended_on} 早于进驻日期 {row.started_on}",
            f"the end {row.ended_on} is before the start {row.started_on}",
        )
    return row


def _overlap(a: RosterRow, b: RosterRow) -> bool:
    far = date(9999, 12, 31)
    return a.started_on <= (b.ended_on or far) and b.started_on <= (a.ended_on or far)


def _same_cadre_twice(rows: list[RosterRow]) -> None:
    """A cadre on two rows whose postings overlap: the later row is refused."""
    seen: dict[tuple, list[RosterRow]] = {}
    for row in rows:
        if row.errors:
            continue
        who = (
            ("id", row.id_number)
            if row.id_number
            else ("name", county_of(row.village.code), row.name)
        )
        for earlier in seen.get(who, []):
            if _overlap(earlier, row):
                _error(
                    row,
                    "started_on",
                    "posting_twice",
                    f"{row.name} 在第 {earlier.number} 行已同期派驻"
                    f"{earlier.village.name}，同一干部同时只能在一个工作队",
                    f"{row.name} is already posted on row {earlier.number}: one team at a time",
                )
                break
        seen.setdefault(who, []).append(row)


def import_teams(path, *, acting_user=None, dry_run: bool = False, partial: bool = False):
    report = TeamImportReport(dry_run=dry_run)
    parsed_cells = _read(path)
    villages = _Villages(
        {text(c.get("village_code")) for _n, c in parsed_cells},
        {text(c.get("village_name")) for _n, c in parsed_cells},
    )
    kept = _Kept(acting_user)
    parse = _Cells()
    rows = [_parse(number, cells, villages, kept, parse) for number, cells in parsed_cells]
    report.rows = len(rows)
    _same_cadre_twice(rows)
    plan = _Plan(rows)
    plan.resolve(report)
    for row in rows:
        if row.errors:
            report.rejected += 1
            report.errors.extend(row.errors)
    report.errors.sort(key=lambda m: m.row)
    if report.errors and not partial and not dry_run:
        report.teams_created = report.cadres_created = 0
    return finish(report, partial=partial, dry_run=dry_run, write=lambda: plan.write(acting_user))


class _Kept:
    """Whether the importing user keeps TEAMS at a village (the rule read once)."""

    def __init__(self, user):
        self.prefixes = None if user is None else access.keep_prefixes(user, access.TEAMS)

    def __call__(self, code: str) -> bool:
        return self.prefixes is None or within(code, self.prefixes)


FAR = date(9999, 12, 31)


CADRE = ("pk", "region_id", "name", "id_number", "work_unit", "unit_level", "post", "phone")
FILLED = ["id_number", "work_unit", "unit_level", "post", "phone"]
TEAM = ("pk", "village_id", "village__name", "sending_unit", "started_on", "ended_on")
POSTING = ("pk", "team_id", "cadre_id", "role", "started_on", "ended_on")


def _rows(query, names) -> list[Row]:
    """The rows of `query` as values (`Row`s), not model instances."""
    return [Row(**dict(zip(names, values, strict=True))) for values in query.values_list(*names)]


class _Plan:
    """The whole file resolved against the stored cadres, teams and postings in a few
    queries (read as values); then written in bulk, with history."""

    def __init__(self, rows: list[RosterRow]):
        self.rows = [row for row in rows if not row.errors]
        self.new_cadres: dict[tuple, Row] = {}
        self.filled: dict[int, Row] = {}
        self.new_teams: dict[tuple, Row] = {}
        self.moved_teams: dict[int, Row] = {}
        self.new_postings: list[Row] = []
        self.changed_postings: dict[int, Row] = {}

    def _load(self) -> None:
        numbers: set[str] = set()
        for row in self.rows:
            if row.id_number:
                numbers |= stored_forms(row.id_number)
        names = {row.name for row in self.rows}
        self.by_number: dict[str, Row] = {}
        self.by_name: dict[tuple, list[Row]] = {}
        found = Helper.objects.filter(Q(id_number__in=among(numbers)) | Q(name__in=among(names)))
        for cadre in _rows(found.order_by("pk"), CADRE):
            if cadre.id_number:
                self.by_number.setdefault(canonical_id_number(cadre.id_number), cadre)
            self.by_name.setdefault((cadre.region_id[:6], cadre.name), []).append(cadre)
        village_codes = {row.village.code for row in self.rows}
        self.teams: dict[tuple, list[Row]] = {}
        stored_teams = WorkTeam.objects.filter(village_id__in=village_codes)
        for team in _rows(stored_teams.order_by("started_on", "pk"), TEAM):
            self.teams.setdefault((team.village_id, team.sending_unit), []).append(team)
        teams_by_pk = {team.pk: team for group in self.teams.values() for team in group}
        cadres = {c.pk: c for c in self.by_number.values()} | {
            c.pk: c for group in self.by_name.values() for c in group
        }
        self.postings: dict[object, list[Row]] = {}
        stored = _rows(Posting.objects.filter(cadre_id__in=among(cadres, "bigint")), POSTING)
        # The teams elsewhere (for the message of an overlap) with their village's name;
        # the file's own teams are the rows the file's rows resolve to.
        elsewhere = {p.team_id for p in stored} - set(teams_by_pk)
        for team in _rows(WorkTeam.objects.filter(pk__in=elsewhere), TEAM):
            teams_by_pk[team.pk] = team
        for posting in stored:
            posting.team = teams_by_pk[posting.team_id]
            self.postings.setdefault(posting.cadre_id, []).append(posting)

    def _cadre(self, row: RosterRow) -> Row | None:
        county = row.village.code[:6]
        if row.id_number and row.id_number in self.by_number:
            cadre = self.by_number[row.id_number]
        else:
            same = self.by_name.get((county, row.name), [])
            if row.id_number:
                same = [c for c in same if not c.id_number]
            if len(same) > 1:
                _error(
                    row,
                    "name",
                    "cadre_ambiguous",
                    f"本县有多名干部叫“{row.name}”，请填写身份证号以区分",
                    f"the county has several cadres named '{row.name}': give the ID number",
                )
                return None
            cadre = same[0] if same else None
        if cadre is None:
            key = ("id", row.id_number) if row.id_number else ("name", county, row.name)
            cadre = self.new_cadres.get(key)
            if cadre is None:
                cadre = Row(
                    pk=None,
                    region_id=county.ljust(12, "0"),
                    name=row.name,
                    id_number=row.id_number,
                    work_unit=row.work_unit,
                    unit_level=row.unit_level,
                    post=row.post,
                    phone=row.phone,
                )
                self.new_cadres[key] = cadre
            return cadre
        if cadre.name != row.name:
            _error(
                row,
                "id_number",
                "cadre_id_other_name",
                f"身份证号已登记为“{cadre.name}”，与姓名“{row.name}”不符",
                f"the ID number belongs to '{cadre.name}', not '{row.name}'",
            )
            return None
        for key in FILLED:
            value = getattr(row, key)
            if value and not getattr(cadre, key):
                setattr(cadre, key, value)
                self.filled[cadre.pk] = cadre
        return cadre

    def _team(self, row: RosterRow) -> Row:
        key = (row.village.code, row.sending_unit)
        for team in self.teams.get(key, []):
            if team.ended_on is None or team.ended_on >= row.started_on:
                if row.started_on < team.started_on:
                    team.started_on = row.started_on
                    if team.pk:
                        self.moved_teams[team.pk] = team
                return team
        team = Row(
            pk=None,
            village_id=row.village.code,
            village__name=row.village.name,
            sending_unit=row.sending_unit,
            started_on=row.started_on,
            ended_on=None,
        )
        self.teams.setdefault(key, []).append(team)
        self.new_teams[key] = team
        return team

    def resolve(self, report: TeamImportReport) -> None:
        self._load()
        for row in self.rows:
            cadre = self._cadre(row)
            if cadre is None:
                continue
            team = self._team(row)
            stored = self.postings.setdefault(cadre.pk or id(cadre), [])
            same = next(
                (p for p in stored if p.team is team and p.started_on == row.started_on), None
            )
            others = [
                p
                for p in stored
                if p is not same
                and p.started_on <= (row.ended_on or FAR)
                and row.started_on <= (p.ended_on or FAR)
            ]
            if others:
                other = others[0]
                _error(
                    row,
                    "started_on",
                    "posting_twice",
                    f"{row.name} 同期已派驻{other.team.village__name}"
                    f"（{other.started_on} 起），同一干部同时只能在一个工作队",
                    f"{row.name} is already posted to {other.team.village__name} from "
                    f"{other.started_on}: one team at a time",
                )
                continue
            if same is None:
                posting = Row(
                    pk=None,
                    team=team,
                    cadre=cadre,
                    role=row.role,
                    started_on=row.started_on,
                    ended_on=row.ended_on,
                )
                stored.append(posting)
                self.new_postings.append(posting)
                report.created += 1
            elif (same.role, same.ended_on) == (row.role, row.ended_on):
                report.unchanged += 1
            else:
                same.role, same.ended_on = row.role, row.ended_on
                if same.pk:
                    self.changed_postings[same.pk] = same
                report.updated += 1
        report.cadres_created = len(self.new_cadres)
        report.teams_created = len(self.new_teams)

    def write(self, user) -> None:
        """Only what resolve() planned for rows without errors."""
        _insert(Helper, CADRE[1:], list(self.new_cadres.values()), user)
        filled = [(c.pk, *(getattr(c, k) for k in FILLED)) for c in self.filled.values()]
        update_rows(Helper, FILLED, filled, user=user)
        names = ("village_id", "sending_unit", "started_on", "ended_on")
        _insert(WorkTeam, names, list(self.new_teams.values()), user)
        moved = [(team.pk, team.started_on) for team in self.moved_teams.values()]
        update_rows(WorkTeam, ["started_on"], moved, user=user)
        for posting in self.new_postings:
            posting.team_id, posting.cadre_id = posting.team.pk, posting.cadre.pk
        names = ("team_id", "cadre_id", "role", "started_on", "ended_on")
        _insert(Posting, names, self.new_postings, user)
        changed = [(p.pk, p.role, p.ended_on) for p in self.changed_postings.values()]
        update_rows(Posting, ["role", "ended_on"], changed, user=user)


def _insert(model, names, rows: list[Row], user) -> None:
    """The new rows inserted with their history; each gets its id."""
    values = [tuple(getattr(row, name) for name in names) for row in rows]
    for row, pk in zip(rows, insert_rows(model, list(names), values, user=user), strict=True):
        row.pk = pk


__all__ = ["TeamImportReport", "WorkTeam", "import_teams"]
