"""The care team in a real browser (issue 8's acceptance points 1-3).

A clinician previews and saves an adjusted plan and sends a prescription; the pharmacist
sees it in the queue, opens the worksheet and prints it (Chromium's PDF); a clinician designs
a blinded n-of-1 trial and only the pharmacist sees the allocation key.
"""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

@pytest.fixture
def care_world(db, patient, clinician, pharmacist):
    from django.utils import timezone

    from ldncare.web.access.models import Grant
    from ldncare.web.accounts.models import Pharmacy, Practice

    pharmacy = Pharmacy.objects.create(name="Compounding Chemists", city="Leeds")
    clinician.practice = Practice.objects.create(name="Riverside Practice", city="Leeds")
    clinician.save()
    pharmacist.pharmacy = pharmacy
    pharmacist.save()
    now = timezone.now()
    Grant.objects.create(patient=patient, kind="clinician", clinician=clinician, accepted_at=now)
    Grant.objects.create(patient=patient, kind="pharmacy", pharmacy=pharmacy, accepted_at=now)
    return {"patient": patient, "clinician": clinician, "pharmacist": pharmacist, "pharmacy": pharmacy}


def test_plan_prescription_queue_and_printed_worksheet(live_server, browser, care_world, password, tmp_path):
    base = live_server.url
    patient = care_world["patient"]
    start = dt.date.today() + dt.timedelta(days=1)
    doctor = browser.new_context(viewport={"width": 1200, "height": 900})
    page = sign_in(doctor.new_page(), base, "dr_chen", password)
    page.goto(f"{base}/patients/{patient.public_id}/plan/")
    page.get_by_label("Protocol", exact=True).select_option("article")
    page.get_by_label("First day", exact=True).fill(start.isoformat())
    page.get_by_label("Time of day", exact=True).fill("22:00")
    page.get_by_role("button", name="Preview the steps and the day").click()
    preview = page.get_by_role("region", name="Preview (not saved)")
    preview.wait_for()
    assert "4.5 mg" in preview.inner_text()
    assert preview.get_by_role("img").count() == 1  # the simulated day
    assert_accessible(page)
    page.get_by_role("button", name="Build and save the plan").click()
    page.wait_for_url(f"{base}/patients/{patient.public_id}/")
    page.get_by_role("link", name="Send a prescription").click()
    assert_accessible(page)
    page.get_by_label("Preparation").select_option("liquid")
    page.get_by_label("Days' supply").fill("30")
    page.get_by_role("button", name="Send the prescription").click()
    page.wait_for_url(f"{base}/patients/{patient.public_id}/")
    assert "Prescription sent to Compounding Chemists" in page.get_by_role("status").inner_text()
    doctor.close()

    pharmacy = browser.new_context(viewport={"width": 1200, "height": 900})
    page = sign_in(pharmacy.new_page(), base, "pharm_ode", password)
    page.get_by_role("link", name="Queue").click()
    page.get_by_role("link", name="Patty").click()
    expect(page.locator("main")).to_contain_text("COMPOUNDING WORKSHEET")
    assert_accessible(page)
    expect(page.get_by_role("heading", level=3, name="Preparation 1")).to_be_visible()
    assert "Beyond-use date" in page.get_by_role("region", name="Preparation 1").inner_text()
    page.emulate_media(media="print")
    assert not page.get_by_role("navigation", name="Main").is_visible()  # print layout: the bench sheet only
    pdf = tmp_path / "worksheet.pdf"
    page.pdf(path=str(pdf), format="A4")
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert pdf.stat().st_size > 5000
    page.emulate_media(media="screen")
    page.get_by_label("Lot number").fill("LDN-E2E-1")
    page.get_by_label("Checked by").select_option(label="Ada Ode")
    page.get_by_role("button", name="Record dispensing").click()
    expect(page.locator(".messages")).to_contain_text("Dispensing of preparation 1 recorded.")
    assert "LDN-E2E-1" in page.content()
    pharmacy.close()


def test_blinded_trial_key_only_for_the_pharmacist(live_server, browser, care_world, password):
    from ldncare.web.clinic.models import BlindedTrial

    base = live_server.url
    patient = care_world["patient"]
    doctor = browser.new_context(viewport={"width": 1200, "height": 900})
    page = sign_in(doctor.new_page(), base, "dr_chen", password)
    page.goto(f"{base}/clinic/")
    assert_accessible(page)
    page.get_by_role("link", name="Patty").click()
    page.get_by_role("link", name="Blinded n-of-1 trial").click()
    page.get_by_label("Pairs of periods").fill("3")
    page.get_by_label("Weeks per period").fill("4")
    page.get_by_label("First day").fill((dt.date.today() - dt.timedelta(days=2)).isoformat())
    page.get_by_role("button", name="Design the trial").click()
    assert "the key is held by Compounding Chemists" in page.get_by_role("status").inner_text()
    trial = BlindedTrial.objects.get()
    key_url = f"{base}/pharmacy/trials/{trial.trial_id}/"
    html = page.content()
    assert "immediate-release capsules" not in html
    assert f"Seed {trial.key_json['seed']}" not in html
    assert page.goto(key_url).status == 404
    page.goto(f"{base}/patients/{patient.public_id}/report/")
    assert_accessible(page)
    doctor.close()

    own = browser.new_context()
    page = sign_in(own.new_page(), base, "patty", password)
    page.get_by_role("link", name="Trial").click()
    expect(page.locator("main")).to_contain_text("Today: period 1, bottle A")
    assert_accessible(page)
    assert page.goto(key_url).status == 404
    own.close()

    pharmacy = browser.new_context(viewport={"width": 1200, "height": 900})
    page = sign_in(pharmacy.new_page(), base, "pharm_ode", password)
    page.get_by_role("link", name="Blinded trials").click()
    page.get_by_role("link", name=trial.trial_id).click()
    page.wait_for_url(key_url)
    assert_accessible(page)
    table = page.get_by_role("table", name="Dispensing list").inner_text()
    assert table.count("placebo") == 3
    assert table.count("naltrexone 4.5 mg") == 3
    assert page.get_by_text("Blinded trial medicine: LDN or placebo.").count() == 6  # the bottle labels
    pharmacy.close()
