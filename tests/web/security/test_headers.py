"""Security headers on every HTML page, no inline script anywhere, and a clean ``check --deploy``.

The pages come from the access matrix (itself checked against the URL conf), each fetched as
an actor the matrix says is served, so a new page is covered as soon as it has its matrix row.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from ..test_access_matrix import WEB

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

WEB_ROOT = Path(__file__).resolve().parents[3] / "src/ldncare/web"
PREFERRED_ACTORS = ("anon", "owner", "clin_ok", "pharm_ok", "stranger", "clin_none", "pharm_other", "admin")
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)
EVENT_ATTR = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)


# Pages that the matrix's actors only see as a redirect (they need a session still owing its code,
# or a second factor to reset): their headers are checked in tests/web/accounts/test_second_factor.py
# and tests/web/accounts/test_recovery_codes.py.
SHOWN_MID_SIGN_IN = {"accounts:second-factor", "accounts:second-factor-reset", "accounts:second-factor-recovery",
                     "accounts:recovery-codes"}
# Routes that only redirect to another page of the matrix (no page of their own), or, for the
# e-mail link, whose only page is its refusal (headers checked in tests/web/accounts/test_email_change.py).
REDIRECT_ONLY = {"pharmacy:index", "accounts:email-confirm"}


def _html_pages():
    for name, requests in sorted(WEB.items()):
        for method, path_of, _data, table, *_ in requests:
            if method == "get" and name not in SHOWN_MID_SIGN_IN | REDIRECT_ONLY:
                actor = next((a for a in PREFERRED_ACTORS if table[a] == "ok"), None)
                if actor is None:  # served to nobody in the matrix world (e.g. an invalid link, no pooled forest)
                    continue
                yield pytest.param(path_of, actor, id=name)


def _inline_script_problems(html: str) -> list[str]:
    problems = []
    for attrs in SCRIPT_TAG.findall(html):
        if "src=" not in attrs and "application/json" not in attrs:
            problems.append(f"inline <script{attrs}>")
    problems += [f"event-handler attribute: {m.group(0)[:80]}" for m in EVENT_ATTR.finditer(html)]
    if re.search(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", html, re.I):
        problems.append("javascript: URL")
    return problems


@pytest.mark.parametrize(("path_of", "actor"), list(_html_pages()))
def test_every_html_page_carries_the_security_headers(client, world, settings, path_of, actor):
    settings.SECURE_HSTS_SECONDS = 31536000
    if world[actor] is not None:
        client.force_login(world[actor])
    response = client.get(path_of(world), secure=True)
    assert response.status_code == 200, response.status_code
    if not response["Content-Type"].startswith("text/html"):
        pytest.skip(f"not HTML: {response['Content-Type']}")
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert _inline_script_problems(response.content.decode()) == []


def test_no_template_holds_inline_script_or_event_handlers():
    problems = []
    for path in sorted(WEB_ROOT.rglob("*.html")):
        problems += [f"{path.relative_to(WEB_ROOT)}: {p}" for p in _inline_script_problems(path.read_text())]
        # templates rendered into PDFs are not served to a browser: their <style> is not under the CSP
        if re.search(r"<style\b", path.read_text(), re.I) and not path.name.endswith("_pdf.html"):
            problems.append(f"{path.relative_to(WEB_ROOT)}: inline <style> (put it in site.css)")
    for path in sorted(WEB_ROOT.rglob("*.py")):
        if re.search(r"""["']on(input|click|change|load|submit|error)["']\s*:""", path.read_text()):
            problems.append(f"{path.relative_to(WEB_ROOT)}: event-handler widget attribute")
    assert problems == []


def test_the_checker_finds_inline_script():
    assert _inline_script_problems('<script>alert(1)</script><p onclick="x()">') == [
        "inline <script>", 'event-handler attribute: <p onclick=']
    assert _inline_script_problems('<script type="application/json" id="d">{}</script><script src="/s.js"></script>') == []


def test_session_and_csrf_cookies_are_secure_httponly_and_lax_in_production(client, patient, password, settings):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    client.get("/accounts/login/")
    response = client.post("/accounts/login/", {"username": patient.username, "password": password}, secure=True)
    session = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert session["secure"]
    assert session["httponly"]
    assert session["samesite"] == "Lax"
    csrf = client.cookies["csrftoken"]
    assert csrf["secure"]
    assert csrf["httponly"]


@pytest.mark.slow
def test_check_deploy_reports_nothing_with_production_settings(tmp_path):
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("SECURE_", "SESSION_", "CSRF_")) and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
        },
        "DJANGO_SETTINGS_MODULE": "ldncare.web.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "ldn.example.org",
        "SECURE_SSL_REDIRECT": "true",
        "SECURE_HSTS_PRELOAD": "true",
        "LDNCARE_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/deploy.sqlite3",
    }
    result = subprocess.run([sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "DEBUG"],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr
