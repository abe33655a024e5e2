"""Plain-dict builders of registry input, with valid ID numbers of the right county."""

from datetime import date
from itertools import count

from tuopin.registry.enums import Relation, Sex
from tuopin.registry.idnumbers import make_id_number

_sequence = count(1)


def member(
    relation=Relation.HEAD,
    sex=Sex.MALE,
    birth=date(1965, 3, 12),
    county="411421",
    name=None,
    **fields,
) -> dict:
    number = next(_sequence)
    return {
        "name": name or f"成员{number}",
        "relation": relation,
        "sex": sex,
        "id_number": make_id_number(county, birth, number % 500, sex),
        "birth_date": birth,
        **fields,
    }


def family(county="411421") -> list[dict]:
    """户主, 配偶, a son of school age and a daughter."""
    return [
        member(Relation.HEAD, Sex.MALE, date(1968, 5, 1), county, "王建国"),
        member(Relation.SPOUSE, Sex.FEMALE, date(1970, 8, 9), county, "李秀英"),
        member(Relation.SON, Sex.MALE, date(2008, 1, 20), county, "王小明"),
        member(Relation.DAUGHTER, Sex.FEMALE, date(1995, 11, 2), county, "王小红"),
    ]
