"""Writes of visits (走访记录) and their photos.

A visit is recorded by whoever keeps the VISITS topic in the household's village (the
county office, the township, the village cadres and resident work team). A form sent
twice (a flaky connection, a reload) carries the same client token: the second sending
answers the visit the first one made, and writes nothing. Photos are JPEG or PNG, told
by their content (not their name), at most PHOTO_MAX_BYTES each and PHOTOS_MAX per
visit; they are stored under MEDIA_ROOT/visits/ and served only to readers."""

from __future__ import annotations

import datetime
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import FileResponse, Http404
from django.utils import timezone

from tuopin.audit.models import AccessKind
from tuopin.audit.services import access_log_record
from tuopin.core.errors import TuopinError
from tuopin.people import access
from tuopin.people.helpers_selectors import access_photo, may_record_visit
from tuopin.people.models import Pairing, Visit, VisitPhoto
from tuopin.people.pairing_services import _check_keep, county_of
from tuopin.registry.models import Helper, Household, Measure

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTOS_MAX = 9
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
SIGNATURES = {
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
}


@dataclass
class PhotoData:
    name: str
    data: bytes


def photo_kind(data: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a JPEG or PNG told by its first bytes; else None."""
    for signature, kind in SIGNATURES.items():
        if data.startswith(signature) and len(data) > len(signature) + 8:
            return kind
    return None


def check_photos(photos: list[PhotoData]) -> list[tuple[PhotoData, str, str]]:
    if len(photos) > PHOTOS_MAX:
        raise TuopinError(
            "visit_photos_many",
            f"照片不能超过{PHOTOS_MAX}张",
            f"at most {PHOTOS_MAX} photos",
            field="photos",
        )
    checked = []
    for photo in photos:
        if len(photo.data) > PHOTO_MAX_BYTES:
            raise TuopinError(
                "visit_photo_large",
                f"照片“{photo.name}”超过 5 兆",
                f"the photo '{photo.name}' is over 5 MB",
                field="photos",
            )
        kind = photo_kind(photo.data)
        if kind is None:
            raise TuopinError(
                "visit_photo_type",
                f"“{photo.name}”不是 jpg 或 png 图片",
                f"'{photo.name}' is not a JPEG or PNG image",
                field="photos",
            )
        checked.append((photo, *kind))
    return checked


def _clean_text(value, limit: int | None = None) -> str:
    text = str(value or "").strip()
    return text[:limit] if limit else text


def visit_record(
    *,
    acting_user,
    household: Household,
    visited_on: datetime.date,
    title: str,
    helper: Helper | None = None,
    agreed: str = "",
    content: str = "",
    followed_up: str = "",
    measure_ids: list[int] | None = None,
    photos: list[PhotoData] | None = None,
    token: str = "",
) -> tuple[Visit, bool]:
    """Record a visit; (visit, created). The same token answers the same visit."""
    if acting_user is not None and not may_record_visit(acting_user, household):
        _check_keep(acting_user, access.VISITS, household.village_id)  # says which refusal
    token = (token or "").strip()
    if token and not TOKEN_RE.match(token):
        raise TuopinError("visit_token", "提交标识无效", "invalid client token", field="token")
    if token:
        earlier = Visit.objects.filter(token=token).first()
        if earlier is not None:
            if earlier.household_id != household.pk:
                raise TuopinError(
                    "visit_token_other",
                    "该提交标识已用于另一户的走访记录",
                    "the token was used for another household's visit",
                    field="token",
                )
            return earlier, False
    title = _clean_text(title)
    if not title:
        raise TuopinError(
            "visit_title", "走访发现不能为空", "what was found is empty", field="title"
        )
    if len(title) > 200:
        raise TuopinError(
            "visit_title_long",
            "走访发现不能超过200个字",
            "the title is over 200 characters",
            field="title",
        )
    if visited_on is None:
        raise TuopinError("visit_date", "走访日期不能为空", "the date is empty", field="visited_on")
    if visited_on > timezone.localdate():
        raise TuopinError(
            "visit_future", "走访日期不能晚于今天", "the date is after today", field="visited_on"
        )
    if helper is None:
        open_pairing = Pairing.objects.filter(household=household, ended_on__isnull=True).first()
        helper_id = open_pairing.helper_id if open_pairing else household.helper_id
    else:
        if county_of(helper.region_id) != county_of(household.village_id):
            raise TuopinError(
                "visit_helper_county",
                "帮扶责任人不属于本户所在县（区）",
                "the helper is not of the household's county",
                field="helper",
            )
        helper_id = helper.pk
    measures = list(Measure.objects.filter(household=household, pk__in=measure_ids or []))
    if len(measures) != len(set(measure_ids or [])):
        raise TuopinError(
            "visit_measure",
            "跟进的帮扶措施不属于本户",
            "a measure is not the household's",
            field="measures",
        )
    checked = check_photos(photos or [])
    written: list[Path] = []
    try:
        with transaction.atomic():
            visit = Visit(
                household=household,
                helper_id=helper_id,
                region_code=household.village_id,
                visited_on=visited_on,
                title=title,
                agreed=_clean_text(agreed),
                content=_clean_text(content),
                followed_up=_clean_text(followed_up),
                token=token,
                recorded_by=acting_user,
            )
            visit._history_user = acting_user
            visit.save()
            if measures:
                visit.measures.set(measures)
            for photo, content_type, extension in checked:
                relative = f"visits/{visit.pk}/{uuid.uuid4().hex}.{extension}"
                path = Path(settings.MEDIA_ROOT) / relative
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(photo.data)
                written.append(path)
                stored = VisitPhoto(
                    visit=visit, file=relative, content_type=content_type, size=len(photo.data)
                )
                stored._history_user = acting_user
                stored.save()
    except IntegrityError:
        for path in written:
            path.unlink(missing_ok=True)
        earlier = Visit.objects.filter(token=token).first() if token else None
        if earlier is not None and earlier.household_id == household.pk:
            return earlier, False  # the same form sent twice at once
        raise
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return visit, True


def photo_open(request, photo_id: int) -> FileResponse:
    """A visit photo the user may read, as a response; every look is logged (a photo
    shows a family and its home), and no browser or proxy keeps a copy that would let a
    second look go unlogged."""
    photo = access_photo(request.user, photo_id)
    path = Path(settings.MEDIA_ROOT) / photo.file
    if not path.is_file():
        raise Http404("未找到 (not found)")
    access_log_record(
        kind=AccessKind.PHOTO,
        user=request.user,
        request=request,
        region_code=photo.visit.region_code,
        object_type="visit_photo",
        object_id=str(photo.pk),
        detail=f"走访记录 {photo.visit_id}",
    )
    response = FileResponse(path.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
