"""Exporting the registry in the interchange layout, in constant memory.

Households are read in keyset chunks; each chunk's members, latest income, causes and
measures come in one query each. The text written is what the importer reads back,
so an exported file re-imports as unchanged.
"""

import csv
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

import xlsxwriter
from django.db.models import Max, QuerySet
from django.utils import translation

from tuopin.regions.models import Region
from tuopin.registry.enums import Health
from tuopin.registry.interchange.columns import COLUMNS, MEMBER
from tuopin.registry.models import Household, HouseholdCause, Income, Measure, Member

EXPORTED = [column for column in COLUMNS if column.exported]
CHUNK = 1000
HOUSEHOLD_CODED = (
    "identification_standard",
    "attribute",
    "main_cause",
    "phone",
    "bank_name",
    "bank_account",
    "housing_grade",
    "owns_house",
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
MEMBER_POSITIONS = [(i, c.key) for i, c in enumerate(EXPORTED) if c.level == MEMBER]
MEMBER_EXPORTED = (
    "person_number",
    "name",
    "sex",
    "id_number",
    "birth_date",
    "relation",
    "ethnicity",
    "education",
    "student_status",
    "is_chronically_ill",
    "is_seriously_ill",
    "is_disabled",
    "labour",
    "work_status",
    "work_months",
    "has_basic_medical_insurance",
    "has_serious_illness_insurance",
    "has_basic_pension",
    "receives_dibao",
    "status",
)


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


def _rows(households: QuerySet, labels: Labels) -> Iterator[list]:
    names = dict(Region.objects.values_list("code", "name"))
    parents = dict(Region.objects.values_list("code", "parent_id"))
    last_id = 0
    while True:
        chunk = list(
            households.filter(id__gt=last_id).select_related("helper").order_by("id")[:CHUNK]
        )
        if not chunk:
            return
        last_id = chunk[-1].id
        ids = [h.id for h in chunk]
        members = defaultdict(list)
        # Plain dicts, not model instances: building 750,000 instances cost more than the query.
        for member in (
            Member.objects.filter(household_id__in=ids)
            .order_by("household_id", "id")
            .values("household_id", *MEMBER_EXPORTED)
        ):
            members[member["household_id"]].append(member)
        latest = dict(
            Income.objects.filter(household_id__in=ids)
            .values("household_id")
            .annotate(year=Max("year"))
            .values_list("household_id", "year")
        )
        incomes = {
            i.household_id: i
            for i in Income.objects.filter(household_id__in=ids)
            if latest.get(i.household_id) == i.year
        }
        causes = defaultdict(list)
        for cause in HouseholdCause.objects.filter(household_id__in=ids).order_by("cause"):
            causes[cause.household_id].append(labels.of(cause, "cause"))
        measures = defaultdict(list)
        for measure in Measure.objects.filter(household_id__in=ids).order_by("category"):
            measures[(measure.household_id, measure.year)].append(labels.of(measure, "category"))
        for household in chunk:
            township = parents.get(household.village_id)
            county = parents.get(township)
            place = {
                "city": names.get(parents.get(county), ""),
                "county": names.get(county, ""),
                "township": names.get(township, ""),
                "village": names.get(household.village_id, ""),
                "village_code": household.village_id,
            }
            income = incomes.get(household.id)
            values = {
                **place,
                **_household_values(
                    household,
                    labels,
                    income,
                    causes[household.id],
                    measures[(household.id, income.year if income else None)],
                    members[household.id],
                ),
            }
            # The household's cells once; each member fills in its own columns.
            template = ["" if values.get(c.key) is None else values.get(c.key) for c in EXPORTED]
            for member in members[household.id]:
                row = template.copy()
                for position, key in MEMBER_POSITIONS:
                    row[position] = _member_cell(key, member, labels)
                yield row


def _household_values(household, labels, income, causes, measures, members) -> dict:
    values = {name: labels.of(household, name) for name in HOUSEHOLD_CODED}
    values.update(
        {
            "number": household.number,
            "household_status": labels.of(household, "status"),
            "identified_year": household.identified_year,
            "returned_year": household.returned_year,
            "exit_year": household.exit_year,
            "housing_area_m2": household.housing_area_m2,
            "road_distance_km": household.road_distance_km,
            "other_causes": "、".join(causes),
            "declared_size": sum(1 for m in members if m["status"] == "1"),
            "helper_name": household.helper.name if household.helper else "",
            "measures": "、".join(measures),
        }
    )
    if income is not None:
        values.update(
            {
                "income_year": income.year,
                "wages": income.wages,
                "business": income.business,
                "property_income": income.property_income,
                "transfers": income.transfers,
                "production_costs": income.production_costs,
            }
        )
    return values


def _member_cell(key: str, member: dict, labels: Labels):
    if key == "birth_date":
        return member["birth_date"].isoformat() if member["birth_date"] else ""
    if key == "health":
        return labels.health_of(member)
    if key in MEMBER_PLAIN:
        value = member[key]
        return "" if value is None else value
    return labels.code(Member, key, member[key])


def export_registry(
    households: QuerySet, out: Path | str, progress: Callable[[float, str], None] | None = None
) -> int:
    """Write the households (already scoped by the caller) to .xlsx or .csv; rows written."""
    out = Path(out)
    total = Member.objects.filter(household__in=households.values("pk")).count()
    header = [column.header for column in EXPORTED]
    rows = _rows(households, Labels())
    written = 0

    def tick():
        if progress and written % 5000 == 0:
            progress(written * 100 / max(total, 1), f"{written}/{total}")

    if out.suffix.lower() == ".csv":
        with out.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for row in rows:
                writer.writerow(row)
                written += 1
                tick()
        return written
    workbook = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    # A city's sheet is over 4 GB of XML before compression: zip64 or no file at all.
    workbook.use_zip64()
    sheet = workbook.add_worksheet("人口信息")
    text_format = workbook.add_format({"num_format": "@"})
    sheet.write_row(0, 0, header)
    id_column = header.index("证件号码")
    for row in rows:
        written += 1
        sheet.write_row(written, 0, row)
        # ID numbers as text: as a number Excel would round them and drop an X.
        sheet.write_string(written, id_column, str(row[id_column]), text_format)
        tick()
    workbook.close()
    return written


def households_under(prefix: str) -> QuerySet:
    return Household.objects.filter(village__code__startswith=prefix)
