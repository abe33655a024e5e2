"""ID numbers of registry members: resident ID cards and disability certificates.

Pure functions, no models, so the importer, the data-quality checks (domain.md §6.2)
and the synthetic-data generator share one set of rules.

What is an error and what is only a warning follows domain.md §3: length, characters,
check digit and birth date are errors; an unknown county code is a warning, because the
first six digits are the county code in force when the number was first issued and never
change. People of one village carry current codes (民权县 411421, from 1997) and older
ones (民权县 412323, before 1997), and people born before 1997 often carry a code younger
than their birth year. python-stdnum's ``cn.ric.validate`` rejects exactly those real
numbers, so it is not used here.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from importlib.resources import files
from operator import mul
from typing import Literal

from tuopin.core.errors import TuopinError

IdKind = Literal["resident18", "resident15", "disability20", "disability22", "invalid"]

# Nobody alive in the registry years was born earlier; an earlier date is a typing error.
EARLIEST_BIRTH = date(1890, 1, 1)

# Excel shows a long number stored as a number as e.g. 4.11421E+17.
_SCIENTIFIC = re.compile(r"[+-]?[0-9]+(?:\.[0-9]*)?E[+-]?[0-9]+", re.IGNORECASE)
# [0-9], not \d: \d and str.isdigit also accept other scripts' digits, which NFKC keeps.
_RESIDENT15 = re.compile(r"[0-9]{15}")
_RESIDENT18 = re.compile(r"[0-9]{17}[0-9X]")
# 残疾人证号 (second generation): resident ID + disability category 1–7 (视力, 听力, 言语,
# 肢体, 智力, 精神, 多重) + grade 1–4; a reissued certificate (补发) appends "B" and a digit.
_DISABILITY_SUFFIX = {20: re.compile(r"[1-7][1-4]"), 22: re.compile(r"[1-7][1-4]B[0-9]")}

_WEIGHTS = tuple(2 ** (17 - i) % 11 for i in range(17))
_SEX_NAMES = {"1": ("男", "male"), "2": ("女", "female")}


@dataclass(frozen=True)
class IdProblem:
    """One finding about an ID number: a stable code and a message in Chinese and English."""

    code: str
    message_zh: str
    message_en: str

    def as_error(self, *, field: str | None = None, row: int | None = None) -> TuopinError:
        """The problem as the project's user-facing error, e.g. for one import row."""
        return TuopinError(self.code, self.message_zh, self.message_en, field=field, row=row)


@dataclass
class IdCheck:
    """The result of checking one ID number.

    ``birth_date``, ``sex`` and ``county_code`` are read from the number only when it is
    valid (``kind`` is not "invalid"); ``normalised`` is always the cleaned text, and for a
    15-digit number the upgraded 18-digit form.
    """

    kind: IdKind
    normalised: str
    birth_date: date | None = None
    sex: Literal["1", "2"] | None = None
    county_code: str | None = None
    errors: list[IdProblem] = field(default_factory=list)
    warnings: list[IdProblem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.kind != "invalid"


def normalise_id_text(value: str | int | float | None) -> str:
    """Clean an ID number as typed or exported: the text the checks work on.

    Scientific notation is returned as it is: its digits are already lost and guessing
    them would invent a person's number, so the check reports it instead.
    """
    if value is None:
        return ""
    if isinstance(value, float):
        # pandas reads an empty cell in a numeric column as NaN: that is an empty cell.
        # Any other float is a number Excel stored as a number; keep its text for the report.
        return "" if math.isnan(value) else repr(value).upper()
    if isinstance(value, int):
        return str(value)
    if value.isascii() and value.isalnum():
        # The usual case: NFKC leaves ASCII alone and there is nothing to drop.
        return value if _scientific(value) else value.upper()
    return _normalise_typed_text(value)


def _scientific(text: str) -> bool:
    # Most numbers hold no E at all: skip the regular expression for them.
    return ("E" in text or "e" in text) and _SCIENTIFIC.fullmatch(text) is not None


def _normalise_typed_text(value: str) -> str:
    # NFKC turns full-width digits and letters (４１１ｘ) into ASCII ones.
    text = unicodedata.normalize("NFKC", value)
    # Spaces are typed anywhere, including U+3000 and NBSP; zero-width characters
    # (format category Cf, e.g. U+200B, a BOM) come with copy and paste.
    text = "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Cf")
    # A leading apostrophe is how Excel users mark a cell as text; it is not part of the number.
    text = text.removeprefix("'")
    if _SCIENTIFIC.fullmatch(text):
        return text
    # Only X (check digit) and B (reissued certificate) are valid letters, both upper case;
    # a lower-case x or b is the same number typed differently.
    return text.upper()


