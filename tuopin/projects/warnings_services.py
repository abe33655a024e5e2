"""Writes of the funds' early warnings: recomputing them over a region (set-based upsert
by rule and subject), escalating overdue ones to the region above, and each step of a
warning's handling (verify, explain, rectify, close with evidence, reopen)."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuopin.accounts.selectors import UNRESTRICTED
from tuopin.core.errors import TuopinError
from tuopin.core.regioncodes import significant_prefix
from tuopin.projects import access
from tuopin.projects.enums import WarningState
from tuopin.projects.models import FundWarning, WarningAction
from tuopin.projects.params import funds_parameter_values
from tuopin.projects.warning_rules import RULES, context_for, data_as_of, findings
from tuopin.regions.models import Region

# Handled: not escalated, not reopened by a recomputation (the data may still show it).
HANDLED = (WarningState.EXPLAINED, WarningState.CLOSED)
# Waiting for the region: overdue ones escalate.
PENDING = (WarningState.OPEN, WarningState.VERIFIED, WarningState.RECTIFYING)

# action -> (states it may follow, state it leaves, label)
ACTIONS = {
    "verify": ((WarningState.OPEN,), WarningState.VERIFIED, _("核实")),
    "explain": (PENDING, WarningState.EXPLAINED, _("说明")),
    "rectify": ((WarningState.OPEN, WarningState.VERIFIED), WarningState.RECTIFYING, _("整改")),
    "close": ((WarningState.VERIFIED, WarningState.RECTIFYING), WarningState.CLOSED, _("办结")),
    "reopen": (HANDLED, WarningState.OPEN, _("重新打开")),
}
ESCALATE = "escalate"
CLEAR = "clear"
FOUND_AGAIN = "found_again"


def _due_days(year: int, region_code: str, cache: dict) -> int:
    county = region_code[:6].ljust(12, "0")
    if county not in cache:
        cache[county] = int(funds_parameter_values(year, county)["warning_due_days"])
    return cache[county]


@transaction.atomic
def warnings_recompute(
    prefix: str = "", as_of: date | None = None, rules=None, *, on_copy: bool = True
) -> dict:
    """Bring the stored warnings under `prefix` in line with the rules' findings on
    `as_of`: a new finding opens a warning due in warning_due_days; one still found is
    refreshed (its handling kept); a cleared one found again reopens; one no longer found
    is marked cleared (never deleted). Returns the counts."""
    # The findings are judged on the day the data reach unless a day is given; the
    # handling's deadlines run on the calendar (a warning found today is due from today).
    judged = as_of or data_as_of(prefix)
    as_of = as_of or timezone.localdate()
    codes = list(rules or RULES)
    # The rules proven on the analytic copy are read there (warning_rules/on_copy.py):
    # at the city's scale 3 CPU-s instead of 15 (docs/benchmarks.md, copy16b); the
    # writes below stay on the database.
    found = findings(context_for(prefix=prefix, as_of=judged), codes, on_copy=on_copy)
    now = timezone.now()
    scope = Q(rule__in=codes) & (Q(region__code__startswith=prefix) if prefix else Q())
    stored = {
        (rule, subject): (pk, state)
        for pk, rule, subject, state in FundWarning.objects.filter(scope).values_list(
            "pk", "rule", "subject", "state"
        )
    }
    due_cache: dict = {}
    new, seen, again = [], [], []
    keys = set()
    for item in found:
        key = (item.rule, item.subject)
        if key in keys:
            continue
        keys.add(key)
        fields = dict(
            region_id=item.region,
            severity=item.severity,
            amount=item.amount,
            detail=item.detail[:300],
            fund_id=item.fund_id,
            project_id=item.project_id,
            payment_id=item.payment_id,
        )
        if key not in stored:
            due = as_of + timedelta(days=_due_days(as_of.year, item.region, due_cache))
            new.append(
                FundWarning(
                    rule=item.rule,
                    subject=item.subject,
                    first_seen=now,
                    last_seen=now,
                    due_on=due,
                    **fields,
                )
            )
            continue
        pk, state = stored[key]
        warning = FundWarning(pk=pk, last_seen=now, **fields)
        if state == WarningState.CLEARED:
            warning.state = WarningState.OPEN
            warning.due_on = as_of + timedelta(days=_due_days(as_of.year, item.region, due_cache))
            again.append(warning)
        else:
            seen.append(warning)
    FundWarning.objects.bulk_create(new, batch_size=2000)
    refreshed = ["last_seen", "region", "severity", "amount", "detail", "fund", "project"]
    FundWarning.objects.bulk_update(seen, [*refreshed, "payment"], batch_size=2000)
    FundWarning.objects.bulk_update(
        again, [*refreshed, "payment", "state", "due_on"], batch_size=2000
    )
    WarningAction.objects.bulk_create(
        [
            WarningAction(
                warning_id=w.pk,
                action=FOUND_AGAIN,
                state=WarningState.OPEN,
                note="重新计算时再次发现",
            )
            for w in again
        ]
    )
    gone = [
        pk
        for key, (pk, state) in stored.items()
        if key not in keys and state != WarningState.CLEARED
    ]
    for start in range(0, len(gone), 2000):
        chunk = gone[start : start + 2000]
        FundWarning.objects.filter(pk__in=chunk).update(state=WarningState.CLEARED)
        WarningAction.objects.bulk_create(
            [
                WarningAction(
                    warning_id=pk,
                    action=CLEAR,
                    state=WarningState.CLEARED,
                    note="重新计算时数据已不再显示该问题",
                )
                for pk in chunk
            ]
        )
    escalated = warnings_escalate(prefix=prefix, as_of=as_of)
    return {
        "found": len(keys),
        "new": len(new),
        "still": len(seen),
        "reopened": len(again),
        "cleared": len(gone),
        "escalated": escalated,
    }


def _above(region_code: str) -> str | None:
    """Where an overdue warning goes: a county's (and anything below it) to the city, a
    city's to the province."""
    length = len(significant_prefix(region_code))
    if length >= 6:
        return region_code[:4].ljust(12, "0")
    if length == 4:
        return region_code[:2].ljust(12, "0")
    return None


