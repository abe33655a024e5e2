"""Pages of the sector ledgers: the index, a ledger's list and download, an entry with
its history and review, typed entries (the household card and panel: household_views.py).

Thin views: every row comes through the scoped selectors (tuopin.assistance.selectors),
every write through the services; a ledger or row the user does not read is a 404 like
a missing one.
"""

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuopin.accounts.roles import Permission
from tuopin.accounts.selectors import has_permission, require_permission
from tuopin.assistance.display import cells, headers, shown
from tuopin.assistance.enums import ReviewStatus
from tuopin.assistance.forms import (
    LedgerFilter,
    ReviewForm,
    child_form_class,
    entry_form_class,
)
from tuopin.assistance.selectors import (
    LIST_COLUMNS,
    access_entry,
    entry_changes,
    entry_children,
    entry_person,
    entry_summary,
    get_kind,
    ledger_index,
    ledger_model,
    ledger_prefixes,
    ledger_search,
    ledger_totals,
    may_edit_ledger,
    own_fields,
)
from tuopin.assistance.services import (
    CHILD_ROWS,
    ledger_child_add,
    ledger_entry_create,
    ledger_entry_review,
    ledger_entry_update,
    ledger_id_reveal,
    typed_kinds,
)
from tuopin.audit.downloads import logged_xlsx_download
from tuopin.core.errors import OutOfScope, TuopinError
from tuopin.core.spreadsheets import workbook as new_workbook
from tuopin.registry.selectors import keyset_page
from tuopin.registry.services import RegistryInvalid


def _readable_kind(request, code: str):
    """The ledger if the user reads it somewhere; 404 alike for unknown and unread kinds."""
    require_permission(request.user, Permission.LEDGER_VIEW)
    kind = get_kind(code)
    if ledger_prefixes(request.user, kind) == []:
        raise OutOfScope("ledger", code)
    return kind


@login_required
def ledger_index_page(request):
    require_permission(request.user, Permission.LEDGER_VIEW)
    text = request.GET.get("year", "")
    year = int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else None
    figures = ledger_index(request.user, year)
    if not figures:
        raise PermissionDenied("没有可查看的行业台账 (no ledger to read)")
    return render(request, "assistance/index.html", {"figures": figures, "year": year})


@login_required
def ledger_list(request, kind: str):
    ledger = _readable_kind(request, kind)
    form = LedgerFilter(request.GET or None)
    filters = form.filters()
    try:
        rows = ledger_search(request.user, ledger, **filters)
    except TuopinError as error:
        form.add_error("region", error.message)
        rows = ledger_search(request.user, ledger)
    after = request.GET.get("after", "")
    page, next_after = keyset_page(rows, after=int(after) if after.isdigit() else None)
    columns = LIST_COLUMNS.get(ledger.model, [])
    model = rows.model
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "assistance/list.html",
        {
            "kind": ledger,
            "form": form,
            "headers": headers(model, columns),
            "rows": [(entry, entry_summary(entry), cells(entry, columns)) for entry in page],
            "totals": ledger_totals(ledger, rows),
            "next_after": next_after,
            "first_page": not after,
            "query": query.urlencode(),
            "may_export": has_permission(request.user, Permission.DATA_EXPORT),
            "may_type": ledger in typed_kinds([ledger]) and may_edit_ledger(request.user, ledger),
        },
    )


