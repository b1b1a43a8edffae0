"""Issue 15, point 5 in a real browser: a patient in a blinded trial sees trial progress on the
progress page, never the open-label verdict computed over days that include placebo periods."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def trial_patient(db, patient, clinician, pharmacist):
    from django.utils import timezone

    from ldncare.core import response
    from ldncare.web.access.models import Grant
    from ldncare.web.accounts.models import Pharmacy
    from ldncare.web.clinic.models import BlindedTrial
    from ldncare.web.record.models import CheckIn

    pharmacy = Pharmacy.objects.create(name="Compounding Chemists", city="Leeds")
    now = timezone.now()
    Grant.objects.create(patient=patient, kind="clinician", clinician=clinician, accepted_at=now)
    Grant.objects.create(patient=patient, kind="pharmacy", pharmacy=pharmacy, accepted_at=now)
    today = timezone.localdate()
    trial_start = today - dt.timedelta(days=40)
    # Open-label months with a clear fall in pain, then a blinded trial in progress.
    open_label = response.simulate_diary(effect_points=-3.0, seed=3, start=trial_start - dt.timedelta(days=126),
                                         write_phase=False)
    design, key = response.design_trial(pairs=3, period_weeks=4, start_date=trial_start, seed=5, dose_mg=4.5)
    blinded = response.simulate_trial_diary(design, key, effect_points=-3.0, seed=6, write_phase=False)
    days = [d for d in open_label.days if d.date < trial_start] + [d for d in blinded.days if d.date <= today]
    CheckIn.objects.bulk_create([
        CheckIn(patient=patient, date=d.date, dose_time=d.dose_time,
                ldn_dose_mg=Decimal(str(d.ldn_dose_mg)) if d.ldn_dose_mg is not None else None,
                pain_score=int(d.scores["pain"]) if "pain" in d.scores else None)
        for d in days])
    BlindedTrial.objects.create(trial_id=design.trial_id, patient=patient, designed_by=clinician, pharmacy=pharmacy,
                                design_json=design.model_dump(mode="json"), key_json=key.model_dump(mode="json"))
    return design


@pytest.mark.parametrize("width", [390, 1280])
def test_progress_page_in_a_blinded_trial_shows_no_open_label_verdict(live_server, browser, trial_patient, password,
                                                                       width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = sign_in(context.new_page(), live_server.url, "patty", password)
    page.goto(f"{live_server.url}/me/progress/")
    card = page.get_by_role("region", name="Is it working for me?")
    expect(card).to_contain_text(f"You are in blinded trial {trial_patient.trial_id}: 1 of 6 periods done")
    expect(card).to_contain_text("No verdict is shown during the trial")
    expect(card).to_contain_text("Today: period 2, bottle B")
    text = card.inner_text()
    for verdict in ("since starting LDN", "smallest change that matters", "improved by", "No clear change",
                    "LDN did better", "responder"):
        assert verdict not in text, verdict
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scroll
    assert_accessible(page)
    page.screenshot(path=f"/tmp/shots-honestresponse/e2e-trial-progress-{width}.png", full_page=True)
    context.close()
