"""Pages of the fund ledger (/projects/funds/): the ledger per region, a fund's chain,
projects' spending, county integration, payments (masked; full only by a logged reveal),
the audit trail, the treasury's forms and the upload page.

Thin views: rows from funds_selectors (scoped), writes through funds_services; a row or
region outside the user's answers 404 like a missing one; a button shows only to the
treasury (财政局) of the region, who keeps the funds."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuopin.accounts.roles import Permission
from tuopin.accounts.selectors import has_permission
from tuopin.core.errors import OutOfScope, TuopinError
from tuopin.core.years import year_in
from tuopin.projects import access
from tuopin.projects.funds_forms import (
    AllocationForm,
    DisbursementForm,
    FundForm,
    FundsImportForm,
    PaymentFilter,
    PaymentForm,
)
from tuopin.projects.funds_import import LABELS, import_funds, import_payments
from tuopin.projects.funds_reports import funds_download_response
from tuopin.projects.funds_selectors import (
    access_fund,
    audit_trail,
    disbursements_readable,
    fund_chain,
    fund_ledger,
    integration,
    ledger_row_figures,
    ledger_totals,
    payment_search,
    projects_spending,
    spending_shares,
)
from tuopin.projects.funds_services import (
    allocation_add,
    disbursement_add,
    fund_register,
    payment_add,
    payment_reveal,
)
from tuopin.projects.models import Project
from tuopin.regions.models import Region
from tuopin.registry.idnumbers import mask_id_number
from tuopin.registry.interchange.reader import UnusableFile
from tuopin.registry.personal import mask_bank_account

PAGE = 200


def _reader(request) -> None:
    if not access.may_read(request.user, access.FUNDS):
        raise PermissionDenied("没有权限：查看扶贫资金 (you may not read the funds)")


def _region(request) -> Region:
    return access.region_for(request.user, request.GET.get("region"), [access.FUNDS])


def _ancestors(request, region: Region) -> list[Region]:
    found, parent = [], region.parent
    while parent is not None:
        if access.may_read(request.user, access.FUNDS, parent.code):
            found.insert(0, parent)
        parent = parent.parent
    return found


def _context(request, region: Region, **extra) -> dict:
    return {
        "region": region,
        "ancestors": _ancestors(request, region),
        "may_keep": access.may_keep(request.user, access.FUNDS, region.code),
        "may_export": has_permission(request.user, Permission.DATA_EXPORT, region.code),
        **extra,
    }


def _failed(form, error: TuopinError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@login_required
def funds_ledger(request):
    _reader(request)
    region, year = _region(request), year_in(request.GET.get("year"))
    rows = list(fund_ledger(request.user, region, year))
    lines = [(row, ledger_row_figures(row)) for row in rows]
    return render(
        request,
        "projects/funds/ledger.html",
        _context(request, region, year=year, lines=lines, totals=ledger_totals(rows)),
    )


@login_required
def fund_page(request, fund_id: int):
    fund = access_fund(request.user, fund_id)
    chain = fund_chain(request.user, fund)
    keeps = access.may_keep(request.user, access.FUNDS)
    return render(
        request,
        "projects/funds/fund.html",
        {"fund": fund, **chain, "may_keep": keeps},
    )


@login_required
def fund_new(request):
    if not access.may_keep(request.user, access.FUNDS):
        raise PermissionDenied("没有权限：登记资金 (you may not register funds)")
    form = FundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            fund = fund_register(
                acting_user=request.user,
                document=data["document"],
                name=data["name"],
                nature=data["nature"],
                level=data["level"],
                functional_class=data["functional_class"],
                integrated=data["integrated"],
                year=data["year"],
                amount=data["amount"],
                region_code=data["region"],
                issued_on=data["issued_on"],
                received_on=data["received_on"],
            )
        except TuopinError as error:
            _failed(form, error)
        else:
            messages.success(request, _("资金指标已登记。"))
            return redirect("projects:fund", fund_id=fund.pk)
    return render(request, "projects/funds/form.html", {"form": form, "title": _("登记资金指标")})


def _keeper(request, fund_id: int):
    fund = access_fund(request.user, fund_id)
    if not access.may_keep(request.user, access.FUNDS):
        raise PermissionDenied("没有权限：维护资金 (you may not keep funds)")
    return fund


@login_required
def allocation_new(request, fund_id: int):
    fund = _keeper(request, fund_id)
    form = AllocationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            allocation_add(
                acting_user=request.user,
                fund=fund,
                from_region_code=data["from_region"],
                to_region_code=data["to_region"],
                amount=data["amount"],
                allocated_on=data["allocated_on"],
                document=data["document"],
            )
        except TuopinError as error:
            _failed(form, error)
        else:
            messages.success(request, _("分配下达已登记。"))
            return redirect("projects:fund", fund_id=fund.pk)
    title = _("分配下达：%(document)s") % {"document": fund.document}
    return render(request, "projects/funds/form.html", {"form": form, "title": title, "fund": fund})


@login_required
def disbursement_new(request, fund_id: int):
    fund = _keeper(request, fund_id)
    form = DisbursementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        code = data["region"]
        project = Project.objects.filter(
            access.read_q(request.user, access.LIBRARY),
            county_id=code[:6].ljust(12, "0"),
            code=data["project"],
        ).first()
        if project is None:
            form.add_error("project", _("项目编号不在该县（区）的项目库中"))
        else:
            try:
                disbursement_add(
                    acting_user=request.user,
                    fund=fund,
                    region_code=code,
                    project=project,
                    amount=data["amount"],
                    disbursed_on=data["disbursed_on"],
                    voucher=data["voucher"],
                )
            except TuopinError as error:
                _failed(form, error)
            else:
                messages.success(request, _("拨付已登记。"))
                return redirect("projects:fund", fund_id=fund.pk)
    title = _("拨付到项目：%(document)s") % {"document": fund.document}
    return render(request, "projects/funds/form.html", {"form": form, "title": title, "fund": fund})


@login_required
def payment_new(request, disbursement_id: int):
    disbursement = (
        disbursements_readable(request.user)
        .select_related("fund", "project")
        .filter(pk=disbursement_id)
        .first()
    )
    if disbursement is None:
        raise OutOfScope("disbursement", str(disbursement_id))
    if not access.may_keep(request.user, access.FUNDS, disbursement.region_id):
        raise PermissionDenied("没有权限：登记支付 (you may not record payments)")
    form = PaymentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            payment_add(acting_user=request.user, disbursement=disbursement, **form.cleaned_data)
        except TuopinError as error:
            _failed(form, error)
        else:
            messages.success(request, _("支付已登记。"))
            return redirect("projects:fund", fund_id=disbursement.fund_id)
    title = _("登记支付：%(project)s") % {"project": disbursement.project.name}
    return render(
        request,
        "projects/funds/form.html",
        {"form": form, "title": title, "fund": disbursement.fund},
    )


def _masked(rows) -> list:
    return [(p, mask_id_number(p.id_number), mask_bank_account(p.account)) for p in rows]


@login_required
def payments_list(request):
    _reader(request)
    region = _region(request)
    form = PaymentFilter(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    fund_id = request.GET.get("fund", "")
    rows = payment_search(
        request.user,
        prefix=region.prefix,
        fund_id=int(fund_id) if fund_id.isdigit() else None,
        q=data.get("q") or "",
        kind=data.get("kind") or "",
    ).select_related("fund", "project")
    return render(
        request,
        "projects/funds/payments.html",
        _context(
            request,
            region,
            form=form,
            rows=_masked(rows.order_by("-paid_on", "-id")[:PAGE]),
            total=rows.count(),
            may_reveal=has_permission(request.user, Permission.PERSON_REVEAL, region.code),
        ),
    )


@login_required
@require_POST
def payment_reveal_view(request, payment_id: int, field: str):
    """A payment's full ID number or account: by role (person.reveal), logged every time."""
    from tuopin.projects.funds_selectors import access_payment

    payment = access_payment(request.user, payment_id)
    value = payment_reveal(acting_user=request.user, payment=payment, field=field, request=request)
    return render(request, "registry/_id_revealed.html", {"id_number": value})


