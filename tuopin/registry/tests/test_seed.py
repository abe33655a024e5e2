"""The synthetic-data generator (`tuopin seed`): determinism, realism, planted defects."""

import hashlib
import json
from collections import Counter, defaultdict
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from conftest import MINQUAN
from tuopin.core.errors import TuopinError
from tuopin.regions.models import Region
from tuopin.registry import seed as seed_module
from tuopin.registry.enums import (
    RELATION_SEX,
    SENIOR_OR_ABOVE,
    HouseholdAttribute,
    HousingGrade,
    Labour,
    PovertyCause,
    PovertyStatus,
    Relation,
    StudentStatus,
)
from tuopin.registry.idnumbers import check_id_number
from tuopin.registry.models import Helper, Household, HouseholdCause, Income, Measure, Member
from tuopin.registry.seed import PRE_1997_COUNTY_CODES, seed_registry
from tuopin.registry.selectors import with_income
from tuopin.registry.validation import clean_member, household_member_problems

pytestmark = pytest.mark.django_db

LINE_2018 = 2995
REF = date(2018, 12, 31)  # ages are counted at the end of the income year
MEMBER_FIELDS = [
    f.attname for f in Member._meta.concrete_fields if f.attname not in ("id", "household_id")
]
EXITED = (PovertyStatus.EXITED_WITH_POLICY, PovertyStatus.EXITED_NO_POLICY)
# Validation codes a planted defect may raise; every other household raises none.
VALIDATION_CODES = {
    "spouse_same_sex": {"spouse_same_sex"},
    "relation_sex_mismatch": {"relation_sex_mismatch"},
    "birth_date_mismatch": {"id_birth_date_mismatch"},
}


def seed(households=300, seed=1, region=MINQUAN[:6], **kwargs):
    return seed_registry(households=households, region_code=region, seed=seed, year=2018, **kwargs)


def canonical_dump() -> str:
    """Every generated row without database ids and timestamps, in a fixed order."""
    helpers = {
        h.pk: [h.region_id, h.name, h.work_unit, h.post, h.phone, h.id_number]
        for h in Helper.objects.all()
    }
    households = []
    for row in Household.objects.order_by("number").values():
        helper = helpers.get(row.pop("helper_id"))
        for name in ("id", "created_at", "updated_at"):
            row.pop(name)
        households.append([row, helper])
    members = list(
        Member.objects.order_by("person_number").values_list("household__number", *MEMBER_FIELDS)
    )
    incomes = list(Income.objects.order_by("household__number", "year").values())
    for row in incomes:
        row.pop("id")
        row["household_id"] = None
    measures = list(
        Measure.objects.order_by("household__number", "id").values_list(
            "household__number",
            "category",
            "content",
            "unit",
            "cost",
            "year",
            "date",
            "raises_income",
        )
    )
    causes = list(
        HouseholdCause.objects.order_by("household__number", "cause").values_list(
            "household__number", "cause"
        )
    )
    text = json.dumps(
        [households, members, incomes, measures, causes, sorted(helpers.values())],
        default=str,
        ensure_ascii=False,
        sort_keys=True,
    )
    return hashlib.sha256(text.encode()).hexdigest()


def wipe():
    Household.objects.all().delete()
    Helper.objects.all().delete()


def age(birth: date) -> int:
    return REF.year - birth.year - ((REF.month, REF.day) < (birth.month, birth.day))


def households_with_members():
    """(household, its members as dicts of the model's fields, other causes) per household."""
    members = defaultdict(list)
    for row in Member.objects.order_by("person_number").values("household_id", *MEMBER_FIELDS):
        members[row.pop("household_id")].append(row)
    causes = defaultdict(set)
    for household_id, cause in HouseholdCause.objects.values_list("household_id", "cause"):
        causes[household_id].add(cause)
    incomes = {i.household_id: i for i in Income.objects.all()}
    per_capita = dict(
        with_income(Household.objects.all(), 2018).values_list("pk", "per_capita_income")
    )
    for household in Household.objects.order_by("number"):
        yield (
            household,
            members[household.pk],
            causes[household.pk],
            incomes[household.pk],
            per_capita[household.pk],
        )


