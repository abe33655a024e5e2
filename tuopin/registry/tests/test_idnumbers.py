"""ID numbers as they arrive in real registry files (domain.md §3, §6.2; registry-import.md)."""

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from tuopin.core.errors import TuopinError
from tuopin.registry.idnumbers import (
    IdCheck,
    agreement_problems,
    check_id_number,
    make_id_number,
    mask_id_number,
    normalise_id_text,
)

# ISO 7064 MOD 11-2 as GB 11643 prints it: weights 2^(17-i) mod 11, remainder → check
# character. Written out here so the tests do not trust the module's own helper.
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def expected_check(body17: str) -> str:
    return "10X98765432"[sum(int(d) * w for d, w in zip(body17, WEIGHTS, strict=True)) % 11]


def with_check(body17: str) -> str:
    return body17 + expected_check(body17)


ON = date(2018, 6, 30)  # the registry year; checks are pinned to it, not to today
MINQUAN_NOW, MINQUAN_OLD = "411421", "412323"  # 民权县 from 1997 and before 1997

# Real-shaped Shangqiu people, born 1950–2015, with current and pre-1997 county codes:
# number, birth date, sex code.
PEOPLE = [
    ("411421195001010520", date(1950, 1, 1), "2"),
    ("411421196503121233", date(1965, 3, 12), "1"),
    ("412323197208150640", date(1972, 8, 15), "2"),
    ("411421201506070316", date(2015, 6, 7), "1"),
    ("412323198802291125", date(1988, 2, 29), "2"),
    ("411421199707010088", date(1997, 7, 1), "2"),
    ("412323195604201412", date(1956, 4, 20), "1"),
    ("411421200309182269", date(2003, 9, 18), "2"),
    ("41142119810507109X", date(1981, 5, 7), "1"),
    ("41232319620911302X", date(1962, 9, 11), "2"),
]
VALID = PEOPLE[1][0]
WITH_X = PEOPLE[8][0]


def codes(problems) -> list[str]:
    return [problem.code for problem in problems]


@pytest.mark.parametrize(("number", "birth", "sex"), PEOPLE)
def test_real_shaped_numbers_are_valid_with_birth_date_sex_and_county(number, birth, sex):
    assert expected_check(number[:17]) == number[17]  # the example itself is right
    check = check_id_number(number, on=ON)
    assert check.kind == "resident18"
    assert check.valid
    assert check.normalised == number
    assert (check.birth_date, check.sex, check.county_code) == (birth, sex, number[:6])
    assert check.errors == [] and check.warnings == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("", ""),
        ("41142119810507109x", WITH_X),
        ("４１１４２１１９８１０５０７１０９Ｘ", WITH_X),  # full-width digits and letter
        ("４１１４２１１９８１０５０７１０９ｘ", WITH_X),
        (" 4114 2119 8105 0710 9X ", WITH_X),
        ("411421\u30001981\u00a00507\t109X\n", WITH_X),  # ideographic space, NBSP, tab
        ("\u200b41142119810507109X\ufeff", WITH_X),  # zero-width space and BOM from copying
        ("'411421196503121233", VALID),  # Excel's text marker
        ("＇411421196503121233", VALID),  # the same typed full-width
        (411421196503121233, VALID),  # an int stays digits
        ("4.11421E+17", "4.11421E+17"),  # scientific notation is kept for the report
        ("4.11421e17", "4.11421e17"),
        (" ４.１１４２１Ｅ＋１７ ", "4.11421E+17"),
        (4.11421e17, "4.11421E+17"),
        (float("nan"), ""),  # pandas' empty cell in a numeric column
    ],
)
def test_normalise_id_text(value, expected):
    assert normalise_id_text(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "41142119810507109x",
        "４１１４２１１９８１０５０７１０９ｘ",
        "  41142119810507109X  ",
        "411421 19810507 109X",
        "411421\u300019810507109X",
        "'41142119810507109x",
    ],
)
def test_messy_input_checks_as_the_clean_number(value):
    check = check_id_number(value, on=ON)
    assert check.kind == "resident18"
    assert check.normalised == WITH_X
    assert check.birth_date == date(1981, 5, 7)


def test_an_int_input_is_checked_as_its_digits():
    check = check_id_number(411421196503121233, on=ON)
    assert check.kind == "resident18"
    assert check.normalised == VALID


def test_an_int_that_lost_its_trailing_x_fails():
    # An X number cannot be a number in Excel; typed with 0 instead, the checksum fails.
    assert codes(check_id_number(411421198105071090, on=ON).errors) == ["id_check_digit"]


