"""Pages under the Content-Security-Policy in a real Chromium: the `page` fixture of
test_browser.py fails the test on any refusal Chromium reports (inline script or style,
handler attribute, a style element added by a script)."""

import pytest

from conftest import MINQUAN
from tests.test_browser import PASSWORD, browser, log_in, page  # noqa: F401 - fixtures
from tuopin.accounts.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_main_pages_and_the_api_docs_run_under_the_policy(page, live_server, make_user):  # noqa: F811
    make_user(Role.COUNTY_OFFICE, MINQUAN, username="minquan", password=PASSWORD)
    log_in(page, live_server, "minquan")
    for path in [
        "/",
        f"/regions/{MINQUAN}/",
        "/registry/households/",
        "/quality/",
        "/accounts/profile/",
        "/api/v1/docs",
    ]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert response.headers["content-security-policy"].startswith("default-src 'self'")
        page.wait_for_load_state("networkidle")
    # The API documentation is drawn by its script, which the policy let run.
    assert page.locator(".swagger-ui").count() == 1
