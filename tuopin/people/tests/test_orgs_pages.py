"""The pages of weak branches, enterprises, workshops and 四有, as real users."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import MINQUAN, RENHE, SUIXIAN, first_village, other_county_village
from tuopin.accounts.roles import Department, Role
from tuopin.people.branches_services import weak_branch_list, weak_branch_plan
from tuopin.people.enterprises_services import enterprise_save, pairing_save
from tuopin.people.models import Enterprise, WeakBranch
from tuopin.people.orgs_enums import WorkshopType
from tuopin.people.workshops_services import employee_save, workshop_save
from tuopin.regions.models import Region
from tuopin.registry.idnumbers import make_id_number

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def branch(make_user):
    county = make_user(Role.COUNTY_OFFICE, MINQUAN)
    branch = weak_branch_list(
        acting_user=county, village_code=first_village(RENHE).code, year=2018, reasons="班子不团结"
    )
    return branch


def test_branch_list_warns_outside_the_range_and_shows_buttons_by_right(client, make_user, branch):
    township = make_user(Role.TOWNSHIP, RENHE)
    response = _login(client, township).get(reverse("people:branches"), {"year": 2018})
    body = response.content.decode()
    assert response.status_code == 200 and first_village(RENHE).name in body
    assert 'data-outside="1"' in body and "少于规定比例下限" in body
    assert 'data-testid="branch-new"' in body
    page = client.get(reverse("people:branch", args=[branch.pk])).content.decode()
    assert 'data-testid="plan-form"' in page and 'data-testid="sign-off-form"' not in page
    # The township may not sign off, even by posting.
    refused = client.post(
        reverse("people:branch_sign_off", args=[branch.pk]), {"date": "2018-12-01"}
    )
    assert refused.status_code == 403
    inspector = make_user(Role.INSPECTOR, MINQUAN)
    page = (
        _login(client, inspector).get(reverse("people:branch", args=[branch.pk])).content.decode()
    )
    assert 'data-testid="plan-form"' not in page and 'data-testid="branch-new"' not in page


def test_plan_note_and_sign_off_through_the_pages(client, make_user, branch):
    county = make_user(Role.COUNTY_OFFICE, MINQUAN)
    _login(client, county)
    url = reverse("people:branch_sign_off", args=[branch.pk])
    response = client.post(url, {"date": "2018-12-01"})
    assert response.status_code == 400 and "尚未制定整顿措施" in response.content.decode()
    plan = client.post(
        reverse("people:branch_plan", args=[branch.pk]),
        {"measures": "选优配强村两委", "deadline": "2018-12-31", "leader": ""},
    )
    assert plan.status_code == 302
    bad = client.post(reverse("people:branch_note", args=[branch.pk]), {"date": "", "text": ""})
    assert bad.status_code == 400 and "这个字段是必填项" in bad.content.decode()
    client.post(
        reverse("people:branch_note", args=[branch.pk]), {"date": "2018-06-01", "text": "开会"}
    )
    assert client.post(url, {"date": "2018-12-01"}).status_code == 302
    branch.refresh_from_db()
    assert branch.signed_off_on == date(2018, 12, 1) and branch.notes.count() == 1
    page = client.get(reverse("people:branch", args=[branch.pk])).content.decode()
    assert 'data-testid="signed-off"' in page and 'data-testid="sign-off-form"' not in page


def test_a_new_branch_by_form_with_errors_in_chinese(client, make_user):
    organisation = make_user(Role.SECTOR, MINQUAN, department=Department.ORGANISATION)
    _login(client, organisation)
    bad = client.post(
        reverse("people:branch_new"), {"village": "411421999999", "year": 2018, "reasons": "x"}
    )
    assert "不存在" in bad.content.decode() and not WeakBranch.objects.exists()
    foreign = other_county_village(SUIXIAN).code
    assert (
        client.post(
            reverse("people:branch_new"), {"village": foreign, "year": 2018, "reasons": "x"}
        ).status_code
        == 404
    )
    good = client.post(
        reverse("people:branch_new"),
        {"village": first_village(RENHE).code, "year": 2018, "reasons": "软弱"},
    )
    assert good.status_code == 302 and WeakBranch.objects.count() == 1


def test_a_foreign_branch_or_region_is_not_found(client, make_user, branch):
    stranger = make_user(Role.COUNTY_OFFICE, SUIXIAN)
    _login(client, stranger)
    assert client.get(reverse("people:branch", args=[branch.pk])).status_code == 404
    assert client.get(reverse("people:branches"), {"region": "411421"}).status_code == 404
    weak_branch_plan(
        acting_user=make_user(Role.COUNTY_OFFICE, MINQUAN),
        branch=branch,
        measures="x",
        deadline=None,
        leader_id=None,
    )
    client.post(reverse("people:branch_sign_off", args=[branch.pk]), {"date": "2018-12-01"})
    branch.refresh_from_db()
    assert branch.signed_off_on is None


def _workshop_setup(county):
    village = first_village(RENHE)
    enterprise, _ = enterprise_save(
        acting_user=county,
        name="民权制冷",
        credit_code="91411421MA3X5Q2K0L",
        region_code=MINQUAN,
        is_leading=True,
    )
    pairing_save(acting_user=county, enterprise=enterprise, village_code=village.code, form="2")
    workshop, _ = workshop_save(
        acting_user=county,
        name="服装车间",
        village_code=village.code,
        type=WorkshopType.FACTORY,
        operator=enterprise,
        total_staff=20,
    )
    employee_save(
        workshop=workshop,
        name="务工甲",
        id_number=make_id_number("411421", date(1980, 1, 1), 401, "1"),
        contract_start=date(2018, 1, 1),
        contract_end=None,
        monthly_wage=Decimal("1600"),
    )
    return enterprise, workshop


def test_enterprise_workshop_and_siyou_pages(client, make_user):
    county = make_user(Role.COUNTY_OFFICE, MINQUAN)
    enterprise, workshop = _workshop_setup(county)
    _login(client, county)
    listing = client.get(reverse("people:enterprises")).content.decode()
    assert "民权制冷" in listing and 'translate="no">91411421MA3X5Q2K0L' in listing
    page = client.get(reverse("people:enterprise", args=[enterprise.pk])).content.decode()
    assert "产业帮扶" in page
    workshops = client.get(reverse("people:workshops"), {"year": 2018}).content.decode()
    assert 'data-status="lapsed"' in workshops and "少于 10 人" in workshops
    detail = client.get(reverse("people:workshop", args=[workshop.pk])).content.decode()
    assert "认定失效" in detail
    assert make_id_number("411421", date(1980, 1, 1), 401, "1") not in detail  # masked
    siyou = client.get(reverse("people:siyou"), {"region": RENHE, "year": 2018})
    assert siyou.status_code == 200 and 'data-testid="county-leading"' in siyou.content.decode()
    village = client.get(reverse("people:siyou"), {"region": first_village(RENHE).code})
    assert 'data-testid="siyou-households"' in village.content.decode()
    stranger = make_user(Role.COUNTY_OFFICE, SUIXIAN)
    _login(client, stranger)
    assert client.get(reverse("people:enterprise", args=[enterprise.pk])).status_code == 404
    assert client.get(reverse("people:workshop", args=[workshop.pk])).status_code == 404
    assert client.get(reverse("people:siyou"), {"region": MINQUAN}).status_code == 404


def test_human_resources_reads_workshops_only(client, make_user):
    county = make_user(Role.COUNTY_OFFICE, MINQUAN)
    _workshop_setup(county)
    hrss = make_user(Role.SECTOR, MINQUAN, department=Department.HUMAN_RESOURCES)
    _login(client, hrss)
    assert client.get(reverse("people:workshops")).status_code == 200
    assert client.get(reverse("people:enterprises")).status_code == 403
    assert client.get(reverse("people:branches")).status_code == 403


def test_download_is_logged_and_upload_imports(client, make_user, settings):
    county = make_user(Role.COUNTY_OFFICE, MINQUAN)
    _workshop_setup(county)
    _login(client, county)
    response = client.get(reverse("people:orgs_download", args=["workshops"]), {"year": 2018})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "服装车间" in values and "认定失效" in values
    lonely = other_county_village(MINQUAN)
    Region.objects.filter(code=lonely.code).update(is_poor_village=True)
    response = client.get(reverse("people:orgs_download", args=["unpaired"]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert lonely.code in [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    csv = (
        "企业名称,统一社会信用代码,所在区划代码,结对村代码,帮扶形式\n"
        f"新企业,91411400MA40BN6C02,{MINQUAN},{first_village(RENHE).code},村企共建\n"
        f"外县,92411421MA45EJ1D08,{MINQUAN},{other_county_village(SUIXIAN).code},村企共建\n"
    ).encode()
    upload = client.post(
        reverse("people:orgs_import"),
        {"what": "enterprises", "file": SimpleUploadedFile("e.csv", csv)},
    )
    body = upload.content.decode()
    assert upload.status_code == 200 and "不在您可维护的区划内" in body
    assert not Enterprise.objects.filter(name="新企业").exists()  # all or nothing
    upload = client.post(
        reverse("people:orgs_import"),
        {"what": "enterprises", "file": SimpleUploadedFile("e.csv", csv), "partial": "on"},
    )
    assert Enterprise.objects.filter(name="新企业").exists()
    hrss = make_user(Role.SECTOR, MINQUAN, department=Department.HUMAN_RESOURCES)
    page = _login(client, hrss).get(reverse("people:orgs_import")).content.decode()
    assert 'value="workshops"' in page and 'value="enterprises"' not in page
