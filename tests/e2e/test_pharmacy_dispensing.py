"""A titration in the pharmacy, in a real browser (issue 14): three preparations with three dates,
the first recorded, and the queue says "partly dispensed". Screenshots at 390 and 1280 px."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SHOTS = Path(os.environ.get("LDNCARE_SHOTS", "/tmp/shots-pharmacy"))


@pytest.fixture
def titration(db, patient, clinician, pharmacist):
    from django.utils import timezone

    from ldncare.web.access.models import Grant
    from ldncare.web.accounts.models import Pharmacy, Practice
    from ldncare.web.clinic.models import Prescription
    from ldncare.web.pharmacy.models import PharmacyDetails
    from ldncare.web.record.models import Plan

    pharmacy = Pharmacy.objects.create(name="Compounding Chemists", city="Leeds")
    PharmacyDetails.objects.create(pharmacy=pharmacy, phone="0113 496 0000")
    clinician.practice = Practice.objects.create(name="Riverside Practice", city="Leeds")
    clinician.save()
    pharmacist.pharmacy = pharmacy
    pharmacist.save()
    patient.last_name = "Smith"
    patient.save()
    now = timezone.now()
    Grant.objects.create(patient=patient, kind="clinician", clinician=clinician, accepted_at=now)
    Grant.objects.create(patient=patient, kind="pharmacy", pharmacy=pharmacy, accepted_at=now)
    start = timezone.localdate() + dt.timedelta(days=1)
    steps = [{"start_date": (start + dt.timedelta(days=14 * i)).isoformat(),
              "end_date": (start + dt.timedelta(days=14 * i + 13)).isoformat() if i < 2 else None,
              "dose_mg": dose, "time": "22:00"} for i, dose in enumerate((1.5, 3.0, 4.5))]
    plan = Plan.objects.create(patient=patient, author=clinician, source="clinician", target_dose_mg=Decimal("4.5"),
                               steps=steps, sent_to_pharmacy=pharmacy)
    return Prescription.objects.create(
        plan=plan, patient=patient, prescriber=clinician, pharmacy=pharmacy, preparation="liquid",
        concentration_mg_per_ml=Decimal("1"), supply_start=start, days_supply=42, quantity=126, quantity_unit="mL",
        directions="1.5 mL for 14 days, 3 mL for 14 days, 4.5 mL for 14 days, at 22:00")


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width", [390, 1280])
def test_three_preparations_three_dates_first_recorded_queue_partly_dispensed(live_server, browser, titration,
                                                                              password, width):
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    start = titration.supply_start
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = sign_in(context.new_page(), base, "pharm_ode", password)
    page.goto(f"{base}/pharmacy/queue/")
    expect(page.locator("main")).to_contain_text("Waiting")
    page.get_by_role("link", name="Patty Smith").click()
    expect(page.locator("main")).to_contain_text("COMPOUNDING WORKSHEET")
    assert_accessible(page)
    no_sideways_scroll(page)
    page.screenshot(path=str(SHOTS / f"worksheet-{width}.png"), full_page=True)
    for number, made in ((1, start), (2, start + dt.timedelta(days=13)), (3, start + dt.timedelta(days=27))):
        region = page.get_by_role("region", name=f"Preparation {number}")
        expect(region).to_contain_text(f"{made:%a} {made.day} {made:%b %Y}")  # the day to make this bottle
    expect(page.get_by_role("heading", level=3, name="Preparation 4")).to_have_count(0)
    page.get_by_label("Preparation", exact=True).select_option("1")
    page.get_by_label("Lot number").fill("LDN-2612-01")
    page.get_by_label("Checked by").select_option(label="Ada Ode")
    page.get_by_role("button", name="Record dispensing").click()
    expect(page.locator(".messages")).to_contain_text("Dispensing of preparation 1 recorded.")
    expect(page.get_by_role("region", name="Preparation 1")).to_contain_text("LDN-2612-01")
    page.get_by_role("link", name="Back to the queue").click()
    row = page.get_by_role("row").filter(has_text="Patty Smith")
    expect(row).to_contain_text("Partly dispensed")
    expect(row).to_contain_text("1 of 3 preparations")
    no_sideways_scroll(page)
    page.screenshot(path=str(SHOTS / f"queue-{width}.png"), full_page=True)
    context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_trial_key_worksheets_and_labels_fit_the_screen(live_server, browser, titration, password, width):
    from ldncare.web.clinic.models import BlindedTrial
    from ldncare.web.record import core_bridge

    SHOTS.mkdir(parents=True, exist_ok=True)
    design, key = core_bridge.design_blinded_trial(pairs=2, period_weeks=4, start_date=titration.supply_start, dose_mg=4.5)
    trial = BlindedTrial.objects.create(patient=titration.patient, trial_id=design["trial_id"],
                                        designed_by=titration.prescriber, pharmacy=titration.pharmacy,
                                        design_json=design, key_json=key)
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = sign_in(context.new_page(), live_server.url, "pharm_ode", password)
    page.goto(f"{live_server.url}/pharmacy/trials/{trial.trial_id}/")
    expect(page.get_by_role("heading", level=2, name="Compounding worksheets")).to_be_visible()
    expect(page.locator(".label-print")).to_have_count(4)
    expect(page.locator(".label-print").first).to_contain_text("Compounding Chemists · Tel 0113 496 0000")
    assert_accessible(page)
    no_sideways_scroll(page)
    page.screenshot(path=str(SHOTS / f"trial-key-{width}.png"), full_page=True)
    page.goto(f"{live_server.url}/pharmacy/details/")
    expect(page.get_by_label("Phone number on labels")).to_have_value("0113 496 0000")
    no_sideways_scroll(page)
    page.screenshot(path=str(SHOTS / f"details-{width}.png"), full_page=True)
    context.close()
