"""Pages of the star ratings (脱贫星级评定) and incentives: counts per child region with
drill-down and xlsx, the list of a region's ratings, the checks, a rating with its
review and payments, and the household page's 「星级评定」 panel with the proposal form.

Thin views: rows come through ratings_selectors (topic RATINGS), writes through
ratings_services; a row or region the user does not read answers 404.
"""

import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuopin.accounts.roles import Permission
from tuopin.accounts.selectors import has_permission, require_permission
from tuopin.audit.downloads import logged_xlsx_download
from tuopin.core.errors import OutOfScope, TuopinError
from tuopin.core.regioncodes import significant_prefix
from tuopin.core.spreadsheets import workbook as new_workbook
from tuopin.core.years import DEFAULT_YEAR, YEARS, year_in
from tuopin.people import access
from tuopin.people.models import RatingScheme, RatingStatus
from tuopin.people.params import people_parameter_resolve
from tuopin.people.ratings_forms import (
    PaymentForm,
    ProposalForm,
    RatingImportForm,
    ReturnForm,
    SchemeForm,
)
from tuopin.people.ratings_import import import_ratings
from tuopin.people.ratings_selectors import (
    CHECKS,
    MAX_STARS_SHOWN,
    access_rating,
    household_ratings,
    rating_counts,
    rating_finding_counts,
    rating_findings,
    rating_lines,
    rating_search,
)
from tuopin.people.ratings_services import (
    incentive_record,
    may_confirm,
    may_define_scheme,
    may_pay,
    may_propose,
    rating_confirm,
    rating_propose,
    rating_return,
    rating_scheme_define,
    scheme_in_force,
)
from tuopin.regions.models import Region
from tuopin.regions.selectors import region_ancestors
from tuopin.registry.models import Household
from tuopin.registry.selectors import keyset_page


def _readable(request) -> None:
    if not access.may_read(request.user, access.RATINGS):
        raise PermissionDenied("没有可查看的星级评定 (no ratings to read)")


def _region(request) -> Region:
    return access.region_for(request.user, request.GET.get("region"), [access.RATINGS])


def _year(request) -> int:
    return year_in(request.GET.get("year"))


def _crumbs(user, region: Region) -> list[tuple[Region, bool]]:
    return [
        (ancestor, access.may_read(user, access.RATINGS, ancestor.code))
        for ancestor in region_ancestors(region)
    ]


@login_required
def ratings_overview(request):
    """Counts per child region: rated, by stars, confirmed / pending / returned, paid."""
    _readable(request)
    region = _region(request)
    year = _year(request)
    rows, total = rating_counts(request.user, region, year)
    per_star = people_parameter_resolve(year, region.code)["rating_award_per_star"]
    return render(
        request,
        "people/ratings/overview.html",
        {
            "region": region,
            "year": year,
            "years": YEARS,
            "rows": rows,
            "total": total,
            "star_columns": range(MAX_STARS_SHOWN + 1),
            "drills_down": region.level != "village",
            "crumbs": _crumbs(request.user, region),
            "checks": [
                (code, _(CHECKS[code][0]), n)
                for code, n in rating_finding_counts(request.user, region, year).items()
            ],
            "per_star": per_star,
            "scheme": scheme_in_force(year, region.code),
            "may_export": has_permission(request.user, Permission.DATA_EXPORT, region.code),
            "may_import": may_import(request.user),
        },
    )


@login_required
def ratings_download(request):
    _readable(request)
    region = _region(request)
    year = _year(request)
    require_permission(request.user, Permission.DATA_EXPORT, region.code)
    rows, total = rating_counts(request.user, region, year)
    output = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    book = new_workbook(output)
    sheet = book.add_worksheet(_("星级评定统计"))
    bold = book.add_format({"bold": True})
    sheet.write_string(0, 0, f"{region.name} {year} {_('星级评定统计')}", bold)
    labels = [
        _("区划代码"),
        _("区划"),
        _("评定户数"),
        _("乡镇已确认"),
        _("待乡镇确认"),
        _("已退回村级"),
        *[_("%(n)s 星") % {"n": n} for n in range(MAX_STARS_SHOWN + 1)],
        _("含未填报星级"),
        _("已奖补户数"),
        _("奖补金额（元）"),
    ]
    for column, label in enumerate(labels):
        sheet.write_string(1, column, label, bold)
    for line, row in enumerate([*rows, total], start=2):
        values = [
            row.region.code if row is not total else "",
            row.region.name if row is not total else _("合计"),
            row.rated,
            row.confirmed,
            row.proposed,
            row.returned,
            *row.by_stars,
            row.with_unknown,
            row.paid_households,
            float(row.paid_amount),
        ]
        for column, value in enumerate(values):
            if isinstance(value, str):
                sheet.write_string(line, column, value)
            else:
                sheet.write_number(line, column, value)
    book.close()
    return logged_xlsx_download(
        request,
        output,
        filename=f"ratings-{region.code}-{year}.xlsx",
        region_code=region.code,
        object_type="ratings",
        object_id=f"{region.code}-{year}",
        detail=f"星级评定统计 {region.name} {year}",
    )