@transaction.atomic
def warnings_escalate(*, prefix: str = "", as_of: date | None = None) -> int:
    """Warnings still waiting (open, verified, rectifying) past their due date and not yet
    escalated go to the region above, each filed as an action."""
    as_of = as_of or timezone.localdate()
    overdue = FundWarning.objects.filter(
        state__in=PENDING, due_on__lt=as_of, escalated_to__isnull=True
    )
    if prefix:
        overdue = overdue.filter(region__code__startswith=prefix)
    targets: dict[str, list[int]] = {}
    for pk, region in overdue.values_list("pk", "region_id"):
        above = _above(region)
        if above:
            targets.setdefault(above, []).append(pk)
    existing = set(Region.objects.filter(code__in=targets).values_list("code", flat=True))
    now = timezone.now()
    count = 0
    for code, pks in targets.items():
        if code not in existing:
            continue
        FundWarning.objects.filter(pk__in=pks).update(escalated_to_id=code, escalated_at=now)
        WarningAction.objects.bulk_create(
            [
                WarningAction(
                    warning_id=pk,
                    action=ESCALATE,
                    state=state,
                    note=f"逾期未办结，上报至 {code}",
                )
                for pk, state in FundWarning.objects.filter(pk__in=pks).values_list("pk", "state")
            ]
        )
        count += len(pks)
    return count


def may_act(user, warning: FundWarning) -> bool:
    """Whoever keeps the warnings of its region at the county or below (the county office,
    财政局); above a county (the city office) only once it is escalated there."""
    prefixes = access.keep_prefixes(user, access.WARNINGS)
    if prefixes is UNRESTRICTED:
        return True
    own = significant_prefix(warning.region_id)
    for prefix in prefixes:
        if not warning.region_id.startswith(prefix):
            continue
        if len(prefix) >= 6 or own == prefix:
            return True
        if warning.escalated_to_id and warning.escalated_to_id.startswith(prefix):
            return True
    return False


def actions_for(user, warning: FundWarning) -> list[str]:
    if not may_act(user, warning):
        return []
    return [name for name, (sources, _t, _l) in ACTIONS.items() if warning.state in sources]


@transaction.atomic
def warning_act(
    *, acting_user, warning: FundWarning, action: str, note: str, evidence=None
) -> WarningAction:
    """One step of the handling; closing needs an evidence file, every step a note."""
    if action not in ACTIONS:
        raise TuopinError(
            "warning_action_unknown",
            f"未知的处置环节：{action}",
            f"unknown handling step: {action}",
            field="action",
        )
    if not may_act(acting_user, warning):
        raise PermissionDenied("没有权限：处置本预警 (you may not handle this warning)")
    warning = FundWarning.objects.select_for_update().get(pk=warning.pk)
    sources, target, label = ACTIONS[action]
    if warning.state not in sources:
        raise TuopinError(
            "warning_action_refused",
            f"预警当前为“{WarningState(warning.state).label}”，不能{label}",
            f"the warning is {warning.state}: cannot {action}",
            field="action",
        )
    note = (note or "").strip()
    if not note:
        raise TuopinError(
            "warning_note_required",
            "请填写处置说明",
            "write what was done (the note is required)",
            field="note",
        )
    if action == "close" and not evidence:
        raise TuopinError(
            "warning_evidence_required",
            "办结须上传佐证材料",
            "closing needs an evidence file",
            field="evidence",
        )
    step = WarningAction(
        warning=warning, action=action, state=target, note=note, acting_user=acting_user
    )
    if evidence:
        step.evidence = evidence
    step.save()
    warning.state = target
    warning.save(update_fields=["state"])
    return step
