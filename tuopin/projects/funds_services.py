"""Writes of the fund ledger (part FUNDS of issue 15): a fund registered by its allocation
document (指标文件文号), passed down a level, disbursed to a project, paid out.

Every write is keyword-only with `acting_user`, checked against what the user keeps
(财政局 of the region: access.FUNDS), done in one transaction with history, and followed
by `changes.funds_written(prefix)` so the warnings are recomputed. Money never goes
below zero at a region: an allocation or a disbursement is at most the fund's balance
at the giving region (funds_selectors.balance_at), read under a lock of the fund row.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction

from tuopin.accounts.roles import Permission
from tuopin.accounts.selectors import require_permission
from tuopin.audit.models import AccessKind
from tuopin.audit.services import access_log_record
from tuopin.core.errors import OutOfScope, TuopinError
from tuopin.core.regioncodes import significant_prefix
from tuopin.people.enterprises_services import credit_code_clean
from tuopin.projects import access
from tuopin.projects.changes import funds_written
from tuopin.projects.enums import FundNature, PayeeKind, ProjectStage, SourceLevel
from tuopin.projects.funds_selectors import balance_at, disbursement_unpaid
from tuopin.projects.models import Allocation, Disbursement, Fund, FundPayment, Project
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region
from tuopin.registry.idnumbers import check_id_number, stored_forms
from tuopin.registry.models import Member

# Stages at which a project may receive money (domain.md §7: the annual plan, then work).
PAYABLE_STAGES = (ProjectStage.PLANNED, ProjectStage.IMPLEMENTING)
MAX_AMOUNT = Decimal("999999999999.99")


def _invalid(code: str, zh: str, en: str, field: str) -> TuopinError:
    return TuopinError(code, zh, en, field=field)


def money(value, field: str = "amount", *, positive: bool = True) -> Decimal:
    """An amount in yuan with at most two decimals; > 0 (or ≥ 0 when not `positive`)."""
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise _invalid(
            "amount_invalid", f"金额“{value}”不是数字", f"amount '{value}' is not a number", field
        ) from None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise _invalid(
            "amount_invalid",
            f"金额“{value}”最多两位小数",
            f"amount '{value}' has more than two decimals",
            field,
        )
    if amount < 0 or (positive and amount == 0):
        zh, en = (
            ("金额必须大于 0", "the amount must be above 0")
            if positive
            else (
                "金额不能为负数",
                "the amount cannot be negative",
            )
        )
        raise _invalid("amount_negative", zh, en, field)
    if amount > MAX_AMOUNT:
        raise _invalid("amount_too_large", "金额过大", "the amount is too large", field)
    return amount


def _choice(value: str, choices, field: str, what_zh: str) -> str:
    for code, label in choices:
        if value in (code, str(label)):
            return code
    labels = "、".join(str(label) for _c, label in choices)
    raise _invalid(
        f"{field}_invalid",
        f"{what_zh}“{value}”无效，应为：{labels}",
        f"'{value}' is not a valid {field}",
        field,
    )


def _region(code: str, field: str) -> Region:
    region = Region.objects.filter(code=(code or "").strip()).first()
    if region is None:
        raise _invalid(
            "region_unknown", f"区划代码“{code}”不存在", f"no region with the code '{code}'", field
        )
    return region


def _keeps(user, region_code: str) -> None:
    if not access.may_keep(user, access.FUNDS, region_code):
        if access.may_read(user, access.FUNDS, region_code):
            raise TuopinError(
                "funds_not_kept",
                "只有本级财政局可以登记资金",
                "only the treasury of the region keeps its funds",
            )
        raise OutOfScope("region", region_code)


def _written(region_code: str) -> None:
    funds_written(significant_prefix(region_code))


def fund_register(
    *,
    acting_user,
    document: str,
    name: str,
    nature: str,
    level: str,
    amount,
    region_code: str,
    year: int,
    received_on: date,
    functional_class: str = "",
    integrated: bool | None = None,
    issued_on: date | None = None,
) -> Fund:
    """A fund in the master ledger (one allocation document) as it reached `region_code`
    (the city, or a county for a fund allocated straight to it)."""
    document, name = (document or "").strip(), (name or "").strip()
    if not document:
        raise _invalid(
            "document_missing", "指标文件文号未填写", "the document is missing", "document"
        )
    if not name:
        raise _invalid("name_missing", "资金名称未填写", "the fund's name is missing", "name")
    nature = _choice(nature, FundNature.choices, "nature", "资金性质")
    level = _choice(level, SourceLevel.choices, "level", "资金来源级次")
    amount = money(amount, positive=False)
    region = _region(region_code, "region")
    if region.level not in (RegionLevel.CITY, RegionLevel.COUNTY):
        raise _invalid(
            "fund_region_level",
            "资金指标只能登记在市或县（区）",
            "a fund is registered at the city or a county",
            "region",
        )
    if not 2000 <= int(year) <= 2100:
        raise _invalid("year_invalid", f"年度“{year}”无效", f"year '{year}' is invalid", "year")
    if issued_on and received_on < issued_on:
        raise _invalid(
            "received_before_issued",
            "到达日期早于文件日期",
            "the fund arrived before its document was issued",
            "received_on",
        )
    _keeps(acting_user, region.code)
    with transaction.atomic():
        if Fund.objects.filter(document=document).exists():
            raise _invalid(
                "document_taken",
                f"指标文件文号“{document}”已登记",
                f"the document '{document}' is already registered",
                "document",
            )
        fund = Fund(
            document=document,
            name=name,
            nature=nature,
            level=level,
            functional_class=(functional_class or "").strip(),
            integrated=integrated,
            year=int(year),
            amount=amount,
            region=region,
            issued_on=issued_on,
            received_on=received_on,
        )
        fund._history_user = acting_user
        fund.save()
        _written(region.code)
    return fund


def _locked(fund: Fund) -> Fund:
    return Fund.objects.select_for_update().get(pk=fund.pk)


def _not_more_than_balance(fund: Fund, region_code: str, amount: Decimal) -> None:
    balance = balance_at(fund, region_code)
    if amount > balance:
        raise _invalid(
            "over_balance",
            f"金额 {amount} 超过该资金在本级的结余 {balance}",
            f"the amount {amount} is more than the fund's balance {balance} here",
            "amount",
        )


def allocation_add(
    *,
    acting_user,
    fund: Fund,
    from_region_code: str,
    to_region_code: str,
    amount,
    allocated_on: date,
    document: str = "",
) -> Allocation:
    """The fund passed down one level, from a region to one of its children."""
    amount = money(amount)
    giver, taker = _region(from_region_code, "from_region"), _region(to_region_code, "to_region")
    if taker.parent_id != giver.code:
        raise _invalid(
            "not_a_child",
            f"“{taker.name}”不是“{giver.name}”的下一级区划",
            "funds go down one level, to a child region",
            "to_region",
        )
    if fund.issued_on and allocated_on < fund.issued_on:
        raise _invalid(
            "allocated_before_issued",
            "下达日期早于文件日期",
            "allocated before the fund's document was issued",
            "allocated_on",
        )
    _keeps(acting_user, giver.code)
    with transaction.atomic():
        fund = _locked(fund)
        _not_more_than_balance(fund, giver.code, amount)
        row = Allocation(
            fund=fund,
            from_region=giver,
            to_region=taker,
            amount=amount,
            allocated_on=allocated_on,
            document=(document or "").strip(),
        )
        row._history_user = acting_user
        row.save()
        _written(giver.code)
    return row


def project_payable(project: Project, region: Region) -> None:
    """A project in the region's library (its owner under the region), planned or under way."""
    if not (project.region_id.startswith(region.prefix) or project.county_id == region.code):
        raise _invalid(
            "project_elsewhere",
            f"项目“{project.code}”不在{region.name}的项目库中",
            f"project '{project.code}' is not in this region's library",
            "project",
        )
    if project.stage not in PAYABLE_STAGES:
        raise _invalid(
            "project_not_payable",
            f"项目“{project.code}”处于“{project.get_stage_display()}”，只有已纳入年度计划或实施中的项目可以拨付",
            f"project '{project.code}' is not planned or under way",
            "project",
        )


