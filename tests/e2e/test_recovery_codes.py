"""A lost phone in a real browser: a pharmacist enrols, keeps the recovery codes, and later gets
back in with one of them, then resets two-step sign-in and enrols the new phone."""

from __future__ import annotations

import base64
import re

import pytest
from playwright.sync_api import expect

from ldncare.web.accounts.totp_client import authenticator_code

from .conftest import assert_accessible, enter_password, pass_second_factor

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_a_recovery_code_brings_a_staff_member_back_after_a_lost_phone(live_server, browser, pharmacist, password):
    base = live_server.url
    first = browser.new_context(viewport={"width": 390, "height": 844})
    page = first.new_page()
    enter_password(page, base, pharmacist.username, password)
    page.wait_for_url(re.compile(r".*/accounts/2fa/setup/.*"))
    # enrol; the page that follows shows the codes once
    key = base64.b32decode(page.locator("#otp-secret").inner_text().replace(" ", ""))
    page.get_by_label("6-digit code").fill(authenticator_code(key))
    page.get_by_role("button", name="Turn on").click()
    codes_list = page.get_by_role("list", name="Your recovery codes")
    expect(codes_list.locator("li")).to_have_count(10)
    assert_accessible(page)
    codes = [c.strip() for c in codes_list.locator("code").all_inner_texts()]
    page.get_by_role("link", name="I have saved them — continue").click()
    page.wait_for_url(base + "/")
    first.close()

    # the phone is lost: a new browser, the password, then a recovery code
    later = browser.new_context(viewport={"width": 390, "height": 844})
    page = later.new_page()
    enter_password(page, base, pharmacist.username, password)
    page.get_by_role("link", name="Use a recovery code").click()
    page.wait_for_url(re.compile(r".*/accounts/2fa/recovery/.*"))
    assert_accessible(page)
    page.get_by_label("Recovery code").fill(codes[0].upper().replace("-", " "))  # typed any way
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(base + "/accounts/security/")
    expect(page.locator("main")).to_contain_text("9 of your codes are left")
    assert_accessible(page)

    # reset the lost phone: the password alone in this session, then enrol the new phone
    page.get_by_role("link", name=re.compile("^Reset")).click()
    page.wait_for_url(base + "/accounts/2fa/reset/")
    expect(page.get_by_label(re.compile("6-digit code"))).to_have_count(0)
    page.get_by_label("Your current password").fill(password)
    page.get_by_role("button", name="Reset").click()
    page.wait_for_url(re.compile(r".*/accounts/2fa/setup/.*"))
    pass_second_factor(page, pharmacist.username)  # the new phone; new codes shown and passed
    page.wait_for_url(re.compile(rf"^{re.escape(base)}/.*"))
    page.goto(base + "/accounts/security/")
    expect(page.locator("main")).to_contain_text("10 unused")
    later.close()
