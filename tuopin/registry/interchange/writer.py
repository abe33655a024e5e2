"""Writing validated households in bulk: a few statements per table, whatever the size.

Changes are found in memory against the rows already stored, then created or updated
with `bulk_create_with_history` / `bulk_update_with_history`, so every change still
leaves its history row and names the importing user.
"""

from collections import defaultdict
from decimal import Decimal

from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

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


def household_attributes(values: dict) -> dict:
    """Model fields of the household present in the file (an absent column changes nothing)."""
    attributes = {}
    for column_key, value in values.items():
        column = BY_KEY.get(column_key)
        if column is None or column.level != HOUSEHOLD or column_key in NOT_HOUSEHOLD_FIELDS:
            continue
        attributes[HOUSEHOLD_FIELD_OF.get(column_key, column_key)] = value
    if values.get("dangerous_house") and not values.get("housing_grade"):
        attributes["housing_grade"] = values["dangerous_house"]
    return _blank_for_not_null(Household, attributes)


def _blank_for_not_null(model, fields: dict) -> dict:
    # An empty code cell means unknown: "" in a column that cannot be NULL.
    return {
        name: ("" if value is None and not model._meta.get_field(name).null else value)
        for name, value in fields.items()
    }


def _changed(instance, wanted: dict) -> set[str]:
    changed = {name for name, value in wanted.items() if getattr(instance, name) != value}
    for name in changed:
        setattr(instance, name, wanted[name])
    return changed


