from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tuopin.accounts.roles import Permission, Role
from tuopin.accounts.selectors import (
    access_region,
    has_permission,
    region_breadcrumbs,
    require_permission,
    top_regions,
    user_assignments,
)
from tuopin.accounts.services import region_attributes_change
from tuopin.assistance.selectors import ledger_index
from tuopin.people.access import visits_own_households
from tuopin.regions.selectors import region_children_with_counts, region_stats
from tuopin.registry.summary import children_figures
from tuopin.web.figures import (
    FIGURES_YEAR,
    helper_work,
    households_url,
    ledger_panel,
    ledger_work,
    my_work,
    region_panel,
)
from tuopin.web.forms import RegionAttributesForm
from tuopin.web.project_figures import projects_panels


def _year(request) -> int:
    """?year= for the figures (exited in that year, its plan), else the work plan's year."""
    text = request.GET.get("year", "")
    return int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else FIGURES_YEAR


@login_required
def home(request):
    """The user's regions in figures (each a link to what it counts) and the user's work."""
    user = request.user
    tops = top_regions(user)
    may_view = has_permission(user, Permission.REGISTRY_VIEW)
    # A sector user reads ledgers, not the registry: their figures and work are the
    # ledgers' and checks' (the registry's totals without the lists behind them).
    ledgers_only = not may_view and has_permission(user, Permission.LEDGER_VIEW)
    year = _year(request)
    ledgers = _sector_ledgers(user)
    work = my_work(user) if may_view else ledger_work(user, ledgers) if ledgers_only else None
    if work is None and visits_own_households(user):
        work = helper_work(user)  # a cadre logged in as themselves: their households
    return render(
        request,
        "web/home.html",
        {
            "assignments": user_assignments(user),
            "panels": [region_panel(user, region, year) for region in tops] if may_view else [],
            "ledger_panels": (
                [ledger_panel(user, region, year) for region in tops] if ledgers_only else []
            ),
            "regions": [(region, region_stats(region.prefix)) for region in tops],
            "projects_panels": projects_panels(user, tops, year),
            "work": work,
            "year": year,
            "ledgers": ledgers,
        },
    )


def _sector_ledgers(user) -> list:
    """A sector user's home card: their department's ledgers, with rows and rows waiting
    for review in their region (the office roles reach every ledger from the navigation)."""
    if not any(a.role == Role.SECTOR and a.department for a in user_assignments(user)):
        return []
    return ledger_index(user)


@login_required
def regions(request):
    require_permission(request.user, Permission.REGION_VIEW)
    tops = top_regions(request.user)
    if len(tops) == 1:
        return redirect("web:region", code=tops[0].code)
    return render(request, "web/regions.html", {"regions": tops})


@login_required
def region_detail(request, code: str):
    """Drill-down: breadcrumbs above (links only where the user may go), children below."""
    require_permission(request.user, Permission.REGION_VIEW)
    region = access_region(request.user, code)
    breadcrumbs = region_breadcrumbs(request.user, region)
    may_view = has_permission(request.user, Permission.REGISTRY_VIEW, region.code)
    year = _year(request)
    children = region_children_with_counts(region)
    if may_view:
        figures = children_figures(region, year)
        for child in children:
            child.figures = figures.get(child.code)
            child.households_url = households_url(child)
    return render(
        request,
        "web/region.html",
        {
            "region": region,
            "breadcrumbs": breadcrumbs,
            "children": children,
            "panel": region_panel(request.user, region, year) if may_view else None,
            "year": year,
            "stats": region_stats(region.prefix),
            "may_export": has_permission(request.user, Permission.DATA_EXPORT, region.code),
            "may_edit": has_permission(request.user, Permission.REGION_EDIT, region.code),
        },
    )


@login_required
def region_edit(request, code: str):
    region = access_region(request.user, code)
    require_permission(request.user, Permission.REGION_EDIT, region.code)
    form = RegionAttributesForm(request.POST or None, instance=region)
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        region_attributes_change(acting_user=request.user, region_code=region.code, **changed)
        messages.success(request, _("已保存。"))
        return redirect("web:region", code=region.code)
    return render(request, "web/region_edit.html", {"region": region, "form": form})