@login_required
def ledger_download(request, kind: str):
    """The filtered list as xlsx (ID numbers masked), written in constant memory and logged
    as an export."""
    ledger = _readable_kind(request, kind)
    form = LedgerFilter(request.GET or None)
    filters = form.filters()
    require_permission(request.user, Permission.DATA_EXPORT, filters.get("region_prefix") or None)
    rows = ledger_search(request.user, ledger, **filters).order_by("id")
    model = rows.model
    fields = own_fields(model)
    person_headers = [
        _("区划代码"),
        _("所属区划"),
        _("年度"),
        _("姓名"),
        _("身份证号"),
        _("户编号"),
        _("建档立卡"),
        _("审核状态"),
    ]
    # Deleted when closed; FileResponse closes it once the response is sent.
    output = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    workbook = new_workbook(output)
    sheet = workbook.add_worksheet(ledger.label_zh)
    bold = workbook.add_format({"bold": True})
    sheet.write_string(0, 0, ledger.label_zh, bold)
    column_labels = [*person_headers, *(str(f.verbose_name) for f in fields)]
    for column, label in enumerate(column_labels):
        sheet.write_string(1, column, label, bold)
    statuses = dict(ReviewStatus.choices)
    written = 0
    for written, entry in enumerate(rows.iterator(chunk_size=2000), start=1):
        person = entry_summary(entry)
        values = [
            person["region"].code,
            person["region"].name,
            str(person["year"] or "—"),
            person["name"],
            person["id_number"],
            person["household_number"],
            _("在库") if person["in_registry"] else _("不在建档立卡库中"),
            str(statuses.get(person["review_status"], _("未审核"))),
            *(shown(entry, f) for f in fields),
        ]
        # Text, never numbers: codes and numbers keep their leading zeros.
        for column, value in enumerate(values):
            sheet.write_string(1 + written, column, str(value))
    workbook.close()
    prefix = filters.get("region_prefix")
    return logged_xlsx_download(
        request,
        output,
        filename=f"ledger-{ledger.code}.xlsx",
        region_code=prefix.ljust(12, "0") if prefix else None,
        object_type="ledger",
        object_id=ledger.code,
        detail=f"行业台账 {ledger.label_zh}，{written} 条",
    )


@login_required
def ledger_entry(request, kind: str, entry_id: int):
    ledger = _readable_kind(request, kind)
    entry = access_entry(request.user, kind, entry_id)
    person = entry_summary(entry)
    may_edit = may_edit_ledger(request.user, ledger, person["region"].code)
    return render(
        request,
        "assistance/entry.html",
        {
            "kind": ledger,
            "entry": entry,
            "person": person,
            "fields": [(str(f.verbose_name), shown(entry, f)) for f in own_fields(type(entry))],
            "children": _children(request.user, ledger, entry, may_edit),
            "history": entry_changes(entry),
            "may_reveal": entry is entry_person(entry)
            and bool(person["raw_id_number"])
            and has_permission(request.user, Permission.PERSON_REVEAL, person["region"].code),
            "may_edit": may_edit and ledger in typed_kinds([ledger]),
            "may_review": may_edit
            and entry is entry_person(entry)
            and person["review_status"] in (ReviewStatus.PENDING, "")
            and person["proposer_id"] != request.user.pk,
            "review_form": ReviewForm(),
        },
    )


def _children(user, ledger, entry, may_edit: bool) -> list[dict]:
    """The rows under the entry, each list with its form for whoever keeps the ledger."""
    found = []
    for name, rows in entry_children(entry):
        child_kind, fields = CHILD_ROWS[type(entry).__name__][name]
        model = ledger_model(get_kind(child_kind))
        found.append(
            {
                "name": name,
                "label": get_kind(child_kind).label_zh,
                "headers": headers(model, _CHILD_COLUMNS[name]),
                "rows": [cells(row, _CHILD_COLUMNS[name]) for row in rows],
                "form": child_form_class(model, fields)(prefix=name) if may_edit else None,
            }
        )
    return found


_CHILD_COLUMNS = {
    "services": ["date", "kind", "staff"],
    "repayments": ["date", "amount", "interest"],
    "checks": ["date", "level", "checker", "used_for_production", "finding"],
}


def _typed_kind(request, code: str):
    ledger = _readable_kind(request, code)
    if ledger not in typed_kinds([ledger]) or not may_edit_ledger(request.user, ledger):
        raise PermissionDenied(f"没有权限：维护{ledger.label_zh} (permission required)")
    return ledger


def _save(request, ledger, form, save):
    if not form.is_valid():
        return None
    try:
        return save(form.cleaned_data)
    except RegistryInvalid as invalid:
        for problem in invalid.problems:
            field = problem.field if problem.field in form.fields else None
            form.add_error(field, problem.message_zh)
    except TuopinError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
    return None


