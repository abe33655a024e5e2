from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.http import Http404

from conftest import MINQUAN, RENHE, SUIXIAN, first_village, other_county_village
from tuopin.accounts.roles import Role
from tuopin.audit.models import AccessKind, AccessLog
from tuopin.core.errors import TuopinError
from tuopin.registry.enums import (
    MemberEventKind,
    MemberStatus,
    PovertyCause,
    PovertyStatus,
    Relation,
    Sex,
)
from tuopin.registry.idnumbers import make_id_number
from tuopin.registry.lookups import LookupsExhausted
from tuopin.registry.models import Household, Member, MemberEvent
from tuopin.registry.selectors import household_list_for_user, with_income
from tuopin.registry.services import (
    RegistryInvalid,
    StaleEdit,
    helper_assign,
    household_register,
    household_update,
    income_record,
    member_add,
    member_record_event,
    member_update,
)
from tuopin.registry.tests.factories import family, member


@pytest.fixture
def cadre(make_user, village):
    return make_user(Role.VILLAGE, village.code)


def register(user, village, number="0001", members=None, **attributes):
    return household_register(
        acting_user=user,
        village_code=village.code,
        number=number,
        attributes={"main_cause": PovertyCause.ILLNESS, **attributes},
        members=family() if members is None else members,
        other_causes=[PovertyCause.LACK_SKILLS],
    )


def test_a_household_is_registered_with_members_causes_and_history(cadre, village):
    household = register(cadre, village)
    assert household.members.count() == 4
    assert [c.cause for c in household.other_causes.all()] == [PovertyCause.LACK_SKILLS]
    assert household.status == PovertyStatus.NOT_EXITED
    assert household.history.first().history_user == cadre
    assert Member.history.filter(history_user=cadre).count() == 4


def test_every_problem_is_reported_at_once_and_nothing_is_written(cadre, village):
    members = family()
    members[1]["sex"] = Sex.MALE  # spouse of the head's sex
    members[2]["id_number"] = "411421200801201234"  # wrong check digit (or birth date)
    with pytest.raises(RegistryInvalid) as refused:
        register(cadre, village, members=members)
    found = {(p.code, p.member) for p in refused.value.problems if not p.warning}
    assert ("spouse_same_sex", 1) in found  # typed input: a suspect value is refused
    assert any(member_index == 2 for _, member_index in found)
    assert not Household.objects.exists() and not Member.objects.exists()


def test_the_same_id_number_is_refused_in_a_second_household_naming_the_first(cadre, village):
    first = register(cadre, village)
    taken = first.members.get(relation=Relation.SON).id_number
    members = family()
    members[2]["id_number"] = taken
    members[2]["birth_date"] = date(2008, 1, 20)
    with pytest.raises(RegistryInvalid) as refused:
        register(cadre, village, number="0002", members=members)
    problem = next(p for p in refused.value.problems if p.code == "id_in_other_household")
    assert "户编号 0001" in problem.message_zh and village.name in problem.message_zh
    assert Household.objects.count() == 1


@pytest.mark.parametrize("older_form", ["15 digits", "small x"])
def test_a_number_stored_in_an_older_form_still_blocks_a_second_household(
    cadre, village, older_form
):
    first = register(cadre, village)
    head = first.members.get(relation=Relation.HEAD)  # born 1968: once a 15-digit number
    number = next(  # one with the check digit X, for the small-x case
        n
        for n in (make_id_number("411421", head.birth_date, i, "1") for i in range(1, 400))
        if n.endswith("X")
    )
    stored = number[:6] + number[8:17] if older_form == "15 digits" else number[:-1] + "x"
    Member.objects.filter(pk=head.pk).update(id_number=stored)
    members = family()
    members[0].update(id_number=number, birth_date=head.birth_date)
    with pytest.raises(RegistryInvalid) as refused:
        register(cadre, village, number="0002", members=members)
    problem = next(p for p in refused.value.problems if p.code == "id_in_other_household")
    assert "户编号 0001" in problem.message_zh
    assert Household.objects.count() == 1


def test_the_holder_of_a_number_is_named_only_inside_the_users_region(cadre, village, make_user):
    first = register(cadre, village)
    son = first.members.get(relation=Relation.SON)
    elsewhere = other_county_village(SUIXIAN)
    stranger = make_user(Role.VILLAGE, elsewhere.code)
    members = family("411422")
    members[2].update(id_number=son.id_number, birth_date=son.birth_date)
    with pytest.raises(RegistryInvalid) as refused:
        register(stranger, elsewhere, number="0009", members=members)
    problem = next(p for p in refused.value.problems if p.code == "id_registered_elsewhere")
    # Only the county, so the two offices can resolve it: no village, household, person.
    assert "民权县" in problem.message_zh and "411421" in problem.message_en
    for told in (problem.message_zh, problem.message_en):
        assert son.name not in told and "0001" not in told and village.name not in told
        assert village.code not in told
    # The look-up is in the access log although the registration was refused.
    logged = AccessLog.objects.get(user=stranger, kind=AccessKind.LOOKUP)
    assert "1 个证件号码" in logged.detail
    assert not Household.objects.filter(number="0009").exists()


