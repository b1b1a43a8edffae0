"""Stored XSS (research notes §6 class 8): payloads saved in every free-text field a patient or
clinician controls come back escaped on every page (as every actor the matrix serves), in SVG
charts, and neutralised in the CSV export (cells starting with = + - @ or a tab)."""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser

import pytest

from ..test_access_matrix import WEB

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

PAYLOADS = ['<img src=x onerror=alert(1)>', '"><script>alert(1)</script>', "x onmouseover=alert(1)",
            "javascript:alert(1)"]
RAW = ["<img src=x onerror", "<script>alert"]


class _ActiveContent(HTMLParser):
    """Collects what a browser would run: event-handler attributes, javascript: URLs, inline scripts."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:...>")
        self._in_script = tag == "script" and not any(n in ("src", "type") for n, _ in attrs)

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.found.append("inline script")

    def handle_endtag(self, tag):
        self._in_script = False
FORMULAS = ["=HYPERLINK(\"http://evil.example\")", "+1+1", "-2+3", "@SUM(A1)", "=cmd|' /C calc'!A0"]


@pytest.fixture
def poisoned(world):
    owner = world["owner"]
    joined = " ".join(PAYLOADS)
    owner.first_name = PAYLOADS[0][:150]
    owner.last_name = PAYLOADS[1][:150]
    owner.save()
    checkin = world["checkin"]
    checkin.notes = joined + " " + checkin.notes
    checkin.save()
    plan = world["plan"]
    plan.notes = joined + " " + plan.notes
    plan.save()
    profile = owner.ldn_profile if hasattr(owner, "ldn_profile") else None
    from ldncare.web.record.models import Profile

    profile = Profile.objects.get(patient=owner)
    profile.medicines = [*profile.medicines, PAYLOADS[0]]
    profile.save()
    return world


def _pages():
    for name, requests in sorted(WEB.items()):
        for method, path_of, _data, table, *_ in requests:
            if method == "get":
                actors = [a for a, want in table.items() if want == "ok" and a != "anon"] or ["anon"]
                yield pytest.param(path_of, actors, id=name)


@pytest.mark.parametrize(("path_of", "actors"), list(_pages()))
def test_stored_payloads_come_back_escaped_everywhere(client, poisoned, path_of, actors):
    failures = []
    for actor in actors:
        client.logout()
        if poisoned[actor] is not None:
            client.force_login(poisoned[actor])
        response = client.get(path_of(poisoned))
        assert response.status_code < 500, (actor, response.status_code)
        kind = response.get("Content-Type", "")
        if kind.startswith(("text/html", "image/svg")):
            body = response.content.decode("utf-8", "replace")
            failures += [f"{actor}: raw {raw!r} in {kind}" for raw in RAW if raw in body]
            parser = _ActiveContent()
            parser.feed(body)
            failures += [f"{actor}: {found} in {kind}" for found in parser.found]
    assert failures == []


@pytest.mark.parametrize("formula", FORMULAS)
def test_csv_export_neutralises_formulas(client, world, formula):
    checkin = world["checkin"]
    checkin.notes = formula
    checkin.save()
    client.force_login(world["owner"])
    response = client.get("/me/data/diary.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    cells = [cell for row in rows for cell in row]
    assert formula not in cells
    assert "'" + formula in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t")]


def test_the_parser_sees_injected_markup():
    parser = _ActiveContent()
    parser.feed('<p>ok</p><img src=x onerror=alert(1)><a href="javascript:alert(1)">x</a><script>alert(1)</script>')
    assert parser.found == ["<img onerror=...>", "<a href=javascript:...>", "inline script"]
