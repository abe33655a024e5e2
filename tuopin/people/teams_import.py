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
from pathlib import Path

from django.db import transaction

from tuopin.core.errors import TuopinError
from tuopin.core.uploads import UnusableFile
from tuopin.people import access
from tuopin.people.cadres import cadre_find_or_create, cadre_id_number, cadre_lookup, county_of
from tuopin.people.enums import PostingRole
from tuopin.people.models import Posting, WorkTeam
from tuopin.people.teams_services import (
    overlapping_postings,
    posting_create,
    team_find_or_create,
)
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region
from tuopin.registry.enums import UnitLevel
from tuopin.registry.interchange.columns import header_key
from tuopin.registry.interchange.reader import HEADER_SEARCH_ROWS, sheet_rows
from tuopin.registry.interchange.rows import Message
from tuopin.registry.interchange.values import BadValue, a_date, text

# key -> (header, synonyms)
COLUMNS = {
    "village_code": ("村代码", ("行政村代码", "村级代码")),
    "village_name": ("村名称", ("行政村", "村名", "驻村名称")),
    "sending_unit": ("派出单位", ("选派单位",)),
    "name": ("姓名", ("队员姓名",)),
    "id_number": ("身份证号", ("身份证号码", "公民身份号码")),
    "work_unit": ("工作单位", ()),
    "unit_level": ("单位级别", ()),
    "post": ("职务", ("现任职务",)),
    "phone": ("联系电话", ("手机号码", "电话")),
    "role": ("队内职务", ("驻村职务",)),
    "started_on": ("进驻日期", ("驻村时间", "进驻时间")),
    "ended_on": ("期满日期", ("期满时间", "离村日期")),
}
REQUIRED = ("sending_unit", "name", "role", "started_on")
HEADERS = {header_key(name): k for k, (header, more) in COLUMNS.items() for name in (header, *more)}
ROLE_LABELS = {str(label): code for code, label in PostingRole.choices} | {
    code: code for code in PostingRole.values
}
LEVEL_LABELS = {str(label): code for code, label in UnitLevel.choices} | {
    code: code for code in UnitLevel.values
}


@dataclass
class TeamImportReport:
    """The JSON shape of the ledger import's report (LedgerImportReport.as_dict)."""

    kind: str = "teams"
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    not_registered: int = 0
    errors: list[Message] = field(default_factory=list)
    warnings: list[Message] = field(default_factory=list)
    written: bool = False
    dry_run: bool = False
    teams_created: int = 0
    cadres_created: int = 0

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "not_registered": self.not_registered,
            "written": self.written,
            "dry_run": self.dry_run,
            "batch": None,
            "teams_created": self.teams_created,
            "cadres_created": self.cadres_created,
            "errors": [message.as_dict() for message in self.errors],
            "warnings": [message.as_dict() for message in self.warnings],
        }

    @property
    def exit_code(self) -> int:
        return 1 if self.errors else 0


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


def _read(path) -> tuple[dict[int, str], list[tuple[int, list]]]:
    rows = sheet_rows(Path(path))
    for number, row in rows:
        found = {
            position: HEADERS[header_key(cell)]
            for position, cell in enumerate(row)
            if cell is not None and header_key(cell) in HEADERS
        }
        keys = set(found.values())
        if "name" in keys and "role" in keys:
            missing = [COLUMNS[k][0] for k in REQUIRED if k not in keys]
            if not {"village_code", "village_name"} & keys:
                missing.insert(0, "村代码或村名称")
            if missing:
                raise UnusableFile(
                    "columns_missing",
                    f"第 {number} 行像是表头，但缺少必填列：{'、'.join(missing)}",
                    f"row {number} looks like the header but lacks: {', '.join(missing)}",
                )
            columns: dict[int, str] = {}
            for position, k in found.items():
                if k not in columns.values():
                    columns[position] = k
            return columns, [(n, r) for n, r in rows if any(text(c) for c in r)]
        if number >= HEADER_SEARCH_ROWS:
            break
    raise UnusableFile(
        "header_missing",
        "找不到表头：前 30 行中没有同时含“姓名”和“队内职务”的行",
        "no header row: none of the first 30 rows has both 姓名 and 队内职务",
    )


