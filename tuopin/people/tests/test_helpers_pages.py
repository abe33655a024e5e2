"""The cadre form, the pairing forms, the household panel and the import page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import MINQUAN, RENHE, first_village
from tuopin.accounts.roles import Role
from tuopin.people.models import Pairing
from tuopin.people.tests.helpers_factories import an_id_number, household
from tuopin.registry.models import Helper

pytestmark = pytest.mark.django_db


def test_a_county_office_keeps_a_cadre_pairs_a_household_and_ends_the_pairing(make_user, client):
    client.force_login(make_user(Role.COUNTY_OFFICE, MINQUAN))
    new = reverse("people:helper_new")
    bad = client.post(new, {"name": "刘干部", "id_number": "411421198001021230"})
    assert bad.status_code == 200 and "身份证号无效" in bad.content.decode()
    assert not Helper.objects.exists()
    number = an_id_number(31)
    saved = client.post(new, {"name": "刘干部", "id_number": number, "unit_level": "3"})
    cadre = Helper.objects.get()
    assert saved["Location"] == reverse("people:helper", args=[cadre.pk])
    listing = client.get(reverse("people:helpers")).content.decode()
    assert "刘干部" in listing and number not in listing and "县直" in listing
    home = household(first_village(RENHE))
    paired = client.post(
        reverse("people:pairing_new", args=[home.pk]),
        {"helper": cadre.pk, "started_on": "2018-04-01"},
    )
    assert paired.status_code == 302
    home.refresh_from_db()
    assert home.helper_id == cadre.pk
    panel = client.get(reverse("people:household_helpers", args=[home.pk])).content.decode()
    assert "刘干部" in panel and "2018" in panel and 'data-testid="visit-new"' in panel
    page = client.get(reverse("registry:household", args=[home.pk])).content.decode()
    assert reverse("people:household_helpers", args=[home.pk]) in page
    pairing = Pairing.objects.get()
    ended = client.post(
        reverse("people:pairing_end", args=[pairing.pk]),
        {"ended_on": "2018-10-01", "ended_reason": "exited"},
    )
    assert ended.status_code == 302
    home.refresh_from_db()
    assert home.helper_id is None


def test_an_auditor_reads_but_is_offered_nothing_to_change(make_user, client):
    home = household(first_village(RENHE))
    client.force_login(make_user(Role.AUDITOR, RENHE))
    panel = client.get(reverse("people:household_helpers", args=[home.pk])).content.decode()
    assert "本户没有帮扶责任人" in panel
    assert 'data-testid="pair-household"' not in panel and 'data-testid="visit-new"' not in panel
    assert client.get(reverse("people:helper_new")).status_code == 403
    assert client.get(reverse("people:visit_new", args=[home.pk])).status_code == 403


def test_the_import_page_reports_rows(make_user, client):
    home = household(first_village(RENHE))
    client.force_login(make_user(Role.TOWNSHIP, RENHE))
    text = f"户编号,帮扶责任人姓名,单位级别\n{home.number},周干部,乡镇\nNOPE,吴干部,乡镇\n"
    answer = client.post(
        reverse("people:helpers_import"),
        {"kind": "helpers", "file": SimpleUploadedFile("h.csv", text.encode()), "partial": "on"},
    )
    body = answer.content.decode()
    assert answer.status_code == 200 and "不在建档立卡库中" in body
    home.refresh_from_db()
    assert home.helper.name == "周干部"
