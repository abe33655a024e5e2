"""Parameters versioned by year and region: the shape every app's catalogue uses and the
one resolution rule (the ledgers' checks, the people app's checks).

A parameter's value for (year, region) is the row of the most specific region on the
region's path (village, township, county, city, province) whose start year is the latest
not after `year`; without such a row, the shipped default. `confirmed=False` marks a
default for which no Henan 2018 source was found: pages label it 「默认值，待核实」.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Parameter:
    code: str
    label_zh: str
    label_en: str
    unit: str  # shown after the value: 元, 元/年, 岁, 天, %, 亩, 个
    default: Decimal
    source: str
    confirmed: bool = True


def parameter(code, zh, en, unit, default, source, confirmed=True) -> Parameter:
    return Parameter(code, zh, en, unit, Decimal(str(default)), source, confirmed)


def region_path(region_code: str) -> list[str]:
    """The codes of the region and its ancestors, most specific first."""
    codes = []
    for length in (12, 9, 6, 4, 2):
        code = region_code[:length].ljust(12, "0")
        if code not in codes:
            codes.append(code)
    return codes


def rows_in_force(rows: Iterable, path: list[str]) -> dict[str, object]:
    """code -> the row in force among `rows` (each with code, region_id, year), all of the
    regions on `path` and of start years up to the year asked: the most specific region
    first, then the latest start year."""
    specificity = {code: rank for rank, code in enumerate(path)}
    chosen: dict[str, object] = {}
    for row in rows:
        current = chosen.get(row.code)
        key = (specificity[row.region_id], -row.year)
        if current is None or key < (specificity[current.region_id], -current.year):
            chosen[row.code] = row
    return chosen