@pytest.mark.parametrize(
    "value",
    [
        "4.11421E+17",
        "4.11421e17",
        "4.11421E17",
        "４．１１４２１Ｅ＋１７",
        4.11421e17,
        411421196503121233.0,
    ],
)
def test_scientific_notation_is_an_error_because_the_digits_are_lost(value):
    check = check_id_number(value, on=ON)
    assert check.kind == "invalid"
    assert codes(check.errors) == ["id_scientific_notation"]
    assert "Excel" in check.errors[0].message_zh and "文本" in check.errors[0].message_zh
    assert "text" in check.errors[0].message_en
    assert check.birth_date is None and check.sex is None and check.county_code is None


@pytest.mark.parametrize("value", [None, "", "   ", "\u3000", float("nan")])
def test_empty(value):
    assert codes(check_id_number(value, on=ON).errors) == ["id_empty"]


@pytest.mark.parametrize("length", [14, 16, 17, 19, 21, 23])
def test_wrong_length(length):
    number = (VALID + "12345")[:length]
    check = check_id_number(number, on=ON)
    assert check.kind == "invalid"
    assert codes(check.errors) == ["id_length"]
    assert str(length) in check.errors[0].message_zh


@pytest.mark.parametrize(
    "number",
    [
        "41142119650312123A",  # last character neither digit nor X
        "4114211965031212X3",  # X not in the last place
        "41142119650312O233",  # letter O for zero
        "41142119650312-233",
        "41232365031212X",  # a 15-digit number is all digits
        "4114211965031212\u06633",  # an Arabic-Indic digit, which str.isdigit accepts
        "41232365031212\u0663",
    ],
)
def test_characters_not_allowed(number):
    check = check_id_number(number, on=ON)
    assert check.kind == "invalid"
    assert codes(check.errors) == ["id_characters"]


@pytest.mark.parametrize(("number", "_birth", "_sex"), PEOPLE)
def test_a_wrong_check_digit_is_an_error_naming_the_right_one(number, _birth, _sex):
    right = number[17]
    wrong = "0" if right != "0" else "1"
    check = check_id_number(number[:17] + wrong, on=ON)
    assert check.kind == "invalid"
    assert codes(check.errors) == ["id_check_digit"]
    assert f"应为{right}" in check.errors[0].message_zh


@pytest.mark.parametrize(
    "birth",
    [
        "19650230",  # Feb 30
        "19890229",  # Feb 29 of a common year
        "19651301",  # month 13
        "19650000",
        "18891231",  # before 1890
        "20180701",  # after the check date
    ],
)
def test_impossible_birth_dates_with_a_correct_check_digit(birth):
    check = check_id_number(with_check(f"411421{birth}123"), on=ON)
    assert check.kind == "invalid"
    assert codes(check.errors) == ["id_birth_date"]


@pytest.mark.parametrize("birth", ["18900101", "20180630", "20000229"])
def test_birth_date_limits_are_inclusive(birth):
    assert check_id_number(with_check(f"412323{birth}124"), on=ON).valid


def test_a_future_birth_date_is_judged_against_today_by_default():
    next_year = date.today().year + 1
    assert codes(check_id_number(with_check(f"411421{next_year}0101123")).errors) == [
        "id_birth_date"
    ]


def test_check_digit_and_birth_date_errors_are_both_reported():
    check = check_id_number("411421196502301230", on=ON)
    assert sorted(codes(check.errors)) == ["id_birth_date", "id_check_digit"]


@pytest.mark.parametrize(
    ("legacy", "birth", "sex"),
    [
        ("412323650312123", date(1965, 3, 12), "1"),
        ("411421781105062", date(1978, 11, 5), "2"),
        ("412323500101001", date(1950, 1, 1), "1"),
    ],
)
def test_fifteen_digit_numbers_upgrade_to_eighteen_with_a_warning(legacy, birth, sex):
    body17 = legacy[:6] + "19" + legacy[6:]
    check = check_id_number(legacy, on=ON)
    assert check.kind == "resident15"
    assert check.normalised == body17 + expected_check(body17)
    assert (check.birth_date, check.sex, check.county_code) == (birth, sex, legacy[:6])
    assert check.errors == []
    assert codes(check.warnings) == ["id_upgraded_15_to_18"]
    assert check.normalised in check.warnings[0].message_zh
    # The upgraded number is itself a valid 18-digit number.
    assert check_id_number(check.normalised, on=ON).kind == "resident18"


def test_a_fifteen_digit_number_with_an_impossible_birth_date():
    assert codes(check_id_number("412323650230123", on=ON).errors) == ["id_birth_date"]


