"""Importing department spreadsheets in the browser: choose the ledger, upload (a
background job does the import), read the result and download the error report."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language

from tuopin.accounts.roles import Permission
from tuopin.accounts.selectors import access_job, may_take_job_file, require_permission, top_regions
from tuopin.accounts.services import job_submit
from tuopin.assistance.import_forms import LedgerImportForm
from tuopin.assistance.importer.access import importable_kinds
from tuopin.assistance.kinds import KINDS
from tuopin.assistance.layouts import layout_of
from tuopin.core.uploads import upload_store


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _kind_label(code: str) -> str:
    kind = KINDS[code]
    return kind.label_en if _english() else kind.label_zh


@login_required
def import_index(request):
    """The ledgers the user may import, each with its upload page."""
    require_permission(request.user, Permission.ASSISTANCE_EDIT)
    kinds = [{"code": code, "label": _kind_label(code)} for code in importable_kinds(request.user)]
    if not kinds:
        raise PermissionDenied("没有可导入的台账 (no ledger you may import)")
    return render(request, "assistance/import_index.html", {"kinds": kinds})


@login_required
def ledger_import(request, kind: str):
    """Upload one ledger's spreadsheet; the import runs as a background job."""
    require_permission(request.user, Permission.ASSISTANCE_EDIT)
    if kind not in importable_kinds(request.user):
        raise Http404("未找到 (not found)")
    layout = layout_of(kind)
    form = LedgerImportForm(
        request.POST or None,
        request.FILES or None,
        regions=top_regions(request.user),
        upload_refused=getattr(request, "upload_refused", None),
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        relative = upload_store(upload)
        job = job_submit(
            acting_user=request.user,
            kind="assistance.ledger_import",
            region_code=form.cleaned_data["region"],
            params={
                "kind": kind,
                "upload": relative,
                "name": upload.name,
                "year": form.cleaned_data["year"],
                "dry_run": form.cleaned_data["dry_run"],
                "partial": form.cleaned_data["partial"],
            },
        )
        return redirect("web:job", job_id=job.pk)
    columns = [
        {"header": c.header, "required": c.required, "synonyms": "、".join(c.synonyms)}
        for c in layout.columns
    ]
    return render(
        request,
        "assistance/import.html",
        {"form": form, "kind_label": _kind_label(kind), "columns": columns},
    )


@login_required
def import_result(request, job_id: int):
    """What an import job did, row by row, in the user's language."""
    job = access_job(request.user, job_id)
    if job.kind != "assistance.ledger_import" or job.status != "succeeded":
        raise Http404("未找到 (not found)")
    result = job.result or {}
    english = _english()
    lists = result.get("warnings_list") or {}

    def shown(messages: list[dict]) -> list[dict]:
        return [
            {
                "row": m.get("row"),
                "column": m.get("column") or "",
                "message": m.get("message_en") if english else m.get("message"),
            }
            for m in messages
        ]

    kind = job.params.get("kind", "")
    return render(
        request,
        "assistance/import_result.html",
        {
            "job": job,
            "kind_label": _kind_label(kind) if kind in KINDS else "",
            "result": result,
            "dry_run": job.params.get("dry_run", False),
            "errors": shown(lists.get("errors", [])),
            "warnings": shown(lists.get("warnings", [])),
            "may_download": may_take_job_file(request.user, job),
        },
    )