def test_lookups_of_numbers_registered_elsewhere_are_limited_per_hour(
    cadre, village, make_user, settings
):
    settings.TUOPIN_ELSEWHERE_LOOKUPS_PER_HOUR = 2
    son = register(cadre, village).members.get(relation=Relation.SON)
    elsewhere = other_county_village(SUIXIAN)
    stranger = make_user(Role.VILLAGE, elsewhere.code)
    own = register(stranger, elsewhere, number="0008", members=family("411422"))
    members = family("411422")
    members[2].update(id_number=son.id_number, birth_date=son.birth_date)
    for _ in range(2):
        with pytest.raises(RegistryInvalid):
            register(stranger, elsewhere, number="0009", members=members)
    with pytest.raises(LookupsExhausted) as exhausted:
        register(stranger, elsewhere, number="0009", members=members)
    assert exhausted.value.status == 429 and "上限" in exhausted.value.message_zh
    assert "民权县" not in str(exhausted.value)
    # A helper's number is a look-up too, limited alike.
    with pytest.raises(LookupsExhausted):
        helper_assign(acting_user=stranger, household=own, name="某", id_number=son.id_number)
    assert AccessLog.objects.filter(user=stranger, kind=AccessKind.LOOKUP).count() == 2
    # Numbers registered inside the user's region are named, not counted or limited.
    inside = family()
    inside[2].update(id_number=son.id_number, birth_date=son.birth_date)
    for _ in range(3):
        with pytest.raises(RegistryInvalid) as refused:
            register(cadre, village, number="0002", members=inside)
        assert any(p.code == "id_in_other_household" for p in refused.value.problems)
    assert not AccessLog.objects.filter(user=cadre, kind=AccessKind.LOOKUP).exists()


def test_a_village_user_cannot_register_in_another_village(cadre):
    with pytest.raises(Http404):
        register(cadre, other_county_village(SUIXIAN))
    assert not Household.objects.exists()


def test_a_stale_edit_is_refused_and_overwrites_nothing(cadre, village):
    household = register(cadre, village)
    seen_by_a = household.version
    household_update(
        acting_user=cadre,
        household=Household.objects.get(pk=household.pk),
        version=seen_by_a,
        attributes={"phone": "13800000001"},
    )
    with pytest.raises(StaleEdit):
        household_update(
            acting_user=cadre,
            household=Household.objects.get(pk=household.pk),
            version=seen_by_a,
            attributes={"phone": "13900000002"},
        )
    household.refresh_from_db()
    assert household.phone == "13800000001" and household.version == seen_by_a + 1


def test_member_changes_are_dated_events_not_deletions(cadre, village):
    household = register(cadre, village)
    daughter = household.members.get(relation=Relation.DAUGHTER)
    member_record_event(
        acting_user=cadre, member=daughter, kind=MemberEventKind.MARRIAGE_OUT, when=date(2018, 5, 1)
    )
    daughter.refresh_from_db()
    assert daughter.status == MemberStatus.MARRIED_OUT
    assert Member.objects.filter(pk=daughter.pk).exists()
    baby = member_add(
        acting_user=cadre,
        household=household,
        data={
            **member(Relation.GRANDSON, Sex.MALE, date(2018, 6, 1)),
            "event_date": date(2018, 6, 1),
        },
    )
    assert [e.kind for e in MemberEvent.objects.order_by("date")] == [
        MemberEventKind.MARRIAGE_OUT,
        MemberEventKind.BIRTH,
    ]
    assert baby.status == MemberStatus.NORMAL
    with pytest.raises(TuopinError):
        member_record_event(
            acting_user=cadre, member=baby, kind=MemberEventKind.DEATH, when=date(2999, 1, 1)
        )


