"""Writing validated households in bulk: a few statements per table, whatever the size.

Changes are found in memory against the rows already stored (`BulkWriter.plan`), then
created with `insert_with_history` or updated with `bulk_update_with_history`
(`BulkWriter.apply`), so every change still leaves its history row and names the
importing user.
"""

from dataclasses import dataclass, field, fields
from typing import NamedTuple

from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from tuopin.core import db  # noqa: F401  (registers the any_of lookup)
from tuopin.core.bulk import insert_with_history
from tuopin.registry.enums import MeasureCategory
from tuopin.registry.idnumbers import canonical_id_number
from tuopin.registry.interchange.columns import BY_KEY, HOUSEHOLD
from tuopin.registry.interchange.stored import INCOME_AMOUNTS, MEMBER_FIELDS, StoredChunk
from tuopin.registry.interchange.values import text
from tuopin.registry.models import Helper, Household, HouseholdCause, Income, Measure, Member

BATCH = 2000
REASON = "registry import"
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


class HelperRef(NamedTuple):
    """A helper the import creates: its id is known once an earlier or this chunk's
    `apply` has written it."""

    key: tuple[str, str]  # county code, name


class HouseholdRef(NamedTuple):
    """A household the chunk creates: its position among the chunk's new households."""

    index: int


@dataclass
class ChunkPlan:
    """What one chunk changes: new rows (ids still to come) and changed fields by id."""

    helpers: list[dict] = field(default_factory=list)
    households: list[dict] = field(default_factory=list)
    household_changes: dict[int, dict] = field(default_factory=dict)
    causes: list[dict] = field(default_factory=list)
    causes_gone: list[int] = field(default_factory=list)
    incomes: list[dict] = field(default_factory=list)
    income_changes: dict[int, dict] = field(default_factory=dict)
    measures: list[dict] = field(default_factory=list)
    members: list[dict] = field(default_factory=list)
    member_changes: dict[int, dict] = field(default_factory=dict)
    touched: set[int] = field(default_factory=set)  # stored households with any change

    def touch(self, pk) -> None:
        """Mark a household changed; one the chunk creates needs no mark."""
        if type(pk) is int:
            self.touched.add(pk)

    def changes_nothing(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))


