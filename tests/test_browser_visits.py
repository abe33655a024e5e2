"""A village cadre records a visit with a photo from a phone-size Chromium; the draft
survives a reload and is cleared once the visit is saved."""

import pytest

from tests.test_browser import PASSWORD, browser, log_in, shot  # noqa: F401  (fixture)
from tuopin.accounts.roles import Role
from tuopin.people.tests.helpers_factories import JPEG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
VILLAGE = "411421101201"


@pytest.fixture
def phone(browser):  # noqa: F811
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    refused = []
    page.on(
        "console",
        lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
    )
    yield page
    context.close()
    assert not refused, f"the Content-Security-Policy refused: {refused}"


def test_a_village_cadre_records_a_visit_with_a_photo_at_phone_size(
    phone, live_server, make_user, tmp_path
):
    from tuopin.people.models import Visit
    from tuopin.people.pairing_services import pairing_start
    from tuopin.people.tests.helpers_factories import helper, household

    make_user(Role.VILLAGE, VILLAGE, username="cunganbu", password=PASSWORD)
    home = household(VILLAGE)
    pairing_start(acting_user=None, household=home, helper=helper(name="陈帮扶"), started_on=None)
    log_in(phone, live_server, "cunganbu")
    url = f"{live_server.url}/people/households/{home.pk}/visits/new/"
    phone.goto(url)
    assert "陈帮扶" in phone.content()
    # Fits the phone: nothing wider than the screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.fill("#id_title", "屋顶漏雨")
    phone.fill("#id_agreed", "下周请村里维修")
    token = phone.input_value("#id_token")
    shot(phone, "helpers-01-visit-form")
    # The connection drops, the page is reloaded: what was typed is still there.
    phone.reload()
    assert phone.input_value("#id_title") == "屋顶漏雨"
    assert phone.input_value("#id_agreed") == "下周请村里维修"
    assert phone.input_value("#id_token") == token
    assert phone.is_visible("[data-draft-note]")
    photo = tmp_path / "roof.jpg"
    photo.write_bytes(JPEG)
    phone.set_input_files("#id_photos", str(photo))
    phone.click("[data-testid=visit-save]")
    phone.wait_for_load_state()
    if not phone.query_selector("[data-testid=visit-title]"):
        shot(phone, "helpers-99-failed")
        raise AssertionError(phone.inner_text("main")[:2000])
    phone.wait_for_selector("[data-testid=visit-title]")
    assert "屋顶漏雨" in phone.inner_text("[data-testid=visit-title]")
    visit = Visit.objects.get()
    assert visit.token == token and visit.photos.count() == 1
    loaded = phone.evaluate(
        "Array.from(document.querySelectorAll('[data-testid=visit-photos] img'))"
        ".map(i => i.complete && i.naturalWidth >= 0).length"
    )
    assert loaded == 1
    shot(phone, "helpers-02-visit-saved")
    # The draft is gone: a new form starts empty.
    assert phone.evaluate(f"localStorage.getItem('visit-draft-{home.pk}')") is None
    phone.goto(url)
    assert phone.input_value("#id_title") == ""
    # Sending the old form again (same token) makes no second visit.
    assert Visit.objects.count() == 1
