"""Reads of the notices (公告公示): the public list (no login: posted now and past ones,
never a withdrawn or not yet started one) and the staff's list of their region, with
each notice's state."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuopin.core.errors import OutOfScope
from tuopin.projects import access
from tuopin.projects.models import Disclosure

PENDING, POSTED, ENDED, WITHDRAWN = "pending", "posted", "ended", "withdrawn"
STATES = {
    PENDING: _("待发布"),
    POSTED: _("公示中"),
    ENDED: _("已结束"),
    WITHDRAWN: _("已撤回"),
}


def state_q(state: str, today: date) -> Q:
    live = Q(withdrawn_at__isnull=True)
    return {
        PENDING: live & Q(starts_on__gt=today),
        POSTED: live & Q(starts_on__lte=today, ends_on__gte=today),
        ENDED: live & Q(ends_on__lt=today),
        WITHDRAWN: Q(withdrawn_at__isnull=False),
    }[state]


def disclosure_state(disclosure: Disclosure, today: date | None = None) -> str:
    today = today or timezone.localdate()
    if disclosure.withdrawn_at is not None:
        return WITHDRAWN
    if disclosure.starts_on > today:
        return PENDING
    return ENDED if disclosure.ends_on < today else POSTED


def _listed() -> QuerySet:
    return Disclosure.objects.select_related("region", "region__parent").defer("rows")


def public_disclosures(
    state: str = POSTED, prefix: str = "", today: date | None = None
) -> QuerySet:
    """What anyone may read: notices posted now (or past ones), none withdrawn."""
    if state not in (POSTED, ENDED):
        state = POSTED
    found = _listed().filter(state_q(state, today or timezone.localdate()))
    return found.filter(region__code__startswith=prefix) if prefix else found


def public_disclosure(disclosure_id: int, today: date | None = None) -> Disclosure | None:
    today = today or timezone.localdate()
    return (
        Disclosure.objects.select_related("region", "region__parent")
        .filter(state_q(POSTED, today) | state_q(ENDED, today), pk=disclosure_id)
        .first()
    )


def staff_disclosures(user, prefix: str, state: str = "", today: date | None = None):
    """The notices of the region the user reads, newest first."""
    found = _listed().filter(
        access.read_q(user, access.DISCLOSURE), region__code__startswith=prefix
    )
    if state in STATES:
        found = found.filter(state_q(state, today or timezone.localdate()))
    return found


def staff_disclosure(user, disclosure_id: int) -> Disclosure:
    """A notice the user reads; outside or missing answers 404 alike."""
    found = (
        Disclosure.objects.select_related("region", "region__parent", "posted_by", "withdrawn_by")
        .filter(access.read_q(user, access.DISCLOSURE), pk=disclosure_id)
        .first()
    )
    if found is None:
        raise OutOfScope("disclosure", str(disclosure_id))
    return found


def posted_now_count(q: Q, today: date | None = None) -> int:
    return Disclosure.objects.filter(q, state_q(POSTED, today or timezone.localdate())).count()
