"""Checks of registry input that need no database: one member, one household.

Pure functions over plain dicts (field name -> value) so that the edit forms, the
API and the spreadsheet import share them. Each problem names its field and, for
household-level checks, the member it concerns.
"""

import unicodedata
from dataclasses import dataclass
from datetime import date

from tuopin.registry.enums import RELATION_SEX, MemberStatus, Relation, Sex
from tuopin.registry.idnumbers import (
    agreement_problems,
    check_id_number,
    division_codes,
    normalise_id_text,
)

TEXT_FIELDS = ("name", "person_number", "disability_certificate")


@dataclass(frozen=True)
class Problem:
    field: str
    code: str
    message_zh: str
    message_en: str
    member: int | None = None  # index of the member in the submitted list
    warning: bool = False

    @property
    def message(self) -> str:
        return f"{self.message_zh} ({self.message_en})"


def normalise_text(value) -> str:
    """Full-width to half-width, inner runs of spaces to one, ends trimmed."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value)).replace("\u3000", " ")
    return " ".join(text.split())


def clean_member(
    data: dict,
    *,
    on: date,
    known_county_codes: frozenset[str] | None = None,
    texts_normalised: bool = False,
) -> tuple[dict, list[Problem]]:
    """Normalise one member's fields and check the ID number against birth date and sex.

    A missing birth date or sex is taken from a valid ID number (typed once). A county
    code outside `known_county_codes` (by default every code GB/T 2260 has had) is a
    warning.
    `texts_normalised`: the text fields went through the same normalisation already (an
    import's cell parser), so it is not repeated for every member of a city file.
    """
    cleaned = dict(data)
    problems: list[Problem] = []
    for name in () if texts_normalised else TEXT_FIELDS:
        if name in cleaned:
            cleaned[name] = normalise_text(cleaned[name])
    if not cleaned.get("name"):
        problems.append(Problem("name", "name_empty", "姓名为空", "name is empty"))
    raw_id = normalise_id_text(cleaned.get("id_number"))
    cleaned["id_number"] = raw_id
    if raw_id:
        check = check_id_number(
            raw_id, known_county_codes=known_county_codes or division_codes(), on=on
        )
        problems += [Problem("id_number", p.code, p.message_zh, p.message_en) for p in check.errors]
        problems += [
            Problem("id_number", p.code, p.message_zh, p.message_en, warning=True)
            for p in check.warnings
        ]
        if not check.errors:
            cleaned["id_number"] = check.normalised
            if check.kind.startswith("disability"):
                cleaned.setdefault("disability_certificate", check.normalised)
            problems += [
                Problem(
                    "birth_date" if "birth" in p.code else "sex", p.code, p.message_zh, p.message_en
                )
                for p in agreement_problems(
                    check, birth_date=cleaned.get("birth_date"), sex=cleaned.get("sex") or None
                )
            ]
            cleaned["birth_date"] = cleaned.get("birth_date") or check.birth_date
            cleaned["sex"] = cleaned.get("sex") or check.sex or ""
    relation, sex = cleaned.get("relation"), cleaned.get("sex")
    implied = RELATION_SEX.get(relation)
    if implied and sex and sex != implied:
        problems.append(
            Problem(
                "relation",
                "relation_sex_mismatch",
                f"与户主关系“{Relation(relation).label}”与性别“{Sex(sex).label}”不符",
                f"relation {Relation(relation).name.lower()} does not fit sex {Sex(sex).name.lower()}",
            )
        )
    months = cleaned.get("work_months")
    if months is not None and not 0 <= months <= 12:
        problems.append(
            Problem(
                "work_months",
                "work_months_range",
                "务工时间应在 0 至 12 个月之间",
                "months worked must lie between 0 and 12",
            )
        )
    return cleaned, problems


def household_member_problems(members: list[dict]) -> list[Problem]:
    """Exactly one current head; a spouse of the other sex; no ID number twice."""
    problems: list[Problem] = []
    current = [
        (index, m)
        for index, m in enumerate(members)
        if (m.get("status") or MemberStatus.NORMAL) == MemberStatus.NORMAL
    ]
    heads = [(index, m) for index, m in current if m.get("relation") == Relation.HEAD]
    if not heads:
        problems.append(
            Problem(
                "relation", "household_without_head", "户内没有户主", "the household has no head"
            )
        )
    for index, _ in heads[1:]:
        problems.append(
            Problem(
                "relation",
                "household_two_heads",
                "户内有多个户主",
                "the household has more than one head",
                member=index,
            )
        )
    if len(heads) == 1 and heads[0][1].get("sex"):
        head_sex = heads[0][1]["sex"]
        for index, member in current:
            if member.get("relation") == Relation.SPOUSE and member.get("sex") == head_sex:
                problems.append(
                    Problem(
                        "sex",
                        "spouse_same_sex",
                        "配偶与户主性别相同",
                        "the spouse has the head's sex",
                        member=index,
                    )
                )
    seen: dict[str, int] = {}
    for index, member in enumerate(members):
        number = member.get("id_number")
        if not number:
            continue
        if number in seen:
            problems.append(
                Problem(
                    "id_number",
                    "id_repeated_in_household",
                    f"证件号码与第 {seen[number] + 1} 位成员重复",
                    f"ID number repeats member {seen[number] + 1}",
                    member=index,
                )
            )
        else:
            seen[number] = index
    return problems