def canonical_id_number(value: str | int | float | None) -> str:
    """The form a number is stored in: cleaned, and a valid 15-digit number as its
    18-digit upgrade. Numbers stored before these rules may still be in another form."""
    text = normalise_id_text(value)
    if len(text) == 15:
        check = check_id_number(text)
        return check.normalised if check.valid else text
    return text


def stored_forms(number: str) -> set[str]:
    """The forms a number may have been stored in before these rules (its 15-digit
    original, a small x), to find the same person whichever way it was saved."""
    number = canonical_id_number(number)
    forms = {number}
    if len(number) == 18 and number[6:8] == "19":
        forms.add(number[:6] + number[8:17])
    if number.endswith("X"):
        forms.add(number[:-1] + "x")
    return forms


def by_stored_form(numbers) -> dict[str, str]:
    """Every form the numbers may be stored in -> the number asked about: look up the
    forms, and map what is found back."""
    return {form: number for number in numbers if number for form in stored_forms(number)}


@lru_cache(maxsize=1)
def division_codes() -> frozenset[str]:
    """Every division code GB/T 2260 has had, current and abolished (民权县 411421 and
    412323 alike): the table python-stdnum ships for its own check (cn/loc.dat, from
    Wikipedia's lists of the codes), read here without its birth-year rule."""
    codes, province = set(), ""
    for line in files("stdnum.cn").joinpath("loc.dat").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line[0].isspace():
            codes.add(province + line.split()[0])
        else:
            province = line.split()[0]
    return frozenset(codes)


def check_digit(body17: str) -> str:
    """ISO 7064 MOD 11-2 check character of the first 17 digits."""
    # The weights 2^(17-i) mod 11 of the standard, summed once: the same as folding
    # digit by digit, `(total + digit) * 2 % 11`, a few times faster.
    total = sum(map(mul, map(int, body17), _WEIGHTS))
    return "0123456789X"[(12 - total) % 11]


def check_id_number(
    value: str | int | float | None,
    *,
    known_county_codes: frozenset[str] | None = None,
    on: date | None = None,
) -> IdCheck:
    """Check a resident ID (15 or 18 digits) or disability certificate (20 or 22 characters).

    ``known_county_codes``: when given, a county code outside it is a warning (never an
    error, see the module docstring). ``on``: the day a birth date may not be after,
    today by default.
    """
    on = on or date.today()
    text = normalise_id_text(value)
    if not text:
        return _invalid(text, _problem("id_empty", "身份证号码为空", "The ID number is empty"))
    if isinstance(value, float) or _scientific(text):
        return _invalid(
            text,
            _problem(
                "id_scientific_notation",
                f"身份证号码“{text}”被 Excel 存成了数字（科学计数法），后几位已经丢失。"
                "请把该单元格设为文本格式后重新录入完整号码",
                f"The ID number '{text}' was stored by Excel as a number (scientific "
                "notation) and its last digits are lost. Format the cell as text and "
                "enter the full number again",
            ),
        )
    if len(text) not in (15, 18, 20, 22):
        return _invalid(
            text,
            _problem(
                "id_length",
                f"身份证号码长度为{len(text)}位，应为15位、18位，或残疾人证号20位、22位",
                f"The ID number has {len(text)} characters; it must have 15 or 18 "
                "(resident ID) or 20 or 22 (disability certificate)",
            ),
        )
    if len(text) == 15:
        check = _check_resident15(text, on)
    else:
        check = _check_resident18(text[:18], on)
        if len(text) > 18:
            check = _check_disability(text, check)
    if (
        check.valid
        and known_county_codes is not None
        and check.county_code not in known_county_codes
    ):
        check.warnings.append(
            _problem(
                "id_county_unknown",
                f"身份证号码的地区码{check.county_code}不在已知的区划代码中，请核实",
                f"The county code {check.county_code} of the ID number is not a known "
                "division code; please verify",
            )
        )
    return check


