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
from tuopin.registry.interchange.columns import COLUMNS
from tuopin.registry.interchange.values import health_label
from tuopin.registry.models import Household, HouseholdCause, Income, Measure, Member

EXPORTED = [column for column in COLUMNS if column.exported]
CHUNK = 1000


def _yes_no(value) -> str:
    return "" if value is None else ("是" if value else "否")


def _display(instance, name: str) -> str:
    value = getattr(instance, name)
    if value in ("", None):
        return ""
    if isinstance(value, bool):
        return _yes_no(value)
    getter = getattr(instance, f"get_{name}_display", None)
    return str(getter()) if getter else value


def _rows(households: QuerySet) -> Iterator[list]:
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
        for member in Member.objects.filter(household_id__in=ids).order_by("household_id", "id"):
            members[member.household_id].append(member)
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
            causes[cause.household_id].append(cause)
        measures = defaultdict(list)
        for measure in Measure.objects.filter(household_id__in=ids).order_by("category"):
            measures[(measure.household_id, measure.year)].append(measure)
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
            year = income.year if income else None
            household_values = _household_values(
                household,
                income,
                causes[household.id],
                measures[(household.id, year)],
                members[household.id],
            )
            for member in members[household.id]:
                yield [_cell(column.key, place, household_values, member) for column in EXPORTED]


def _household_values(household, income, causes, measures, members) -> dict:
    values = {
        name: _display(household, name)
        for name in (
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
    }
    values.update(
        {
            "number": household.number,
            "household_status": _display(household, "status"),
            "identified_year": household.identified_year,
            "returned_year": household.returned_year,
            "exit_year": household.exit_year,
            "housing_area_m2": household.housing_area_m2,
            "road_distance_km": household.road_distance_km,
            "other_causes": "、".join(str(c.get_cause_display()) for c in causes),
            "declared_size": sum(1 for m in members if m.status == "1"),
            "helper_name": household.helper.name if household.helper else "",
            "measures": "、".join(str(m.get_category_display()) for m in measures),
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


MEMBER_PLAIN = {"person_number", "name", "id_number", "work_months"}


def _cell(key: str, place: dict, household: dict, member: Member):
    if key in place:
        return place[key]
    if key in household:
        value = household[key]
        return "" if value is None else value
    if key == "birth_date":
        return member.birth_date.isoformat() if member.birth_date else ""
    if key == "health":
        return health_label(member)
    if key in MEMBER_PLAIN:
        value = getattr(member, key)
        return "" if value is None else value
    return _display(member, key)


def export_registry(
    households: QuerySet, out: Path | str, progress: Callable[[float, str], None] | None = None
) -> int:
    """Write the households (already scoped by the caller) to .xlsx or .csv; rows written."""
    out = Path(out)
    total = Member.objects.filter(household__in=households.values("pk")).count()
    header = [column.header for column in EXPORTED]
    written = 0
    with translation.override("zh-hans"):
        if out.suffix.lower() == ".csv":
            with out.open("w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(header)
                for row in _rows(households):
                    writer.writerow(row)
                    written = _tick(written, total, progress)
        else:
            workbook = xlsxwriter.Workbook(str(out), {"constant_memory": True})
            sheet = workbook.add_worksheet("人口信息")
            text_format = workbook.add_format({"num_format": "@"})
            sheet.write_row(0, 0, header)
            id_column = header.index("证件号码")
            for row in _rows(households):
                written += 1
                sheet.write_row(written, 0, row)
                # ID numbers as text: as a number Excel would round them and drop an X.
                sheet.write_string(written, id_column, str(row[id_column]), text_format)
                if progress and written % 5000 == 0:
                    progress(written * 100 / max(total, 1), f"{written}/{total}")
            workbook.close()
    return written


def _tick(written: int, total: int, progress) -> int:
    written += 1
    if progress and written % 5000 == 0:
        progress(written * 100 / max(total, 1), f"{written}/{total}")
    return written


def households_under(prefix: str) -> QuerySet:
    return Household.objects.filter(village__code__startswith=prefix)