def healthy(m: dict) -> bool:
    return not (m["is_chronically_ill"] or m["is_seriously_ill"] or m["is_disabled"])


def defects_found(household, members, causes, income, per_capita) -> set[str]:
    """The §6 checks the planted defects illustrate, in plain Python, one per kind."""
    found = set()
    ages = [age(m["birth_date"]) for m in members]
    pairs = list(zip(members, ages, strict=True))
    size = len(members)
    if any(not m["ethnicity"] for m in members):
        found.add("missing_ethnicity")
    if any(not m["education"] for m in members):
        found.add("missing_education")
    if any(m["is_disabled"] and not m["disability_certificate"] for m in members):
        found.add("disabled_without_certificate")
    if any(
        16 <= a <= 60 and healthy(m) and m["labour"] in (Labour.LOST, Labour.NONE) for m, a in pairs
    ):
        found.add("healthy_lost_labour")
    if PovertyCause.ILLNESS in causes | {household.main_cause} and not any(
        m["is_chronically_ill"] or m["is_seriously_ill"] for m in members
    ):
        found.add("illness_all_healthy")
    if household.main_cause in causes:
        found.add("other_cause_repeats_main")
    if household.attribute == HouseholdAttribute.DIBAO and not any(
        m["receives_dibao"] for m in members
    ):
        found.add("dibao_without_member")
    if income.business > 0 and income.production_costs == 0:
        found.add("business_without_costs")
    if any(m["work_months"] and not m["work_status"] for m in members):
        found.add("months_without_workplace")
    if household.helper_id is None:
        found.add("no_helper")
    if household.farmland_mu / size > 50:
        found.add("farmland_excess")
    if household.road_distance_km > 50:
        found.add("road_distance_excess")
    if any(
        a >= 20 and m["student_status"] in (StudentStatus.PRESCHOOL, StudentStatus.PRIMARY)
        for m, a in pairs
    ):
        found.add("old_in_primary")
    if household.status in EXITED:
        if per_capita <= LINE_2018:
            found.add("exited_below_line")
        if household.housing_grade in (HousingGrade.C, HousingGrade.D):
            found.add("exited_dangerous_house")
        if any(
            6 <= a <= 15
            and m["student_status"] == StudentStatus.NOT_STUDENT
            and not (m["is_disabled"] or m["is_seriously_ill"])
            for m, a in pairs
        ):
            found.add("school_age_out_of_school")
    head = [m for m in members if m["relation"] == Relation.HEAD]
    if any(m["relation"] == Relation.SPOUSE and m["sex"] == head[0]["sex"] for m in members):
        found.add("spouse_same_sex")
    if any(RELATION_SEX.get(m["relation"], m["sex"]) != m["sex"] for m in members):
        found.add("relation_sex_mismatch")
    if any(check_id_number(m["id_number"]).birth_date != m["birth_date"] for m in members):
        found.add("birth_date_mismatch")
    return found


def test_the_same_seed_gives_byte_identical_data_and_chunking_does_not_matter(monkeypatch):
    seed(households=250, seed=7)
    first = canonical_dump()
    wipe()
    # Smaller chunks and batches write the same rows.
    monkeypatch.setattr(seed_module, "CHUNK_HOUSEHOLDS", 40)
    monkeypatch.setattr(seed_module, "BATCH_SIZE", 17)
    seed(households=250, seed=7)
    assert canonical_dump() == first
    wipe()
    seed(households=250, seed=8)
    assert canonical_dump() != first


