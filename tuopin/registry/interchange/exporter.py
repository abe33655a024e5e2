"""Exporting the registry in the interchange layout, in constant memory.

Households are read in keyset chunks; each chunk's members, latest income, causes and
measures come in one query each. The text written is what the importer reads back,
so an exported file re-imports as unchanged.
"""

from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

from django.db.models import QuerySet
from django.utils import translation

from tuopin.core.spreadsheets import csv_writer
from tuopin.regions.models import Region
from tuopin.registry.enums import Health
from tuopin.registry.interchange.columns import COLUMNS, MEMBER
from tuopin.registry.interchange.xlsxstream import XlsxStream
from tuopin.registry.models import Household, HouseholdCause, Income, Measure, Member
from tuopin.registry.personal import MASKS

EXPORTED = [column for column in COLUMNS if column.exported]
CHUNK = 5000  # households per round of queries
HOUSEHOLD_CODED = (
    "identification_standard",
    "attribute",
    "main_cause",
    "phone",
    "bank_name",
    "bank_account",
    "housing_grade",
    "owns_house",
    "is_relocated",
    "relocation_mode",
    "relocation_moved_in",
    "water_safe",
    "water_difficult",
    "has_household_power",
    "has_production_power",
    "road_type",
    "main_fuel",
    "has_sanitary_toilet",
    "food_secure",
    "clothing_secure",
)
MEMBER_PLAIN = {"person_number", "name", "id_number", "work_months"}
HEALTH_FLAGS = ("is_chronically_ill", "is_seriously_ill", "is_disabled")
MEMBER_POSITIONS = [(i, c.key) for i, c in enumerate(EXPORTED) if c.level == MEMBER]


class Labels:
    """Code -> Chinese label of every field with choices, resolved once per export.

    `get_FOO_display` resolves a lazy translation per call; over hundreds of thousands of
    cells that, not the database, dominated the export time.
    """

    def __init__(self):
        with translation.override("zh-hans"):
            self.maps = {
                (model, field.name): {value: str(label) for value, label in field.flatchoices}
                for model in (Household, Member, HouseholdCause, Measure)
                for field in model._meta.concrete_fields
                if field.choices
            }
            self.health = {code: str(code.label) for code in Health}

    def health_of(self, member: dict) -> str:
        """The three health flags as text that `values.health_flags` reads back."""
        flags = (
            (member["is_chronically_ill"], Health.CHRONIC),
            (member["is_seriously_ill"], Health.SERIOUS),
            (member["is_disabled"], Health.DISABLED),
        )
        if all(flag is None for flag, _ in flags):
            return ""
        named = [self.health[code] for flag, code in flags if flag]
        return "、".join(named) if named else self.health[Health.HEALTHY]

    def of(self, instance, name: str):
        return self.code(type(instance), name, getattr(instance, name))

    def code(self, model, name: str, value):
        if value in ("", None):
            return ""
        if isinstance(value, bool):
            return "是" if value else "否"
        labels = self.maps.get((model, name))
        return labels.get(value, value) if labels is not None else value


HOUSEHOLD_FIELDS = (
    "id",
    "village_id",
    "number",
    "status",
    "identified_year",
    "returned_year",
    "exit_year",
    "housing_area_m2",
    "road_distance_km",
    "helper__name",
    *HOUSEHOLD_CODED,
)
INCOME_FIELDS = ("wages", "business", "property_income", "transfers", "production_costs")
MEMBER_OUTPUT = [key for _, key in MEMBER_POSITIONS]
HEALTH_AT = MEMBER_OUTPUT.index("health")
# Member columns as fetched: the output order without health, then its three flags.
MEMBER_FETCHED = [key for key in MEMBER_OUTPUT if key != "health"]
STATUS_AT = 1 + MEMBER_FETCHED.index("status")  # in a fetched row, after household_id
MEMBER_SLICE = slice(MEMBER_POSITIONS[0][0], MEMBER_POSITIONS[-1][0] + 1)
# Members fill one contiguous run of columns, so a row is household head + member + tail.
assert [p for p, _ in MEMBER_POSITIONS] == list(range(MEMBER_SLICE.start, MEMBER_SLICE.stop))
HEAD_KEYS = [column.key for column in EXPORTED[: MEMBER_SLICE.start]]
TAIL_KEYS = [column.key for column in EXPORTED[MEMBER_SLICE.stop :]]


