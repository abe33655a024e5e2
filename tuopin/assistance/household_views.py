"""The household card of a sector user (本户核查信息) and the household page's 「帮扶台账」
panel. The card shows only what household_card.py lists; whoever reads the registry
itself (registry.view there) is sent to the registry's household page instead."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from tuopin.accounts.roles import Permission
from tuopin.accounts.selectors import has_permission, require_permission
from tuopin.assistance.display import cells, headers
from tuopin.assistance.household_card import household_card
from tuopin.assistance.selectors import LIST_COLUMNS, household_ledgers, ledger_kinds_for_user
from tuopin.registry.selectors import access_household


@login_required
def household_card_page(request, household_id: int):
    require_permission(request.user, Permission.LEDGER_VIEW)
    household = access_household(request.user, household_id)
    if has_permission(request.user, Permission.REGISTRY_VIEW, household.village_id):
        return redirect("registry:household", household_id=household.pk)
    if not ledger_kinds_for_user(request.user):  # a department with no ledger (组织部)
        raise PermissionDenied("没有可查看的行业台账 (you read no sector ledger)")
    return render(
        request,
        "assistance/household_card.html",
        {
            "card": household_card(request.user, household),
            "household": household,
            "may_reveal": has_permission(
                request.user, Permission.PERSON_REVEAL, household.village_id
            ),
        },
    )


@login_required
def household_ledgers_panel(request, household_id: int):
    """The 「帮扶台账」 panel (htmx) of the household page and card: every ledger row of
    the household and its members that the user reads, grouped by ledger."""
    require_permission(request.user, Permission.LEDGER_VIEW)
    household = access_household(request.user, household_id)
    groups = []
    for group in household_ledgers(request.user, household):
        columns = LIST_COLUMNS.get(group.kind.model, [])
        model = type(group.entries[0])
        groups.append(
            {
                "kind": group.kind,
                "headers": headers(model, columns),
                "rows": [(entry, cells(entry, columns)) for entry in group.entries],
            }
        )
    return render(
        request,
        "assistance/_household_ledgers.html",
        {
            "household": household,
            "groups": groups,
            "reads_ledgers": bool(ledger_kinds_for_user(request.user)),
        },
    )
