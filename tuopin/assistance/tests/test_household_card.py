"""A sector user sees of the registry the fields their checks need, and nothing else: the
household card, never the registry's lists, pages, exports or API; ID numbers masked,
revealed one at a time and logged."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from conftest import MINQUAN
from tuopin.accounts.roles import Department, Role
from tuopin.accounts.services import job_submit
from tuopin.assistance.household_card import DEPARTMENT_FIELDS, HOUSEHOLD_BASE, MEMBER_BASE
from tuopin.assistance.kinds import kinds_of_department
from tuopin.assistance.tests.factories_pages import (
    EDUCATION,
    HEALTH,
    department_user,
    ledgers,
    sector_user,
)
from tuopin.audit.models import AccessKind, AccessLog
from tuopin.registry.models import Household, Income, Member

pytestmark = pytest.mark.django_db
PHONE, BANK = "13812345678", "6228480099998888"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _private(household: Household) -> None:
    """What no sector check reads: phone, bank account, income, land."""
    Household.objects.filter(pk=household.pk).update(
        phone=PHONE, bank_account=BANK, farmland_mu=Decimal("7.35")
    )
    Income.objects.create(household=household, year=2018, wages=Decimal("98765.00"))


def test_the_card_shows_the_departments_fields_and_nothing_else(make_user):
    data = ledgers()
    _private(data.own_household)
    Member.objects.filter(household=data.own_household).update(is_seriously_ill=True)
    url = reverse("assistance:household", args=[data.own_household.pk])
    health = _client(sector_user(make_user, HEALTH))
    response = health.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    card = response.context["card"]
    assert card.departments == [HEALTH]
    shown = {label for label, _text in card.facts}
    assert {"户编号", "脱贫状态", "所在村", "现有人口"} <= shown
    assert card.member_headers[:6] == [
        "姓名",
        "与户主关系",
        "性别",
        "证件号码",
        "年龄（周岁）",
        "人员状态",
    ]
    assert "患有大病" in card.member_headers and "在校生状况" not in card.member_headers
    for private in (PHONE, BANK, "98765", "7.35", "联系电话", "银行", "收入", "耕地"):
        assert private not in page, private
    for member in data.own_household.members.all():
        assert member.id_number not in page  # masked; the reveal button is there
        assert f'data-testid="reveal-{member.pk}"' in page
    # Its department's ledgers are read in the panel below (the insurance row).
    panel = health.get(reverse("assistance:household_ledgers", args=[data.own_household.pk]))
    assert 'data-testid="ledger-group-insurance"' in panel.content.decode()
    assert 'data-testid="ledger-group-employment"' not in panel.content.decode()


def test_each_department_sees_its_own_fields(make_user):
    data = ledgers()
    url = reverse("assistance:household", args=[data.own_household.pk])
    for department in Department.values:
        response = _client(sector_user(make_user, department)).get(url)
        if not kinds_of_department(department):  # 组织部 keeps no ledger, reads no card
            assert response.status_code == 403, department
            continue
        card = response.context["card"]
        household_fields, member_fields = DEPARTMENT_FIELDS.get(department, ((), ()))
        assert len(card.facts) == 2 + len(HOUSEHOLD_BASE) + len(household_fields), department
        assert len(card.member_headers) == len(MEMBER_BASE) + len(member_fields), department
    education = _client(sector_user(make_user, EDUCATION)).get(url).context["card"]
    assert "在校生状况" in education.member_headers and "患有大病" not in education.member_headers


def test_unknown_is_shown_as_unknown_not_no(make_user):
    data = ledgers()
    Member.objects.filter(household=data.own_household).update(
        is_seriously_ill=None, has_basic_medical_insurance=False, birth_date=None
    )
    card = (
        _client(sector_user(make_user, HEALTH))
        .get(reverse("assistance:household", args=[data.own_household.pk]))
        .context["card"]
    )
    for _member, values in card.members:
        texts = dict(values)
        assert texts["is_seriously_ill"] == "未填报"
        assert texts["has_basic_medical_insurance"] == "否"
        assert texts["age"] == "未填报"


def test_the_reveal_on_the_card_is_logged_and_contacts_stay_closed(make_user):
    data = ledgers()
    _private(data.own_household)
    user = sector_user(make_user, HEALTH)
    client = _client(user)
    member = data.own_household.members.first()
    revealed = client.post(reverse("registry:member_reveal", args=[member.pk]))
    assert revealed.status_code == 200 and member.id_number in revealed.content.decode()
    log = AccessLog.objects.get(kind=AccessKind.REVEAL, user=user)
    assert log.region_code == data.own_household.village_id
    contact = reverse("registry:household_contact_reveal", args=[data.own_household.pk, "phone"])
    refused = client.post(contact)
    assert refused.status_code == 403 and PHONE not in refused.content.decode()
    # Another county's household does not exist for them.
    foreign = reverse("assistance:household", args=[data.foreign_household.pk])
    assert client.get(foreign).status_code == 404
    other = data.foreign_household.members.first()
    assert client.post(reverse("registry:member_reveal", args=[other.pk])).status_code == 404


def test_the_registry_itself_is_closed_to_a_sector_user(make_user):
    data = ledgers()
    user = sector_user(make_user, HEALTH)
    client = _client(user)
    pk = data.own_household.pk
    for url in (
        reverse("registry:households"),
        reverse("registry:household", args=[pk]),
        reverse("quality:scorecard"),
        reverse("policy:runs"),
        reverse("cases:tasks"),
        reverse("policy:household_panel", args=[pk]),
        reverse("cases:household_cases", args=[pk]),
        "/api/v1/households",
        f"/api/v1/households/{pk}",
    ):
        assert client.get(url).status_code == 403, url
    with pytest.raises(PermissionDenied):
        job_submit(acting_user=user, kind="registry.export", region_code=MINQUAN, params={})
    # The navigation offers the ledgers, not the registry.
    home = client.get("/").content.decode()
    assert f'href="{reverse("assistance:ledgers")}"' in home
    assert f'href="{reverse("registry:households")}"' not in home


def test_a_registry_reader_is_sent_to_the_registry_page(make_user):
    data = ledgers()
    county = _client(department_user(make_user, Role.COUNTY_OFFICE, MINQUAN))
    response = county.get(reverse("assistance:household", args=[data.own_household.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:household", args=[data.own_household.pk])
    # The hotline reads the registry but no ledger: not this card either.
    hotline = _client(department_user(make_user, Role.HOTLINE, MINQUAN))
    response = hotline.get(reverse("assistance:household", args=[data.own_household.pk]))
    assert response.status_code == 403