def _check_resident15(text: str, on: date) -> IdCheck:
    if not _RESIDENT15.fullmatch(text):
        return _invalid(
            text, _characters_problem("15位身份证号码应全部为数字", "all 15 must be digits")
        )
    # The legacy number has a 2-digit year; GB 11643-1999 upgrades it by inserting "19"
    # (every legacy number was issued to someone born in the 1900s) and a check digit.
    body17 = text[:6] + "19" + text[6:]
    upgraded = body17 + check_digit(body17)
    birth = _birth_date(body17[6:14], on)
    if isinstance(birth, IdProblem):
        return _invalid(text, birth)
    return IdCheck(
        kind="resident15",
        normalised=upgraded,
        birth_date=birth,
        sex=_sex(text[14]),
        county_code=text[:6],
        warnings=[
            _problem(
                "id_upgraded_15_to_18",
                f"15位身份证号码{text}应升级为18位：{upgraded}",
                f"The 15-digit ID number {text} should be upgraded to 18 digits: {upgraded}",
            )
        ],
    )


def _check_resident18(id18: str, on: date) -> IdCheck:
    if not _RESIDENT18.fullmatch(id18):
        return _invalid(
            id18,
            _characters_problem(
                "18位身份证号码前17位应为数字，最后一位为数字或X",
                "the first 17 of 18 must be digits and the last a digit or X",
            ),
        )
    # Check digit and birth date are independent; report both so one fix does not
    # reveal a second problem on the next import.
    errors: list[IdProblem] = []
    expected = check_digit(id18[:17])
    if id18[17] != expected:
        errors.append(
            _problem(
                "id_check_digit",
                f"身份证号码校验位错误：最后一位应为{expected}，实际为{id18[17]}",
                f"The ID number's check digit is wrong: the last character should be "
                f"{expected}, not {id18[17]}",
            )
        )
    birth = _birth_date(id18[6:14], on)
    if isinstance(birth, IdProblem):
        errors.append(birth)
    if errors or isinstance(birth, IdProblem):
        return IdCheck(kind="invalid", normalised=id18, errors=errors)
    return IdCheck(
        kind="resident18",
        normalised=id18,
        birth_date=birth,
        sex=_sex(id18[16]),
        county_code=id18[:6],
    )


def _check_disability(text: str, resident: IdCheck) -> IdCheck:
    """A disability certificate: the resident ID checked in its first 18 characters, then the rest."""
    errors = list(resident.errors)
    reissue = len(text) == 22
    if not _DISABILITY_SUFFIX[len(text)].fullmatch(text[18:]):
        errors.append(
            _problem(
                "id_disability_format",
                "残疾人证号格式错误：身份证号码后应为残疾类别(1-7)和等级(1-4)"
                f"{'，补发证再加B和一位数字' if reissue else ''}，实际为“{text[18:]}”",
                "The disability certificate number is malformed: after the ID number come "
                "the disability category (1-7) and grade (1-4)"
                f"{', then B and a digit for a reissued certificate' if reissue else ''}"
                f"; found '{text[18:]}'",
            )
        )
    if errors:
        return IdCheck(kind="invalid", normalised=text, errors=errors)
    return IdCheck(
        kind="disability22" if reissue else "disability20",
        normalised=text,
        birth_date=resident.birth_date,
        sex=resident.sex,
        county_code=resident.county_code,
    )