def test_the_totals_are_the_rows_written_without_history():
    totals = seed(households=400)
    assert totals["households"] == Household.objects.count() == 400
    assert totals["members"] == Member.objects.count()
    assert totals["incomes"] == Income.objects.filter(year=2018).count() == 400
    assert totals["measures"] == Measure.objects.count()
    assert totals["causes"] == HouseholdCause.objects.count()
    assert totals["helpers"] == Helper.objects.count()
    assert sum(totals["defects"].values()) == len(totals["planted"])
    # Synthetic rows are bulk-written: no row history.
    assert Household.history.count() == 0 and Member.history.count() == 0
    sizes = Counter(Member.objects.values_list("household_id", flat=True)).values()
    assert set(sizes) <= set(range(1, 8))
    measures = Counter(Measure.objects.values_list("household_id", flat=True)).values()
    assert len(measures) == 400 and set(measures) <= {1, 2, 3}
    # About one helper per 5 households of a village, each helper a cadre of the county.
    per_helper = Counter(Household.objects.exclude(helper=None).values_list("helper", flat=True))
    assert max(per_helper.values()) <= 5
    assert set(Helper.objects.values_list("region_id", flat=True)) == {MINQUAN}


def test_households_spread_over_the_villages_with_numbers_per_village():
    seed(households=600)
    villages = dict(
        Region.objects.filter(code__startswith=MINQUAN[:6], level="village").values_list(
            "code", "kind"
        )
    )
    rows = list(Household.objects.values_list("village_id", "number"))
    assert all(village in villages for village, _ in rows)
    assert all(number[:12] == village and len(number) == 16 for village, number in rows)
    # Spread: many villages, rural villages (村委会) far more than communities.
    used = Counter(village for village, _ in rows)
    assert len(used) > 200
    kinds = Counter(villages[v] for v, _ in rows)
    assert kinds["community"] < 0.05 * len(rows)
    for village in used:
        numbers = sorted(int(n[12:]) for v, n in rows if v == village)
        assert numbers == list(range(1, len(numbers) + 1))


def test_members_pass_the_validation_except_the_planted_defects():
    totals = seed(households=1000, seed=3)
    planted = totals["planted"]
    assert 10 <= len(planted) <= 50  # about 2.5 %
    known = frozenset({MINQUAN[:6], *PRE_1997_COUNTY_CODES.values()})
    checked = 0
    for household, members, *_ in households_with_members():
        problems = [p.code for p in household_member_problems(members)]
        for member in members:
            _, found = clean_member(member, on=date.today(), known_county_codes=known)
            problems += [p.code for p in found]
        allowed = VALIDATION_CODES.get(planted.get(household.number), set())
        assert set(problems) <= allowed, (household.number, planted.get(household.number))
        if allowed:
            assert problems, household.number
        checked += 1
    assert checked == 1000


def test_the_planted_defects_are_exactly_what_the_checks_find(monkeypatch):
    # Every household gets a defect, so every kind is exercised.
    monkeypatch.setattr(seed_module, "DEFECT_SHARE", 1.0)
    totals = seed(households=500, seed=11)
    assert set(totals["defects"]) == set(seed_module.DEFECT_KINDS)
    for row in households_with_members():
        assert defects_found(*row) == {totals["planted"][row[0].number]}, row[0].number


