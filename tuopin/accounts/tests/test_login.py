"""Logging in and out: Chinese pages, one generic error, lockout, sessions, argon2."""

import importlib

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from conftest import CITY, MINQUAN
from tuopin.accounts.roles import Role

PASSWORD = "Shangqiu#2018"
GENERIC_ERROR = "用户名或密码错误"


@pytest.fixture
def client():
    return Client()


@pytest.fixture
def officer(make_user):
    return make_user(Role.COUNTY_OFFICE, MINQUAN, username="officer", password=PASSWORD)


def login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def logged_in_user_id(client):
    return client.session.get(SESSION_KEY)


def test_the_login_page_is_in_chinese(client, db):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "登录" in page
    assert "用户名" in page and "密码" in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_a_correct_login_opens_a_session(client, officer):
    response = login(client, "officer", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse(settings.LOGIN_REDIRECT_URL)
    assert logged_in_user_id(client) == str(officer.pk)


def test_unknown_user_and_wrong_password_get_the_same_generic_message(client, officer):
    unknown = login(client, "no-such-user", PASSWORD)
    wrong = login(client, "officer", "Wrong#Password1")
    for response in (unknown, wrong):
        assert response.status_code == 200
        page = response.content.decode()
        assert page.count(GENERIC_ERROR) == 1
        assert "不存在" not in page  # nothing tells whether the user exists
    errors = [list(r.context["form"].non_field_errors()) for r in (unknown, wrong)]
    assert errors[0] == errors[1]
    assert len(errors[0]) == 1 and GENERIC_ERROR in errors[0][0]
    assert logged_in_user_id(client) is None


def test_an_inactive_user_gets_the_same_generic_message(client, officer):
    officer.is_active = False
    officer.save()
    response = login(client, "officer", PASSWORD)
    assert response.status_code == 200
    assert GENERIC_ERROR in response.content.decode()
    assert logged_in_user_id(client) is None


def test_repeated_failures_lock_the_account_even_with_the_right_password(client, officer):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "officer", "Wrong#Password1")

    response = login(client, "officer", PASSWORD)

    assert "账号已锁定" in response.content.decode()
    assert response.status_code in (403, 429)
    assert logged_in_user_id(client) is None


def test_failures_below_the_limit_do_not_lock(client, officer):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "officer", "Wrong#Password1")
    response = login(client, "officer", PASSWORD)
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(officer.pk)


def test_a_lockout_of_one_account_leaves_another_alone(client, officer, make_user):
    other = make_user(Role.CITY_OFFICE, CITY, username="colleague", password=PASSWORD)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "officer", "Wrong#Password1")
    response = login(client, "colleague", PASSWORD)
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(other.pk)


def test_sessions_end_with_the_browser_and_within_a_working_day():
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert 0 < settings.SESSION_COOKIE_AGE <= 8 * 3600
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_the_session_cookie_is_a_browser_session_cookie(client, officer):
    response = login(client, "officer", PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value
    assert cookie["expires"] == ""
    assert cookie["max-age"] == ""
    assert cookie["httponly"]


def test_production_hashes_passwords_with_argon2(settings, make_user):
    base = importlib.import_module("config.base")
    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"

    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    user = make_user(Role.CITY_OFFICE, CITY, username="argon", password=PASSWORD)
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password(PASSWORD)
    assert not user.check_password(PASSWORD + "x")


def test_logout_is_post_only(client, officer):
    client.force_login(officer)
    response = client.get(reverse("accounts:logout"))
    assert response.status_code == 405
    assert logged_in_user_id(client) == str(officer.pk)

    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response.url == reverse(settings.LOGOUT_REDIRECT_URL)
    assert logged_in_user_id(client) is None


def test_pages_need_a_login(client, db):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_a_token_created_on_the_profile_page_is_shown_once(client, officer):
    client.force_login(officer)
    response = client.post(reverse("accounts:token_create"), {"name": "教育局数据交换"})
    assert response.status_code == 302
    token = officer.api_tokens.get()

    first = client.get(reverse("accounts:profile")).content.decode()
    assert 'data-testid="new-token"' in first
    assert token.prefix in first
    second = client.get(reverse("accounts:profile")).content.decode()
    assert 'data-testid="new-token"' not in second
    assert "教育局数据交换" in second


def test_a_token_is_revoked_only_by_a_post_of_its_owner(client, officer, make_user):
    from tuopin.accounts.selectors import api_token_for_key
    from tuopin.accounts.services import api_token_issue

    token, raw = api_token_issue(acting_user=officer, user=officer, name="api")
    stranger = make_user(Role.CITY_OFFICE, CITY)
    client.force_login(stranger)
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert api_token_for_key(raw) is not None

    client.force_login(officer)
    assert client.get(reverse("accounts:token_revoke", args=[token.pk])).status_code == 405
    assert api_token_for_key(raw) is not None
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert api_token_for_key(raw) is None
