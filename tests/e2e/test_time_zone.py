"""Sign-up takes the time zone from the browser (Intl API); the person can change it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_sign_up_fills_in_the_browsers_zone(live_server, browser, db):
    from ldncare.web.accounts.models import User

    context = browser.new_context(viewport={"width": 390, "height": 844}, timezone_id="Asia/Tokyo")
    page = context.new_page()
    page.goto(live_server.url + "/accounts/signup/")
    zone = page.get_by_label("Your time zone")
    expect(zone).to_have_value("Asia/Tokyo")
    page.get_by_label("Username").fill("kenji")
    page.get_by_label("Email").fill("kenji@example.org")
    page.get_by_label("Password", exact=True).fill("a long pass phrase 42")
    page.get_by_label("Password confirmation").fill("a long pass phrase 42")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(live_server.url + "/me/onboarding/")
    assert User.objects.get(username="kenji").time_zone == "Asia/Tokyo"
    context.close()
