"""Writing validated households in bulk: a few statements per table, whatever the size.

Changes are found in memory against the rows already stored, then created or updated
with `bulk_create_with_history` / `bulk_update_with_history`, so every change still
leaves its history row and names the importing user.
"""

from collections import defaultdict
from decimal import Decimal

from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from tuopin.core import db  # noqa: F401  (registers the any_of lookup)
from tuopin.core.bulk import insert_with_history
from tuopin.registry.enums import MeasureCategory
from tuopin.registry.interchange.columns import BY_KEY, HOUSEHOLD
from tuopin.registry.interchange.values import text
from tuopin.registry.models import Helper, Household, HouseholdCause, Income, Measure, Member

BATCH = 2000
REASON = "registry import"
INCOME_AMOUNTS = ("wages", "business", "property_income", "transfers", "production_costs")
INCOME_RAISING = {
    MeasureCategory.INDUSTRY,
    MeasureCategory.EMPLOYMENT,
    MeasureCategory.FINANCE,
    MeasureCategory.PHOTOVOLTAIC,
    MeasureCategory.PUBLIC_WELFARE_JOB,
    MeasureCategory.RANGER,
    MeasureCategory.ASSET_INCOME,
}
HOUSEHOLD_FIELD_OF = {"household_status": "status"}
NOT_HOUSEHOLD_FIELDS = {
    "number",
    "other_causes",
    "measures",
    "helper_name",
    "declared_size",
    "dangerous_house",
}
MEMBER_FIELDS = {f.name for f in Member._meta.concrete_fields} - {"id", "household", "version"}


def _if_empty(model, names) -> dict:
    """name -> what an empty cell stores: "" in a column that cannot be NULL, else None."""
    nullable = {f.name: f.null for f in model._meta.concrete_fields}
    return {name: (None if nullable.get(name, True) else "") for name in names}


MEMBER_IF_EMPTY = _if_empty(Member, MEMBER_FIELDS)


# Column key -> household field, for the household columns that are model fields.
HOUSEHOLD_FIELD_OF_KEY = {
    column.key: HOUSEHOLD_FIELD_OF.get(column.key, column.key)
    for column in BY_KEY.values()
    if column.level == HOUSEHOLD and column.key not in NOT_HOUSEHOLD_FIELDS
}
# Column key -> (household field, what an empty cell stores).
HOUSEHOLD_FIELD_AND_EMPTY = {
    key: (name, _if_empty(Household, [name])[name]) for key, name in HOUSEHOLD_FIELD_OF_KEY.items()
}


def household_attributes(values: dict) -> dict:
    """Model fields of the household present in the file (an absent column changes nothing);
    an empty code cell means unknown: "" in a column that cannot be NULL."""
    known = HOUSEHOLD_FIELD_AND_EMPTY
    attributes = {
        known[k][0]: (known[k][1] if v is None else v) for k, v in values.items() if k in known
    }
    if values.get("dangerous_house") and not values.get("housing_grade"):
        attributes["housing_grade"] = values["dangerous_house"]
    return attributes


def member_attributes(data: dict) -> dict:
    """The member's model fields in `data`, empty cells as household_attributes."""
    if_empty = MEMBER_IF_EMPTY
    return {k: (if_empty[k] if v is None else v) for k, v in data.items() if k in if_empty}


def _differences(stored: dict, wanted: dict) -> dict:
    return {name: value for name, value in wanted.items() if stored[name] != value}


def _apply(instances, changes: dict[int, dict]) -> tuple[list, set[str]]:
    """Set the changed fields on freshly loaded instances: (instances, field names)."""
    fields: set[str] = set()
    for instance in instances:
        difference = changes[instance.pk]
        for name, value in difference.items():
            setattr(instance, name, value)
        fields |= difference.keys()
    return list(instances), fields


