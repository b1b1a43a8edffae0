"""The prescribing guard in a real browser: a patient on tramadol. On a phone the clinician sees the
contraindication on the prescribing page, is refused without a reason, sends with one; the
pharmacist finds the reason on the queue and the worksheet."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

REASON = "Tramadol stopped 1 Dec, urine screen negative"


def test_sending_for_a_contraindicated_patient_needs_a_reason_the_pharmacist_reads(live_server, browser, page,
                                                                                  patient, clinician, pharmacist,
                                                                                  password):
    from ldncare.web.access.models import Grant
    from ldncare.web.accounts.models import Pharmacy
    from ldncare.web.clinic.models import Prescription
    from ldncare.web.record.models import Plan, Profile

    pharmacy = Pharmacy.objects.create(name="Compounding Chemists", city="Leeds")
    pharmacist.pharmacy = pharmacy
    pharmacist.save()
    now = timezone.now()
    Grant.objects.create(patient=patient, kind="clinician", clinician=clinician, accepted_at=now)
    Grant.objects.create(patient=patient, kind="pharmacy", pharmacy=pharmacy, accepted_at=now)
    Profile.objects.create(patient=patient, medicines=["tramadol 50 mg as needed"])
    Plan.objects.create(patient=patient, author=clinician, source="clinician", target_dose_mg=Decimal("4.5"),
                        steps=[{"start_date": (dt.date.today()).isoformat(), "end_date": None, "dose_mg": 1.5,
                                "time": "22:00"}])
    base = live_server.url

    sign_in(page, base, clinician.username, password)  # 390 px
    page.goto(f"{base}/patients/{patient.public_id}/prescribe/")
    expect(page.get_by_role("region", name="Safety screen: contraindicated")).to_contain_text("tramadol")
    page.get_by_role("button", name="Send the prescription").click()
    expect(page.get_by_text("Not sent: the safety screen shows a contraindication")).to_be_visible()
    assert not Prescription.objects.exists()
    assert_accessible(page)
    page.get_by_label("Reason for sending despite the contraindication").fill(REASON)
    page.get_by_role("button", name="Send the prescription").click()
    expect(page.get_by_role("status")).to_contain_text("Prescription sent to Compounding Chemists")

    chemist = browser.new_context(viewport={"width": 390, "height": 844})
    ppage = sign_in(chemist.new_page(), base, pharmacist.username, password)
    ppage.goto(base + "/pharmacy/queue/")
    expect(ppage.locator("main")).to_contain_text("Sent despite a contraindication")
    ppage.locator("table a").first.click()
    expect(ppage.locator("main")).to_contain_text(f"The prescriber's reason: “{REASON}”")
    assert ppage.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    chemist.close()
