"""Session auth for the browser, bearer tokens for machine clients (sector systems)."""

from ninja.security import HttpBearer, django_auth

from tuopin.accounts.selectors import api_token_for_key
from tuopin.accounts.services import api_token_touch


class ApiTokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request, token: str):
        api_token = api_token_for_key(token)
        if api_token is None:
            return None
        api_token_touch(api_token)
        request.user = api_token.user
        return api_token.user


AUTH = [ApiTokenAuth(), django_auth]
