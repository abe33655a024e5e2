"""/api/v1/helpers, /api/v1/pairings, /api/v1/visits: the people app's helpers part, read
with the same scope as its pages (tuopin.people.access); ID numbers masked. A visit is
POSTed with a client token: the same token answers the same visit (200) instead of a
second one (201). Photos are sent as base64 (JPEG or PNG, ≤ 5 MB each, checked by
content) and read back by id, by readers of the visit only."""

import base64
import binascii

from django.core.exceptions import PermissionDenied
from ninja import Query, Router, Schema
from pydantic import Field

from tuopin.api.masking import mask_text
from tuopin.api.schemas import answers
from tuopin.api.types import Day, Limit, RowId, Text
from tuopin.core.errors import TuopinError
from tuopin.people import access
from tuopin.people.helpers_selectors import (
    access_household_for,
    access_visit,
    helper_search,
    pairing_list_for_user,
    visit_list_for_user,
)
from tuopin.people.visits_services import PhotoData, photo_open, visit_record
from tuopin.registry.idnumbers import mask_id_number
from tuopin.registry.models import Helper
from tuopin.registry.selectors import keyset_page

router = Router(tags=["helpers"])
RegionFilter = Query("", max_length=12, pattern=r"^[0-9]{0,12}$", description="区划代码或其前几位")


class HelperOut(Schema):
    id: int
    county_code: str
    name: str
    id_number: str
    work_unit: str
    unit_level: str
    unit_level_label: str
    post: str
    households_now: int


class HelperPage(Schema):
    items: list[HelperOut]
    next_after: int | None


class PairingOut(Schema):
    id: int
    helper_id: int
    helper_name: str
    household_id: int
    household_number: str
    village_code: str
    started_on: str | None
    ended_on: str | None
    ended_reason: str


class PairingPage(Schema):
    items: list[PairingOut]
    next_after: int | None


class VisitOut(Schema):
    id: int
    household_id: int
    household_number: str
    village_code: str
    helper_id: int | None
    visited_on: str
    title: str
    content: str
    agreed: str
    followed_up: str
    measure_ids: list[int]
    photo_ids: list[int]
    token: str


class VisitPage(Schema):
    items: list[VisitOut]
    next_after: int | None


class PhotoIn(Schema):
    name: str = Field("photo", max_length=100)
    data_base64: str = Field(..., max_length=7 * 1024 * 1024)


class VisitIn(Schema):
    household_id: RowId
    visited_on: Day
    title: str = Field(..., min_length=1, max_length=200)
    helper_id: RowId | None = None
    content: str = Field("", max_length=5000)
    agreed: str = Field("", max_length=5000)
    followed_up: str = Field("", max_length=5000)
    measure_ids: list[RowId] = Field(default_factory=list, max_length=50)
    photos: list[PhotoIn] = Field(default_factory=list, max_length=9)
    token: str = Field("", max_length=64)


def _read(request, topic):
    # A cadre logged in as themselves reads the visits of their own paired households.
    own = topic == access.VISITS and access.visits_own_households(request.user)
    if not (own or access.may_read(request.user, topic)):
        raise PermissionDenied("没有权限：查看帮扶力量数据 (you may not read this)")


def _helper(h) -> dict:
    return {
        "id": h.pk,
        "county_code": h.region_id,
        "name": h.name,
        "id_number": mask_id_number(h.id_number) if h.id_number else "",
        "work_unit": h.work_unit,
        "unit_level": h.unit_level,
        "unit_level_label": h.get_unit_level_display(),
        "post": h.post,
        "households_now": h.households_now,
    }


def _pairing(p) -> dict:
    return {
        "id": p.pk,
        "helper_id": p.helper_id,
        "helper_name": p.helper.name,
        "household_id": p.household_id,
        "household_number": p.household.number,
        "village_code": p.region_code,
        "started_on": p.started_on.isoformat() if p.started_on else None,
        "ended_on": p.ended_on.isoformat() if p.ended_on else None,
        "ended_reason": p.ended_reason,
    }


def _visit(v) -> dict:
    return {
        "id": v.pk,
        "household_id": v.household_id,
        "household_number": v.household.number,
        "village_code": v.region_code,
        "helper_id": v.helper_id,
        "visited_on": v.visited_on.isoformat(),
        # Free text a helper typed may hold a phone or ID number: masked like the cases'.
        "title": mask_text(v.title),
        "content": mask_text(v.content),
        "agreed": mask_text(v.agreed),
        "followed_up": mask_text(v.followed_up),
        "measure_ids": [m.pk for m in v.measures.all()],
        "photo_ids": [p.pk for p in v.photos.all()],
        "token": v.token,
    }