def test_an_event_must_fit_the_members_life(cadre, village):
    household = register(cadre, village)
    daughter = household.members.get(relation=Relation.DAUGHTER)

    def record(kind, when):
        return member_record_event(acting_user=cadre, member=daughter, kind=kind, when=when)

    for kind, when, code in [
        (MemberEventKind.RELEASE, date(2018, 5, 1), "event_does_not_fit"),  # never in prison
        (MemberEventKind.BIRTH, date(2018, 5, 1), "event_does_not_fit"),  # she exists
        (MemberEventKind.MOVE_IN, date(2018, 5, 1), "event_does_not_fit"),  # never left
        (MemberEventKind.DEATH, daughter.birth_date - timedelta(days=1), "event_before_birth"),
    ]:
        with pytest.raises(TuopinError) as refused:
            record(kind, when)
        assert refused.value.code == code, kind
    record(MemberEventKind.IMPRISONMENT, date(2018, 3, 1))
    with pytest.raises(TuopinError) as earlier:
        record(MemberEventKind.RELEASE, date(2018, 2, 1))  # before the latest change
    assert earlier.value.code == "event_before_latest"
    record(MemberEventKind.RELEASE, date(2018, 9, 1))
    record(MemberEventKind.DEATH, date(2018, 10, 1))
    for kind in (MemberEventKind.DEATH, MemberEventKind.MOVE_IN, MemberEventKind.BIRTH):
        with pytest.raises(TuopinError) as after_death:
            record(kind, date(2018, 11, 1))
        assert after_death.value.code == "event_does_not_fit"
    daughter.refresh_from_db()
    assert daughter.status == MemberStatus.DECEASED and daughter.events.count() == 3


def test_per_capita_income_counts_current_members_only(cadre, village):
    household = register(cadre, village)
    income_record(
        acting_user=cadre,
        household=household,
        year=2018,
        amounts={
            "wages": Decimal("9000"),
            "business": Decimal("2000"),
            "property_income": Decimal("0"),
            "transfers": Decimal("1000"),
            "production_costs": Decimal("1001"),
        },
    )
    row = with_income(Household.objects.filter(pk=household.pk), 2018).get()
    assert row.size == 4
    assert row.per_capita_income == pytest.approx(10999 / 4)
    daughter = household.members.get(relation=Relation.DAUGHTER)
    member_record_event(
        acting_user=cadre, member=daughter, kind=MemberEventKind.MOVE_OUT, when=date(2018, 3, 1)
    )
    row = with_income(Household.objects.filter(pk=household.pk), 2018).get()
    # 10999 / 3 is not a whole number: no truncation on either database.
    assert row.size == 3 and row.per_capita_income == pytest.approx(3666.3333, abs=1e-3)
    assert with_income(Household.objects.filter(pk=household.pk), 2017).get().net_income is None


def test_a_household_without_current_members_has_no_per_capita_figure(cadre, village):
    household = register(cadre, village, members=[member(Relation.HEAD)])
    income_record(
        acting_user=cadre, household=household, year=2018, amounts={"wages": Decimal("3000")}
    )
    head = household.members.get()
    member_record_event(
        acting_user=cadre, member=head, kind=MemberEventKind.DEATH, when=date(2018, 9, 1)
    )
    row = with_income(Household.objects.filter(pk=household.pk), 2018).get()
    assert row.size == 0 and row.per_capita_income is None


def test_a_registered_poor_person_cannot_be_a_helper(cadre, village):
    household = register(cadre, village)
    poor = household.members.first()
    with pytest.raises(TuopinError) as refused:
        helper_assign(
            acting_user=cadre, household=household, name=poor.name, id_number=poor.id_number
        )
    assert refused.value.code == "helper_is_registered_poor"
    helper = helper_assign(
        acting_user=cadre,
        household=household,
        name="赵书记",
        work_unit="民权县教育局",
        phone="13700000000",
    )
    household.refresh_from_db()
    assert household.helper == helper and helper.region_id == MINQUAN


def test_lists_are_scoped(make_user, cadre, village):
    register(cadre, village)
    other_village = first_village(RENHE).parent.children.exclude(code=village.code).first()
    neighbour = make_user(Role.VILLAGE, other_village.code)
    assert household_list_for_user(cadre).count() == 1
    assert household_list_for_user(neighbour).count() == 0
    assert household_list_for_user(make_user(Role.COUNTY_OFFICE, MINQUAN)).count() == 1
    assert household_list_for_user(make_user(Role.COUNTY_OFFICE, SUIXIAN)).count() == 0


def test_typed_input_refuses_a_suspect_value_the_import_stores(cadre, village):
    """More than 12 months worked: an import stores it with a warning; a form or the API
    refuses it (the person typing can correct it at once)."""
    household = register(cadre, village)
    son = household.members.get(relation=Relation.SON)
    with pytest.raises(RegistryInvalid) as refused:
        member_update(acting_user=cadre, member=son, version=son.version, data={"work_months": 13})
    assert [p.code for p in refused.value.problems if not p.warning] == ["work_months_range"]
    son.refresh_from_db()
    assert son.work_months != 13