def disbursement_add(
    *,
    acting_user,
    fund: Fund,
    region_code: str,
    project: Project,
    amount,
    disbursed_on: date,
    voucher: str = "",
) -> Disbursement:
    """Money of the fund at `region_code` put on a project of that region's library."""
    amount = money(amount)
    region = _region(region_code, "region")
    project_payable(project, region)
    _keeps(acting_user, region.code)
    with transaction.atomic():
        fund = _locked(fund)
        _not_more_than_balance(fund, region.code, amount)
        row = Disbursement(
            fund=fund,
            region=region,
            project=project,
            amount=amount,
            disbursed_on=disbursed_on,
            voucher=(voucher or "").strip(),
        )
        row._history_user = acting_user
        row.save()
        _written(region.code)
    return row


def payee_checked(kind: str, payee: str, id_number: str, credit_code: str, account: str):
    """(kind, payee, id_number, credit_code, account) as stored, or a TuopinError: a person
    has a valid resident ID number and an account; an enterprise a valid credit code."""
    kind = _choice(kind, PayeeKind.choices, "payee_kind", "支付对象类型")
    payee, account = (payee or "").strip(), "".join((account or "").split())
    if not payee:
        raise _invalid("payee_missing", "收款人未填写", "the payee is missing", "payee")
    number, code = "", ""
    if kind == PayeeKind.PERSON:
        check = check_id_number(id_number)
        if not (id_number or "").strip():
            raise _invalid("id_missing", "支付给个人须填写身份证号", "a person needs an ID number",
                           "id_number")  # fmt: skip
        if not check.valid:
            problem = check.errors[0]
            raise _invalid(problem.code, problem.message_zh, problem.message_en, "id_number")
        number = check.normalised
        if not account:
            raise _invalid(
                "account_missing",
                "支付给个人须填写收款账号",
                "a person needs an account",
                "account",
            )
    elif kind == PayeeKind.ENTERPRISE:
        try:
            code = credit_code_clean(credit_code)
        except TuopinError as error:
            raise _invalid(error.code, error.message_zh, error.message_en, "credit_code") from None
    return kind, payee, number, code, account


