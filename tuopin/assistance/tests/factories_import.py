"""Registered households and department spreadsheets for the import's tests."""

import csv
from datetime import date
from itertools import count
from pathlib import Path

import xlsxwriter

from tuopin.registry.enums import PovertyCause, Relation, Sex
from tuopin.registry.idnumbers import make_id_number
from tuopin.registry.services import household_register

_sequence = count(600)


def person_id(birth: date = date(1970, 1, 1), sex: str = Sex.MALE, county: str = "411421") -> str:
    """A valid ID number of a person the tests have not used yet."""
    return make_id_number(county, birth, next(_sequence) % 1000, sex)


def registered(user, village, number: str, *, people: list[tuple[str, date, str]] | None = None):
    """A household of `people` (name, birth, relation), registered by `user`; returns
    (household, [ID numbers])."""
    people = people or [
        ("张大山", date(1968, 5, 1), Relation.HEAD),
        ("刘桂兰", date(1970, 8, 9), Relation.SPOUSE),
        ("张小军", date(2008, 1, 20), Relation.SON),
    ]
    members = []
    for name, birth, relation in people:
        sex = Sex.FEMALE if relation in (Relation.SPOUSE, Relation.DAUGHTER) else Sex.MALE
        members.append(
            {
                "name": name,
                "relation": relation,
                "sex": sex,
                "birth_date": birth,
                "id_number": person_id(birth, sex, village.code[:6]),
            }
        )
    household = household_register(
        acting_user=user,
        village_code=village.code,
        number=number,
        attributes={"main_cause": PovertyCause.ILLNESS},
        members=members,
    )
    return household, [m["id_number"] for m in members]


def write_csv(path: Path, rows: list[list], *, title: str | None = None) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        if title:
            writer.writerow([title])
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list]) -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    for number, row in enumerate(rows):
        for column, value in enumerate(row):
            if isinstance(value, date):
                sheet.write_datetime(
                    number, column, value, workbook.add_format({"num_format": "yyyy-mm-dd"})
                )
            elif value is not None:
                sheet.write(number, column, value)
    workbook.close()
    return path