@login_required
def rating_list(request):
    """The ratings of a region and year, by status or star count; or a check's findings."""
    _readable(request)
    region = _region(request)
    year = _year(request)
    status = request.GET.get("status", "")
    status = status if status in RatingStatus.values else ""
    check = request.GET.get("check", "")
    stars = request.GET.get("stars", "")
    if check:
        if check not in CHECKS:
            raise Http404("未找到 (not found)")
        rows = rating_findings(request.user, check, region, year)
    else:
        rows = rating_search(
            request.user,
            year=year,
            region_prefix=significant_prefix(region.code),
            status=status or None,
            stars=int(stars) if stars.isdigit() else None,
        )
    after = request.GET.get("after", "")
    page, next_after = keyset_page(rows, after=int(after) if after.isdigit() else None)
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "people/ratings/list.html",
        {
            "region": region,
            "year": year,
            "rows": page,
            "status": status,
            "statuses": RatingStatus.choices,
            "check_label": _(CHECKS[check][0]) if check else "",
            "next_after": next_after,
            "query": query.urlencode(),
            "crumbs": _crumbs(request.user, region),
        },
    )


@login_required
def rating_page(request, rating_id: int):
    rating = access_rating(request.user, rating_id)
    village = rating.household.village_id
    return render(
        request,
        "people/ratings/rating.html",
        _rating_context(request, rating, village),
    )


def _rating_context(request, rating, village, **forms) -> dict:
    user = request.user
    return {
        "rating": rating,
        "lines": rating_lines(rating),
        "payments": list(rating.payments.order_by("paid_on")),
        "may_review": rating.status == RatingStatus.PROPOSED
        and may_confirm(user, village)
        and rating.proposed_by_id != user.pk,
        "may_pay": rating.status == RatingStatus.CONFIRMED and may_pay(user, village),
        "may_propose": rating.status != RatingStatus.CONFIRMED and may_propose(user, village),
        "reads_registry": has_permission(user, Permission.REGISTRY_VIEW, village),
        "return_form": forms.get("return_form") or ReturnForm(),
        "payment_form": forms.get("payment_form") or PaymentForm(),
    }


@login_required
@require_POST
def rating_review(request, rating_id: int):
    """Confirm (action=confirm) or return with a reason (action=return)."""
    rating = access_rating(request.user, rating_id)
    village = rating.household.village_id
    return_form = None
    try:
        if request.POST.get("action") == "return":
            return_form = ReturnForm(request.POST)
            if not return_form.is_valid():
                raise TuopinError("rating_reason", "退回时请填写原因", "say why", field="reason")
            rating_return(
                acting_user=request.user, rating=rating, reason=return_form.cleaned_data["reason"]
            )
            messages.success(request, _("已退回村级重新评定。"))
        else:
            rating_confirm(acting_user=request.user, rating=rating)
            messages.success(request, _("已确认本户星级评定。"))
    except TuopinError as error:
        messages.error(request, error.message)
        context = _rating_context(request, rating, village, return_form=return_form)
        return render(request, "people/ratings/rating.html", context, status=400)
    return redirect("people:rating", rating_id=rating.pk)


@login_required
@require_POST
def rating_pay(request, rating_id: int):
    rating = access_rating(request.user, rating_id)
    village = rating.household.village_id
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            incentive_record(
                acting_user=request.user,
                household=rating.household,
                year=rating.year,
                amount=form.cleaned_data["amount"],
                paid_on=form.cleaned_data["paid_on"],
                reason=form.cleaned_data["reason"],
            )
        except TuopinError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("已登记奖补。"))
            return redirect("people:rating", rating_id=rating.pk)
    context = _rating_context(request, rating, village, payment_form=form)
    return render(request, "people/ratings/rating.html", context, status=400)


def _household(user, household_id: int) -> Household:
    household = Household.objects.filter(pk=household_id).select_related("village").first()
    if household is None or not access.may_read(user, access.RATINGS, household.village_id):
        raise OutOfScope("household", str(household_id))
    return household


