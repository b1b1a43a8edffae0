"""Real-browser tests: Playwright driving Debian's Chromium (``/usr/bin/chromium``).

The browser is the system's, not a Playwright download (the network reaches only the
package registries); ``make test`` installs it with apt when it is missing.
"""

from __future__ import annotations

import os
import shutil

import pytest

from ldncare.web.accounts.totp_client import pass_second_factor

__all__ = ["assert_accessible", "assert_urgent_card_first", "enter_password", "pass_second_factor", "sign_in"]  # the staff code step is shared with docs/_shots.py

pytestmark = pytest.mark.e2e

# The page checks every e2e test makes: every control labelled, images with text, one h1.
UNLABELLED = """
() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button')]
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.textContent.trim())
  .map(el => el.outerHTML.slice(0, 120))
"""
NO_ALT = "() => [...document.querySelectorAll('img')].filter(i => !i.getAttribute('alt')).map(i => i.src)"


def assert_accessible(page, where: str | None = None, *, images: bool = True) -> None:
    """Assert the page's controls are labelled, its images have text and it has exactly one h1.

    Waits for the document to finish loading first: a click that navigates returns once the
    new page has *started* loading, and checking a half-parsed document fails at random.
    """
    where = where or page.url
    page.wait_for_load_state("load")
    assert page.evaluate(UNLABELLED) == [], where
    if images:
        assert page.evaluate(NO_ALT) == [], where
    assert page.locator("h1").count() == 1, where


def assert_urgent_card_first(page, *texts: str, screenshot=None):
    """After saving a check-in: the result has the focus, the first urgent card is in the viewport,
    says ``texts`` and stands above the first routine card, and nothing scrolls sideways."""
    from playwright.sync_api import expect

    expect(page.locator("#checkin-result")).to_be_focused()
    urgent = page.locator("article.level-urgent_care").first
    routine = page.locator("article.level-expected_transient").first
    expect(urgent).to_be_in_viewport()
    for text in texts:
        expect(urgent).to_contain_text(text)
    assert urgent.bounding_box()["y"] < routine.bounding_box()["y"]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    if screenshot is not None:
        page.screenshot(path=str(screenshot))
    assert_accessible(page)
    return urgent


def enter_password(page, base: str, username: str, password: str) -> None:
    """The first sign-in step on ``page``: the sign-in form with username and password."""
    page.goto(base + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_in(page, base: str, username: str, password: str):
    """Sign ``username`` in on ``page`` (with the code step for staff) and wait for the home page."""
    enter_password(page, base, username, password)
    pass_second_factor(page, username)
    page.wait_for_url(base + "/")
    return page


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
