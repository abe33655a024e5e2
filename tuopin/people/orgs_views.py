"""Pages of weak Party branches, enterprises, workshops and the 四有 scorecard.

Thin views: rows come from the scoped selectors, writes go through the services; a row
or region the user does not read is a 404 like a missing one; a button shows only to
whoever may use it."""

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
from tuopin.audit.downloads import logged_xlsx_download
from tuopin.core.errors import OutOfScope, TuopinError
from tuopin.core.regioncodes import significant_prefix
from tuopin.core.spreadsheets import workbook as new_workbook
from tuopin.core.years import year_in
from tuopin.people import access
from tuopin.people.branches_selectors import access_branch, branch_search, branch_shares
from tuopin.people.branches_services import (
    branch_note_add,
    may_sign_off,
    weak_branch_list,
    weak_branch_plan,
    weak_branch_sign_off,
)
from tuopin.people.checks import offenders
from tuopin.people.enterprises_selectors import (
    access_enterprise,
    county_has_leading,
    enterprise_pairings,
    enterprise_search,
    siyou_households,
    siyou_scorecard,
    unpaired_poor_villages,
)
from tuopin.people.orgs_forms import (
    YEARS,
    BranchListForm,
    BranchNoteForm,
    BranchPlanForm,
    EnterpriseFilter,
    OrgsImportForm,
    SignOffForm,
    WorkshopFilter,
)
from tuopin.people.orgs_importer import LABELS, import_orgs
from tuopin.people.workshops_rules import recognitions
from tuopin.people.workshops_selectors import (
    access_workshop,
    workshop_employees,
    workshop_search,
)
from tuopin.regions.enums import RegionLevel
from tuopin.registry.idnumbers import mask_id_number
from tuopin.registry.interchange.reader import UnusableFile
from tuopin.registry.models import Helper
from tuopin.registry.selectors import keyset_page

PAGE = 100


def _reader(request, topic: str) -> None:
    if not access.may_read(request.user, topic):
        raise PermissionDenied("没有权限：查看帮扶力量 (you may not read this)")


def _year(request) -> int:
    return year_in(request.GET.get("year"))


def _prefix(request, topic: str) -> str:
    """The region filter (a code or its significant prefix); a region outside is a 404."""
    text = (request.GET.get("region") or "").strip()
    if not text:
        return ""
    if not text.isdigit() or len(text) > 12:
        raise OutOfScope("region", text[:12])
    code = text.ljust(12, "0")
    if not access.may_read(request.user, topic, code):
        raise OutOfScope("region", code)
    return significant_prefix(code) if len(text) == 12 else text


def _query(request) -> str:
    query = request.GET.copy()
    query.pop("after", None)
    return query.urlencode()


# -- weak branches -------------------------------------------------------------------------


@login_required
def branch_list(request):
    _reader(request, access.BRANCHES)
    year, prefix = _year(request), _prefix(request, access.BRANCHES)
    rows = branch_search(request.user, year=year, region_prefix=prefix or None)
    after = request.GET.get("after", "")
    page, next_after = keyset_page(
        rows.order_by("id"), after=int(after) if after.isdigit() else None
    )
    return render(
        request,
        "people/orgs/branches.html",
        {
            "year": year,
            "years": YEARS,
            "region": prefix,
            "rows": page,
            "total": rows.count(),
            "signed_off": rows.filter(signed_off_on__isnull=False).count(),
            "shares": branch_shares(request.user, year, prefix),
            "next_after": next_after,
            "first_page": not after,
            "query": _query(request),
            "may_add": access.may_keep(request.user, access.BRANCHES),
            "may_export": has_permission(request.user, Permission.DATA_EXPORT),
        },
    )


@login_required
def branch_new(request):
    if not access.may_keep(request.user, access.BRANCHES):
        raise PermissionDenied("没有权限：维护软弱涣散村党组织 (you may not keep weak branches)")
    form = BranchListForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            branch = weak_branch_list(
                acting_user=request.user,
                village_code=data["village"],
                year=data["year"],
                reasons=data["reasons"],
                listed_on=data["listed_on"],
            )
        except TuopinError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("已列入软弱涣散村党组织名单。"))
            return redirect("people:branch", branch_id=branch.pk)
    return render(request, "people/orgs/branch_new.html", {"form": form})


