"""Pages of the funds' early warnings (/projects/warnings/): the inbox of a region with
filters and counts per rule, its download, a warning's page with its record and
handling, the scorecard per child region. Personal data is shown masked."""

from __future__ import annotations

from io import BytesIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuopin.accounts.roles import Permission
from tuopin.accounts.selectors import has_permission
from tuopin.audit.downloads import logged_xlsx_download
from tuopin.core.errors import TuopinError
from tuopin.core.spreadsheets import workbook as new_workbook
from tuopin.projects import access
from tuopin.projects.enums import PayeeKind, Severity, WarningState
from tuopin.projects.warning_rules import RULES
from tuopin.projects.warnings_selectors import (
    Filters,
    access_warning,
    counts_per_rule,
    scorecard,
    warning_list,
)
from tuopin.projects.warnings_services import ACTIONS, actions_for, warning_act
from tuopin.regions.selectors import region_ancestors
from tuopin.registry.idnumbers import mask_id_number
from tuopin.registry.personal import mask_bank_account, mask_name

PAGE = 50
HEADERS = (
    "预警规则",
    "预警等级",
    "责任区划",
    "涉及金额（元）",
    "预警说明",
    "处置状态",
    "办结时限",
    "已上报至",
)


def _region(request):
    if not access.may_read(request.user, access.WARNINGS):
        raise PermissionDenied("没有权限：查看资金预警 (you may not read the funds' warnings)")
    return access.region_for(request.user, request.GET.get("region"), [access.WARNINGS])


def _query(region, filters: Filters) -> str:
    parts = [f"region={region.code}"]
    parts += [f"{k}={v}" for k, v in vars(filters).items() if v]
    return "&".join(parts)


@login_required
def warnings_inbox(request):
    region = _region(request)
    filters = Filters.from_query(request.GET)
    rows = warning_list(request.user, region, filters)
    unfiltered = warning_list(request.user, region, Filters(state=filters.state))
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    for w in page:
        w.rule_label = RULES[w.rule].label if w.rule in RULES else _("其他")
    return render(
        request,
        "projects/warnings/inbox.html",
        {
            "region": region,
            "ancestors": region_ancestors(region),
            "filters": filters,
            "query": _query(region, filters),
            "page": page,
            "counts": counts_per_rule(unfiltered),
            "rules": RULES.values(),
            "severities": Severity.choices,
            "states": WarningState.choices,
            "today": timezone.localdate(),
            "may_export": has_permission(request.user, Permission.DATA_EXPORT, region.code),
        },
    )


@login_required
def warnings_download(request):
    region = _region(request)
    if not has_permission(request.user, Permission.DATA_EXPORT, region.code):
        raise PermissionDenied("没有权限：导出数据 (you may not export)")
    filters = Filters.from_query(request.GET)
    rows = warning_list(request.user, region, filters)
    output = BytesIO()
    book = new_workbook(output)
    sheet = book.add_worksheet("资金预警")
    bold = book.add_format({"bold": True})
    sheet.write_string(0, 0, f"资金预警 · {region.name}", bold)
    sheet.write_row(1, 0, [_(h) for h in HEADERS], bold)
    line = 1
    for line, w in enumerate(rows.iterator(chunk_size=2000), start=2):
        sheet.write_row(
            line,
            0,
            [
                str(RULES[w.rule].label_zh if w.rule in RULES else w.rule),
                str(w.get_severity_display()),
                w.region.name,
                "" if w.amount is None else str(w.amount),
                w.detail,
                str(w.get_state_display()),
                str(w.due_on),
                w.escalated_to.name if w.escalated_to else "",
            ],
        )
    book.close()
    return logged_xlsx_download(
        request,
        output,
        filename=f"funds-warnings-{region.prefix}.xlsx",
        region_code=region.code,
        object_type="fund_warnings",
        object_id=region.code,
        detail=f"资金预警 {max(line - 1, 0)} 条",
    )


def _record(warning) -> list[tuple[str, str]]:
    """The record a warning concerns, personal data masked."""
    lines = []
    if warning.fund:
        lines += [(_("指标文件文号"), warning.fund.document), (_("资金名称"), warning.fund.name)]
    if warning.project:
        lines += [(_("项目编号"), warning.project.code), (_("项目名称"), warning.project.name)]
    payment = warning.payment
    if payment:
        payee = (
            mask_name(payment.payee) if payment.payee_kind == PayeeKind.PERSON else payment.payee
        )
        lines += [
            (_("收款人"), payee),
            (_("支付事项"), payment.item),
            (_("所属期间"), payment.period or _("未填报")),
            (_("支付日期"), str(payment.paid_on)),
            (_("金额（元）"), str(payment.amount)),
        ]
        if payment.id_number:
            lines.append((_("身份证号"), mask_id_number(payment.id_number)))
        if payment.account:
            lines.append((_("收款账号"), mask_bank_account(payment.account)))
    return lines


@login_required
def warning_page(request, pk: int):
    warning = access_warning(request.user, pk)
    allowed = actions_for(request.user, warning)
    return render(
        request,
        "projects/warnings/warning.html",
        {
            "warning": warning,
            "rule": RULES.get(warning.rule),
            "record": _record(warning),
            "steps": warning.actions.select_related("acting_user").order_by("at", "id"),
            "actions": [(name, ACTIONS[name][2]) for name in allowed],
            "ancestors": region_ancestors(warning.region),
        },
    )


@login_required
@require_POST
def warning_handle(request, pk: int):
    warning = access_warning(request.user, pk)
    if not actions_for(request.user, warning):
        raise PermissionDenied("没有权限：处置本预警 (you may not handle this warning)")
    try:
        warning_act(
            acting_user=request.user,
            warning=warning,
            action=request.POST.get("action", ""),
            note=request.POST.get("note", ""),
            evidence=request.FILES.get("evidence"),
        )
    except TuopinError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已记录处置。"))
    return redirect("projects:warning", pk=warning.pk)


@login_required
def warnings_scorecard(request):
    region = _region(request)
    return render(
        request,
        "projects/warnings/scorecard.html",
        {
            "region": region,
            "ancestors": region_ancestors(region),
            "card": scorecard(request.user, region),
        },
    )