@lru_cache(maxsize=65_536)  # birth dates repeat: a city registry holds about 30,000
def _birth_date(yyyymmdd: str, on: date) -> date | IdProblem:
    try:
        birth = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:]))
    except ValueError:
        birth = None
    if birth is None or birth < EARLIEST_BIRTH or birth > on:
        shown = f"{yyyymmdd[:4]}-{yyyymmdd[4:6]}-{yyyymmdd[6:]}"
        return _problem(
            "id_birth_date",
            f"身份证号码中的出生日期{shown}不可能（不是真实日期、早于1890年或晚于{on.isoformat()}）",
            f"The birth date {shown} in the ID number is impossible (not a real date, "
            f"before 1890 or after {on.isoformat()})",
        )
    return birth


def _sex(order_digit: str) -> Literal["1", "2"]:
    # The last digit of the order code is odd for men and even for women; "1"/"2" are the
    # codes of the national sex code list (GB/T 2261.1).
    return "1" if int(order_digit) % 2 else "2"


def _characters_problem(rule_zh: str, rule_en: str) -> IdProblem:
    return _problem(
        "id_characters",
        f"身份证号码含有不允许的字符：{rule_zh}",
        f"The ID number contains characters that are not allowed: {rule_en}",
    )


def _problem(code: str, message_zh: str, message_en: str) -> IdProblem:
    return IdProblem(code=code, message_zh=message_zh, message_en=message_en)


def _invalid(text: str, problem: IdProblem) -> IdCheck:
    return IdCheck(kind="invalid", normalised=text, errors=[problem])


def agreement_problems(
    check: IdCheck, *, birth_date: date | None, sex: str | None
) -> list[IdProblem]:
    """Where the recorded birth date or sex ("1"/"2") disagree with the valid ID number.

    A missing recorded value is another check's business (empty key fields), and an
    invalid number has no birth date or sex to compare with.
    """
    if not check.valid:
        return []
    problems: list[IdProblem] = []
    # A datetime never equals a date; spreadsheet readers hand out datetimes.
    if isinstance(birth_date, datetime):
        birth_date = birth_date.date()
    if birth_date is not None and birth_date != check.birth_date:
        assert check.birth_date is not None
        problems.append(
            _problem(
                "id_birth_date_mismatch",
                f"出生日期{birth_date.isoformat()}与身份证号码中的"
                f"{check.birth_date.isoformat()}不一致",
                f"The birth date {birth_date.isoformat()} differs from "
                f"{check.birth_date.isoformat()} in the ID number",
            )
        )
    if sex is not None and sex != check.sex:
        recorded_zh, recorded_en = _SEX_NAMES.get(sex, (sex, sex))
        assert check.sex is not None  # a valid number always has one
        id_zh, id_en = _SEX_NAMES[check.sex]
        problems.append(
            _problem(
                "id_sex_mismatch",
                f"性别“{recorded_zh}”与身份证号码中的“{id_zh}”不一致",
                f"The sex '{recorded_en}' differs from '{id_en}' in the ID number",
            )
        )
    return problems


def mask_id_number(number: str) -> str:
    """Hide the middle of a number for display: first 6 (county) and last 4 stay.

    A text too short to hide anything that way is hidden entirely, so a typing error on
    a public page never shows a whole number.
    """
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def make_id_number(county_code: str, birth: date, sequence: int, sex: str) -> str:
    """A valid 18-digit number, for synthetic data.

    The order code is ``2 * (sequence % 500)`` plus 1 for a man, so its last digit has the
    sex's parity; per county, birth date and sex there are only 500 order codes, and
    sequences 0–499 of one sex give distinct numbers (n and n + 500 give the same one).
    """
    if not re.fullmatch(r"[0-9]{6}", county_code):
        raise ValueError(f"county code must be 6 digits: {county_code!r}")
    if sex not in _SEX_NAMES:
        raise ValueError(f"sex must be '1' or '2': {sex!r}")
    if not 0 <= sequence <= 999:
        raise ValueError(f"sequence must be 0-999: {sequence}")
    order = 2 * (sequence % 500) + (1 if sex == "1" else 0)
    body17 = f"{county_code}{birth.year:04d}{birth.month:02d}{birth.day:02d}{order:03d}"
    return body17 + check_digit(body17)
