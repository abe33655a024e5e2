"""Reading division files in the china-division CSV layout: `code,name,level,parent_code`.

Everything is checked before anything is written: a malformed file names its bad
line and loads nothing.
"""

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from tuopin.core.errors import TuopinError
from tuopin.core.regioncodes import expand_code, level_of_code, significant_prefix
from tuopin.core.uploads import check_file
from tuopin.regions.enums import LEVEL_PARENT, RegionKind, RegionLevel

DEFAULT_FILE = Path(__file__).parent / "data" / "shangqiu-divisions.csv"
POOR_COUNTIES_FILE = Path(__file__).parent / "data" / "poor-counties.csv"
REQUIRED_COLUMNS = ("code", "name", "level", "parent_code")
VILLAGE_SUFFIXES = ("村委会", "村民委员会")
NAME_MAX_LENGTH = 64  # Region.name


@dataclass(frozen=True)
class DivisionRow:
    line: int
    code: str
    name: str
    level: str
    kind: str
    parent_code: str | None


def kind_from_name(name: str, explicit: str = "") -> str:
    """A village-level unit is a 村委会 by its official name; anything else is a community."""
    if explicit:
        return explicit
    return RegionKind.VILLAGE if name.endswith(VILLAGE_SUFFIXES) else RegionKind.COMMUNITY


def _bad_line(line: int, zh: str, en: str, field: str | None = None) -> TuopinError:
    return TuopinError(
        "regions_file_invalid", f"第 {line} 行：{zh}", f"line {line}: {en}", field=field, row=line
    )


def read_division_file(path: Path | str) -> list[DivisionRow]:
    path = Path(path)
    try:
        check_file(path)  # the size limit on user-supplied files, before reading it whole
        data = path.read_bytes()
    except FileNotFoundError as missing:
        raise TuopinError(
            "regions_file_missing", f"找不到文件：{path}", f"file not found: {path}"
        ) from missing
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as undecodable:
        line = data[: undecodable.start].count(b"\n") + 1
        raise TuopinError(
            "regions_file_encoding",
            f"第 {line} 行：文件不是 UTF-8 编码（请在 Excel 中另存为“CSV UTF-8”）",
            f"line {line}: the file is not UTF-8 (save it as 'CSV UTF-8')",
            row=line,
        ) from undecodable
    return parse_division_csv(text)


def parse_division_csv(text: str) -> list[DivisionRow]:
    reader = csv.reader(io.StringIO(text))
    header = [cell.strip().lower() for cell in next(reader, [])]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise _bad_line(
            1,
            f"表头缺少列 {', '.join(missing)}（应为 code,name,level,parent_code）",
            f"header lacks {', '.join(missing)} (expected code,name,level,parent_code)",
        )
    position = {column: header.index(column) for column in header}
    rows: list[DivisionRow] = []
    seen: dict[str, int] = {}
    for line, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) < len(header):
            raise _bad_line(
                line,
                f"应有 {len(header)} 列，实有 {len(cells)} 列",
                f"expected {len(header)} columns, found {len(cells)}",
            )

        def cell(column: str, cells=cells) -> str:
            return cells[position[column]].strip() if column in position else ""

        code = expand_code(cell("code"))
        if code is None:
            raise _bad_line(
                line,
                f"区划代码“{cell('code')}”不是 12 位数字",
                f"code '{cell('code')}' is not a 12-digit number",
                "code",
            )
        if code in seen:
            raise _bad_line(
                line,
                f"区划代码 {code} 与第 {seen[code]} 行重复",
                f"code {code} repeats line {seen[code]}",
                "code",
            )
        name = cell("name")
        if not name:
            raise _bad_line(line, "名称为空", "name is empty", "name")
        if len(name) > NAME_MAX_LENGTH:
            raise _bad_line(
                line,
                f"名称超过 {NAME_MAX_LENGTH} 个字",
                f"name longer than {NAME_MAX_LENGTH} characters",
                "name",
            )
        level = cell("level")
        if level not in RegionLevel.values:
            raise _bad_line(
                line,
                f"层级“{level}”无效（应为 {', '.join(RegionLevel.values)}）",
                f"level '{level}' is not one of {', '.join(RegionLevel.values)}",
                "level",
            )
        if level_of_code(code) != level:
            raise _bad_line(
                line,
                f"区划代码 {code} 是 {level_of_code(code)} 级的代码，与层级 {level} 不符",
                f"code {code} has the shape of a {level_of_code(code)}, not a {level}",
                "code",
            )
        parent_code = expand_code(cell("parent_code")) if cell("parent_code") else None
        if cell("parent_code") and parent_code is None:
            raise _bad_line(
                line,
                f"上级代码“{cell('parent_code')}”不是 12 位数字",
                f"parent code '{cell('parent_code')}' is not a 12-digit number",
                "parent_code",
            )
        kind = ""
        if level == RegionLevel.VILLAGE:
            explicit = cell("kind")
            if explicit and explicit not in RegionKind.values:
                raise _bad_line(
                    line, f"村级类型“{explicit}”无效", f"kind '{explicit}' is invalid", "kind"
                )
            kind = kind_from_name(name, explicit)
        seen[code] = line
        rows.append(DivisionRow(line, code, name, level, kind, parent_code))
    if not rows:
        raise TuopinError("regions_file_empty", "文件中没有区划", "the file holds no divisions")
    return rows


def check_tree(rows: list[DivisionRow], existing_levels: dict[str, str]) -> None:
    """Every parent must exist (in the file or already loaded) one level up."""
    levels = dict(existing_levels)
    levels.update({row.code: row.level for row in rows})
    for row in rows:
        expected_parent_level = LEVEL_PARENT[RegionLevel(row.level)]
        if expected_parent_level is None:
            continue  # a city's province is not part of the tree
        if row.parent_code is None or row.parent_code not in levels:
            raise _bad_line(
                row.line,
                f"上级区划 {row.parent_code or '（空）'} 不存在",
                f"parent {row.parent_code or '(empty)'} does not exist",
                "parent_code",
            )
        if not row.code.startswith(significant_prefix(row.parent_code)):
            raise _bad_line(
                row.line,
                f"区划代码 {row.code} 不在上级区划 {row.parent_code} 之下",
                f"code {row.code} does not lie under its parent {row.parent_code}",
                "code",
            )
        if levels[row.parent_code] != expected_parent_level:
            raise _bad_line(
                row.line,
                f"上级区划 {row.parent_code} 的层级是 {levels[row.parent_code]}，"
                f"应为 {expected_parent_level}",
                f"parent {row.parent_code} is a {levels[row.parent_code]}, "
                f"expected a {expected_parent_level}",
                "parent_code",
            )


def read_poor_counties() -> dict[str, dict]:
    with POOR_COUNTIES_FILE.open(encoding="utf-8") as handle:
        return {row["code"]: row for row in csv.DictReader(handle)}
