"""The project library's upload page: the county office imports its county's projects;
a village cadre (who keeps the library of the village but does not enter projects) and
an auditor are refused; a file of another county's projects writes nothing."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from conftest import CITY, MINQUAN, RENHE, SUIXIAN, first_village
from tuopin.accounts.roles import Role
from tuopin.projects.models import Project

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent / "samples" / "projects.csv"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _upload(client, content: bytes, **options):
    return client.post(
        reverse("projects:library_import"),
        {"file": SimpleUploadedFile("projects.csv", content), **options},
    )


def test_the_county_office_imports_its_projects_from_the_page(make_user):
    county = _client(make_user(Role.COUNTY_OFFICE, MINQUAN))
    assert (
        'data-testid="library-import"' in county.get(reverse("projects:library")).content.decode()
    )
    assert county.get(reverse("projects:library_import")).status_code == 200
    tried = _upload(county, SAMPLE.read_bytes(), dry_run="on")
    assert "试运行" in tried.content.decode() and not Project.objects.exists()
    done = _upload(county, SAMPLE.read_bytes())
    assert done.status_code == 200 and 'data-testid="import-result"' in done.content.decode()
    assert Project.objects.filter(county_id=MINQUAN).count() == 4
    again = _upload(county, SAMPLE.read_bytes()).content.decode()
    assert "未变 4" in again


def test_who_may_not_import_is_refused_and_another_county_writes_nothing(make_user):
    for user in (
        make_user(Role.VILLAGE, first_village(RENHE).code),
        make_user(Role.AUDITOR, CITY),
    ):
        client = _client(user)
        assert client.get(reverse("projects:library_import")).status_code == 403
        assert (
            'data-testid="library-import"'
            not in client.get(reverse("projects:library")).content.decode()
        )
    other = _client(make_user(Role.COUNTY_OFFICE, SUIXIAN))
    answer = _upload(other, SAMPLE.read_bytes()).content.decode()
    assert "不在您可维护的区划内" in answer and not Project.objects.exists()
