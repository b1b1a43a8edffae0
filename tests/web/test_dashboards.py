"""The signed-in home of each role (ldncare.web.dashboards), where sign-in lands."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from ldncare.web.record.models import CheckIn, Plan, SideEffectReport

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def test_sign_in_lands_on_the_home(client, patient, password):
    response = client.post("/accounts/login/", {"username": patient.username, "password": password})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_the_patient_home_says_what_to_do_today(client, patient):
    client.force_login(patient)
    today = timezone.localdate()
    page = client.get("/").content.decode()
    assert "Today&#x27;s check-in" in page or "Today's check-in" in page
    assert "Not done yet." in page
    assert "No plan yet." in page
    assert "ldncare --help" not in page  # no command line for patients
    Plan.objects.create(patient=patient, source="patient", target_dose_mg=Decimal("3"), steps=[
        {"start_date": "2000-01-01", "end_date": None, "dose_mg": 1.5, "time": "22:00"}])
    day = CheckIn.objects.create(patient=patient, date=today, pain_score=5)
    SideEffectReport.objects.create(checkin=day, side_effect_id="vivid_dreams", severity="mild")
    old = CheckIn.objects.create(patient=patient, date=today - dt.timedelta(days=30))
    SideEffectReport.objects.create(checkin=old, side_effect_id="headache", severity="severe")
    page = client.get("/").content.decode()
    assert "<strong>Done.</strong>" in page
    assert "<strong>1.5 mg</strong> at 22:00" in page
    assert "<strong>Vivid dreams</strong>: 1 day in the last 14" in page
    assert "Headache" not in page  # reported 30 days ago: no longer followed
    assert "data-sync-always" in page  # offline.js lists what waits to be sent here


def test_the_patient_home_shows_the_next_call_in_her_zone(client, patient, clinician):
    from ldncare.web.booking.models import Booking, Slot

    patient.time_zone = "Europe/Oslo"
    patient.save(update_fields=["time_zone"])
    start = (timezone.now() + dt.timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    slot = Slot.objects.create(clinician=clinician, start_at=start, end_at=start + dt.timedelta(minutes=20))
    Booking.objects.create(slot=slot, patient=patient)
    client.force_login(patient)
    page = client.get("/").content.decode()
    assert "(Europe/Oslo)</strong> with" in page


def test_the_clinician_home_puts_alerts_first_then_patients(client, world):
    owner, clinician = world["owner"], world["clin_ok"]
    client.force_login(owner)
    client.post(f"/me/checkin/{timezone.localdate().isoformat()}/",
                {"date": timezone.localdate().isoformat(), "se_allergic_reaction": "severe"})
    client.force_login(clinician)
    page = client.get("/").content.decode()
    assert "Needs your action" in page
    assert page.index("Needs your action") < page.index("Your patients")
    assert f"/patients/{owner.public_id}/" in page


def test_the_pharmacist_home_is_the_queue(client, world):
    client.force_login(world["pharm_ok"])
    page = client.get("/").content.decode()
    assert "Waiting to be compounded" in page
    assert "/pharmacy/" in page
