"""Checks of registry input that need no database: one member, one household.

Pure functions over plain dicts (field name -> value) so that the edit forms, the
API and the spreadsheet import share them. Each problem names its field and, for
household-level checks, the member it concerns.

Errors are what cannot be stored faithfully: an unreadable ID number, a household
without exactly one head, the same number twice. What domain.md §6 calls suspect but
can be stored as given (more than 12 months worked, a relation that does not fit the
sex, a birth date or sex disagreeing with the ID number, a spouse of the head's sex) is
a warning: an import stores it, and its quality check lists it until someone verifies
it; the forms and the API refuse it (`as_errors`), since the person typing is there to
correct it.
"""

import unicodedata
from dataclasses import dataclass, replace
from datetime import date

from tuopin.registry.enums import RELATION_SEX, MemberStatus, Relation, Sex
from tuopin.registry.idnumbers import (
    agreement_problems,
    check_id_number,
    division_codes,
    normalise_id_text,
)

TEXT_FIELDS = ("name", "person_number", "disability_certificate")
# Suspect values (domain.md §6) that can be stored as given: warnings here, so an import
# stores them and their quality checks list them. Typed input (the forms, the API) is
# refused with them instead (`as_errors`): the person typing can correct at once.
SUSPECT_CODES = frozenset(
    {
        "work_months_range",
        "relation_sex_mismatch",
        "spouse_same_sex",
        "id_birth_date_mismatch",
        "id_sex_mismatch",
    }
)
WORK_MONTHS_STORABLE = 32767  # the column's upper bound (a small integer)


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
            # Suspect, not unstorable: the values are kept as given and the quality
            # checks id_birth_mismatch / id_sex_mismatch (§6.2) list them.
            problems += [
                Problem(
                    "birth_date" if "birth" in p.code else "sex",
                    p.code,
                    p.message_zh,
                    p.message_en,
                    warning=True,
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
                warning=True,  # stored as given; quality check relation_sex_mismatch (§6.10)
            )
        )
    problems += _work_months_problems(cleaned.get("work_months"))
    return cleaned, problems


def _work_months_problems(months) -> list[Problem]:
    """More than 12 months is suspect (§6.8, quality check work_months_out_of_range) and
    stored as given; a negative or unstorably large number cannot be stored."""
    if months is None or 0 <= months <= 12:
        return []
    if 12 < months <= WORK_MONTHS_STORABLE:
        return [
            Problem(
                "work_months",
                "work_months_range",
                f"务工时间 {months} 个月超过 12 个月，已按原值保存，请核实",
                f"{months} months worked is more than 12; stored as given, please verify",
                warning=True,
            )
        ]
    return [
        Problem(
            "work_months",
            "work_months_unstorable",
            "务工时间不能为负数或过大",
            "months worked cannot be negative or that large",
        )
    ]


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
                        warning=True,  # stored as given; quality check head_spouse_same_sex
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


def as_errors(problems: list[Problem]) -> list[Problem]:
    """Typed input: the suspect warnings (SUSPECT_CODES) count as errors."""
    return [
        replace(p, warning=False) if p.warning and p.code in SUSPECT_CODES else p for p in problems
    ]