class _Formats:
    """Precomputed text of every coded value: one dict look-up per cell.

    Each map takes the stored value to the exported text ("" for empty, 是/否 for facts,
    the Chinese label for a code, the value itself for an unknown code)."""

    def __init__(self, labels: Labels, masked: bool = False):
        self.labels, self.masked = labels, masked
        names = dict(Region.objects.values_list("code", "name"))
        parents = dict(Region.objects.values_list("code", "parent_id"))
        self.names, self.parents, self.places = names, parents, {}
        self.household = {name: self._map(Household, name) for name in HOUSEHOLD_CODED}
        self.household["status"] = self._map(Household, "status")
        if masked:
            for name in ("phone", "bank_account"):
                self.household[name] = _Masked(MASKS[name])
        # One map per member column in MEMBER_FETCHED order (health comes from its flags).
        self.member = [self._member_map(key) for key in MEMBER_FETCHED]
        self.health: dict = {}

    def _map(self, model, name: str) -> dict:
        codes = self.labels.maps.get((model, name), {})
        return {None: "", "": "", True: "是", False: "否", **codes}

    def _member_map(self, key: str) -> dict:
        if key == "birth_date":
            return _Dates()
        if key == "id_number" and self.masked:
            return _Masked(MASKS[key])
        if key in MEMBER_PLAIN:
            return _Codes({None: ""})
        return _Codes(self._map(Member, key))

    def member_cells(self, member: tuple) -> list:
        """The member's cells from its values (household id, MEMBER_FETCHED, HEALTH_FLAGS)."""
        cells = [codes[value] for codes, value in zip(self.member, member[1:], strict=False)]
        flags = member[-3:]
        health = self.health.get(flags)
        if health is None:
            health = self.health[flags] = self.labels.health_of(
                dict(zip(HEALTH_FLAGS, flags, strict=True))
            )
        cells.insert(HEALTH_AT, health)
        return cells

    def place(self, village: str) -> dict:
        place = self.places.get(village)
        if place is None:
            township = self.parents.get(village)
            county = self.parents.get(township)
            place = self.places[village] = {
                "city": self.names.get(self.parents.get(county), ""),
                "county": self.names.get(county, ""),
                "township": self.names.get(township, ""),
                "village": self.names.get(village, ""),
                "village_code": village,
            }
        return place


class _Codes(dict):
    """Stored value -> cell text; a value without an entry (plain text, an unknown code)
    is written as it is."""

    def __missing__(self, value):
        return value


class _Masked(dict):
    """Stored personal value -> its masked text, remembered like the other maps; read
    with `[]` (member cells) or `get` (household cells)."""

    def __init__(self, mask):
        super().__init__({None: "", "": ""})
        self.mask = mask

    def __missing__(self, value):
        text = self[value] = self.mask(value)
        return text

    def get(self, value, default=None):
        return self[value]


class _Dates(dict):
    """Birth date -> ISO text, remembered: a city has far fewer dates than members."""

    def __missing__(self, value):
        text = self[value] = value.isoformat() if value else ""
        return text


def _chunk_facts(ids: QuerySet, labels: Labels):
    """Members, latest income, other causes and measures of a chunk of households."""
    members = defaultdict(list)
    for row in (
        Member.objects.filter(household_id__in=ids)
        .order_by("household_id", "id")
        .values_list("household_id", *MEMBER_FETCHED, *HEALTH_FLAGS)
    ):
        members[row[0]].append(row)
    incomes = {}
    # Newest year first: the first row seen per household is its latest income.
    for row in (
        Income.objects.filter(household_id__in=ids)
        .order_by("household_id", "-year")
        .values_list("household_id", "year", *INCOME_FIELDS)
    ):
        incomes.setdefault(row[0], row[1:])
    cause_labels = labels.maps[(HouseholdCause, "cause")]
    causes = defaultdict(list)
    for household_id, cause in (
        HouseholdCause.objects.filter(household_id__in=ids)
        .order_by("cause")
        .values_list("household_id", "cause")
    ):
        causes[household_id].append(cause_labels.get(cause, cause))
    measure_labels = labels.maps[(Measure, "category")]
    measures = defaultdict(list)
    for household_id, year, category in (
        Measure.objects.filter(household_id__in=ids)
        .order_by("category")
        .values_list("household_id", "year", "category")
    ):
        measures[(household_id, year)].append(measure_labels.get(category, category))
    return members, incomes, causes, measures


