"""What the ``docs/screenshots_*.py`` scripts share: a throw-away site and a browser.

Each script migrates a fresh SQLite database in a temporary directory (your ``var/`` data is
not touched), optionally creates the demo clinic (synthetic data), serves the site with
waitress on a free local port and drives Debian's Chromium (``/usr/bin/chromium`` or
``$LDNCARE_CHROMIUM``) with Playwright. ``make screenshots`` runs them all.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "img"
WIDTH = 1200

sys.path.insert(0, str(ROOT / "src"))


def serve_site(*, demo: bool):
    """Set up Django on a throw-away database, start waitress; return (base URL, server)."""
    tmp = tempfile.mkdtemp(prefix="ldncare-shots-")
    os.environ["LDNCARE_VAR_DIR"] = tmp
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/shots.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ldncare.web.settings")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop beside the ORM calls
    import django

    django.setup()
    from django.core.management import call_command
    from waitress import create_server

    from ldncare.web.wsgi import application

    call_command("migrate", verbosity=0)
    if demo:
        from ldncare.web.demo.services import demo_clinic_create

        demo_clinic_create()
    server = create_server(application, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    OUT.mkdir(parents=True, exist_ok=True)
    return f"http://127.0.0.1:{server.effective_port}", server


def launch_browser(playwright):
    chromium = os.environ.get("LDNCARE_CHROMIUM", "/usr/bin/chromium")
    return playwright.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu"])


def shot(page, name: str, *, max_height: int = 2000) -> None:
    """Save the top of the page (at most ``max_height`` pixels) as ``docs/img/<name>``."""
    page.wait_for_load_state("networkidle")
    height = min(page.evaluate("document.documentElement.scrollHeight"), max_height)
    page.screenshot(path=str(OUT / name), clip={"x": 0, "y": 0, "width": WIDTH, "height": height}, full_page=True)
    print(f"wrote docs/img/{name}")


def sign_in(browser, base: str, username: str, password: str):
    page = browser.new_context(viewport={"width": WIDTH, "height": 900}).new_page()
    page.goto(base + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    from ldncare.web.accounts.totp_client import pass_second_factor

    pass_second_factor(page, username)  # staff: enrol at the first sign-in, then a code
    page.wait_for_url(base + "/")
    return page
