"""/api/v1/ledgers: the sector ledgers, read with the same scope as the pages.

A sector user reads only the ledgers of their department in their region; the office
roles read every ledger of theirs (tuopin.assistance.selectors). ID numbers, disability
certificates and bank or card accounts are masked in every answer.
"""

from ninja import Query, Router, Schema

from tuopin.accounts.roles import Permission
from tuopin.accounts.selectors import require_permission
from tuopin.api.masking import mask_text, mask_value
from tuopin.api.schemas import answers
from tuopin.api.types import Filter, Limit, RowId, Text, Year
from tuopin.assistance.display import api_value, shown
from tuopin.assistance.enums import ReviewStatus
from tuopin.assistance.selectors import (
    access_entry,
    entry_summary,
    get_kind,
    household_ledgers,
    ledger_index,
    ledger_prefixes,
    ledger_search,
    ledger_totals,
    own_fields,
)
from tuopin.core.errors import OutOfScope
from tuopin.registry.selectors import access_household, keyset_page

router = Router(tags=["ledgers"])


class LedgerOut(Schema):
    code: str
    label_zh: str
    label_en: str
    department: str
    rows: int
    amount: str | None
    pending: int


class FieldOut(Schema):
    """One field of the ledger's own: its code value (masked if personal) and as shown."""

    name: str
    label: str
    value: str | int | bool | None
    shown: str


class EntryOut(Schema):
    id: int
    kind: str
    year: int | None
    region_code: str
    region_name: str
    name: str
    id_number: str
    household_number: str
    household_id: int | None
    member_id: int | None
    in_registry: bool
    review_status: str
    return_reason: str
    note: str
    fields: list[FieldOut]


class EntryPage(Schema):
    items: list[EntryOut]
    next_after: int | None
    total: int
    in_registry: int
    amount: str | None


class LedgerGroupOut(Schema):
    kind: str
    label_zh: str
    entries: list[EntryOut]


def _entry(kind_code: str, entry) -> dict:
    person = entry_summary(entry)
    return {
        "id": entry.pk,
        "kind": kind_code,
        "year": person["year"],
        "region_code": person["region"].code,
        "region_name": person["region"].name,
        "name": person["name"],
        "id_number": mask_value("id_number", person["raw_id_number"]) or "",
        "household_number": person["household_number"],
        "household_id": person["household_id"],
        "member_id": person["member_id"],
        "in_registry": person["in_registry"],
        "review_status": person["review_status"],
        "return_reason": mask_text(person["return_reason"]),
        "note": mask_text(person["note"]),
        "fields": [
            {
                "name": field.name,
                "label": str(field.verbose_name),
                "value": api_value(entry, field),
                "shown": shown(entry, field),
            }
            for field in own_fields(type(entry))
        ],
    }


def _readable(request, kind_code: str):
    require_permission(request.user, Permission.LEDGER_VIEW)
    kind = get_kind(kind_code)
    if ledger_prefixes(request.user, kind) == []:
        raise OutOfScope("ledger", kind_code)
    return kind


@router.get("/ledgers", response=answers({200: list[LedgerOut]}), summary="可查看的行业台账及条数")
def ledger_list(request, year: Year | None = None):
    require_permission(request.user, Permission.LEDGER_VIEW)
    return [
        {
            "code": f.kind.code,
            "label_zh": f.kind.label_zh,
            "label_en": f.kind.label_en,
            "department": f.kind.department,
            "rows": f.rows,
            "amount": None if f.amount is None else str(f.amount),
            "pending": f.pending,
        }
        for f in ledger_index(request.user, year)
    ]


@router.get(
    "/ledgers/{kind}/entries",
    response=answers({200: EntryPage}),
    summary="台账明细（按 id 翻页，可按区划、年度、是否在库、审核状态、姓名或证件号筛选）",
)
def ledger_entries(
    request,
    kind: str,
    q: Text = "",
    region: str = Query("", max_length=12, description="区划代码或其前几位 (a region prefix)"),
    year: Year | None = None,
    in_registry: bool | None = None,
    review_status: Filter[ReviewStatus] = None,
    after: RowId | None = None,
    limit: Limit = 50,
):
    ledger = _readable(request, kind)
    rows = ledger_search(
        request.user,
        ledger,
        text=q,
        region_prefix=region,
        year=year,
        in_registry=in_registry,
        review_status=review_status or "",
    )
    page, next_after = keyset_page(rows, after=after, size=limit)
    totals = ledger_totals(ledger, rows)
    return {
        "items": [_entry(ledger.code, entry) for entry in page],
        "next_after": next_after,
        "total": totals["rows"],
        "in_registry": totals["in_registry"],
        "amount": None if totals["amount"] is None else str(totals["amount"]),
    }


@router.get(
    "/ledgers/{kind}/entries/{entry_id}", response=answers({200: EntryOut}), summary="台账一条"
)
def ledger_entry_detail(request, kind: str, entry_id: RowId):
    _readable(request, kind)
    return _entry(kind, access_entry(request.user, kind, entry_id))


@router.get(
    "/households/{household_id}/ledgers",
    response=answers({200: list[LedgerGroupOut]}),
    summary="贫困户及其成员在各行业台账中的记录",
)
def household_ledger_entries(request, household_id: RowId):
    require_permission(request.user, Permission.LEDGER_VIEW)
    household = access_household(request.user, household_id)
    return [
        {
            "kind": group.kind.code,
            "label_zh": group.kind.label_zh,
            "entries": [_entry(group.kind.code, entry) for entry in group.entries],
        }
        for group in household_ledgers(request.user, household)
    ]
