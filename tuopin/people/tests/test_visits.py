"""Visits: who records them, the idempotent client token, photos checked by content."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from conftest import RENHE, SUIXIAN, first_village, other_county_village
from tuopin.accounts.roles import Role
from tuopin.audit.models import AccessKind, AccessLog
from tuopin.core.errors import OutOfScope, TuopinError
from tuopin.people.models import Visit, VisitPhoto
from tuopin.people.pairing_services import pairing_start
from tuopin.people.tests.helpers_factories import JPEG, PNG, helper, household
from tuopin.people.visits_services import PHOTO_MAX_BYTES, PhotoData, visit_record

pytestmark = pytest.mark.django_db


def _paired(make_user):
    village = first_village(RENHE)
    home = household(village)
    cadre = helper()
    pairing_start(acting_user=None, household=home, helper=cadre, started_on=None)
    return village, home, cadre


def test_a_village_cadre_records_a_visit_once_per_token(make_user):
    village, home, cadre = _paired(make_user)
    user = make_user(Role.VILLAGE, village.code)
    today = timezone.localdate()
    visit, created = visit_record(
        acting_user=user,
        household=home,
        visited_on=today,
        title="看望",
        agreed="下月办理医保",
        photos=[PhotoData("a.jpg", JPEG), PhotoData("b.png", PNG)],
        token="tok-123456789",
    )
    assert created and visit.helper_id == cadre.pk and visit.region_code == village.code
    kinds = sorted(visit.photos.values_list("content_type", flat=True))
    assert kinds == ["image/jpeg", "image/png"]
    for photo in visit.photos.all():
        assert (Path(settings.MEDIA_ROOT) / photo.file).read_bytes() in (JPEG, PNG)
    again, created = visit_record(
        acting_user=user, household=home, visited_on=today, title="看望", token="tok-123456789"
    )
    assert again == visit and not created
    assert Visit.objects.count() == 1 and VisitPhoto.objects.count() == 2
    other = household(village)
    with pytest.raises(TuopinError) as reused:
        visit_record(
            acting_user=user, household=other, visited_on=today, title="x", token="tok-123456789"
        )
    assert reused.value.code == "visit_token_other"


def test_photos_are_checked_by_content_and_size(make_user):
    _village, home, _cadre = _paired(make_user)
    today = timezone.localdate()
    with pytest.raises(TuopinError) as fake:
        visit_record(
            acting_user=None,
            household=home,
            visited_on=today,
            title="看望",
            photos=[PhotoData("photo.jpg", b"GIF89a" + b"\x00" * 50)],
        )
    assert fake.value.code == "visit_photo_type" and "photo.jpg" in fake.value.message_zh
    with pytest.raises(TuopinError) as large:
        visit_record(
            acting_user=None,
            household=home,
            visited_on=today,
            title="看望",
            photos=[PhotoData("big.jpg", JPEG + b"\x00" * PHOTO_MAX_BYTES)],
        )
    assert large.value.code == "visit_photo_large"
    assert not Visit.objects.exists()  # nothing half-written
    with pytest.raises(TuopinError):
        visit_record(
            acting_user=None,
            household=home,
            visited_on=today + datetime.timedelta(days=1),
            title="看望",
        )


def test_visits_are_kept_only_in_the_users_village(make_user):
    _village, home, _cadre = _paired(make_user)
    neighbour = make_user(Role.VILLAGE, other_county_village(RENHE[:6]).code)
    with pytest.raises(OutOfScope):
        visit_record(
            acting_user=neighbour, household=home, visited_on=timezone.localdate(), title="x"
        )
    inspector = make_user(Role.INSPECTOR, "411400000000")
    with pytest.raises(PermissionDenied):
        visit_record(
            acting_user=inspector, household=home, visited_on=timezone.localdate(), title="x"
        )
    stranger = make_user(Role.COUNTY_OFFICE, SUIXIAN)
    with pytest.raises(OutOfScope):
        visit_record(
            acting_user=stranger, household=home, visited_on=timezone.localdate(), title="x"
        )


def test_the_phone_form_saves_a_visit_with_a_photo_and_a_resend_is_the_same_visit(
    make_user, client
):
    village, home, _cadre = _paired(make_user)
    user = make_user(Role.VILLAGE, village.code)
    client.force_login(user)
    url = reverse("people:visit_new", args=[home.pk])
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-draft-key="visit-draft-' in body and "people/visit_draft.js" in body
    from django.core.files.uploadedfile import SimpleUploadedFile

    def send():
        return client.post(
            url,
            {
                "visited_on": timezone.localdate().isoformat(),
                "title": "查看住房",
                "agreed": "修缮屋顶",
                "token": "form-token-0001",
                "photos": [SimpleUploadedFile("p.jpg", JPEG, content_type="image/jpeg")],
            },
        )

    first = send()
    assert first.status_code == 302
    visit = Visit.objects.get()
    assert first["Location"] == reverse("people:visit", args=[visit.pk])
    assert send().status_code == 302 and Visit.objects.count() == 1
    shown = client.get(first["Location"])
    assert shown.status_code == 200 and "查看住房" in shown.content.decode()
    photo = visit.photos.get()
    picture = client.get(reverse("people:visit_photo", args=[photo.pk]))
    assert picture.status_code == 200 and picture["Content-Type"] == "image/jpeg"
    # Every look at a photo is logged, and no cache may keep it for an unlogged second look.
    looks = AccessLog.objects.filter(kind=AccessKind.PHOTO, object_id=str(photo.pk))
    assert looks.count() == 1 and "no-store" in picture["Cache-Control"]
    client.get(reverse("people:visit_photo", args=[photo.pk]))
    assert looks.count() == 2 and looks.first().region_code == visit.region_code
    # A wrong file answers the form with a Chinese message, nothing saved.
    bad = client.post(
        url,
        {
            "visited_on": timezone.localdate().isoformat(),
            "title": "再访",
            "token": "form-token-0002",
            "photos": [
                SimpleUploadedFile("x.png", b"not an image at all", content_type="image/png")
            ],
        },
    )
    assert bad.status_code == 200 and "不是 jpg 或 png 图片" in bad.content.decode()
    assert Visit.objects.count() == 1
    # A reader of another county gets 404 for the photo.
    stranger = make_user(Role.COUNTY_OFFICE, SUIXIAN)
    client.force_login(stranger)
    assert client.get(reverse("people:visit_photo", args=[photo.pk])).status_code == 404