def test_without_planted_defects_the_households_are_consistent():
    totals = seed(households=1000, seed=5)
    clean = 0
    for household, members, causes, income, per_capita in households_with_members():
        found = defects_found(household, members, causes, income, per_capita)
        planted = totals["planted"].get(household.number)
        assert found == ({planted} if planted else set()), household.number
        if planted:
            continue
        clean += 1
        ages = [age(m["birth_date"]) for m in members]
        pairs = list(zip(members, ages, strict=True))
        head = next(a for m, a in pairs if m["relation"] == Relation.HEAD)
        for m, a in pairs:
            relation = m["relation"]
            if relation in (Relation.SON, Relation.DAUGHTER):
                assert 18 <= head - a <= 40
            if relation in (Relation.FATHER, Relation.MOTHER):
                assert 20 <= a - head <= 35
            if relation in (Relation.GRANDSON, Relation.GRANDDAUGHTER):
                assert head - a >= 38
            # School and age.
            if 6 <= a <= 15:
                assert m["student_status"] != StudentStatus.NOT_STUDENT
            if a <= 14:
                assert m["student_status"] not in SENIOR_OR_ABOVE
            # Labour and work.
            if a < 16:
                assert m["labour"] == Labour.NONE and not m["work_status"]
            if m["work_status"]:
                assert m["work_months"] in range(1, 13)
                assert m["labour"] not in (Labour.LOST, Labour.NONE)
            else:
                assert m["work_months"] is None
        # Causes follow the members.
        all_causes = causes | {household.main_cause}
        if PovertyCause.DISABILITY in all_causes:
            assert any(m["is_disabled"] for m in members)
        if PovertyCause.SCHOOLING in all_causes:
            assert any(m["student_status"] not in ("", StudentStatus.NOT_STUDENT) for m in members)
        # 低保/特困 follow the members.
        if household.attribute == HouseholdAttribute.TEKUN:
            assert not any(
                16 <= a <= 65 and m["labour"] in (Labour.ORDINARY, Labour.SKILLED, Labour.WEAK)
                for m, a in pairs
            )
            assert income.tekun_payment > 0
        if household.attribute != HouseholdAttribute.DIBAO:
            assert not any(m["receives_dibao"] for m in members)
        else:
            assert income.dibao_payment > 0
        # Income parts follow the members.
        if income.wages > 0:
            assert any(m["work_months"] for m in members)
        assert 0 < per_capita < 100_000
        # Exited households meet the exit standard (domain.md §4.1).
        if household.status in (*EXITED, PovertyStatus.PRE_EXIT):
            assert per_capita > LINE_2018
            assert household.food_secure and household.clothing_secure
            assert household.owns_house and household.housing_grade in ("A", "B")
            assert household.water_safe and not household.water_difficult
            assert all(m["has_basic_medical_insurance"] for m in members)
            assert household.identified_year < (household.exit_year or 2018 + 1)
        if household.status == PovertyStatus.RETURNED:
            assert household.identified_year < household.exit_year < household.returned_year
        assert 2014 <= household.identified_year <= 2018
    assert clean > 950


def test_id_numbers_are_unique_and_carry_the_county_code_or_the_old_one():
    seed(households=1000, seed=2)
    old = PRE_1997_COUNTY_CODES["411421"]
    numbers = list(Member.objects.values_list("id_number", "birth_date", "household__village"))
    assert len({n for n, *_ in numbers}) == len(numbers)
    pre_1997 = [n for n, birth, _ in numbers if birth.year < 1997]
    for number, birth, village in numbers:
        assert number[:6] in (village[:6], old)
        if number[:6] == old:
            assert birth.year < 1997
    old_share = sum(n[:6] == old for n in pre_1997) / len(pre_1997)
    assert 0.12 < old_share < 0.28
    # Helpers are never registered poor people.
    helper_ids = set(Helper.objects.values_list("id_number", flat=True))
    assert "" not in helper_ids
    assert not helper_ids & {n for n, *_ in numbers}
    assert all(check_id_number(n).valid for n in helper_ids)


def test_the_fast_insert_stores_what_bulk_create_stores(monkeypatch):
    seed(households=200, seed=11, previous_year=True)
    fast = canonical_dump()
    wipe()
    monkeypatch.setattr(
        seed_module,
        "_insert",
        lambda model, objects: model.objects.bulk_create(objects, batch_size=500),
    )
    seed(households=200, seed=11, previous_year=True)
    assert canonical_dump() == fast


def test_last_years_income_leaves_this_years_data_as_it_was_and_some_fell_sharply():
    seed(households=300, seed=7)
    without = canonical_dump()
    wipe()
    totals = seed(households=300, seed=7, previous_year=True)
    assert totals["incomes"] == 600
    previous = Income.objects.filter(year=2017)
    assert previous.count() == 300
    previous.delete()
    assert canonical_dump() == without  # the second stream changed nothing else


