"""Spreadsheet import of village and county exit indicators: all rows valid, or nothing written.

A village sheet has 行政区划代码 (or 县, 乡镇, 村 names) and any of the indicator columns
(通硬化路, 通客车, ... 宽带网络, 村集体经济收入, 主导产业); a county sheet has the county
code or name and 错退率, 漏评率, 群众认可度 (percent). Yes/no cells take every form the
registry import takes (是/否, √/×, 1/0, Y/N...). A blank cell leaves the value unknown.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from tuopin.core.errors import TuopinError
from tuopin.policy.services import county_indicator_record, village_indicator_record
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region
from tuopin.registry.interchange.reader import sheet_rows
from tuopin.registry.interchange.values import BadValue, yes_no
from tuopin.registry.interchange.villages import VillageResolver

VILLAGE_COLUMNS = {
    "通硬化路": "road",
    "硬化路": "road",
    "通客车": "bus",
    "饮水安全": "water",
    "生产生活用电": "electricity",
    "通电": "electricity",
    "广播电视户户通": "radio_tv",
    "广播电视": "radio_tv",
    "综合性文化服务中心": "culture_centre",
    "文化服务中心": "culture_centre",
    "标准化卫生室": "clinic",
    "卫生室": "clinic",
    "合格村医": "doctor",
    "村医": "doctor",
    "宽带网络": "broadband",
    "宽带": "broadband",
    "村集体经济收入": "collective_income",
    "村集体经济收入（元）": "collective_income",
    "主导产业": "industry",
}
COUNTY_COLUMNS = {
    "错退率": "wrong_exit_rate",
    "错退率（%）": "wrong_exit_rate",
    "漏评率": "missed_rate",
    "漏评率（%）": "missed_rate",
    "群众认可度": "approval",
    "群众认可度（%）": "approval",
}
PLACE_COLUMNS = {
    "行政区划代码": "code",
    "区划代码": "code",
    "村代码": "code",
    "县代码": "code",
    "县": "county",
    "县（市、区）": "county",
    "乡镇": "township",
    "乡（镇）": "township",
    "村": "village",
    "行政村": "village",
}
TEXT_FIELDS = ("industry",)
NUMBER_FIELDS = ("collective_income", "wrong_exit_rate", "missed_rate", "approval")


@dataclass
class IndicatorImport:
    level: str = ""
    rows: int = 0
    written: int = 0
    errors: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "level": self.level,
            "rows": self.rows,
            "written": self.written,
            "errors": self.errors,
        }


def _cells(path: Path):
    # The registry's reader: the limits on user-supplied files (tuopin/core/uploads.py)
    # hold for every table the platform reads, and .xls comes with it.
    if path.suffix.lower() not in (".xlsx", ".xlsm", ".xls", ".csv"):
        raise TuopinError(
            "indicator_file_type", "请上传 .xlsx 或 .csv 文件", "upload an .xlsx or .csv file"
        )
    yield from sheet_rows(path)


def _header(row) -> dict[int, str]:
    known = {**VILLAGE_COLUMNS, **COUNTY_COLUMNS, **PLACE_COLUMNS}
    return {
        position: known[str(cell).strip()]
        for position, cell in enumerate(row)
        if cell is not None and str(cell).strip() in known
    }


def indicators_import(*, acting_user, path: Path | str, year: int) -> IndicatorImport:
    path = Path(path)
    report = IndicatorImport()
    rows = _cells(path)
    columns: dict[int, str] = {}
    headers: dict[str, str] = {}
    for _number, row in rows:
        columns = _header(row)
        if (
            "code" in columns.values()
            or "village" in columns.values()
            or "county" in columns.values()
        ):
            headers = {name: str(row[position]).strip() for position, name in columns.items()}
            break
    else:
        raise TuopinError(
            "indicator_header_missing",
            "找不到表头：需要“行政区划代码”或“县、乡镇、村”列",
            "no header row: a code column or county/township/village names are needed",
        )
    fields = set(columns.values())
    report.level = (
        RegionLevel.COUNTY if fields & set(COUNTY_COLUMNS.values()) else RegionLevel.VILLAGE
    )
    resolver = VillageResolver()
    counties = {
        name: code
        for code, name in Region.objects.filter(level=RegionLevel.COUNTY).values_list(
            "code", "name"
        )
    }
    parsed = []
    for number, row in rows:
        cells = {
            name: row[position] if position < len(row) else None
            for position, name in columns.items()
        }
        if not any(value not in (None, "") for value in cells.values()):
            continue
        report.rows += 1
        code, values = _row(report, number, cells, headers, resolver, counties)
        if code:
            parsed.append((number, code, values))
    if report.errors:
        return report
    record = (
        county_indicator_record if report.level == RegionLevel.COUNTY else village_indicator_record
    )
    key = "county_code" if report.level == RegionLevel.COUNTY else "village_code"
    with transaction.atomic():
        for number, code, values in parsed:
            try:
                record(acting_user=acting_user, year=year, **{key: code}, **values)
            except TuopinError as error:
                report.errors.append(
                    {"row": number, "column": "", "code": error.code, "message": error.message_zh}
                )
            except Exception as error:  # out of scope or no permission: name the row
                report.errors.append(
                    {"row": number, "column": "", "code": "refused", "message": str(error)}
                )
        if report.errors:
            transaction.set_rollback(True)
            return report
    report.written = len(parsed)
    return report


def _row(report, number, cells, headers, resolver, counties):
    values, failed = {}, False

    def error(column: str, code: str, message: str):
        nonlocal failed
        failed = True
        report.errors.append(
            {"row": number, "column": headers.get(column, column), "code": code, "message": message}
        )

    code = str(cells.get("code") or "").strip()
    if report.level == RegionLevel.COUNTY:
        if not code:
            code = counties.get(str(cells.get("county") or "").strip(), "")
        if not code:
            error("county", "county_unknown", "找不到县（市、区）")
    else:
        code, message_zh, _en = resolver.resolve(
            code=code,
            county=str(cells.get("county") or "").strip(),
            township=str(cells.get("township") or "").strip(),
            village=str(cells.get("village") or "").strip(),
        )
        if code is None:
            error("code", "village_unknown", message_zh)
    for name, raw in cells.items():
        if name in PLACE_COLUMNS.values() or raw in (None, ""):
            continue
        if name in TEXT_FIELDS:
            values[name] = str(raw).strip()
        elif name in NUMBER_FIELDS:
            try:
                values[name] = Decimal(str(raw).strip().rstrip("%"))
            except InvalidOperation:
                error(name, "not_a_number", f"“{raw}”不是数字")
        else:
            try:
                values[name] = yes_no(raw)
            except BadValue as bad:
                error(name, "not_yes_no", bad.message_zh)
    return (None if failed else code), values