def _branch_context(request, branch, **forms) -> dict:
    keeps = access.may_keep(request.user, access.BRANCHES, branch.village_id)
    open_branch = branch.signed_off_on is None
    plan = forms.get("plan") or BranchPlanForm(
        initial={
            "measures": branch.measures,
            "deadline": branch.deadline,
            "leader": branch.leader_id,
        },
        leaders=_leaders(branch),
    )
    return {
        "branch": branch,
        "notes": branch.notes.select_related("recorded_by").all(),
        "may_edit": keeps and open_branch,
        "may_sign_off": open_branch and may_sign_off(request.user, branch.village_id),
        "plan_form": plan,
        "note_form": forms.get("note") or BranchNoteForm(initial={"date": date.today()}),
        "sign_off_form": forms.get("sign_off") or SignOffForm(initial={"date": date.today()}),
    }


@login_required
def branch_page(request, branch_id: int):
    branch = access_branch(request.user, branch_id)
    return render(request, "people/orgs/branch.html", _branch_context(request, branch))


def _leaders(branch):
    return Helper.objects.filter(region__code__startswith=branch.village_id[:6]).order_by("name")[
        :500
    ]


@login_required
@require_POST
def branch_plan(request, branch_id: int):
    branch = access_branch(request.user, branch_id)
    form = BranchPlanForm(request.POST, leaders=_leaders(branch))
    if form.is_valid():
        data = form.cleaned_data
        try:
            weak_branch_plan(
                acting_user=request.user,
                branch=branch,
                measures=data["measures"],
                deadline=data["deadline"],
                leader_id=data["leader"],
            )
        except TuopinError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("整顿措施已保存。"))
            return redirect("people:branch", branch_id=branch.pk)
    return render(
        request, "people/orgs/branch.html", _branch_context(request, branch, plan=form), status=400
    )


@login_required
@require_POST
def branch_note(request, branch_id: int):
    branch = access_branch(request.user, branch_id)
    form = BranchNoteForm(request.POST)
    if form.is_valid():
        try:
            branch_note_add(
                acting_user=request.user,
                branch=branch,
                on=form.cleaned_data["date"],
                text=form.cleaned_data["text"],
            )
        except TuopinError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("整顿进展已记录。"))
            return redirect("people:branch", branch_id=branch.pk)
    return render(
        request, "people/orgs/branch.html", _branch_context(request, branch, note=form), status=400
    )


@login_required
@require_POST
def branch_sign_off(request, branch_id: int):
    branch = access_branch(request.user, branch_id)
    form = SignOffForm(request.POST)
    if form.is_valid():
        try:
            weak_branch_sign_off(
                acting_user=request.user, branch=branch, on=form.cleaned_data["date"]
            )
        except TuopinError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("已销号。"))
            return redirect("people:branch", branch_id=branch.pk)
    return render(
        request,
        "people/orgs/branch.html",
        _branch_context(request, branch, sign_off=form),
        status=400,
    )


# -- enterprises ---------------------------------------------------------------------------


