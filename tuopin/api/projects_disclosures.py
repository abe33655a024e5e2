"""/api/v1/projects/disclosures: the notices (公告公示) of the user's regions with their
state, and one notice with its rows, as posted: masked when stored, so no full name or
ID number can be answered. Read with the pages' scope rule (tuopin.projects.access); a
region filter outside the user's answers nothing."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from ninja import Router, Schema

from tuopin.api.schemas import answers
from tuopin.api.types import Limit, RegionPrefix, RowId
from tuopin.projects import access
from tuopin.projects.disclosure_selectors import (
    STATES,
    disclosure_state,
    staff_disclosure,
    staff_disclosures,
)
from tuopin.registry.selectors import keyset_page

router = Router(tags=["projects"])


class DisclosureOut(Schema):
    id: int
    kind: str
    kind_label: str
    region_code: str
    region_name: str
    title: str
    starts_on: str
    ends_on: str
    place: str
    contact: str
    state: str
    state_label: str


class DisclosurePage(Schema):
    items: list[DisclosureOut]
    next_after: int | None
    total: int


class DisclosureDetail(DisclosureOut):
    columns: list[str]
    rows: list[list[Any]]


def _out(notice, today) -> dict:
    state = disclosure_state(notice, today)
    return {
        "id": notice.pk,
        "kind": notice.kind,
        "kind_label": str(notice.get_kind_display()),
        "region_code": notice.region_id,
        "region_name": notice.region.name,
        "title": notice.title,
        "starts_on": notice.starts_on.isoformat(),
        "ends_on": notice.ends_on.isoformat(),
        "place": notice.place,
        "contact": notice.contact,
        "state": state,
        "state_label": str(STATES[state]),
    }


def _reads(request) -> None:
    if not access.may_read(request.user, access.DISCLOSURE):
        raise PermissionDenied("没有权限：查看公告公示 (you may not read notices)")


@router.get(
    "/projects/disclosures",
    response=answers({200: DisclosurePage}),
    summary="公告公示（按区划、状态筛选，按 id 翻页；个人信息发布时已隐去）",
)
def disclosure_list_api(
    request,
    region: RegionPrefix = "",
    state: str = "",
    after: RowId | None = None,
    limit: Limit = 50,
):
    _reads(request)
    rows = staff_disclosures(request.user, region, state if state in STATES else "")
    page, next_after = keyset_page(rows.order_by("id"), after=after, size=limit)
    today = timezone.localdate()
    return {
        "items": [_out(notice, today) for notice in page],
        "next_after": next_after,
        "total": rows.count(),
    }


@router.get(
    "/projects/disclosures/{disclosure_id}",
    response=answers({200: DisclosureDetail}),
    summary="一条公告公示及其内容（已隐去个人信息）",
)
def disclosure_detail_api(request, disclosure_id: RowId):
    _reads(request)
    notice = staff_disclosure(request.user, disclosure_id)
    return {
        **_out(notice, timezone.localdate()),
        "columns": notice.columns,
        "rows": notice.rows,
    }