class BulkWriter:
    def __init__(self, acting_user, report):
        self.user = acting_user
        self.report = report
        self.touched: set[int] = set()  # existing households with any change

    def _create(self, objects: list, model) -> list:
        if not objects:
            return []
        return bulk_create_with_history(
            objects, model, batch_size=BATCH, default_user=self.user, default_change_reason=REASON
        )

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

    def write(self, households: list, cleaned: dict, existing: dict) -> None:
        """`households`: validated HouseholdRows; `existing`: (village, number) -> Household."""
        targets, created = self._households(households, existing, self._helper_ids(households))
        self._causes(households, targets)
        self._incomes_and_measures(households, targets)
        self._members(households, cleaned, targets, created)
        counts = self.report.households
        counts.created += len(created)
        for household in households:
            target = targets[id(household)]
            if target.pk in created:
                continue
            if target.pk in self.touched:
                counts.updated += 1
            else:
                counts.unchanged += 1
        if self.touched:
            Household.objects.filter(pk__in=self.touched - created).update(
                updated_at=timezone.now()
            )

    def _households(self, households, existing, helper_ids):
        targets, new, changed, fields = {}, [], [], set()
        for household in households:
            wanted = household_attributes(household.first.values)
            if "helper_name" in household.first.values:
                name = text(household.first.values["helper_name"])
                county = household.village_code[:6].ljust(12, "0")
                wanted["helper_id"] = helper_ids.get((county, name)) if name else None
            current = existing.get((household.village_code, household.number))
            if current is None:
                current = Household(
                    village_id=household.village_code, number=household.number, **wanted
                )
                new.append(current)
            else:
                difference = _changed(current, wanted)
                if difference:
                    current.version += 1
                    changed.append(current)
                    fields |= difference | {"version"}
                    self.touched.add(current.pk)
            targets[id(household)] = current
        self._create(new, Household)
        self._update(changed, Household, {"helper" if f == "helper_id" else f for f in fields})
        return targets, {h.pk for h in new}

    def _causes(self, households, targets) -> None:
        with_column = [h for h in households if "other_causes" in h.first.values]
        ids = [targets[id(h)].pk for h in with_column]
        current = defaultdict(dict)
        for link in HouseholdCause.objects.filter(household_id__in=ids):
            current[link.household_id][link.cause] = link
        new, gone = [], []
        for household in with_column:
            target = targets[id(household)]
            wanted = {
                c for c in household.first.values["other_causes"] or [] if c != target.main_cause
            }
            have = current[target.pk]
            new += [HouseholdCause(household=target, cause=c) for c in wanted - set(have)]
            gone += [have[c] for c in set(have) - wanted]
            if wanted != set(have):
                self.touched.add(target.pk)
        self._create(new, HouseholdCause)
        for link in gone:  # rare: a cause dropped from an updated file
            link._history_user = self.user
            link.delete()

    def _helper_ids(self, households) -> dict[tuple[str, str], int]:
        """(county code, helper name) -> helper id, creating the helpers not yet known."""
        wanted = {
            (h.village_code[:6].ljust(12, "0"), text(h.first.values["helper_name"]))
            for h in households
            if text(h.first.values.get("helper_name"))
        }

        def known():
            found = Helper.objects.filter(
                region_id__in={r for r, _ in wanted}, name__in={n for _, n in wanted}
            )
            return {(h.region_id, h.name): h.pk for h in found}

        ids = known()
        if set(wanted) - set(ids):
            self._create([Helper(region_id=r, name=n) for r, n in set(wanted) - set(ids)], Helper)
            ids = known()
        return ids

    def _incomes_and_measures(self, households, targets) -> None:
        ids = [t.pk for t in targets.values()]
        incomes = {(i.household_id, i.year): i for i in Income.objects.filter(household_id__in=ids)}
        measures = set(
            Measure.objects.filter(household_id__in=ids).values_list(
                "household_id", "year", "category"
            )
        )
        new_incomes, changed_incomes, fields, new_measures = [], [], set(), []
        this_year = timezone.localdate().year
        for household in households:
            target, values = targets[id(household)], household.first.values
            year = values.get("income_year")
            if year is not None and any(name in values for name in INCOME_AMOUNTS):
                amounts = {
                    name: values.get(name) or Decimal(0)
                    for name in INCOME_AMOUNTS
                    if name in values
                }
                income = incomes.get((target.pk, year))
                if income is None:
                    new_incomes.append(Income(household=target, year=year, **amounts))
                    self.touched.add(target.pk)
                else:
                    difference = _changed(income, amounts)
                    if difference:
                        changed_incomes.append(income)
                        fields |= difference
                        self.touched.add(target.pk)
            measure_year = year or this_year
            for category in values.get("measures") or []:
                if (target.pk, measure_year, category) not in measures:
                    measures.add((target.pk, measure_year, category))
                    new_measures.append(
                        Measure(
                            household=target,
                            category=category,
                            year=measure_year,
                            raises_income=category in INCOME_RAISING,
                        )
                    )
                    self.touched.add(target.pk)
        self._create(new_incomes, Income)
        self._update(changed_incomes, Income, fields)
        self._create(new_measures, Measure)

    def _members(self, households, cleaned, targets, created) -> None:
        ids = [t.pk for t in targets.values() if t.pk not in created]
        stored = defaultdict(list)
        for member in Member.objects.filter(household_id__in=ids):
            stored[member.household_id].append(member)
        new, changed, fields = [], [], set()
        counts = self.report.members
        for household in households:
            target = targets[id(household)]
            for data in cleaned[id(household)]:
                wanted = _blank_for_not_null(
                    Member, {k: v for k, v in data.items() if k in MEMBER_FIELDS}
                )
                member = _match(data, stored[target.pk])
                if member is None:
                    new.append(Member(household=target, **wanted))
                    counts.created += 1
                    continue
                difference = _changed(member, wanted)
                if difference:
                    member.version += 1
                    changed.append(member)
                    fields |= difference | {"version"}
                    counts.updated += 1
                else:
                    counts.unchanged += 1
        self._create(new, Member)
        self._update(changed, Member, fields)


def _match(data: dict, stored: list[Member]) -> Member | None:
    number = data.get("id_number")
    for member in stored:
        if number and member.id_number == number:
            return member
    if number:
        return None
    for member in stored:  # no ID number (a newborn): name and birth date
        if (
            not member.id_number
            and member.name == data.get("name")
            and (member.birth_date == data.get("birth_date"))
        ):
            return member
    return None