@login_required
def household_ratings_panel(request, household_id: int):
    """The household page's 「星级评定」 panel (htmx): ratings by year and payments."""
    household = _household(request.user, household_id)
    return render(
        request,
        "people/ratings/_household.html",
        {
            "household": household,
            "items": household_ratings(request.user, household),
            "may_propose": may_propose(request.user, household.village_id),
        },
    )


@login_required
def household_rating_propose(request, household_id: int):
    """The village's proposal (or a new proposal after a return) for one year."""
    household = _household(request.user, household_id)
    if not may_propose(request.user, household.village_id):
        raise PermissionDenied("没有权限：提名星级评定 (you may not propose a rating)")
    text = request.POST.get("year") or request.GET.get("year") or str(DEFAULT_YEAR)
    year = int(text) if text.isdigit() and 2014 <= int(text) <= 2100 else DEFAULT_YEAR
    scheme = scheme_in_force(year, household.village_id)
    stars = list(scheme.stars.all())
    current = household.ratings.filter(year=year).first()
    initial = {"year": year}
    if current is not None:
        initial["rated_on"] = current.rated_on
        for star_id, awarded in current.awards.items():
            initial[f"star_{star_id}"] = {True: "1", False: "0"}.get(awarded, "")
    form = ProposalForm(request.POST or None, stars=stars, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            rating = rating_propose(
                acting_user=request.user,
                household=household,
                year=form.cleaned_data["year"],
                stars=form.star_values(),
                rated_on=form.cleaned_data["rated_on"],
            )
        except TuopinError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("已提名，等待乡镇确认。"))
            return redirect("people:rating", rating_id=rating.pk)
    return render(
        request,
        "people/ratings/propose.html",
        {"household": household, "form": form, "scheme": scheme, "current": current},
        status=400 if request.method == "POST" else 200,
    )


def may_import(user) -> bool:
    prefixes = access.keep_prefixes(user, access.RATINGS)
    if prefixes is None:
        return True
    return any(may_propose(user, prefix.ljust(12, "0")) for prefix in prefixes)


@login_required
def ratings_import(request):
    """Upload a village's rating proposals (small files: imported at once, synchronously)."""
    if not may_import(request.user):
        raise PermissionDenied("没有权限：导入星级评定 (you may not import ratings)")
    form = RatingImportForm(
        request.POST or None,
        request.FILES or None,
        upload_refused=getattr(request, "upload_refused", None),
    )
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"upload{Path(upload.name).suffix.lower()}"
            with path.open("wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
            try:
                report = import_ratings(
                    path,
                    acting_user=request.user,
                    dry_run=form.cleaned_data["dry_run"],
                    partial=form.cleaned_data["partial"],
                )
            except TuopinError as error:  # UnusableFile too: the file cannot be read
                form.add_error("file", error.message)
    return render(
        request,
        "people/ratings/import.html",
        {"form": form, "report": report},
        status=400 if request.method == "POST" and (report is None or report.errors) else 200,
    )


@login_required
def rating_schemes(request):
    """The schemes that apply in the user's region (default, city, county), the one in
    force for the year, and — for a county office — a form to define the county's own."""
    _readable(request)
    region = _region(request)
    year = _year(request)
    county = region if region.level == "county" else None
    if county is None and len(significant_prefix(region.code)) > 6:
        county = Region.objects.filter(code=region.code[:6].ljust(12, "0")).first()
    may_define = county is not None and may_define_scheme(request.user, county.code)
    form = SchemeForm(request.POST or None)
    if request.method == "POST":
        if not may_define:
            raise PermissionDenied("没有权限：制定星级评定方案 (you may not define a scheme)")
        if form.is_valid():
            try:
                rating_scheme_define(
                    acting_user=request.user,
                    region=county,
                    year_from=form.cleaned_data["year_from"],
                    name=form.cleaned_data["name"],
                    stars=form.cleaned_data["stars"],
                )
            except TuopinError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("已保存评定方案。"))
                return redirect(f"{request.path}?region={county.code}&year={year}")
    codes = [region.code[:4].ljust(12, "0")]
    if county is not None:
        codes.append(county.code)
    schemes = (
        RatingScheme.objects.filter(Q(region__isnull=True) | Q(region_id__in=codes))
        .select_related("region")
        .prefetch_related("stars")
        .order_by("region_id", "year_from")
    )
    return render(
        request,
        "people/ratings/schemes.html",
        {
            "region": region,
            "year": year,
            "in_force": scheme_in_force(year, region.code),
            "schemes": schemes,
            "form": form if may_define else None,
            "county": county,
            "crumbs": _crumbs(request.user, region),
        },
        status=400 if request.method == "POST" else 200,
    )
