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
from decimal import Decimal, InvalidOperation


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


@dataclass(frozen=True)
class Resolved:
    parameter: Parameter
    value: Decimal
    row: object | None  # None: the shipped default applies

    @property
    def is_default(self) -> bool:
        return self.row is None

    @property
    def unconfirmed_default(self) -> bool:
        """A shipped default without a Henan 2018 source: shown as 「默认值，待核实」."""
        return self.row is None and not self.parameter.confirmed


@dataclass(frozen=True)
class ParameterStore:
    """An app's parameters: its catalogue of defaults and the model of the values set
    (fields code, region, year, value, note, set_by). Who may set what is the app's
    rule, checked before `write`."""

    model: type
    catalogue: dict[str, Parameter]
    error_prefix: str  # the error codes' prefix: "funds_parameter_value"…
    noun: str = "参数"  # what the messages call a parameter: 参数, 台账参数
    noun_en: str = "parameter"

    def resolve(self, year: int, region_code: str) -> dict[str, Resolved]:
        path = region_path(region_code)
        rows = self.model.objects.filter(region_id__in=path, year__lte=year).select_related(
            "region"
        )
        chosen = rows_in_force(rows, path)
        return {
            code: Resolved(
                parameter,
                chosen[code].value if code in chosen else parameter.default,
                chosen.get(code),
            )
            for code, parameter in self.catalogue.items()
        }

    def values(self, year: int, region_code: str) -> dict[str, Decimal]:
        """code -> value in force for the year at the region."""
        return {code: item.value for code, item in self.resolve(year, region_code).items()}

    def require_known(self, code: str) -> None:
        from tuopin.core.errors import TuopinError

        if code not in self.catalogue:
            raise TuopinError(
                f"{self.error_prefix}_unknown",
                f"没有代码为“{code}”的{self.noun}",
                f"there is no {self.noun_en} '{code}'",
                field="code",
            )

    def write(self, *, acting_user, code: str, region, year, value, note: str = ""):
        """Set `code` at `region` from `year` on; a clear error for an unknown code, a
        year outside 2000–2100 or a value that is not a number of at least 0."""
        from django.db import transaction

        from tuopin.core.errors import TuopinError

        self.require_known(code)
        if not isinstance(year, int) or not 2000 <= year <= 2100:
            raise TuopinError(
                f"{self.error_prefix}_year",
                f"起始年度“{year}”无效",
                f"invalid start year '{year}'",
                field="year",
            )
        try:
            amount = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            amount = None
        if amount is None or not amount.is_finite() or amount < 0 or amount >= Decimal("1e10"):
            raise TuopinError(
                f"{self.error_prefix}_value",
                f"取值“{value}”无效：应为不小于 0 的数",
                f"invalid value '{value}': a number of at least 0",
                field="value",
            )
        with transaction.atomic():
            row, _created = self.model.objects.update_or_create(
                code=code,
                region=region,
                year=year,
                defaults={
                    "value": amount.quantize(Decimal("0.0001")),
                    "note": note[:200],
                    "set_by": acting_user,
                },
            )
        return row
