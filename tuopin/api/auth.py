"""Session auth for the browser, bearer tokens for machine clients (sector systems)."""

from django.conf import settings
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from tuopin.accounts.selectors import api_token_for_key
from tuopin.accounts.services import api_token_touch
from tuopin.core.errors import TuopinError


class CsrfFailed(TuopinError):
    """A session-authenticated write without the CSRF token: refused, in the API's format."""

    status = 403

    def __init__(self):
        super().__init__(
            "csrf_failed",
            "CSRF 校验失败：用会话登录调用写操作时，须在 X-CSRFToken 请求头中带上 csrftoken "
            "Cookie 的值；机器客户端请改用令牌（Authorization: Bearer …）",
            "CSRF check failed: a write with the session must send the csrftoken cookie's "
            "value in the X-CSRFToken header; machine clients use a token "
            "(Authorization: Bearer …)",
        )


class ApiTokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request, token: str):
        api_token = api_token_for_key(token)
        if api_token is None:
            return None
        api_token_touch(api_token)
        request.user = api_token.user
        return api_token.user


class SessionAuth(NinjaSessionAuth):
    """django-ninja's session auth with its CSRF check (Django's own middleware, for unsafe
    methods) kept as it is; only the refusal answers in the API's error body."""

    def _get_key(self, request):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            # No session cookie: nothing a forged request could ride on, and the caller is
            # simply not logged in (401), not refused a CSRF check.
            return None
        try:
            return super()._get_key(request)
        except HttpError as error:
            raise CsrfFailed() from error


AUTH = [ApiTokenAuth(), SessionAuth()]
