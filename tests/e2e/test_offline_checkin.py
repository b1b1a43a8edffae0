"""The installed app in Chromium: manifest served, service worker registered, the check-in opens
offline, and a check-in made offline is sent once when the connection is back."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from ldncare.web.record.models import CheckIn

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("LDNCARE_SHOTS", ROOT / "test-results"))

OFFLINE_PAGE_KEPT = """() => caches.open('ldncare-pages').then(c => c.match('/me/checkin/offline/')).then(Boolean)"""


def _shot(page, name):
    """A screenshot in test-results/ (and, with LDNCARE_DOCS_SCREENSHOTS=1, in docs/img/ for the user guide)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    if os.environ.get("LDNCARE_DOCS_SCREENSHOTS") == "1":
        page.screenshot(path=str(ROOT / "docs" / "img" / f"{name}.png"), full_page=True)


def _ready_for_offline(page, base):
    response = page.request.get(base + "/manifest.webmanifest")
    assert response.ok
    assert response.json()["start_url"] == "/"
    page.goto(base + "/me/checkin/")
    assert page.evaluate("navigator.serviceWorker.ready.then(r => r.active !== null)")
    page.wait_for_function(OFFLINE_PAGE_KEPT)


def test_a_check_in_made_offline_is_stored_once_when_back_online(live_server, page, patient, password):
    base = live_server.url
    sign_in(page, base, patient.username, password)
    _ready_for_offline(page, base)

    page.context.set_offline(True)
    page.goto(base + "/me/checkin/")  # the service worker opens the offline check-in
    expect(page.locator("#offline-note")).to_be_visible()
    assert_accessible(page, "offline check-in")
    day = dt.date.fromisoformat(page.locator("#offline-date").input_value())
    page.get_by_role("group", name="Pain").get_by_label("4", exact=True).check()
    page.get_by_text("Overall change and a note").click()
    page.get_by_label("Note").fill("written on the train")
    page.get_by_role("button", name="Save check-in").click()
    expect(page.locator("#offline-saved")).to_contain_text("Saved on this device")
    status = page.locator("[data-sync-status]")
    expect(status).to_contain_text("1 check-in waiting to be sent (offline)")
    _shot(page, "offline-checkin-390")
    assert not CheckIn.objects.filter(patient=patient).exists()

    page.context.set_offline(False)  # back online: offline.js sends it through the API
    expect(status).to_be_hidden()
    saved = CheckIn.objects.get(patient=patient)
    assert (saved.date, saved.pain_score, saved.mood_score, saved.notes) == (day, 4, None, "written on the train")
    page.reload()  # another sync finds nothing to send: still one day
    expect(page.locator("[data-sync-status]")).to_be_hidden()
    assert CheckIn.objects.filter(patient=patient).count() == 1
    page.goto(base + "/")  # the home says so too
    expect(page.locator(".dash [data-sync-status]")).to_have_text("Nothing is waiting to be sent.")
    _shot(page, "home-patient-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    _shot(page, "home-patient-1280")


def test_the_open_check_in_page_keeps_a_check_in_when_the_connection_drops(live_server, page, patient, password):
    base = live_server.url
    sign_in(page, base, patient.username, password)
    _ready_for_offline(page, base)
    page.context.set_offline(True)
    page.get_by_role("group", name="Mood").get_by_label("7", exact=True).check()
    page.get_by_role("button", name="Save check-in").click()
    expect(page.locator("[data-sync-status]")).to_contain_text("1 check-in waiting to be sent")
    page.context.set_offline(False)
    expect(page.locator("[data-sync-status]")).to_be_hidden()
    saved = CheckIn.objects.get(patient=patient)
    assert (saved.mood_score, saved.pain_score, saved.ldn_dose_mg) == (7, None, None)