@pytest.mark.parametrize(
    ("certificate", "kind"),
    [
        (VALID + "41", "disability20"),  # 肢体 grade 1
        (VALID + "74", "disability20"),  # 多重 grade 4
        (WITH_X + "23", "disability20"),  # X inside the certificate
        (WITH_X.lower() + "23", "disability20"),
        (VALID + "41B1", "disability22"),  # reissued
        (VALID + "52b2", "disability22"),
        ("４１２３２３１９７２０８１５０６４０　３２Ｂ１", "disability22"),
    ],
)
def test_valid_disability_certificates(certificate, kind):
    check = check_id_number(certificate, on=ON)
    assert check.kind == kind
    assert check.errors == []
    assert check.normalised == normalise_id_text(certificate).upper()
    id18 = check.normalised[:18]
    assert check.county_code == id18[:6]
    assert check.birth_date == date(int(id18[6:10]), int(id18[10:12]), int(id18[12:14]))
    assert check.sex == ("1" if int(id18[16]) % 2 else "2")


@pytest.mark.parametrize(
    ("certificate", "expected"),
    [
        (VALID + "01", ["id_disability_format"]),  # category 0
        (VALID + "81", ["id_disability_format"]),  # category 8
        (VALID + "40", ["id_disability_format"]),  # grade 0
        (VALID + "45", ["id_disability_format"]),  # grade 5
        (VALID + "4A", ["id_disability_format"]),
        (VALID + "41C1", ["id_disability_format"]),
        (VALID + "41BB", ["id_disability_format"]),
        (VALID + "4111", ["id_disability_format"]),  # 22 digits: the B is missing
        (VALID + "81B1", ["id_disability_format"]),
        (VALID[:17] + "0" + "41", ["id_check_digit"]),  # the ID part fails
        (with_check("41142119650230123") + "41B1", ["id_birth_date"]),
        (VALID[:17] + "0" + "81", ["id_check_digit", "id_disability_format"]),
        ("41142119650312123Y41", ["id_characters"]),
    ],
)
def test_invalid_disability_certificates(certificate, expected):
    check = check_id_number(certificate, on=ON)
    assert check.kind == "invalid"
    assert codes(check.errors) == expected
    assert check.normalised == certificate  # the whole text, for the error report


KNOWN_COUNTIES = frozenset({"411400", "411402", "411403", MINQUAN_NOW, "411422", "411423"})


def test_an_unknown_county_code_is_only_a_warning():
    # 412323 is 民权县's code before 1997: real, but not in today's division list.
    number = PEOPLE[2][0]
    check = check_id_number(number, known_county_codes=KNOWN_COUNTIES, on=ON)
    assert check.kind == "resident18"
    assert check.errors == []
    assert codes(check.warnings) == ["id_county_unknown"]
    assert "412323" in check.warnings[0].message_zh


def test_a_known_county_code_or_no_list_gives_no_warning():
    assert check_id_number(VALID, known_county_codes=KNOWN_COUNTIES, on=ON).warnings == []
    assert check_id_number(PEOPLE[2][0], on=ON).warnings == []


def test_a_fifteen_digit_number_with_an_unknown_county_has_both_warnings():
    check = check_id_number("412323650312123", known_county_codes=KNOWN_COUNTIES, on=ON)
    assert check.valid
    assert codes(check.warnings) == ["id_upgraded_15_to_18", "id_county_unknown"]


@pytest.mark.parametrize(
    "number",
    [
        make_id_number(MINQUAN_NOW, date(1965, 3, 12), 61, "1"),  # code younger than the person
        make_id_number(MINQUAN_OLD, date(1999, 3, 12), 61, "2"),  # code retired before birth
    ],
)
def test_numbers_python_stdnum_rejects_are_accepted(number):
    # Why cn.ric.validate is not used (domain.md §3): both shapes occur in real villages.
    assert not ric.is_valid(number)
    assert ric.calc_check_digit(number) == number[17]  # its checksum agrees with ours
    assert check_id_number(number, on=ON).kind == "resident18"


@pytest.mark.parametrize(
    ("birth", "sex", "expected"),
    [
        (date(1965, 3, 12), "1", []),
        (None, None, []),  # nothing recorded: nothing to compare
        (date(1965, 3, 21), "1", ["id_birth_date_mismatch"]),
        (date(1965, 3, 12), "2", ["id_sex_mismatch"]),
        (None, "2", ["id_sex_mismatch"]),
        (date(1956, 3, 12), None, ["id_birth_date_mismatch"]),
        (date(1965, 12, 3), "2", ["id_birth_date_mismatch", "id_sex_mismatch"]),
        (datetime(1965, 3, 12, 0, 0), "1", []),  # spreadsheet readers hand out datetimes
    ],
)
def test_agreement_with_recorded_birth_date_and_sex(birth, sex, expected):
    check = check_id_number(VALID, on=ON)
    assert codes(agreement_problems(check, birth_date=birth, sex=sex)) == expected