def test_last_years_income_is_known_and_about_one_in_twenty_fell_by_a_third():
    seed(households=600, seed=3, previous_year=True)
    net = {
        year: dict(with_income(Household.objects.all(), year).values_list("pk", "net_income"))
        for year in (2017, 2018)
    }
    assert None not in net[2017].values() and net[2017].keys() == net[2018].keys()
    fell = sum(1 for pk, now in net[2018].items() if now < 0.7 * net[2017][pk])
    grew = sum(1 for pk, now in net[2018].items() if now > net[2017][pk])
    assert 10 <= fell <= 60 and grew > 400
    for row in Income.objects.filter(year=2017).values():
        assert row["wages"] is not None and row["production_costs"] is not None


def test_a_ready_share_makes_still_poor_households_that_meet_the_standard_this_year():
    seed(households=300, seed=2, ready_share=0.6)
    ready = with_income(
        Household.objects.filter(status=PovertyStatus.NOT_EXITED, planned_exit_year=2018), 2018
    )
    assert ready.count() > 40
    assert not ready.filter(identified_year=2018).exists()  # no exit in the year identified
    for household in ready:
        assert household.per_capita_income > LINE_2018
        assert household.housing_grade in (HousingGrade.A, HousingGrade.B)
        assert household.owns_house and household.water_safe and household.food_secure


def test_sizes_average_about_3_3_and_about_a_third_lie_below_the_line():
    totals = seed(households=1000, seed=4)
    mean = totals["members"] / totals["households"]
    assert 3.0 <= mean <= 3.6
    sizes = Counter(Counter(Member.objects.values_list("household_id", flat=True)).values())
    assert set(sizes) == set(range(1, 8))
    incomes = list(
        with_income(Household.objects.all(), 2018).values_list("per_capita_income", flat=True)
    )
    below = sum(1 for pc in incomes if pc < LINE_2018) / len(incomes)
    assert 0.3 <= below <= 0.5
    statuses = Counter(Household.objects.values_list("status", flat=True))
    assert statuses[PovertyStatus.EXITED_WITH_POLICY] > 400
    assert 250 < statuses[PovertyStatus.NOT_EXITED] < 450
    assert statuses[PovertyStatus.PRE_EXIT] > 20 and statuses[PovertyStatus.RETURNED] > 10
    attributes = Counter(Household.objects.values_list("attribute", flat=True))
    assert attributes[HouseholdAttribute.GENERAL] > attributes[HouseholdAttribute.DIBAO] > 0
    assert attributes[HouseholdAttribute.TEKUN] > 0


def test_a_second_run_adds_households_after_the_existing_numbers():
    first = seed(households=300, seed=9)
    before = dict(Household.objects.values_list("number", "village_id"))
    ids_before = set(Member.objects.values_list("id_number", flat=True))
    second = seed(households=300, seed=9)  # the same seed: same people, same villages
    assert Household.objects.count() == 600
    assert Member.objects.count() == first["members"] + second["members"]
    ids = list(Member.objects.values_list("id_number", flat=True))
    assert len(set(ids)) == len(ids)
    assert len(set(ids) - ids_before) == second["members"]
    highest = defaultdict(int)
    for number, village in before.items():
        highest[village] = max(highest[village], int(number[12:]))
    for number, village in Household.objects.exclude(number__in=before).values_list(
        "number", "village_id"
    ):
        assert int(number[12:]) > highest[village]
    helper_ids = list(Helper.objects.values_list("id_number", flat=True))
    assert len(set(helper_ids)) == len(helper_ids)
    assert not set(helper_ids) & set(ids)


def test_a_township_or_a_village_limits_the_households_to_it():
    township = "411421101"
    seed(households=50, region=township)
    assert all(
        v.startswith(township) for v in Household.objects.values_list("village_id", flat=True)
    )
    village = Region.objects.filter(parent_id=township.ljust(12, "0")).order_by("code").first()
    seed(households=5, region=village.code)
    assert Household.objects.filter(village=village).count() >= 5