@login_required
def enterprise_list(request):
    _reader(request, access.ENTERPRISES)
    prefix = _prefix(request, access.ENTERPRISES)
    form = EnterpriseFilter(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows = enterprise_search(
        request.user,
        region_prefix=prefix or None,
        leading={"yes": True, "no": False}.get(data.get("leading") or ""),
        q=data.get("q") or "",
    )
    unpaired = unpaired_poor_villages(request.user, prefix)
    return render(
        request,
        "people/orgs/enterprises.html",
        {
            "form": form,
            "region": prefix,
            "rows": rows[:PAGE],
            "total": rows.count(),
            "more": rows.count() > PAGE,
            "unpaired": unpaired[:PAGE],
            "unpaired_total": unpaired.count(),
            "may_import": access.may_keep(request.user, access.ENTERPRISES),
            "query": _query(request),
            "may_export": has_permission(request.user, Permission.DATA_EXPORT),
        },
    )


@login_required
def enterprise_page(request, enterprise_id: int):
    enterprise = access_enterprise(request.user, enterprise_id)
    pairings = list(enterprise_pairings(request.user, enterprise))
    for pairing in pairings:
        pairing.people = [(b, mask_id_number(b.id_number)) for b in pairing.beneficiaries.all()]
    return render(
        request,
        "people/orgs/enterprise.html",
        {"enterprise": enterprise, "pairings": pairings},
    )


# -- workshops -----------------------------------------------------------------------------


@login_required
def workshop_list(request):
    _reader(request, access.WORKSHOPS)
    year, prefix = _year(request), _prefix(request, access.WORKSHOPS)
    form = WorkshopFilter(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows = workshop_search(
        request.user, region_prefix=prefix or None, type=data.get("type"), q=data.get("q") or ""
    )
    page = list(rows[:PAGE])
    found = recognitions(rows, year)
    lapsed = sum(1 for r in found.values() if r.reasons)
    overlaps = offenders("person_in_two_workshops", request.user, region_prefix=prefix, year=year)
    return render(
        request,
        "people/orgs/workshops.html",
        {
            "form": form,
            "year": year,
            "years": YEARS,
            "region": prefix,
            "rows": [(w, found[w.pk]) for w in page],
            "total": len(found),
            "more": len(found) > PAGE,
            "lapsed": lapsed,
            "overlaps": [(o, mask_id_number(o["id_number"])) for o in overlaps[:PAGE]],
            "overlap_total": overlaps.count(),
            "may_import": access.may_keep(request.user, access.WORKSHOPS),
            "query": _query(request),
            "may_export": has_permission(request.user, Permission.DATA_EXPORT),
        },
    )


@login_required
def workshop_page(request, workshop_id: int):
    workshop = access_workshop(request.user, workshop_id)
    year = _year(request)
    recognition = recognitions(type(workshop).objects.filter(pk=workshop.pk), year)[workshop.pk]
    return render(
        request,
        "people/orgs/workshop.html",
        {
            "workshop": workshop,
            "year": year,
            "years": YEARS,
            "recognition": recognition,
            "employees": [(e, mask_id_number(e.id_number)) for e in workshop_employees(workshop)],
        },
    )


# -- 四有 ------------------------------------------------------------------------------------


@login_required
def siyou_page(request):
    _reader(request, access.ENTERPRISES)
    year = _year(request)
    text = (request.GET.get("region") or "").strip()
    region = access.region_for(request.user, text, [access.ENTERPRISES])
    rows = siyou_scorecard(request.user, region, year)
    households = None
    if region.level == RegionLevel.VILLAGE:
        households = siyou_households(request.user, region, year)[:500]
    ancestors, parent = [], region.parent
    while parent is not None:
        if access.may_read(request.user, access.ENTERPRISES, parent.code):
            ancestors.insert(0, parent)
        parent = parent.parent
    total = {
        key: sum(getattr(row, key) for row in rows)
        for key in (
            "counties",
            "counties_with",
            "townships",
            "townships_with",
            "villages",
            "villages_with",
            "households",
            "households_with",
        )
    }
    return render(
        request,
        "people/orgs/siyou.html",
        {
            "region": region,
            "ancestors": ancestors,
            "year": year,
            "years": YEARS,
            "rows": rows,
            "total": total,
            "households": households,
            "county_level": region.level != RegionLevel.CITY,
            "county_leading": county_has_leading(region)
            if region.level != RegionLevel.CITY
            else None,
        },
    )


# -- download and import -------------------------------------------------------------------

DOWNLOADS = {
    "branches": (access.BRANCHES, "软弱涣散村党组织"),
    "enterprises": (access.ENTERPRISES, "帮扶企业与村企结对"),
    "workshops": (access.WORKSHOPS, "扶贫车间"),
    "unpaired": (access.ENTERPRISES, "没有企业结对的贫困村"),
}


@login_required
def orgs_download(request, what: str):
    if what not in DOWNLOADS:
        raise OutOfScope("download", what)
    topic, title = DOWNLOADS[what]
    _reader(request, topic)
    prefix = _prefix(request, topic)
    year = _year(request)
    if not has_permission(
        request.user, Permission.DATA_EXPORT, prefix.ljust(12, "0") if prefix else None
    ):
        raise PermissionDenied("没有权限：导出数据 (you may not export)")
    if what == "branches":
        header = ["年度", "县（区）", "乡镇", "行政村", "区划代码", "软弱涣散情形", "列入日期",
                  "整顿措施", "整顿时限", "联系领导", "销号日期"]  # fmt: skip
        lines = (
            [
                b.year,
                b.village.parent.parent.name if b.village.parent.parent else "",
                b.village.parent.name,
                b.village.name,
                b.village_id,
                b.reasons,
                b.listed_on or "未填报",
                b.measures or "未填报",
                b.deadline or "未填报",
                b.leader.name if b.leader else "未指定",
                b.signed_off_on or "未销号",
            ]  # fmt: skip
            for b in branch_search(request.user, year=year, region_prefix=prefix or None)
            .select_related("village__parent__parent")
            .iterator(chunk_size=2000)
        )
    elif what == "enterprises":
        header = ["企业名称", "统一社会信用代码", "所在区划", "带贫龙头企业", "所属商会",
                  "结对村", "结对村代码", "帮扶形式", "结对日期"]  # fmt: skip
        lines = (
            [
                e.name,
                e.credit_code,
                e.region.name,
                "是" if e.is_leading else "否",
                e.chamber or "未填报",
                p.village.name,
                p.village_id,
                p.get_form_display(),
                p.started_on or "未填报",
            ]  # fmt: skip
            for e in enterprise_search(request.user, region_prefix=prefix or None)
            for p in enterprise_pairings(request.user, e)
        )
    elif what == "unpaired":
        header = ["县（区）", "乡镇", "行政村", "区划代码"]
        lines = (
            [v.parent.parent.name if v.parent.parent else "", v.parent.name, v.name, v.code]
            for v in unpaired_poor_villages(request.user, prefix).select_related("parent__parent")
        )
    else:
        rows = workshop_search(request.user, region_prefix=prefix or None)
        found = recognitions(rows, year)
        header = ["车间名称", "所在村", "区划代码", "车间类型", "经营主体", "用工总人数",
                  "贫困劳动力", "达标人数", "认定状态", "原因"]  # fmt: skip
        lines = (
            [
                w.name,
                w.village.name,
                w.village_id,
                w.get_type_display(),
                w.operator.name if w.operator else "未填报",
                w.total_staff if w.total_staff is not None else "未填报",
                found[w.pk].poor,
                found[w.pk].qualifying,
                found[w.pk].status_label,
                "；".join(zh for zh, _en in found[w.pk].reasons),
            ]  # fmt: skip
            for w in rows.iterator(chunk_size=500)
        )
    output = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    book = new_workbook(output)
    sheet = book.add_worksheet(title)
    bold = book.add_format({"bold": True})
    sheet.write_string(0, 0, f"{title}（{year}）", bold)
    for column, label in enumerate(header):
        sheet.write_string(1, column, label, bold)
    written = 0
    for written, line in enumerate(lines, start=1):
        for column, value in enumerate(line):
            sheet.write_string(1 + written, column, str(value))
    book.close()
    return logged_xlsx_download(
        request,
        output,
        filename=f"{what}-{prefix or 'all'}-{year}.xlsx",
        region_code=prefix.ljust(12, "0") if prefix else None,
        object_type="people_orgs",
        object_id=what,
        detail=f"{title} {year} 年，{written} 条",
    )


@login_required
def orgs_import(request):
    """Upload an enterprises or workshops file; small files, done at once. Every row is
    checked against the uploader's keep."""
    may = {
        "enterprises": access.may_keep(request.user, access.ENTERPRISES),
        "workshops": access.may_keep(request.user, access.WORKSHOPS),
    }
    if not any(may.values()):
        raise PermissionDenied("没有权限：导入 (you may not import here)")
    form = OrgsImportForm(request.POST or None, request.FILES or None)
    form.fields["what"].choices = [c for c in form.fields["what"].choices if may.get(c[0])]
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        suffix = Path(upload.name).suffix.lower()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"upload{suffix}"
            with path.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            try:
                result = import_orgs(
                    data["what"],
                    path,
                    acting_user=request.user,
                    dry_run=data["dry_run"],
                    partial=data["partial"],
                )
            except UnusableFile as unusable:
                form.add_error("file", unusable.message_zh)
    return render(
        request,
        "people/orgs/import.html",
        {"form": form, "result": result, "label": LABELS.get(form.data.get("what", ""), "")},
    )
