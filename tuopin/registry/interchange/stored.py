"""What is stored for a chunk of an import's households, read once for the checks and the
writer's plan, and on PostgreSQL read ahead by a thread of its own.

The reads are started as soon as a chunk is taken, before its members are validated, so
that the database answers while Python validates (an unchanged re-import is mostly these
reads). Everything here is values, never model instances.
"""

from collections import defaultdict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from django.db import connection

from tuopin.core import db  # noqa: F401  (registers the any_of lookup)
from tuopin.registry.idnumbers import by_stored_form
from tuopin.registry.models import Household, HouseholdCause, Income, Measure, Member

INCOME_AMOUNTS = ("wages", "business", "property_income", "transfers", "production_costs")
MEMBER_FIELDS = {f.name for f in Member._meta.concrete_fields} - {"id", "household", "version"}
HOUSEHOLD_FIELDS = [f.attname for f in Household._meta.concrete_fields]
KEYS_PER_STATEMENT = 20_000  # SQLite allows 32,766 parameters


@dataclass
class StoredChunk:
    households: dict[tuple[str, str], dict] = field(default_factory=dict)  # (village, number)
    members: dict[int, list[dict]] = field(default_factory=lambda: defaultdict(list))
    causes: dict[int, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    incomes: dict[tuple[int, int], dict] = field(default_factory=dict)  # (household, year)
    measures: set[tuple[int, int, str]] = field(default_factory=set)
    # ID number -> (village, household number, name) of its stored member, for the numbers
    # asked about (`asked`); a number asked about and absent here is not registered.
    owners: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    asked: set[str] = field(default_factory=set)

    def ids(self) -> list[int]:
        return [row["id"] for row in self.households.values()]


def read_stored(keys: set[tuple[str, str]], id_numbers: set[str]) -> StoredChunk:
    """The stored rows of the households `keys` (village code, household number), and the
    owners of `id_numbers` (registered in any household)."""
    stored = StoredChunk()
    numbers = sorted({number for _, number in keys})
    for start in range(0, len(numbers), KEYS_PER_STATEMENT):
        found = Household.objects.filter(
            number__any_of=numbers[start : start + KEYS_PER_STATEMENT]
        ).values(*HOUSEHOLD_FIELDS)
        for row in found:
            if (row["village_id"], row["number"]) in keys:
                stored.households[(row["village_id"], row["number"])] = row
    ids = stored.ids()
    for start in range(0, len(ids), KEYS_PER_STATEMENT):
        some = ids[start : start + KEYS_PER_STATEMENT]
        for member in Member.objects.filter(household_id__any_of=some).values(
            "id", "household_id", *MEMBER_FIELDS
        ):
            stored.members[member["household_id"]].append(member)
        links = HouseholdCause.objects.filter(household_id__any_of=some)
        for link_id, household_id, cause in links.values_list("id", "household_id", "cause"):
            stored.causes[household_id][cause] = link_id
        incomes = Income.objects.filter(household_id__any_of=some)
        for row in incomes.values("id", "household_id", "year", *INCOME_AMOUNTS):
            stored.incomes[(row["household_id"], row["year"])] = row
        stored.measures.update(
            Measure.objects.filter(household_id__any_of=some).values_list(
                "household_id", "year", "category"
            )
        )
    # The file's own households' members answer for most numbers of a re-imported file;
    # only the others are looked up by number.
    own = {m["id_number"] for members in stored.members.values() for m in members}
    key_of = {row["id"]: key for key, row in stored.households.items()}
    for members in stored.members.values():
        for member in members:
            if member["id_number"] in id_numbers:
                village, number = key_of[member["household_id"]]
                stored.owners[member["id_number"]] = (village, number, member["name"])
    stored.owners.update(owners_of(sorted(id_numbers - own)))
    stored.asked = set(id_numbers)
    return stored


def owners_of(id_numbers: list[str]) -> dict[str, tuple[str, str, str]]:
    """ID number -> (village, household number, name) of the members registered with it,
    in whichever form it was stored (`stored_forms`: 15 digits, a small x)."""
    asked = by_stored_form(id_numbers)
    forms = sorted(asked)
    owners = {}
    for start in range(0, len(forms), 5000):
        # `<> ''` lets PostgreSQL use the partial unique index, which it cannot prove
        # usable for an array parameter: without it, a sequential scan per chunk.
        found = (
            Member.objects.filter(id_number__any_of=forms[start : start + 5000])
            .exclude(id_number="")
            .values_list("id_number", "household__village_id", "household__number", "name")
        )
        for number, village, household_number, name in found:
            owners[asked[number]] = (village, household_number, name)
    return owners


class StoredReader:
    """`read(keys, id_numbers)` returns something with `.result()`: read by a thread with
    a connection of its own when `ahead`, else right away on this thread's connection."""

    def __init__(self, *, ahead: bool):
        self._pool = ThreadPoolExecutor(1, "registry-import-reader") if ahead else None

    def read(self, keys: set[tuple[str, str]], id_numbers: set[str]):
        if self._pool is None:
            done: Future = Future()
            done.set_result(read_stored(keys, id_numbers))
            return done
        return self._pool.submit(read_stored, keys, id_numbers)

    def close(self) -> None:
        if self._pool is not None:
            # `connection` is looked up in the reader thread: that thread's connection.
            self._pool.submit(lambda: connection.close()).result()
            self._pool.shutdown()
