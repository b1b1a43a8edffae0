"""Real-browser tests: Playwright driving Debian's Chromium (``/usr/bin/chromium``).

The browser is the system's, not a Playwright download (the network reaches only the
package registries); ``make test`` installs it with apt when it is missing.
"""

from __future__ import annotations

import os
import shutil

import pytest

pytestmark = pytest.mark.e2e

CHROMIUM = os.environ.get("LDNCARE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Playwright's sync API runs an event loop in the test thread; the tests' own ORM calls (and
# pytest-django's session-scoped database set-up, which runs after the browser starts) are
# still synchronous, so Django's async-safety guard is lifted for the test process. A test
# that starts a deploy-like subprocess must drop the variable (see test_headers.py).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _authenticator_code(key: bytes, *, after_step: int = -1, step: int = 30) -> str:
    """What an authenticator app shows for ``key``: the current code, or the next one when the
    current time step was already spent (``after_step``, the device's ``last_t``; codes are single-use)."""
    import time

    from django_otp.oath import TOTP

    generator = TOTP(key, step=step)
    while True:
        now = time.time()
        for ahead in (0, 1):  # the server accepts one step ahead (tolerance 1)
            generator.time = now + ahead * step
            if generator.t() > after_step:
                return f"{generator.token():06d}"
        time.sleep(1)


def pass_second_factor(page, username: str) -> None:
    """After the password, a staff member gives the code: enrolling first (scanning the secret,
    as a new colleague does at the first sign-in) or from the device already enrolled."""
    import base64
    from urllib.parse import urlsplit

    from django_otp.plugins.otp_totp.models import TOTPDevice

    page.wait_for_load_state()
    path = urlsplit(page.url).path
    if path == "/accounts/2fa/setup/":
        key = base64.b32decode(page.locator("#otp-secret").inner_text().replace(" ", ""))
        page.get_by_label("6-digit code").fill(_authenticator_code(key))
        page.get_by_role("button", name="Turn on").click()
    elif path == "/accounts/2fa/":
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        page.get_by_label("6-digit code").fill(_authenticator_code(device.bin_key, after_step=device.last_t))
        page.get_by_role("button", name="Continue").click()


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}; run `make test` (it installs it) or set LDNCARE_CHROMIUM")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone first
    page = context.new_page()
    yield page
    context.close()
