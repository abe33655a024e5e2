"""The pages of a cadre logged in as themselves (role 帮扶责任人): 我的结对户 and each
household's card, built for a phone; the visit form is the one every visitor uses."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuopin.core.errors import TuopinError
from tuopin.core.years import DEFAULT_YEAR
from tuopin.people import access
from tuopin.people.helpers_selectors import access_helper, visits_of_household
from tuopin.people.models import Pairing
from tuopin.people.my_pairings import (
    cadre_of,
    household_measures,
    household_members,
    my_household,
    my_households_due,
)
from tuopin.people.pairing_services import cadre_account_link


def _require_helper(user) -> None:
    if not access.visits_own_households(user):
        raise PermissionDenied("没有权限：本页供帮扶责任人使用 (for helpers only)")


@login_required
def my_list(request):
    _require_helper(request.user)
    rows = my_households_due(request.user)
    return render(
        request,
        "people/mine/list.html",
        {
            "cadre": cadre_of(request.user),
            "rows": rows,
            "overdue": sum(1 for row in rows if row.overdue),
        },
    )


@login_required
def my_household_page(request, household_id: int):
    _require_helper(request.user)
    household = my_household(request.user, household_id)
    pairing = (
        Pairing.objects.filter(household=household, ended_on__isnull=True)
        .select_related("helper")
        .first()
    )
    return render(
        request,
        "people/mine/household.html",
        {
            "household": household,
            "pairing": pairing,
            "members": household_members(household),
            "measures": household_measures(household, DEFAULT_YEAR),
            "visits": visits_of_household(request.user, household)[:30],
        },
    )


@login_required
@require_POST
def helper_account(request, helper_id: int):
    """The cadre page's 登录账号 form: link the cadre to a login of role 帮扶责任人."""
    helper = access_helper(request.user, helper_id)
    try:
        cadre_account_link(
            acting_user=request.user, helper=helper, username=request.POST.get("username", "")
        )
    except TuopinError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已保存。"))
    return redirect("people:helper", helper_id=helper.pk)