class BulkWriter:
    """Stored rows are read as plain values and compared in memory; only changed rows are
    loaded as model instances (to update them with history), and new rows go in through
    `insert_with_history` (COPY on PostgreSQL)."""

    def __init__(self, acting_user, report):
        self.user = acting_user
        self.report = report
        self.touched: set[int] = set()  # existing households with any change
        self.new_id_numbers: set[str] = set()  # of the members this import created

    def _create(self, rows: list[dict], model) -> list[int]:
        return insert_with_history(model, rows, user=self.user, reason=REASON)

    def _update(self, objects: list, model, fields: set[str]) -> None:
        if objects and fields:
            bulk_update_with_history(
                objects,
                model,
                sorted(fields),
                batch_size=BATCH,
                default_user=self.user,
                default_change_reason=REASON,
            )

    def write(self, households: list, cleaned: dict) -> None:
        """`households`: validated HouseholdRows of one chunk; `cleaned`: their members."""
        targets, created = self._households(households, self._helper_ids(households))
        self._causes(households, targets, created)
        self._incomes_and_measures(households, targets, created)
        self._members(households, cleaned, targets, created)
        counts = self.report.households
        counts.created += len(created)
        for household in households:
            pk = targets[id(household)][0]
            if pk in created:
                continue
            if pk in self.touched:
                counts.updated += 1
            else:
                counts.unchanged += 1
        # Only this chunk's households: earlier chunks had theirs stamped already.
        touched = {targets[id(h)][0] for h in households} & self.touched - created
        if touched:
            Household.objects.filter(pk__any_of=touched).update(updated_at=timezone.now())

    def _households(self, households, helper_ids):
        """id(HouseholdRows) -> (household id, main cause), and the ids created."""
        wanted_of, fields = {}, {"main_cause"}
        for household in households:
            wanted = household_attributes(household.first.household)
            if "helper_name" in household.first.household:
                name = text(household.first.household["helper_name"])
                county = household.village_code[:6].ljust(12, "0")
                wanted["helper_id"] = helper_ids.get((county, name)) if name else None
            wanted_of[id(household)] = wanted
            fields |= wanted.keys()
        stored = {
            (row["village_id"], row["number"]): row
            for row in Household.objects.filter(
                number__any_of={h.number for h in households},
                village_id__any_of={h.village_code for h in households},
            ).values("id", "village_id", "number", *fields)
        }
        targets, new, new_households, changes = {}, [], [], {}
        for household in households:
            wanted = wanted_of[id(household)]
            current = stored.get((household.village_code, household.number))
            if current is None:
                new.append(
                    {"village_id": household.village_code, "number": household.number, **wanted}
                )
                new_households.append(household)
                continue
            difference = _differences(current, wanted)
            if difference:
                changes[current["id"]] = difference
                self.touched.add(current["id"])
            targets[id(household)] = (
                current["id"],
                wanted.get("main_cause", current["main_cause"]),
            )
        ids = self._create(new, Household)
        for household, pk, row in zip(new_households, ids, new, strict=True):
            targets[id(household)] = (pk, row.get("main_cause", ""))
        if changes:
            objects, fields = _apply(Household.objects.filter(pk__in=changes), changes)
            for instance in objects:
                instance.version += 1
            fields = {"helper" if f == "helper_id" else f for f in fields}
            self._update(objects, Household, fields | {"version"})
        return targets, set(ids)

    def _causes(self, households, targets, created) -> None:
        with_column = [h for h in households if "other_causes" in h.first.household]
        ids = [targets[id(h)][0] for h in with_column]
        current = defaultdict(dict)
        links = HouseholdCause.objects.filter(
            household_id__any_of=[i for i in ids if i not in created]
        )
        for link_id, household_id, cause in links.values_list("id", "household_id", "cause"):
            current[household_id][cause] = link_id
        new, gone = [], []
        for household in with_column:
            pk, main_cause = targets[id(household)]
            wanted = {c for c in household.first.household["other_causes"] or [] if c != main_cause}
            have = current[pk]
            new += [{"household_id": pk, "cause": c} for c in wanted - set(have)]
            gone += [have[c] for c in set(have) - wanted]
            if wanted != set(have):
                self.touched.add(pk)
        self._create(new, HouseholdCause)
        for link in HouseholdCause.objects.filter(pk__in=gone):  # rare: a cause dropped
            link._history_user = self.user
            link.delete()

    def _helper_ids(self, households) -> dict[tuple[str, str], int]:
        """(county code, helper name) -> helper id, creating the helpers not yet known."""
        wanted = {
            (h.village_code[:6].ljust(12, "0"), text(h.first.household["helper_name"]))
            for h in households
            if text(h.first.household.get("helper_name"))
        }
        found = Helper.objects.filter(
            region_id__in={r for r, _ in wanted}, name__in={n for _, n in wanted}
        ).values_list("region_id", "name", "id")
        ids = {(region, name): pk for region, name, pk in found}
        missing = sorted(set(wanted) - set(ids))
        new = self._create([{"region_id": r, "name": n} for r, n in missing], Helper)
        ids.update(zip(missing, new, strict=True))
        return ids

    def _incomes_and_measures(self, households, targets, created) -> None:
        ids = [pk for pk, _ in targets.values() if pk not in created]
        incomes = {
            (row["household_id"], row["year"]): row
            for row in Income.objects.filter(household_id__any_of=ids).values(
                "id", "household_id", "year", *INCOME_AMOUNTS
            )
        }
        measures = set(
            Measure.objects.filter(household_id__any_of=ids).values_list(
                "household_id", "year", "category"
            )
        )
        new_incomes, changes, new_measures = [], {}, []
        this_year = timezone.localdate().year
        for household in households:
            pk, values = targets[id(household)][0], household.first.household
            year = values.get("income_year")
            if year is not None and any(name in values for name in INCOME_AMOUNTS):
                amounts = {
                    name: values.get(name) or Decimal(0)
                    for name in INCOME_AMOUNTS
                    if name in values
                }
                income = incomes.get((pk, year))
                if income is None:
                    new_incomes.append({"household_id": pk, "year": year, **amounts})
                    self.touched.add(pk)
                else:
                    difference = _differences(income, amounts)
                    if difference:
                        changes[income["id"]] = difference
                        self.touched.add(pk)
            measure_year = year or this_year
            for category in values.get("measures") or []:
                if (pk, measure_year, category) not in measures:
                    measures.add((pk, measure_year, category))
                    new_measures.append(
                        {
                            "household_id": pk,
                            "category": category,
                            "year": measure_year,
                            "raises_income": category in INCOME_RAISING,
                        }
                    )
                    self.touched.add(pk)
        self._create(new_incomes, Income)
        if changes:
            objects, fields = _apply(Income.objects.filter(pk__in=changes), changes)
            self._update(objects, Income, fields)
        self._create(new_measures, Measure)

    def _members(self, households, cleaned, targets, created) -> None:
        ids = [pk for pk, _ in targets.values() if pk not in created]
        stored = defaultdict(list)
        for member in Member.objects.filter(household_id__any_of=ids).values(
            "id", "household_id", *MEMBER_FIELDS
        ):
            stored[member["household_id"]].append(member)
        new, changes = [], {}
        counts = self.report.members
        for household in households:
            pk = targets[id(household)][0]
            for data in cleaned[id(household)]:
                wanted = member_attributes(data)
                member = _match(data, stored[pk])
                if member is None:
                    wanted["household_id"] = pk  # a dict of its own, made for this row
                    new.append(wanted)
                    counts.created += 1
                    if wanted.get("id_number"):
                        self.new_id_numbers.add(wanted["id_number"])
                    continue
                difference = _differences(member, wanted)
                if difference:
                    changes[member["id"]] = difference
                    counts.updated += 1
                else:
                    counts.unchanged += 1
        self._create(new, Member)
        if changes:
            objects, fields = _apply(Member.objects.filter(pk__in=changes), changes)
            for instance in objects:
                instance.version += 1
            self._update(objects, Member, fields | {"version"})


def _match(data: dict, stored: list[dict]) -> dict | None:
    number = data.get("id_number")
    for member in stored:
        if number and member["id_number"] == number:
            return member
    if number:
        return None
    for member in stored:  # no ID number (a newborn): name and birth date
        if (
            not member["id_number"]
            and member["name"] == data.get("name")
            and (member["birth_date"] == data.get("birth_date"))
        ):
            return member
    return None