@router.get("/helpers", response=answers({200: HelperPage}), summary="帮扶责任人（干部）名册")
def helper_list(
    request,
    q: Text = "",
    region: str = RegionFilter,
    after: RowId | None = None,
    limit: Limit = 50,
):
    _read(request, access.HELPERS)
    rows = helper_search(request.user, region=region.ljust(12, "0") if region else "", text=q)
    page, next_after = keyset_page(rows.order_by("pk"), after=after, size=limit)
    return {"items": [_helper(h) for h in page], "next_after": next_after}


@router.get("/pairings", response=answers({200: PairingPage}), summary="帮扶结对（含历史）")
def pairing_list(
    request,
    region: str = RegionFilter,
    household_id: RowId | None = None,
    helper_id: RowId | None = None,
    current: bool | None = None,
    after: RowId | None = None,
    limit: Limit = 50,
):
    _read(request, access.HELPERS)
    rows = pairing_list_for_user(request.user).select_related("helper", "household")
    if region:
        rows = rows.filter(region_code__startswith=region)
    if household_id:
        rows = rows.filter(household_id=household_id)
    if helper_id:
        rows = rows.filter(helper_id=helper_id)
    if current is not None:
        rows = rows.filter(ended_on__isnull=current)
    page, next_after = keyset_page(rows.order_by("pk"), after=after, size=limit)
    return {"items": [_pairing(p) for p in page], "next_after": next_after}


@router.get("/visits", response=answers({200: VisitPage}), summary="入户走访记录")
def visit_list(
    request,
    region: str = RegionFilter,
    household_id: RowId | None = None,
    helper_id: RowId | None = None,
    after: RowId | None = None,
    limit: Limit = 50,
):
    _read(request, access.VISITS)
    rows = (
        visit_list_for_user(request.user)
        .select_related("household")
        .prefetch_related("measures", "photos")
    )
    if region:
        rows = rows.filter(region_code__startswith=region)
    if household_id:
        rows = rows.filter(household_id=household_id)
    if helper_id:
        rows = rows.filter(helper_id=helper_id)
    page, next_after = keyset_page(rows.order_by("pk"), after=after, size=limit)
    return {"items": [_visit(v) for v in page], "next_after": next_after}


@router.get("/visits/{visit_id}", response=answers({200: VisitOut}), summary="一条走访记录")
def visit_detail(request, visit_id: RowId):
    _read(request, access.VISITS)
    return _visit(access_visit(request.user, visit_id))


@router.post(
    "/visits",
    response=answers({200: VisitOut, 201: VisitOut}),
    summary="录入走访记录（同一提交标识只记一次）",
)
def visit_create(request, body: VisitIn):
    household = access_household_for(request.user, body.household_id, access.VISITS)
    helper = None
    if body.helper_id is not None:
        helper = Helper.objects.filter(pk=body.helper_id).first()
        if helper is None:
            raise TuopinError(
                "visit_helper", "帮扶责任人不存在", "no such helper", field="helper_id"
            )
    photos = []
    for index, photo in enumerate(body.photos, start=1):
        try:
            data = base64.b64decode(photo.data_base64, validate=True)
        except (binascii.Error, ValueError) as error:
            raise TuopinError(
                "visit_photo_base64",
                f"第 {index} 张照片不是有效的 base64 编码",
                f"photo {index} is not valid base64",
                field="photos",
            ) from error
        photos.append(PhotoData(photo.name, data))
    visit, created = visit_record(
        acting_user=request.user,
        household=household,
        visited_on=body.visited_on,
        title=body.title,
        helper=helper,
        content=body.content,
        agreed=body.agreed,
        followed_up=body.followed_up,
        measure_ids=list(body.measure_ids),
        photos=photos,
        token=body.token,
    )
    return (201 if created else 200), _visit(access_visit(request.user, visit.pk))


@router.get(
    "/visit-photos/{photo_id}",
    response=answers({200: None}),
    summary="走访照片（JPEG 或 PNG）",
)
def visit_photo(request, photo_id: RowId):
    _read(request, access.VISITS)
    return photo_open(request, photo_id)