def member_of(id_number: str) -> Member | None:
    """The registry's member with this ID number, whichever form it was stored in."""
    if not id_number:
        return None
    return (
        Member.objects.filter(id_number__in=stored_forms(id_number))
        .select_related("household")
        .order_by("pk")
        .first()
    )


def payment_add(
    *,
    acting_user,
    disbursement: Disbursement,
    payee_kind: str,
    payee: str,
    item: str,
    amount,
    paid_on: date,
    id_number: str = "",
    credit_code: str = "",
    account: str = "",
    period: str = "",
    voucher: str = "",
) -> FundPayment:
    """A payment out of a disbursement, at most what is left of it; a person is found in
    the registry by ID number (household and member; NULL when not registered)."""
    amount = money(amount)
    kind, payee, number, code, account = payee_checked(
        payee_kind, payee, id_number, credit_code, account
    )
    if not (item or "").strip():
        raise _invalid("item_missing", "支付事项未填写", "the item paid is missing", "item")
    if paid_on < disbursement.disbursed_on:
        raise _invalid(
            "paid_before_disbursed",
            "支付日期早于拨付日期",
            "paid before the money was disbursed",
            "paid_on",
        )
    _keeps(acting_user, disbursement.region_id)
    member = member_of(number)
    region_id = member.household.village_id if member else disbursement.project.region_id
    with transaction.atomic():
        Disbursement.objects.select_for_update().get(pk=disbursement.pk)
        left = disbursement_unpaid(disbursement)
        if amount > left:
            raise _invalid(
                "over_disbursed",
                f"金额 {amount} 超过该笔拨付尚未支付的 {left}",
                f"the amount {amount} is more than the {left} left of the disbursement",
                "amount",
            )
        row = FundPayment(
            disbursement=disbursement,
            fund_id=disbursement.fund_id,
            project_id=disbursement.project_id,
            region_id=region_id,
            payee_kind=kind,
            payee=payee,
            id_number=number,
            credit_code=code,
            household_id=member.household_id if member else None,
            member=member,
            account=account,
            item=item.strip(),
            period=(period or "").strip(),
            amount=amount,
            paid_on=paid_on,
            voucher=(voucher or "").strip(),
            created_by=acting_user,
        )
        row._history_user = acting_user
        row.save()
        _written(disbursement.region_id)
    return row


def payment_reveal(*, acting_user, payment: FundPayment, field: str, request=None) -> str:
    """A payment's full ID number or account, for a user who may reveal personal numbers
    in the payment's region (person.reveal); every look is in the access log."""
    if field not in ("id_number", "account"):
        raise OutOfScope("field", field)
    require_permission(acting_user, Permission.PERSON_REVEAL, payment.region_id)
    access_log_record(
        kind=AccessKind.REVEAL,
        user=acting_user,
        request=request,
        region_code=payment.region_id,
        object_type="fund_payment",
        object_id=f"{payment.pk}/{field}",
        detail=f"资金支付明细：{payment.payee}",
    )
    return getattr(payment, field)
