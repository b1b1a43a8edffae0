"""Regenerate the screenshots of the evidence library and the simulator in ``docs/img/``.

Usage (from the checkout)::

    .venv/bin/python docs/screenshots_library.py [PREFIX]   # e.g. "library-" for the library pictures only

It migrates a throw-away SQLite database in a temporary directory (your ``var/`` data is
not touched), serves the site with waitress on a free local port, and drives Debian's
Chromium (``/usr/bin/chromium`` or ``$LDNCARE_CHROMIUM``) with Playwright. The "popular
searches" on the pictures are real counts of the searches this script makes through the site.
"""

from __future__ import annotations

from _shots import OUT, launch_browser, serve_site, shot  # docs/_shots.py

SHOTS = [  # (file name, path, what to do first)
    ("library-index.png", "/library/", None),
    ("library-search-crohn.png", "/library/search/?q=crohn", None),
    ("library-condition-crohns.png", "/library/conditions/crohns-disease/", None),
    ("library-condition-fibromyalgia-side-by-side.png", "/library/conditions/fibromyalgia/", "#pooled-h"),
    ("library-study.png", "/library/studies/smith2011-crohns-rct/", None),
    ("library-side-effects.png", "/library/side-effects/", None),
    ("library-alternatives.png", "/library/alternatives/", None),
    ("library-about.png", "/library/about/", None),
    ("library-claims.png", "/library/claims/", None),
    ("simulator-default.png", "/simulator/", None),
    ("simulator-sr-compromise.png", "/simulator/?dose_mg=1.5&time=08:00&form=sr&weight_kg=60&hepatic=none"
                                    "&scenario=compromise&days=7", None),
    ("simulator-form-error.png", "/simulator/?dose_mg=0&time=25:00&form=ir&weight_kg=70&hepatic=none"
                                 "&scenario=fast&days=14", None),
]
MAX_HEIGHT = 2400


def main(prefix: str = "") -> int:
    base, server = serve_site(demo=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch_browser(pw)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        for q in ("crohn", "crohn", "fibromyalgia", "fibromyalgia", "headache", "headache", "casomorphin", "casomorphin"):
            page.goto(f"{base}/library/search/?q={q}")
        for name, path, anchor in SHOTS:
            if not name.startswith(prefix):
                continue
            page.goto(base + path)
            if path.startswith("/simulator/") and "form-error" not in name:
                page.wait_for_selector("#chart-occ.chart-ready")
            page.wait_for_load_state("networkidle")
            if anchor:
                page.locator(anchor).scroll_into_view_if_needed()
                page.screenshot(path=str(OUT / name))
            else:
                shot(page, name, max_height=MAX_HEIGHT)
                continue
            print(f"wrote docs/img/{name}")
        browser.close()
    server.close()
    return 0


if __name__ == "__main__":
    import sys

    raise SystemExit(main(*sys.argv[1:2]))