@login_required
def audit_view(request):
    _reader(request)
    region = _region(request)
    rows = audit_trail(request.user, prefix=region.prefix)
    untraced = rows.filter(traced=0).count()
    return render(
        request,
        "projects/funds/audit.html",
        _context(
            request,
            region,
            rows=_masked(rows[:PAGE]),
            total=rows.count(),
            untraced=untraced,
        ),
    )


@login_required
def integration_view(request):
    _reader(request)
    region, year = _region(request), year_in(request.GET.get("year"))
    lines, total = integration(request.user, region, year)
    return render(
        request,
        "projects/funds/integration.html",
        _context(request, region, year=year, lines=lines, total=total),
    )


@login_required
def spending_view(request):
    _reader(request)
    region, year = _region(request), year_in(request.GET.get("year"))
    rows = projects_spending(request.user, region, year)
    today = date.today()
    lines = []
    for p in rows[:PAGE]:  # shares from the row's own figures: no query per row
        paid_share, schedule, behind = spending_shares(p, p.paid, today)
        lines.append((p, _percent(paid_share), _percent(schedule), behind))
    return render(
        request,
        "projects/funds/spending.html",
        _context(request, region, year=year, rows=lines, total=rows.count()),
    )


def _percent(share):
    return None if share is None else round(share * 100, 1)


@login_required
def funds_download(request, what: str):
    _reader(request)
    region, year = _region(request), year_in(request.GET.get("year"))
    if not has_permission(request.user, Permission.DATA_EXPORT, region.code):
        raise PermissionDenied("没有权限：导出数据 (you may not export)")
    return funds_download_response(request, what, region, year)


@login_required
def funds_import_view(request):
    """Upload a fund ledger or a payment list: every row is checked against the
    uploader's keep (财政局 of the region)."""
    if not access.may_keep(request.user, access.FUNDS):
        raise PermissionDenied("没有权限：导入资金数据 (you may not import funds)")
    form = FundsImportForm(
        request.POST or None,
        request.FILES or None,
        upload_refused=getattr(request, "upload_refused", None),
    )
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        run = import_funds if data["what"] == "funds" else import_payments
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"upload{Path(upload.name).suffix.lower()}"
            with path.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            try:
                result = run(
                    path,
                    acting_user=request.user,
                    dry_run=data["dry_run"],
                    partial=data["partial"],
                )
            except UnusableFile as unusable:
                form.add_error("file", unusable.message_zh)
    return render(
        request,
        "projects/funds/import.html",
        {"form": form, "result": result, "label": LABELS.get(form.data.get("what", ""), "")},
    )
