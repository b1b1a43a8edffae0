"""Regenerate the phone and desktop screenshots of the interactive charts and the navigation in
``docs/img/`` (390 px and 1280 px, light and dark), on the demo clinic's synthetic data.

Usage (from the checkout)::

    .venv/bin/python docs/screenshots_phone.py

Like the other ``docs/screenshots_*.py`` scripts it uses a throw-away SQLite database (your
``var/`` data is not touched) and Debian's Chromium.
"""

from __future__ import annotations

from _shots import OUT, launch_browser, serve_site  # docs/_shots.py


def _sign_in(page, base: str, username: str, password: str) -> None:
    from ldncare.web.accounts.totp_client import pass_second_factor

    page.goto(base + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    pass_second_factor(page, username)
    page.wait_for_url(base + "/")


def main() -> int:
    base, server = serve_site(demo=True)
    from playwright.sync_api import sync_playwright

    from ldncare.web.demo.services import DEMO_PASSWORD

    with sync_playwright() as pw:
        browser = launch_browser(pw)
        for width, scheme in ((390, "light"), (390, "dark"), (1280, "light")):
            phone = width < 500
            context = browser.new_context(viewport={"width": width, "height": 900 if phone else 1000},
                                          is_mobile=phone, has_touch=phone, color_scheme=scheme)
            page = context.new_page()
            _sign_in(page, base, "demo-responder", DEMO_PASSWORD)
            page.goto(base + "/me/progress/")
            chart = page.locator("#progress-chart")
            chart.locator(".u-over").wait_for()
            page.wait_for_selector("#progress-chart.chart-ready")
            chart.evaluate("e => e.scrollIntoView()")  # the chart and its legend fill the screen
            over = chart.locator(".u-over")
            box = over.bounding_box()
            (over.tap if phone else over.hover)(position={"x": box["width"] * 0.8, "y": box["height"] / 2})
            name = f"progress-chart-{width}{'-dark' if scheme == 'dark' else ''}.png"
            page.screenshot(path=str(OUT / name), full_page=False)
            print(f"wrote docs/img/{name}")
            if phone and scheme == "light":
                page.goto(base + "/simulator/")
                page.wait_for_selector("#chart-occ.chart-ready")
                page.locator("#chart-occ").screenshot(path=str(OUT / "simulator-chart-390.png"))
                print("wrote docs/img/simulator-chart-390.png")
            context.close()
        browser.close()
    server.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
