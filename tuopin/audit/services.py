"""Writes of the audit app: appending to the access log."""

from tuopin.accounts.selectors import primary_region_code
from tuopin.audit.models import AccessLog
from tuopin.core.clientip import client_ip


def access_log_record(
    *,
    kind: str,
    user=None,
    request=None,
    username: str = "",
    region_code: str | None = None,
    object_type: str = "",
    object_id: str = "",
    detail: str = "",
) -> AccessLog:
    """Append one entry. `region_code` defaults to the user's own region."""
    if user is not None and not user.is_authenticated:
        user = None
    if region_code is None:
        region_code = primary_region_code(user) if user else ""
    return AccessLog.objects.create(
        user=user,
        username=(user.get_username() if user else username)[:150],
        kind=kind,
        region_code=region_code,
        object_type=object_type,
        object_id=str(object_id)[:64],
        detail=detail[:500],
        path=(request.get_full_path()[:300] if request is not None else ""),
        ip_address=client_ip(request),
    )