def test_the_command_prints_progress_and_totals():
    out = StringIO()
    call_command("seed", households=30, region="411421", seed=1, stdout=out)
    text = out.getvalue()
    assert "第 1/1 批" in text and "chunk 1/1" in text
    assert "完成：30 户" in text and "30 households" in text
    out = StringIO()
    call_command("seed", "--households", "20", "--region", "411421", "--json", stdout=out)
    totals = json.loads(out.getvalue())
    assert totals["households"] == 20 and Household.objects.count() == 50


@pytest.mark.parametrize(
    ("code", "zh", "en"),
    [
        ("419999", "不存在", "unknown region code"),
        ("411499999999", "不存在", "unknown region code"),
        ("41142", "无效", "invalid region code"),
        ("abc", "无效", "invalid region code"),
    ],
)
def test_an_unknown_region_is_a_clear_error(code, zh, en):
    with pytest.raises(CommandError) as error:
        call_command("seed", households=10, region=code, stdout=StringIO())
    assert zh in str(error.value) and en in str(error.value) and code in str(error.value)
    with pytest.raises(TuopinError):
        seed_registry(households=10, region_code=code, seed=1, year=2018)
    assert not Household.objects.exists()


# Planted defect -> the code of the check of tuopin.registry.quality that must find it.
QUALITY_CODES = {
    "missing_ethnicity": "empty_ethnicity",
    "missing_education": "empty_education",
    "disabled_without_certificate": "disabled_without_certificate",
    "healthy_lost_labour": "healthy_working_age_without_labour",
    "illness_all_healthy": "cause_illness_all_healthy",
    "other_cause_repeats_main": "other_cause_repeats_main",
    "dibao_without_member": "dibao_household_without_dibao_member",
    "business_without_costs": "business_income_without_costs",
    "months_without_workplace": "months_without_workplace",
    "no_helper": "household_without_helper",
    "spouse_same_sex": "head_spouse_same_sex",
    "relation_sex_mismatch": "relation_sex_mismatch",
    "farmland_excess": "farmland_over_50_mu_per_person",
    "road_distance_excess": "road_distance_over_50_km",
    "old_in_primary": "old_in_primary_school",
    "birth_date_mismatch": "id_birth_mismatch",
    "exited_below_line": "exited_income_below_line",
    "exited_dangerous_house": "exited_dangerous_house",
    "school_age_out_of_school": "exited_school_age_out_of_school",
}


def test_the_quality_checks_find_exactly_the_planted_defects(monkeypatch):
    quality = pytest.importorskip("tuopin.registry.quality")
    assert set(QUALITY_CODES) == set(seed_module.DEFECT_KINDS)
    # Half the households carry a defect: the checks must tell them from the clean half.
    monkeypatch.setattr(seed_module, "DEFECT_SHARE", 0.5)
    totals = seed(households=1000, seed=13)
    expected = defaultdict(set)
    for number, kind in totals["planted"].items():
        expected[QUALITY_CODES[kind]].add(number)
    context = quality.context_for(None, region_prefix=MINQUAN[:6], year=2018)
    for code, check in quality.CHECKS.items():
        offenders = Household.objects.filter(pk__in=check.household_ids(context))
        found = set(offenders.values_list("number", flat=True))
        assert found == expected.get(code, set()), code


def test_if_empty_seeds_only_once(shangqiu):
    from io import StringIO

    from django.core.management import call_command

    from tuopin.registry.models import Household

    call_command("seed", households=20, region="411421", if_empty=True, stdout=StringIO())
    assert Household.objects.count() == 20
    out = StringIO()
    call_command("seed", households=20, region="411421", if_empty=True, stdout=out)
    assert Household.objects.count() == 20 and "未生成" in out.getvalue()
