"""The installed app: manifest, service worker at the root, the offline check-in page and its session."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from ldncare.web import pwa

STATIC = Path(pwa.__file__).resolve().parent / "static"


def test_the_manifest_names_the_app_its_icons_and_its_home(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    body = json.loads(response.content)
    assert body["start_url"] == "/"
    assert body["display"] == "standalone"
    assert body["theme_color"] == pwa.THEME_COLOR
    sizes = {(icon["sizes"], icon["purpose"]) for icon in body["icons"]}
    assert sizes == {("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"), ("512x512", "maskable")}
    for icon in body["icons"]:  # real PNGs of the size they claim
        path = STATIC / icon["src"].removeprefix("/static/")
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert f"{image.width}x{image.height}" == icon["sizes"]


def test_the_service_worker_is_served_from_the_root_with_the_shell_to_cache(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    text = response.content.decode()
    assert "__CACHE_VERSION__" not in text
    assert "/static/ldncare/offline.js" in text
    assert '"/me/checkin/offline/"' in text
    for path in pwa.SHELL_ASSETS:
        assert (STATIC / path).is_file(), path


@pytest.mark.django_db
def test_every_page_links_the_manifest_and_the_offline_script(client, patient):
    body = client.get("/").content.decode()
    assert 'rel="manifest" href="/manifest.webmanifest"' in body
    assert 'data-service-worker="/sw.js"' in body
    assert "data-offline-session" not in body  # signed out: no offline check-in
    client.force_login(patient)
    body = client.get("/me/checkin/").content.decode()
    assert 'data-offline-session="/me/checkin/offline/session/"' in body
    assert 'id="offline-advice"' in body


@pytest.mark.django_db
def test_the_offline_page_is_an_empty_form_and_the_session_gives_a_token(client, patient, clinician):
    from ldncare.web.record.models import CheckIn

    client.force_login(patient)
    CheckIn.objects.create(patient=patient, date="2024-01-01", notes="private words")
    page = client.get("/me/checkin/offline/").content.decode()
    assert "data-offline-page" in page
    assert "private words" not in page
    advice = json.loads(page.split('id="offline-advice" type="application/json">')[1].split("</script>")[0])
    assert advice["allergic_reaction:mild"]["urgency"] == "urgent_care"  # red flags whatever the severity
    assert "headache:mild" not in advice  # only what needs action now
    session = client.get("/me/checkin/offline/session/")
    assert session["Cache-Control"] == "no-store"
    data = session.json()
    assert data["patient_id"] == str(patient.public_id)
    assert data["diary_url"] == f"/api/v1/patients/{patient.public_id}/diary"
    assert data["csrf_token"]
    client.force_login(clinician)
    assert client.get("/me/checkin/offline/session/").status_code == 404


@pytest.mark.django_db
def test_the_session_token_lets_the_api_write_once_and_csrf_still_holds(patient):
    """The offline sync's request: session cookie + CSRF token + Idempotency-Key, sent twice."""
    from django.test import Client

    from ldncare.web.record.models import CheckIn

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(patient)
    session = browser.get("/me/checkin/offline/session/").json()
    entry = {"id": "5b7f2a5e-8c1c-4d2e-9a61-1d4f0e7d9c10", "date": "2025-06-01", "pain_score": 3,
             "fatigue_score": None, "sleep_quality_score": None, "mood_score": None, "notes": ""}
    without_token = browser.post(session["diary_url"], json.dumps(entry), content_type="application/json",
                                 headers={"Idempotency-Key": entry["id"]})
    assert without_token.status_code in (401, 403)
    for _ in range(2):  # the answer was lost: the retry changes nothing
        sent = browser.post(session["diary_url"], json.dumps(entry), content_type="application/json",
                            headers={"Idempotency-Key": entry["id"], "X-CSRFToken": session["csrf_token"]})
        assert sent.status_code == 201
    day = CheckIn.objects.get(patient=patient)
    assert str(day.uuid) == entry["id"]
    assert (day.pain_score, day.mood_score) == (3, None)