def _rows(
    households: QuerySet, labels: Labels, masked: bool = False
) -> Iterator[tuple[list, list, list]]:
    """Per member: the household's cells before the member's, the member's, and after.
    The first and last are the same lists for every member of a household."""
    formats = _Formats(labels, masked)
    member_cells = formats.member_cells
    last_id = 0
    while True:
        chunk = list(
            households.filter(id__gt=last_id).order_by("id").values(*HOUSEHOLD_FIELDS)[:CHUNK]
        )
        if not chunk:
            return
        last_id = chunk[-1]["id"]
        # The chunk's households as a subquery, not a list of 5,000 ids to bind and parse.
        ids = households.filter(id__gte=chunk[0]["id"], id__lte=last_id).values("id")
        members, incomes, causes, measures = _chunk_facts(ids, labels)
        for household in chunk:
            people = members[household["id"]]
            income = incomes.get(household["id"])
            values = {
                **formats.place(household["village_id"]),
                **_household_values(household, formats, income, people),
                "other_causes": "、".join(causes[household["id"]]),
                "measures": "、".join(measures[(household["id"], income[0] if income else None)]),
            }
            get = values.get
            head = ["" if (v := get(key)) is None else v for key in HEAD_KEYS]
            tail = ["" if (v := get(key)) is None else v for key in TAIL_KEYS]
            for member in people:
                yield head, member_cells(member), tail


def _household_values(household: dict, formats: _Formats, income, people) -> dict:
    values = {
        name: codes.get(household[name], household[name])
        for name, codes in formats.household.items()
        if name != "status"
    }
    values.update(
        {
            "number": household["number"],
            "household_status": formats.household["status"].get(
                household["status"], household["status"]
            ),
            "identified_year": household["identified_year"],
            "returned_year": household["returned_year"],
            "exit_year": household["exit_year"],
            "housing_area_m2": household["housing_area_m2"],
            "road_distance_km": household["road_distance_km"],
            "declared_size": sum(1 for m in people if m[STATUS_AT] == "1"),
            "helper_name": household["helper__name"] or "",
        }
    )
    if income is not None:
        values["income_year"] = income[0]
        values.update(zip(INCOME_FIELDS, income[1:], strict=True))
    return values


def export_registry(
    households: QuerySet,
    out: Path | str,
    progress: Callable[[float, str], None] | None = None,
    *,
    masked: bool = False,
) -> int:
    """Write the households (already scoped by the caller) to .xlsx or .csv; rows written.
    `masked`: ID numbers, bank accounts and phones as on the screens (such a file is for
    reading: it cannot be imported back)."""
    out = Path(out)
    total = 0
    if progress is not None:
        total = Member.objects.filter(household__in=households.values("pk")).count()
    header = [column.header for column in EXPORTED]
    rows = _rows(households, Labels(), masked)
    written = 0

    def counted(rows):
        nonlocal written
        for row in rows:
            written += 1
            if progress is not None and written % 5000 == 0:
                progress(written * 100 / max(total, 1), f"{written}/{total}")
            yield row

    if out.suffix.lower() == ".csv":
        with out.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv_writer(handle)
            writer.writerow(header)
            writer.writerows(head + member + tail for head, member, tail in counted(rows))
        return written
    # Text stays text: an ID number is a string cell, never a number Excel would round.
    with XlsxStream(out, "人口信息") as sheet:
        sheet.write_rows([header])
        sheet.write_segmented(counted(rows))
    return written


def households_under(prefix: str) -> QuerySet:
    return Household.objects.filter(village__code__startswith=prefix)
