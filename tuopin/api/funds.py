"""/api/v1/funds: the fund ledger (funds with their allocations and disbursements) and
the payments (ID numbers and accounts masked). Read with the pages' scope rule
(tuopin.projects.access, topic funds); a region filter outside the user's answers
nothing; a fund outside answers 404 like a missing one."""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from ninja import Router, Schema

from tuopin.api.schemas import answers
from tuopin.api.types import Limit, RegionPrefix, RowId, Year
from tuopin.projects import access
from tuopin.projects.funds_selectors import access_fund, fund_chain, funds_readable, payment_search
from tuopin.projects.models import Allocation
from tuopin.registry.idnumbers import mask_id_number
from tuopin.registry.personal import mask_bank_account
from tuopin.registry.selectors import keyset_page

router = Router(tags=["funds"])


def _reads(request) -> None:
    if not access.may_read(request.user, access.FUNDS):
        raise PermissionDenied("没有权限：查看扶贫资金 (you may not read the funds)")


def money(value) -> str | None:
    """Yuan with two decimals, the same from every database's SUM (None: unknown)."""
    return None if value is None else f"{value:.2f}"


def _day(value) -> str | None:
    return value.isoformat() if value else None


class FundOut(Schema):
    id: int
    document: str
    name: str
    nature: str
    level: str
    functional_class: str
    integrated: bool | None
    year: int
    amount: str
    region_code: str
    issued_on: str | None
    received_on: str


class FundPage(Schema):
    items: list[FundOut]
    next_after: int | None
    total: int


class AllocationOut(Schema):
    id: int
    from_region_code: str
    to_region_code: str
    document: str
    amount: str
    allocated_on: str


class DisbursementOut(Schema):
    id: int
    region_code: str
    project_id: int
    project_code: str
    amount: str
    paid: str
    disbursed_on: str
    voucher: str


class FundDetail(FundOut):
    allocations: list[AllocationOut]
    disbursements: list[DisbursementOut]


def _fund(f) -> dict:
    return {
        "id": f.pk,
        "document": f.document,
        "name": f.name,
        "nature": f.nature,
        "level": f.level,
        "functional_class": f.functional_class,
        "integrated": f.integrated,
        "year": f.year,
        "amount": money(f.amount),
        "region_code": f.region_id,
        "issued_on": _day(f.issued_on),
        "received_on": f.received_on.isoformat(),
    }


@router.get("/funds", response=answers({200: FundPage}), summary="扶贫资金指标（按年度、区划筛选）")
def fund_list(
    request,
    year: Year | None = None,
    region: RegionPrefix = "",
    after: RowId | None = None,
    limit: Limit = 50,
):
    _reads(request)
    rows = funds_readable(request.user)
    if region:
        into = Allocation.objects.filter(fund=OuterRef("pk"), to_region__code__startswith=region)
        rows = rows.filter(Q(region__code__startswith=region) | Q(Exists(into)))
    if year:
        rows = rows.filter(year=year)
    page, next_after = keyset_page(rows, after=after, size=limit)
    return {"items": [_fund(f) for f in page], "next_after": next_after, "total": rows.count()}


class PaymentOut(Schema):
    id: int
    fund_document: str | None
    project_code: str | None
    disbursement_id: int | None
    region_code: str
    kind: str  # 支付对象类型: project, enterprise, person
    name: str  # 收款人
    id_number: str
    credit_code: str
    account: str
    registered: bool | None
    item: str
    period: str
    amount: str
    paid_on: str
    voucher: str


class PaymentPage(Schema):
    items: list[PaymentOut]
    next_after: int | None
    total: int


@router.get(
    "/funds/payments",
    response=answers({200: PaymentPage}),
    summary="资金支付明细（身份证号、账号打码）",
)
def fund_payment_list(
    request,
    region: RegionPrefix = "",
    fund_id: RowId | None = None,
    after: RowId | None = None,
    limit: Limit = 50,
):
    _reads(request)
    rows = payment_search(request.user, prefix=region, fund_id=fund_id)
    page, next_after = keyset_page(rows.select_related("fund", "project"), after=after, size=limit)
    items = [
        {
            "id": p.pk,
            "fund_document": p.fund.document if p.fund else None,
            "project_code": p.project.code if p.project else None,
            "disbursement_id": p.disbursement_id,
            "region_code": p.region_id,
            "kind": p.payee_kind,
            "name": p.payee,
            "id_number": mask_id_number(p.id_number) if p.id_number else "",
            "credit_code": p.credit_code,
            "account": mask_bank_account(p.account),
            "registered": (p.member_id is not None) if p.payee_kind == "person" else None,
            "item": p.item,
            "period": p.period,
            "amount": money(p.amount),
            "paid_on": p.paid_on.isoformat(),
            "voucher": p.voucher,
        }
        for p in page
    ]
    return {"items": items, "next_after": next_after, "total": rows.count()}


@router.get(
    "/funds/{fund_id}",
    response=answers({200: FundDetail}),
    summary="一项资金指标及其分配下达、拨付（限本人区域）",
)
def fund_detail(request, fund_id: RowId):
    _reads(request)
    fund = access_fund(request.user, fund_id)
    chain = fund_chain(request.user, fund)
    return {
        **_fund(fund),
        "allocations": [
            {
                "id": a.pk,
                "from_region_code": a.from_region_id,
                "to_region_code": a.to_region_id,
                "document": a.document,
                "amount": money(a.amount),
                "allocated_on": a.allocated_on.isoformat(),
            }
            for a in chain["allocations"]
        ],
        "disbursements": [
            {
                "id": d.pk,
                "region_code": d.region_id,
                "project_id": d.project_id,
                "project_code": d.project.code,
                "amount": money(d.amount),
                "paid": money(d.paid),
                "disbursed_on": d.disbursed_on.isoformat(),
                "voucher": d.voucher,
            }
            for d in chain["disbursements"]
        ],
    }
