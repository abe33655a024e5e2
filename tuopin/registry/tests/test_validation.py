from datetime import date

from tuopin.registry.enums import MemberStatus, Relation, Sex
from tuopin.registry.tests.factories import family, member
from tuopin.registry.validation import clean_member, household_member_problems, normalise_text

TODAY = date(2018, 12, 31)


def codes(problems):
    return sorted(p.code for p in problems if not p.warning)


def test_text_is_normalised_full_width_and_spaces():
    assert normalise_text("　王\u3000建  国 ") == "王 建 国"
    assert normalise_text("ＡＢ１２") == "AB12"
    assert normalise_text(None) == ""


def test_birth_date_and_sex_come_from_the_id_number_when_missing():
    data = member(Relation.HEAD, Sex.FEMALE, date(1960, 2, 29))
    data.pop("birth_date"), data.pop("sex")
    cleaned, problems = clean_member(data, on=TODAY)
    assert problems == []
    assert cleaned["birth_date"] == date(1960, 2, 29) and cleaned["sex"] == Sex.FEMALE


def test_id_number_is_normalised_before_checking():
    data = member(Relation.HEAD, Sex.MALE, date(1965, 3, 12))
    original = data["id_number"]
    full_width = original.translate(str.maketrans("0123456789X", "０１２３４５６７８９ｘ"))
    data["id_number"] = f" {full_width[:6]} {full_width[6:]}\u3000"
    cleaned, problems = clean_member(data, on=TODAY)
    assert codes(problems) == []
    assert cleaned["id_number"] == original


def warnings(problems):
    return sorted(p.code for p in problems if p.warning)


def test_disagreeing_birth_date_sex_and_relation_are_stored_with_warnings():
    """Suspect (§6.2, §6.10) but storable as given: warnings, kept as typed; the quality
    checks list them."""
    data = member(Relation.SON, Sex.MALE, date(1990, 1, 1))
    data["birth_date"] = date(1990, 1, 2)
    data["sex"] = Sex.FEMALE
    cleaned, problems = clean_member(data, on=TODAY)
    assert codes(problems) == []
    assert warnings(problems) == [
        "id_birth_date_mismatch",
        "id_sex_mismatch",
        "relation_sex_mismatch",
    ]
    assert cleaned["birth_date"] == date(1990, 1, 2) and cleaned["sex"] == Sex.FEMALE


def test_a_household_needs_exactly_one_current_head_and_a_spouse_of_the_other_sex():
    members = family()
    assert household_member_problems(members) == []
    members[1]["sex"] = Sex.MALE  # suspect, storable: a warning (head_spouse_same_sex)
    assert codes(household_member_problems(members)) == []
    assert warnings(household_member_problems(members)) == ["spouse_same_sex"]
    no_head = [m for m in family() if m["relation"] != Relation.HEAD]
    assert codes(household_member_problems(no_head)) == ["household_without_head"]
    two = family() + [member(Relation.HEAD)]
    assert codes(household_member_problems(two)) == ["household_two_heads"]
    # A deceased former head does not count.
    past = family() + [member(Relation.HEAD, status=MemberStatus.DECEASED)]
    assert household_member_problems(past) == []


def test_an_id_number_twice_in_one_household_names_the_first_member():
    members = family()
    members[3]["id_number"] = members[2]["id_number"]
    [problem] = household_member_problems(members)
    assert problem.code == "id_repeated_in_household" and problem.member == 3
    assert "第 3 位" in problem.message_zh


def test_more_than_12_months_is_a_warning_a_negative_number_an_error():
    cleaned, problems = clean_member(member(work_months=13), on=TODAY)
    assert codes(problems) == [] and warnings(problems) == ["work_months_range"]
    assert cleaned["work_months"] == 13
    _, problems = clean_member(member(work_months=-1), on=TODAY)
    assert codes(problems) == ["work_months_unstorable"]
    _, problems = clean_member(member(work_months=12), on=TODAY)
    assert problems == []
