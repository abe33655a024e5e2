"""Small builders of registry households and ledger rows for the coverage tests."""

from datetime import date
from itertools import count

from tuopin.registry.enums import Labour, MemberStatus, Relation, Sex
from tuopin.registry.idnumbers import make_id_number
from tuopin.registry.models import Household, Member

YEAR = 2018
_sequence = count(1)


def household(village, number=None, **fields) -> Household:
    return Household.objects.create(
        village=village, number=number or f"H{next(_sequence):06d}", **fields
    )


def person(
    home: Household,
    name: str,
    birth=date(1975, 3, 12),
    *,
    relation=Relation.HEAD,
    sex=Sex.MALE,
    labour=Labour.ORDINARY,
    status=MemberStatus.NORMAL,
    **fields,
) -> Member:
    number = next(_sequence)
    return Member.objects.create(
        household=home,
        name=name,
        relation=relation,
        sex=sex,
        birth_date=birth,
        id_number=make_id_number(home.village_id[:6], birth or date(1980, 1, 1), number % 500, sex),
        labour=labour,
        status=status,
        **fields,
    )


def outsider_id(county: str, birth=date(1970, 1, 1)) -> str:
    """A valid ID number of nobody in the registry."""
    return make_id_number(county[:6], birth, 400 + next(_sequence) % 90, Sex.FEMALE)


def entry(model, who=None, *, region=None, name="", id_number="", year=YEAR, **fields):
    """A ledger row of `who` (a Member, a Household, or None for a person outside the
    registry, named by `name` / `id_number` in `region`)."""
    if isinstance(who, Member):
        row = {
            "member": who,
            "household": who.household,
            "region": who.household.village,
            "name": who.name,
            "id_number": who.id_number,
            "household_number": who.household.number,
        }
    elif isinstance(who, Household):
        row = {
            "household": who,
            "region": who.village,
            "name": name,
            "id_number": id_number or outsider_id(who.village_id),
            "household_number": who.number,
        }
    else:
        row = {"region": region, "name": name, "id_number": id_number}
    return model.objects.create(year=year, **row, **fields)