def test_agreement_messages_name_both_values():
    check = check_id_number(VALID, on=ON)
    birth, sex = agreement_problems(check, birth_date=date(1965, 3, 21), sex="2")
    assert "1965-03-21" in birth.message_zh and "1965-03-12" in birth.message_zh
    assert "女" in sex.message_zh and "男" in sex.message_zh


def test_agreement_of_a_certificate_and_an_upgraded_number_uses_the_embedded_id():
    certificate = check_id_number(WITH_X + "41B1", on=ON)
    assert agreement_problems(certificate, birth_date=date(1981, 5, 7), sex="1") == []
    legacy = check_id_number("411421781105062", on=ON)
    assert codes(agreement_problems(legacy, birth_date=date(1978, 11, 5), sex="1")) == [
        "id_sex_mismatch"
    ]


def test_an_invalid_number_has_nothing_to_agree_with():
    check = check_id_number(VALID[:17] + "0", on=ON)
    assert agreement_problems(check, birth_date=date(2000, 1, 1), sex="2") == []


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("41142119810507123X", "411421********123X"),
        (VALID, "411421********1233"),
        ("412323650312123", "412323*****2123"),
        (VALID + "41", "411421**********3341"),
        (VALID + "41B1", "411421************41B1"),
        ("", ""),
        ("4114211", "*******"),  # too short to keep 6 + 4: hide it all
        ("4114211234", "**********"),
    ],
)
def test_mask_id_number(number, masked):
    assert mask_id_number(number) == masked
    assert len(mask_id_number(number)) == len(number)


def test_make_id_number_builds_the_expected_number():
    # Order code 2 * 61 + 1 = 123: odd, a man.
    assert make_id_number(MINQUAN_NOW, date(1965, 3, 12), 61, "1") == VALID
    assert make_id_number(MINQUAN_OLD, date(1972, 8, 15), 32, "2") == "412323197208150640"


def test_make_id_number_gives_distinct_numbers_for_sequences_of_one_sex():
    numbers = {make_id_number(MINQUAN_NOW, date(1980, 1, 1), n, "2") for n in range(500)}
    assert len(numbers) == 500


@pytest.mark.parametrize(
    ("county", "sequence", "sex"),
    [
        ("41142", 1, "1"),
        ("41142A", 1, "1"),
        ("41142\u0661", 1, "1"),
        (MINQUAN_NOW, -1, "1"),
        (MINQUAN_NOW, 1000, "1"),
    ]
    + [(MINQUAN_NOW, 1, "男"), (MINQUAN_NOW, 1, "M"), (MINQUAN_NOW, 1, "0")],
)
def test_make_id_number_rejects_bad_arguments(county, sequence, sex):
    with pytest.raises(ValueError):
        make_id_number(county, date(1980, 1, 1), sequence, sex)


def test_a_problem_becomes_the_projects_user_facing_error():
    problem = check_id_number("4.11421E+17", on=ON).errors[0]
    error = problem.as_error(field="身份证号", row=12)
    assert isinstance(error, TuopinError)
    assert (error.code, error.field, error.row) == ("id_scientific_notation", "身份证号", 12)
    assert error.message_zh == problem.message_zh and error.message_en == problem.message_en


counties = st.sampled_from([MINQUAN_NOW, MINQUAN_OLD, "411422", "411426", "411402"])
births = st.dates(min_value=date(1890, 1, 1), max_value=ON)
sexes = st.sampled_from(["1", "2"])
sequences = st.integers(min_value=0, max_value=999)


@given(county=counties, birth=births, sequence=sequences, sex=sexes)
def test_made_numbers_always_pass_with_their_birth_date_and_sex(county, birth, sequence, sex):
    number = make_id_number(county, birth, sequence, sex)
    check: IdCheck = check_id_number(number, on=ON)
    assert check.kind == "resident18", check.errors
    assert (check.birth_date, check.sex, check.county_code) == (birth, sex, county)
    assert number[17] == expected_check(number[:17])
    assert agreement_problems(check, birth_date=birth, sex=sex) == []


@given(
    number=st.builds(make_id_number, counties, births, sequences, sexes),
    position=st.integers(min_value=0, max_value=17),
    data=st.data(),
)
def test_a_single_changed_character_is_always_caught(number, position, data):
    alphabet = "0123456789X" if position == 17 else "0123456789"
    replacement = data.draw(st.sampled_from([c for c in alphabet if c != number[position]]))
    changed = number[:position] + replacement + number[position + 1 :]
    check = check_id_number(changed, on=ON)
    assert check.kind == "invalid"
    assert codes(check.errors)
    assert set(codes(check.errors)) <= {"id_check_digit", "id_birth_date"}