@login_required
def ledger_entry_new(request, kind: str):
    ledger = _typed_kind(request, kind)
    form = entry_form_class(ledger)(request.POST or None)
    if request.method == "POST":
        entry = _save(
            request,
            ledger,
            form,
            lambda data: ledger_entry_create(
                acting_user=request.user,
                kind=ledger,
                data=data,
                region_code=data.get("region") or None,
            ),
        )
        if entry is not None:
            messages.success(request, _("已录入，等待审核。"))
            return redirect("assistance:ledger_entry", kind=ledger.code, entry_id=entry.pk)
    return render(request, "assistance/entry_form.html", {"kind": ledger, "form": form})


@login_required
def ledger_entry_edit(request, kind: str, entry_id: int):
    # The row first: one outside the user's scope is a 404 whatever the user's role.
    entry = access_entry(request.user, kind, entry_id)
    ledger = _typed_kind(request, kind)
    if not may_edit_ledger(request.user, ledger, entry_summary(entry)["region"].code):
        raise PermissionDenied(f"没有权限：维护{ledger.label_zh} (permission required)")
    form = entry_form_class(ledger, editing=True)(
        request.POST or None, instance=type(entry).objects.get(pk=entry.pk)
    )
    if request.method == "POST":
        saved = _save(
            request,
            ledger,
            form,
            lambda data: ledger_entry_update(
                acting_user=request.user,
                kind=ledger,
                entry=entry,
                data=data,
                region_code=data.get("region") or None,
            ),
        )
        if saved is not None:
            messages.success(request, _("已修改，等待重新审核。"))
            return redirect("assistance:ledger_entry", kind=ledger.code, entry_id=saved.pk)
    return render(
        request, "assistance/entry_form.html", {"kind": ledger, "form": form, "entry": entry}
    )


@login_required
@require_POST
def ledger_entry_review_view(request, kind: str, entry_id: int):
    ledger = _readable_kind(request, kind)
    entry = access_entry(request.user, kind, entry_id)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            ledger_entry_review(
                acting_user=request.user,
                kind=ledger,
                entry=entry,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("审核意见已保存。"))
        except TuopinError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, _("请选择审核意见。"))
    return redirect("assistance:ledger_entry", kind=ledger.code, entry_id=entry.pk)


@login_required
@require_POST
def ledger_child_new(request, kind: str, entry_id: int, child: str):
    """Add a service, a repayment or a post-loan check under the entry."""
    ledger = _readable_kind(request, kind)
    entry = access_entry(request.user, kind, entry_id)
    children = CHILD_ROWS.get(type(entry).__name__, {})
    if child not in children:
        raise OutOfScope("ledger", f"{kind}/{entry_id}/{child}")
    model = ledger_model(get_kind(children[child][0]))
    form = child_form_class(model, children[child][1])(request.POST, prefix=child)
    if not form.is_valid():
        messages.error(
            request,
            "；".join(
                f"{form.fields[f].label}：{e[0]}" if f in form.fields else e[0]
                for f, e in form.errors.items()
            ),
        )
    else:
        try:
            ledger_child_add(
                acting_user=request.user,
                kind=ledger,
                parent=entry,
                child=child,
                data=form.cleaned_data,
            )
            messages.success(request, _("已录入。"))
        except TuopinError as error:
            messages.error(request, error.message)
    return redirect("assistance:ledger_entry", kind=ledger.code, entry_id=entry.pk)


@login_required
@require_POST
def ledger_entry_reveal(request, kind: str, entry_id: int):
    """Show a ledger row's full ID number: by role (person.reveal), logged every time."""
    ledger = _readable_kind(request, kind)
    entry = access_entry(request.user, kind, entry_id)
    if entry is not entry_person(entry) or not getattr(entry, "id_number", ""):
        raise OutOfScope("ledger", f"{kind}/{entry_id}")
    number = ledger_id_reveal(acting_user=request.user, kind=ledger, entry=entry, request=request)
    return render(request, "registry/_id_revealed.html", {"id_number": number})
