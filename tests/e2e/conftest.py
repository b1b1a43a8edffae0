"""Real-browser tests: Playwright driving Debian's Chromium (``/usr/bin/chromium``).

The browser is the system's, not a Playwright download (the network reaches only the
package registries); ``make test`` installs it with apt when it is missing.
"""

from __future__ import annotations

import os
import shutil

import pytest

from ldncare.web.accounts.totp_client import pass_second_factor

__all__ = ["pass_second_factor"]  # the staff code step, shared with docs/_shots.py

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
