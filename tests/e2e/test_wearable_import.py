"""Wearable import and clinician-defined items in the browser (issue 19), at 390 px and 1280 px: she uploads
a file, sees it wait for the worker, the page follows the import (status JSON) to its result without a
manual reload; importing it again changes nothing. Her clinician adds an outcome for her and she sees who
added it. Screenshots go to ``test-results/``."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-results"
CSV = "date,metric,value\n2026-02-01,steps,8412\n2026-02-01,sleep_hours,7.25\n2026-02-02,steps,10233\n"


def _burst() -> None:
    from ldncare.web.notify.worker import run_database_worker

    run_database_worker(burst=True, interval_s=1, stop=threading.Event())


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_she_uploads_a_file_and_sees_the_result_and_a_second_upload_changes_nothing(
        live_server, page, patient, password, settings, tmp_path):
    from ldncare.web.tracking.models import ImportedValue

    settings.WEARABLE_IMPORT_DIR = tmp_path / "imports"
    upload = tmp_path / "fitbit.csv"
    upload.write_text(CSV)
    base = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)
    assert page.viewport_size["width"] == 390
    sign_in(page, base, patient.username, password)
    page.goto(base + "/me/tracking/")
    page.get_by_role("link", name="Import sleep, steps and heart rate from a wearable").click()
    expect(page.get_by_role("heading", name="Import from a wearable", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Your file").set_input_files(str(upload))
    page.get_by_role("button", name="Upload and import").click()
    expect(page.get_by_text("fitbit.csv uploaded: it is being imported.")).to_be_visible()
    expect(page.get_by_text("Waiting for the worker")).to_be_visible()
    expect(page.locator("progress")).to_be_visible()
    _no_sideways_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "wearable-import-waiting-390.png"), full_page=True)
    _burst()  # the worker runs; the page polls the status and shows the result by itself
    expect(page.get_by_text("2 days imported, 0 days unchanged")).to_be_visible(timeout=15000)
    expect(page.locator("progress")).to_have_count(0)
    stored = sorted((v.date.isoformat(), v.item.slug, float(v.value)) for v in ImportedValue.objects.all())
    assert stored == [("2026-02-01", "sleep_hours", 7.25), ("2026-02-01", "steps", 8412.0),
                      ("2026-02-02", "steps", 10233.0)]
    _no_sideways_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "wearable-import-done-390.png"), full_page=True)
    assert_accessible(page)

    page.get_by_label("Your file").set_input_files(str(upload))
    page.get_by_role("button", name="Upload and import").click()
    _burst()
    expect(page.get_by_text("0 days imported, 2 days unchanged")).to_be_visible(timeout=15000)
    assert sorted((v.date.isoformat(), v.item.slug, float(v.value)) for v in ImportedValue.objects.all()) == stored

    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    _no_sideways_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "wearable-import-1280.png"), full_page=True)

    wrong = tmp_path / "notes.txt"
    wrong.write_text("hello\n")
    page.get_by_label("Your file").set_input_files(str(wrong))
    page.get_by_role("button", name="Upload and import").click()
    expect(page.get_by_text("is not an Apple Health export or a date,metric,value CSV")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "wearable-import-error-1280.png"), full_page=True)


def test_her_clinician_adds_an_outcome_and_she_sees_who(live_server, browser, page, patient, clinician, password):
    from ldncare.web.access.models import Grant

    Grant.objects.create(patient=patient, kind="clinician", clinician=clinician, accepted_at=timezone.now())
    base = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)
    sign_in(page, base, clinician.username, password)
    page.goto(f"{base}/patients/{patient.public_id}/")
    page.get_by_role("link", name="Outcomes and factors she tracks").click()
    page.get_by_label("What is it?").select_option("outcome")
    page.get_by_label("Name").fill("Brain fog")
    page.get_by_label("What 0 means").fill("clear")
    page.get_by_label("What 10 means").fill("can't think")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_text("Added Brain fog: her check-in asks for it from now on.")).to_be_visible()
    expect(page.get_by_text("added by Lin Chen")).to_be_visible()
    _no_sideways_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "patient-tracking-390.png"), full_page=True)
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    _no_sideways_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "patient-tracking-1280.png"), full_page=True)

    mine = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in(mine, base, patient.username, password)
    mine.goto(base + "/me/tracking/")
    expect(mine.get_by_text("added by Lin Chen")).to_be_visible()
    mine.goto(base + "/me/checkin/")
    expect(mine.get_by_role("group", name="Brain fog")).to_contain_text("0 clear, 10 can't think")
    mine.context.close()
