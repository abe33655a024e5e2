"""Reads of the funds' early warnings, scoped to the user (the topic WARNINGS): the inbox
of a region with its filters and counts per rule, one warning, the scorecard per child
region. A warning escalated to a region is in that region's inbox too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone

from tuopin.projects import access
from tuopin.projects.enums import WarningState
from tuopin.projects.models import FundWarning
from tuopin.projects.warning_rules import RULES
from tuopin.projects.warnings_services import PENDING
from tuopin.regions.models import Region


@dataclass(frozen=True)
class Filters:
    rule: str = ""
    severity: str = ""
    state: str = ""  # a WarningState, "pending" (all waiting) or "" (all)
    escalated: str = ""  # "yes", "no" or ""
    overdue: str = ""  # "yes" (waiting past the due day), "no" (not overdue) or ""

    @classmethod
    def from_query(cls, query) -> Filters:
        def pick(name, allowed):
            text = (query.get(name) or "").strip()
            return text if text in allowed else ""

        from tuopin.projects.enums import Severity

        return cls(
            rule=pick("rule", RULES),
            severity=pick("severity", Severity.values),
            state=pick("state", [*WarningState.values, "pending"]),
            escalated=pick("escalated", ("yes", "no")),
            overdue=pick("overdue", ("yes", "no")),
        )


def readable(user) -> QuerySet:
    return FundWarning.objects.filter(access.read_q(user, access.WARNINGS))


def _in_region(prefix: str) -> Q:
    return Q(region__code__startswith=prefix) | Q(escalated_to__code__startswith=prefix)


def warning_list(user, region: Region, filters: Filters) -> QuerySet:
    return warning_search(user, region.prefix, filters)


def warning_search(user, prefix: str, filters: Filters, today: date | None = None) -> QuerySet:
    """The warnings the user reads whose region or escalation is under `prefix` (all of
    theirs when empty), filtered. Overdue = still waiting after its due day."""
    rows = readable(user)
    if prefix:
        rows = rows.filter(_in_region(prefix))
    if filters.rule:
        rows = rows.filter(rule=filters.rule)
    if filters.severity:
        rows = rows.filter(severity=filters.severity)
    if filters.state == "pending":
        rows = rows.filter(state__in=PENDING)
    elif filters.state:
        rows = rows.filter(state=filters.state)
    if filters.escalated == "yes":
        rows = rows.filter(escalated_to__isnull=False)
    elif filters.escalated == "no":
        rows = rows.filter(escalated_to__isnull=True)
    overdue = Q(state__in=PENDING, due_on__lt=today or timezone.localdate())
    if filters.overdue == "yes":
        rows = rows.filter(overdue)
    elif filters.overdue == "no":
        rows = rows.exclude(overdue)
    return rows.select_related("region", "escalated_to").order_by("-first_seen", "-id")


def counts_per_rule(rows: QuerySet) -> list[tuple]:
    counted = dict(rows.order_by().values_list("rule").annotate(n=Count("id")))
    return [(rule, counted.get(code, 0)) for code, rule in RULES.items()]


def access_warning(user, pk: int) -> FundWarning:
    warning = (
        readable(user)
        .select_related("region", "escalated_to", "fund", "project", "payment")
        .filter(pk=pk)
        .first()
    )
    if warning is None:
        raise Http404("未找到 (not found)")
    return warning


def scorecard(user, region: Region, today: date | None = None) -> dict:
    """Per child region (by the region's code prefix one level down) and rule: the
    warnings waiting and those overdue. Warnings kept at the region itself (a county's
    allocations to its projects) have their own column, so the totals match the inbox."""
    today = today or timezone.localdate()
    children = list(Region.objects.filter(parent=region).order_by("code"))
    child_codes = {child.code for child in children}
    rows = readable(user).filter(region__code__startswith=region.prefix, state__in=PENDING)
    width = len(children[0].prefix) if children else len(region.prefix)
    # One grouped query: the child is the first digits of the warning's region.
    counted = (
        rows.annotate(child=Substr("region_id", 1, width))
        .values("child", "rule")
        .annotate(waiting=Count("id"), overdue=Count("id", filter=Q(due_on__lt=today)))
        .order_by()
    )
    cells: dict[tuple[str, str], list[int]] = {}
    for row in counted:
        code = row["child"].ljust(12, "0")
        cell = cells.setdefault((row["rule"], code if code in child_codes else region.code), [0, 0])
        cell[0] += row["waiting"]
        cell[1] += row["overdue"]
    columns = children + ([region] if any(code == region.code for _r, code in cells) else [])
    lines = []
    for code, rule in RULES.items():
        values = [cells.get((code, column.code), [0, 0]) for column in columns]
        lines.append(
            {
                "rule": rule,
                "cells": list(zip(columns, values, strict=True)),
                "waiting": sum(v[0] for v in values),
                "overdue": sum(v[1] for v in values),
            }
        )
    return {"columns": columns, "rows": lines}
