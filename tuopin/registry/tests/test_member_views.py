"""Adding and editing members from the household page, and their dated changes."""

from datetime import date

import pytest
from django.urls import reverse

from tuopin.registry.enums import MemberEventKind, MemberStatus, Relation, Sex
from tuopin.registry.idnumbers import make_id_number
from tuopin.registry.models import Member, MemberEvent
from tuopin.registry.tests.factories import family
from tuopin.registry.tests.test_views import form_data, login, register

pytestmark = pytest.mark.django_db


def test_a_birth_is_added_from_the_household_page(office, village):
    household = register(office, village, "0001")
    client = login(office)
    page = client.get(reverse("registry:household", args=[household.pk])).content.decode()
    assert 'data-testid="add-member"' in page
    url = reverse("registry:member_new", args=[household.pk])
    baby = make_id_number("411421", date(2018, 6, 1), 31, "1")
    response = client.post(
        url,
        form_data(
            client,
            url,
            event=MemberEventKind.BIRTH,
            event_date="2018-06-01",
            name="王小宝",
            sex=Sex.MALE,
            id_number=baby.lower(),
            relation=Relation.GRANDSON,
        ),
    )
    assert response.status_code == 302
    added = Member.objects.get(name="王小宝")
    assert added.id_number == baby.upper() and added.birth_date == date(2018, 6, 1)
    assert added.status == MemberStatus.NORMAL
    assert MemberEvent.objects.get(member=added).kind == MemberEventKind.BIRTH


def test_a_registered_id_number_is_refused_naming_its_household(office, village):
    first = register(office, village, "0001")
    head = {**family()[0], "id_number": make_id_number("411421", date(1968, 5, 1), 77, "1")}
    second = register(office, village, "0002", members=[head])
    taken = first.members.get(relation=Relation.SON)
    client = login(office)
    url = reverse("registry:member_new", args=[second.pk])
    page = client.post(
        url,
        form_data(
            client,
            url,
            event=MemberEventKind.MOVE_IN,
            event_date="2018-06-01",
            name=taken.name,
            sex=taken.sex,
            id_number=taken.id_number,
            birth_date=taken.birth_date,
            relation=Relation.SON,
        ),
    ).content.decode()
    assert 'data-testid="error-id_number"' in page and "户编号 0001" in page
    assert second.members.count() == 1


def test_a_member_is_edited_and_a_stale_edit_overwrites_nothing(office, village):
    household = register(office, village, "0001")
    son = household.members.get(relation=Relation.SON)
    first, second = login(office), login(office)
    url = reverse("registry:member_edit", args=[son.pk])
    form_a = form_data(first, url, work_months=6)
    form_b = form_data(second, url, name="王大明")
    assert first.post(url, form_a).status_code == 302
    page = second.post(url, form_b).content.decode()
    assert 'data-testid="form-error"' in page
    son.refresh_from_db()
    assert son.work_months == 6 and son.name != "王大明" and son.version == 2
    wrong = form_data(first, url, relation=Relation.DAUGHTER)  # 之女 for a boy
    assert 'data-testid="error-relation"' in first.post(url, wrong).content.decode()


def test_a_member_who_moved_out_can_move_back(office, village):
    household = register(office, village, "0001")
    daughter = household.members.get(relation=Relation.DAUGHTER)
    client = login(office)
    url = reverse("registry:member_event", args=[household.pk])
    for kind, when in (("move_out", "2018-03-01"), ("move_in", "2018-09-01")):
        client.post(url, {"member": daughter.pk, "kind": kind, "date": when})
    daughter.refresh_from_db()
    assert daughter.status == MemberStatus.NORMAL and daughter.events.count() == 2
    refused = client.post(
        url, {"member": daughter.pk, "kind": "release", "date": "2018-10-01"}, follow=True
    )
    assert "不能登记" in refused.content.decode() and daughter.events.count() == 2


def test_the_history_says_who_changed_what_from_what_to_what(office, village):
    from tuopin.registry.services import household_update, member_update

    household = register(office, village, "0001")
    son = household.members.get(relation=Relation.SON)
    household_update(
        acting_user=office, household=household, version=1, attributes={"phone": "13800000001"}
    )
    member_update(acting_user=office, member=son, version=1, data={"work_months": 6})
    page = login(office).get(reverse("registry:household", args=[household.pk])).context
    changes = page["history"]
    assert [(c.what, c.kind) for c in changes[:2]] == [(son.name, "修改"), ("本户", "修改")]
    assert changes[0].fields == [("务工时间（月）", "—", "6")]
    assert changes[1].fields == [("联系电话", "—", "138****0001")]  # masked in the history
    assert changes[0].user == office.username


def test_edit_forms_never_carry_full_personal_numbers(office, village):
    """Masked in the form; left as shown it keeps the stored value; a full new number
    changes it. The full value is seen only through the logged reveal."""
    household = register(
        office, village, "0001", phone="13912345678", bank_account="6228480012345678"
    )
    head = household.members.get(relation=Relation.HEAD)
    number = head.id_number
    client = login(office)
    member_url = reverse("registry:member_edit", args=[head.pk])
    household_url = reverse("registry:household_edit", args=[household.pk])
    for url, full in (
        (member_url, [head.id_number]),
        (household_url, ["13912345678", "6228480012345678"]),
    ):
        page = client.get(url).content.decode()
        assert not [value for value in full if value in page], url
        assert "已隐藏" in page
    assert "139****5678" in client.get(household_url).content.decode()
    # Saved as shown: nothing personal changes.
    assert (
        client.post(
            household_url, form_data(client, household_url, road_distance_km="2.5")
        ).status_code
        == 302
    )
    household.refresh_from_db()
    assert (household.phone, household.bank_account) == ("13912345678", "6228480012345678")
    assert client.post(member_url, form_data(client, member_url, name="王建民")).status_code == 302
    head.refresh_from_db()
    assert head.name == "王建民" and head.id_number == number
    # A full new number is a change.
    assert (
        client.post(
            household_url, form_data(client, household_url, phone="13800001111")
        ).status_code
        == 302
    )
    household.refresh_from_db()
    assert household.phone == "13800001111" and household.bank_account == "6228480012345678"


def test_the_household_page_shows_contact_masked_and_reveals_it_logged(office, village, make_user):
    from conftest import CITY
    from tuopin.accounts.roles import Role
    from tuopin.audit.models import AccessKind, AccessLog

    household = register(
        office, village, "0001", phone="13912345678", bank_account="6228480012345678"
    )
    client = login(office)
    page = client.get(reverse("registry:household", args=[household.pk])).content.decode()
    assert "139****5678" in page and "************5678" in page and "13912345678" not in page
    assert 'data-testid="reveal-phone"' in page
    url = reverse("registry:household_contact_reveal", args=[household.pk, "bank_account"])
    assert "6228480012345678" in client.post(url).content.decode()
    logged = AccessLog.objects.get(kind=AccessKind.REVEAL, object_type="household")
    assert logged.user == office and "bank_account" in logged.detail
    # The hotline sees the masked page without the button and may not reveal.
    hotline = login(make_user(Role.HOTLINE, CITY))
    page = hotline.get(reverse("registry:household", args=[household.pk])).content.decode()
    assert "139****5678" in page and 'data-testid="reveal-phone"' not in page
    assert hotline.post(url).status_code == 403
