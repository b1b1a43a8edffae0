"""Phone first (issue 16), in Chromium at 390 px: for the patient, the clinician and the pharmacist
of the demo clinic, every page reachable from the navigation (and the record pages one step
deeper) is no wider than the phone; the navigation marks the current page and offers only what the
person can use; the progress chart answers a tap with the day's values; dark mode follows the
system setting."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import expect
from tests.e2e.conftest import assert_accessible, sign_in

from ldncare.web.demo.services import DEMO_PASSWORD, demo_clinic_create

pytestmark = pytest.mark.e2e

PHONE_PX = 390
# Links left out of the walk: they download a file, end the session or leave the pages.
NOT_A_PAGE = re.compile(r"logout|/admin|export|format=|\.ics|\.csv|\.pdf|\.svg|\.json|/api/|/sw\.js|manifest")


@pytest.fixture
def demo(db):
    return demo_clinic_create(reset=True)


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": PHONE_PX, "height": 844}, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def _nav_links(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("header a[href]", "els => els.map(e => e.getAttribute('href'))")
    out = []
    for href in hrefs:
        url = urljoin(page.url, href).split("#")[0]
        if url.startswith(base) and not NOT_A_PAGE.search(url) and url not in out:
            out.append(url)
    return out


def _too_wide(page) -> str | None:
    """None if the page fits the phone, else its width and the elements that stick out."""
    width = page.evaluate("() => document.documentElement.scrollWidth")
    if width <= PHONE_PX:
        return None
    culprits = page.evaluate("""(vw) => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > vw + 1).slice(-3)
        .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))""", PHONE_PX)
    return f"{width} px: {culprits}"


def _walk(page, base: str, *, deeper: str | None = None) -> dict[str, str]:
    """Every page of the navigation, and the links under ``deeper`` found on them (one step)."""
    page.goto(base + "/")
    pages = _nav_links(page, base)
    wide: dict[str, str] = {}
    seen: set[str] = set()
    queue = list(pages)
    while queue:
        url = queue.pop(0)
        shape = re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}|\d+", "N", urlsplit(url).path)
        if shape in seen:
            continue
        seen.add(shape)
        page.goto(url)
        assert_accessible(page, url)
        problem = _too_wide(page)
        if problem:
            wide[urlsplit(url).path] = problem
        if deeper and url in pages:
            for href in page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))"):
                link = urljoin(page.url, href).split("#")[0]
                if link.startswith(base + deeper) and not NOT_A_PAGE.search(link) and link not in queue:
                    queue.append(link)
    assert len(seen) >= 3, seen
    return wide


def test_patient_pages_fit_a_phone(live_server, phone, demo):
    sign_in(phone, live_server.url, "demo-responder", DEMO_PASSWORD)
    assert _walk(phone, live_server.url, deeper="/me/") == {}


def test_clinician_pages_fit_a_phone(live_server, phone, demo):
    sign_in(phone, live_server.url, "demo-clinician", DEMO_PASSWORD)
    assert _walk(phone, live_server.url, deeper="/patients/") == {}


def test_pharmacist_pages_fit_a_phone(live_server, phone, demo):
    sign_in(phone, live_server.url, "demo-pharmacist", DEMO_PASSWORD)
    assert _walk(phone, live_server.url, deeper="/pharmacy/") == {}


def test_public_pages_fit_a_phone(live_server, phone, demo):
    assert _walk(phone, live_server.url, deeper="/library/") == {}


def test_navigation_marks_the_current_page_and_offers_trial_only_in_a_trial(live_server, phone, demo):
    sign_in(phone, live_server.url, "demo-responder", DEMO_PASSWORD)
    phone.goto(live_server.url + "/")
    nav = phone.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Trial")).to_have_count(0)  # demo-responder is in no trial
    nav.get_by_role("link", name="Progress").click()
    expect(nav.locator("[aria-current=page]")).to_have_text("Progress")
    for link in nav.get_by_role("link").all():  # every link a 44 px touch target
        assert link.bounding_box()["height"] >= 44, link.inner_text()
    phone.context.clear_cookies()
    sign_in(phone, live_server.url, "demo-trial", DEMO_PASSWORD)
    expect(phone.get_by_role("navigation", name="Main").get_by_role("link", name="Trial")).to_have_count(1)


def test_progress_chart_answers_a_tap_and_switches_range_and_outcome(live_server, phone, demo):
    sign_in(phone, live_server.url, "demo-responder", DEMO_PASSWORD)
    phone.goto(live_server.url + "/me/progress/")
    chart = phone.locator("#progress-chart")
    expect(chart).to_have_class(re.compile("chart-ready"))
    plot = chart.locator(".u-over")
    box = plot.bounding_box()
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= PHONE_PX
    plot.tap(position={"x": box["width"] * 0.5, "y": box["height"] / 2})
    day = chart.locator(".u-legend .u-series").first.locator(".u-value")
    expect(day).to_have_text(re.compile(r"^\d{1,2} \w{3} \d{4}$"))  # the tapped day, with its year
    tapped = day.inner_text()
    plot_box = chart.locator("[data-chart-plot]")  # the arrow keys walk the days, the legend reads them
    plot_box.focus()
    plot_box.press("ArrowRight")  # from nothing chosen: the last day
    expect(day).not_to_have_text(tapped)
    last = day.inner_text()
    plot_box.press("ArrowLeft")
    expect(day).not_to_have_text(last)
    expect(day).to_have_text(re.compile(r"^\d{1,2} \w{3} \d{4}$"))
    chart.get_by_role("button", name="4 weeks").click()
    expect(chart.get_by_role("button", name="4 weeks")).to_have_attribute("aria-pressed", "true")
    chart.get_by_label("Show").select_option("pain")
    assert chart.locator(".u-legend .u-series.u-off").count() == 3  # fatigue, sleep, mood hidden
    chart.get_by_text("The same data as a table").click()
    expect(chart.locator("table tbody tr").first).to_be_visible()
    assert _too_wide(phone) is None


def test_dark_mode_follows_the_system_setting(live_server, browser, demo):
    context = browser.new_context(viewport={"width": PHONE_PX, "height": 844}, color_scheme="dark")
    page = context.new_page()
    page.goto(live_server.url + "/library/")
    background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    context.close()
    red, green, blue = (int(v) for v in re.findall(r"\d+", background)[:3])
    assert red + green + blue < 150, background  # a dark page