class BulkWriter:
    """Stored rows are read as plain values and compared in memory; only changed rows are
    loaded as model instances (to update them with history), and new rows go in through
    `insert_with_history` (COPY on PostgreSQL).

    `plan` compares with the stored rows (and counts into the report); `apply` writes. An
    import on PostgreSQL plans a chunk in its checking thread, over the stored rows as
    they were before the import (each household is in one chunk only), and applies it in
    its writer thread."""

    def __init__(self, acting_user, report):
        self.user = acting_user
        self.report = report
        self.new_id_numbers: set[str] = set()  # of the members this import creates
        self.helper_ids: dict[tuple[str, str], int] = {}  # of the helpers it created
        self._helpers_planned: set[tuple[str, str]] = set()

    def plan(self, households: list, cleaned: dict, stored: StoredChunk) -> ChunkPlan:
        """`households`: validated HouseholdRows of one chunk; `cleaned`: their members;
        `stored`: what is stored for them (`read_stored`)."""
        plan = ChunkPlan()
        helpers, namesakes = self._plan_helpers(households, plan)
        targets = self._plan_households(households, helpers, namesakes, stored, plan)
        self._plan_causes(households, targets, stored, plan)
        self._plan_incomes_and_measures(households, targets, stored, plan)
        self._plan_members(households, cleaned, targets, stored, plan)
        counts = self.report.households
        counts.created += len(plan.households)
        for pk, _ in targets.values():
            if type(pk) is HouseholdRef:
                continue
            if pk in plan.touched:
                counts.updated += 1
            else:
                counts.unchanged += 1
        return plan

    def apply(self, plan: ChunkPlan) -> None:
        if plan.helpers:
            ids = self._create(plan.helpers, Helper)
            self.helper_ids.update(
                ((row["region_id"], row["name"]), pk)
                for row, pk in zip(plan.helpers, ids, strict=True)
            )
        for row in [*plan.households, *plan.household_changes.values()]:
            if type(row.get("helper_id")) is HelperRef:
                row["helper_id"] = self.helper_ids[row["helper_id"].key]
        ids = self._create(plan.households, Household)
        for rows in (plan.causes, plan.incomes, plan.measures, plan.members):
            for row in rows:
                if type(row["household_id"]) is HouseholdRef:
                    row["household_id"] = ids[row["household_id"].index]
        if plan.household_changes:
            changes = plan.household_changes
            objects, fields = _apply(Household.objects.filter(pk__in=changes), changes)
            for instance in objects:
                instance.version += 1
            fields = {"helper" if f == "helper_id" else f for f in fields}
            self._update(objects, Household, fields | {"version"})
        self._create(plan.causes, HouseholdCause)
        for link in HouseholdCause.objects.filter(pk__in=plan.causes_gone):  # rare
            link._history_user = self.user
            link.delete()
        self._create(plan.incomes, Income)
        if plan.income_changes:
            objects, fields = _apply(
                Income.objects.filter(pk__in=plan.income_changes), plan.income_changes
            )
            self._update(objects, Income, fields)
        self._create(plan.measures, Measure)
        self._create(plan.members, Member)
        if plan.member_changes:
            objects, fields = _apply(
                Member.objects.filter(pk__in=plan.member_changes), plan.member_changes
            )
            for instance in objects:
                instance.version += 1
            self._update(objects, Member, fields | {"version"})
        if plan.touched:
            Household.objects.filter(pk__any_of=plan.touched).update(updated_at=timezone.now())

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

    def _plan_helpers(self, households, plan: ChunkPlan) -> tuple[dict, dict]:
        """(county code, helper name) -> helper id, or a HelperRef to one to be created;
        and -> the ids of every stored helper of that name (the file names helpers only,
        and namesakes are common in a county)."""
        wanted = {
            (h.village_code[:6].ljust(12, "0"), text(h.first.household["helper_name"]))
            for h in households
            if text(h.first.household.get("helper_name"))
        }
        found = Helper.objects.filter(
            region_id__in={r for r, _ in wanted}, name__in={n for _, n in wanted}
        ).values_list("region_id", "name", "id")
        namesakes: dict[tuple[str, str], set[int]] = {}
        for region, name, pk in found:
            namesakes.setdefault((region, name), set()).add(pk)
        # A household new to the registry gets the first helper of the name, always the same.
        ids: dict[tuple[str, str], object] = {key: min(pks) for key, pks in namesakes.items()}
        for key in sorted(set(wanted) - set(ids)):
            ids[key] = HelperRef(key)
            if key not in self._helpers_planned:
                self._helpers_planned.add(key)
                plan.helpers.append({"region_id": key[0], "name": key[1]})
        return ids, namesakes

    def _plan_households(self, households, helper_ids, namesakes, stored, plan) -> dict:
        """id(HouseholdRows) -> (household id or HouseholdRef, main cause)."""
        targets = {}
        for household in households:
            wanted = household_attributes(household.first.household)
            current = stored.households.get((household.village_code, household.number))
            if "helper_name" in household.first.household:
                name = text(household.first.household["helper_name"])
                county = household.village_code[:6].ljust(12, "0")
                wanted["helper_id"] = helper_ids.get((county, name)) if name else None
                if current is not None and current["helper_id"] in namesakes.get(
                    (county, name), ()
                ):
                    wanted["helper_id"] = current["helper_id"]  # the name still says this one
            if current is None:
                targets[id(household)] = (
                    HouseholdRef(len(plan.households)),
                    wanted.get("main_cause", ""),
                )
                wanted.update(village_id=household.village_code, number=household.number)
                plan.households.append(wanted)
                continue
            difference = _differences(current, wanted)
            if difference:
                plan.household_changes[current["id"]] = difference
                plan.touch(current["id"])
            targets[id(household)] = (
                current["id"],
                wanted.get("main_cause", current["main_cause"]),
            )
        return targets

    def _plan_causes(self, households, targets, stored, plan: ChunkPlan) -> None:
        for household in households:
            if "other_causes" not in household.first.household:
                continue
            pk, main_cause = targets[id(household)]
            have = stored.causes.get(pk, {})
            # The main cause is not repeated as another one, but a stored repeat the file
            # still lists stays: an import is no silent correction (quality check §6.4).
            wanted = {
                c
                for c in household.first.household["other_causes"] or []
                if c != main_cause or c in have
            }
            plan.causes += [{"household_id": pk, "cause": c} for c in wanted - set(have)]
            plan.causes_gone += [have[c] for c in set(have) - wanted]
            if wanted != set(have):
                plan.touch(pk)

    def _plan_incomes_and_measures(self, households, targets, stored, plan: ChunkPlan) -> None:
        incomes, measures = stored.incomes, stored.measures
        this_year = timezone.localdate().year
        for household in households:
            pk, values = targets[id(household)][0], household.first.household
            year = values.get("income_year")
            if year is not None and any(name in values for name in INCOME_AMOUNTS):
                # A blank amount is unknown (NULL), not 0; an absent column changes nothing.
                amounts = {name: values[name] for name in INCOME_AMOUNTS if name in values}
                income = incomes.get((pk, year))
                if income is None:
                    plan.incomes.append({"household_id": pk, "year": year, **amounts})
                    plan.touch(pk)
                else:
                    difference = _differences(income, amounts)
                    if difference:
                        plan.income_changes[income["id"]] = difference
                        plan.touch(pk)
            measure_year = year or this_year
            for category in values.get("measures") or []:
                if (pk, measure_year, category) not in measures:
                    measures.add((pk, measure_year, category))
                    plan.measures.append(
                        {
                            "household_id": pk,
                            "category": category,
                            "year": measure_year,
                            "raises_income": category in INCOME_RAISING,
                        }
                    )
                    plan.touch(pk)

    def _plan_members(self, households, cleaned, targets, stored, plan: ChunkPlan) -> None:
        counts = self.report.members
        for household in households:
            pk = targets[id(household)][0]
            have = stored.members.get(pk, ())
            for data in cleaned[id(household)]:
                wanted = member_attributes(data)
                member = _match(data, have)
                if member is None:
                    wanted["household_id"] = pk  # a dict of its own, made for this row
                    plan.members.append(wanted)
                    counts.created += 1
                    if wanted.get("id_number"):
                        self.new_id_numbers.add(wanted["id_number"])
                    continue
                difference = _differences(member, wanted)
                if difference:
                    plan.member_changes[member["id"]] = difference
                    counts.updated += 1
                else:
                    counts.unchanged += 1


def _match(data: dict, stored: list[dict]) -> dict | None:
    number = data.get("id_number")
    for member in stored:
        if number and member["id_number"] == number:
            return member
    if number:  # the same number stored in an older form (15 digits, a small x)
        for member in stored:
            if member["id_number"] and canonical_id_number(member["id_number"]) == number:
                return member
        return None
    for member in stored:  # no ID number (a newborn): name and birth date
        if (
            not member["id_number"]
            and member["name"] == data.get("name")
            and (member["birth_date"] == data.get("birth_date"))
        ):
            return member
    return None
