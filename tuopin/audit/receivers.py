from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from tuopin.accounts.selectors import primary_region_code
from tuopin.audit.models import AccessKind
from tuopin.audit.services import access_log_record


def _known_region(username: str) -> str:
    # A failed login is filed under the named user's region, so that region's auditor sees it.
    user = get_user_model().objects.filter(username=username).first()
    return primary_region_code(user) if user else ""


@receiver(user_logged_in)
def record_login(sender, request, user, **kwargs):
    access_log_record(kind=AccessKind.LOGIN, user=user, request=request)


@receiver(user_logged_out)
def record_logout(sender, request, user, **kwargs):
    if user is not None:
        access_log_record(kind=AccessKind.LOGOUT, user=user, request=request)


@receiver(user_login_failed)
def record_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))
    access_log_record(
        kind=AccessKind.LOGIN_FAILED,
        username=username,
        request=request,
        region_code=_known_region(username),
    )


@receiver(user_locked_out)
def record_locked_out(sender, request, username=None, ip_address=None, **kwargs):
    access_log_record(
        kind=AccessKind.LOCKED_OUT,
        username=username or "",
        request=request,
        region_code=_known_region(username or ""),
        detail="多次登录失败，账号已锁定 (locked out after repeated failures)",
    )
