"""Reads of the audit app, scoped like everything else."""

from datetime import date, datetime, time

from django.db.models import Q, QuerySet
from django.utils import timezone

from tuopin.accounts.roles import Permission
from tuopin.accounts.selectors import UNRESTRICTED, scope_prefixes, scope_q
from tuopin.audit.models import AccessLog


def access_log_for_user(
    user,
    *,
    kind: str = "",
    username: str = "",
    region_prefix: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet:
    """Entries in the regions where the user audits; entries without a region city-wide only."""
    prefixes = scope_prefixes(user, Permission.AUDIT_VIEW)
    city_wide = prefixes is UNRESTRICTED or any(len(prefix) <= 4 for prefix in prefixes)
    visible = scope_q(user, "region_code", Permission.AUDIT_VIEW)
    if city_wide:
        visible |= Q(region_code="")
    entries = AccessLog.objects.filter(visible)
    if kind:
        entries = entries.filter(kind=kind)
    if username:
        entries = entries.filter(username__icontains=username.strip())
    if region_prefix:
        entries = entries.filter(region_code__startswith=region_prefix)
    zone = timezone.get_current_timezone()
    if date_from:
        entries = entries.filter(at__gte=datetime.combine(date_from, time.min, zone))
    if date_to:
        entries = entries.filter(at__lte=datetime.combine(date_to, time.max, zone))
    return entries.order_by("-id")