def _error(row: RosterRow, column: str, code: str, zh: str, en: str) -> None:
    row.errors.append(Message(row.number, COLUMNS[column][0], code, zh, en))


class _Villages:
    """Villages by code and by name, read once for the file."""

    def __init__(self, codes: set[str], names: set[str]):
        villages = Region.objects.filter(level=RegionLevel.VILLAGE)
        self.by_code = {r.code: r for r in villages.filter(code__in=codes)}
        self.by_name: dict[str, list[Region]] = {}
        for region in villages.filter(name__in=names):
            self.by_name.setdefault(region.name, []).append(region)


def _parse(number: int, cells: dict, villages: _Villages, user) -> RosterRow:
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
    if (
        row.village is not None
        and user is not None
        and not access.may_keep(user, access.TEAMS, row.village.code)
    ):
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
        row.id_number = cadre_id_number(cells.get("id_number"))
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
            setattr(row, column, a_date(cells.get(column)))
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
    columns, raw = _read(path)
    parsed_cells = [
        (number, {k: (row[p] if p < len(row) else None) for p, k in columns.items()})
        for number, row in raw
    ]
    villages = _Villages(
        {text(c.get("village_code")) for _n, c in parsed_cells},
        {text(c.get("village_name")) for _n, c in parsed_cells},
    )
    rows = [_parse(number, cells, villages, acting_user) for number, cells in parsed_cells]
    report.rows = len(rows)
    _same_cadre_twice(rows)
    with transaction.atomic():
        for row in rows:
            if not row.errors:
                try:
                    with transaction.atomic():
                        _write(row, acting_user, report)
                except TuopinError as error:
                    column = {"cadre": "name", "ended_on": "ended_on"}.get(error.field, "name")
                    _error(row, column, error.code, error.message_zh, error.message_en)
            if row.errors:
                report.rejected += 1
                report.errors.extend(row.errors)
        if dry_run or (report.errors and not partial):
            transaction.set_rollback(True)
        else:
            report.written = bool(report.created or report.updated)
    if not report.written and not dry_run and report.errors and not partial:
        report.created = report.updated = report.unchanged = 0
        report.teams_created = report.cadres_created = 0
    return report


def _write(row: RosterRow, user, report: TeamImportReport) -> None:
    try:
        cadre = cadre_lookup(region_code=row.village.code, name=row.name, id_number=row.id_number)
    except TuopinError as error:
        raise TuopinError(error.code, error.message_zh, error.message_en, field="cadre") from error
    if cadre is not None and cadre.name != row.name:
        raise TuopinError(
            "cadre_id_other_name",
            f"身份证号已登记为“{cadre.name}”，与姓名“{row.name}”不符",
            f"the ID number belongs to '{cadre.name}', not '{row.name}'",
            field="cadre",
        )
    cadre, created = cadre_find_or_create(
        acting_user=user,
        region_code=row.village.code,
        name=row.name,
        id_number=row.id_number,
        work_unit=row.work_unit,
        unit_level=row.unit_level,
        post=row.post,
        phone=row.phone,
    )
    report.cadres_created += created
    team, team_created = team_find_or_create(
        acting_user=user,
        village_code=row.village.code,
        sending_unit=row.sending_unit,
        started_on=row.started_on,
    )
    report.teams_created += team_created
    posting = Posting.objects.filter(team=team, cadre=cadre, started_on=row.started_on).first()
    if posting is None:
        posting_create(
            acting_user=user,
            team=team,
            cadre=cadre,
            role=row.role,
            started_on=row.started_on,
            ended_on=row.ended_on,
        )
        report.created += 1
        return
    if (posting.role, posting.ended_on) == (row.role, row.ended_on):
        report.unchanged += 1
        return
    if overlapping_postings(cadre.pk, row.started_on, row.ended_on, exclude=posting.pk).exists():
        raise TuopinError(
            "posting_twice",
            f"{cadre.name} 同期已在另一工作队任职，同一干部同时只能在一个工作队",
            f"{cadre.name} is posted to another team at the same time",
            field="cadre",
        )
    posting.role, posting.ended_on = row.role, row.ended_on
    posting._history_user = user
    posting.save(update_fields=["role", "ended_on"])
    report.updated += 1


__all__ = ["TeamImportReport", "WorkTeam", "import_teams"]
