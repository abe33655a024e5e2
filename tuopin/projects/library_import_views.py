"""Uploading a project library file (`tuopin import projects` from the web): offered to
the county office, who enters projects into the library; each row is checked against the
regions the uploader keeps (library_import)."""

import tempfile
from pathlib import Path

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from tuopin.accounts.selectors import user_assignments
from tuopin.core.uploads import SpreadsheetUploadForm
from tuopin.projects import access
from tuopin.projects.library_import import import_projects
from tuopin.projects.lifecycle import ACTIONS
from tuopin.registry.interchange.reader import UnusableFile


class ProjectsImportForm(SpreadsheetUploadForm):
    file = forms.FileField(label=_("项目库表格（xlsx、xls 或 csv）"))
    dry_run = forms.BooleanField(label=_("只校验，不写入"), required=False)
    partial = forms.BooleanField(label=_("只写入没有错误的行"), required=False)


def may_import_projects(user) -> bool:
    """An import enters projects up to the library: whoever enters them (the county office)."""
    roles = {assignment.role for assignment in user_assignments(user)}
    return bool(roles & ACTIONS["enter"].roles) and access.may_keep(user, access.LIBRARY)


@login_required
def library_import_view(request):
    if not may_import_projects(request.user):
        raise PermissionDenied("没有权限：导入项目库 (you may not import the project library)")
    form = ProjectsImportForm(
        request.POST or None,
        request.FILES or None,
        upload_refused=getattr(request, "upload_refused", None),
    )
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"upload{Path(upload.name).suffix.lower()}"
            with path.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            try:
                result = import_projects(
                    path,
                    acting_user=request.user,
                    dry_run=form.cleaned_data["dry_run"],
                    partial=form.cleaned_data["partial"],
                )
            except UnusableFile as unusable:
                form.add_error("file", unusable.message_zh)
    return render(request, "projects/library/import.html", {"form": form, "result": result})
