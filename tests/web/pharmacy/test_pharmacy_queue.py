"""The pharmacist's queue: only their pharmacy's prescriptions, the core's worksheet and label, dispensing."""

from __future__ import annotations

import pytest

from ldncare.web.access.models import AuditEvent
from ldncare.web.pharmacy.models import Dispensing

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


@pytest.fixture
def sent(client, world):
    client.force_login(world["clin_ok"])
    client.post(f"/patients/{world['owner'].public_id}/prescribe/",
                {"preparation": "liquid", "concentration_mg_per_ml": "1",
                 "supply_start": world["checkin"].date.isoformat(), "days_supply": "30"})
    from ldncare.web.clinic.models import Prescription

    client.logout()
    return Prescription.objects.get()


def test_queue_and_worksheet(client, world, sent):
    client.force_login(world["pharm_ok"])
    queue = client.get("/pharmacy/queue/").content.decode()
    assert f"/pharmacy/queue/{sent.uuid}/" in queue
    assert "45 mL" in queue
    page = client.get(f"/pharmacy/queue/{sent.uuid}/").content.decode()
    assert "COMPOUNDING WORKSHEET" in page
    assert "beyond-use date" in page
    assert "Discard after" in page
    assert "clinic/care.css" in page  # the print layout
    assert "MARKER-NOTE" not in page
    assert "MARKER-NOTE" not in queue
    client.force_login(world["pharm_other"])
    assert f"/pharmacy/queue/{sent.uuid}/" not in client.get("/pharmacy/queue/").content.decode()
    assert client.get(f"/pharmacy/queue/{sent.uuid}/").status_code == 404
    assert AuditEvent.objects.filter(object_type="prescription", actor_id=world["pharm_other"].pk, outcome="denied").exists()


def test_dispensing_record(client, world, sent):
    import datetime as dt

    from django.utils import timezone

    client.force_login(world["pharm_ok"])
    today = timezone.localdate()
    post = {"preparation": "1", "lot_number": "LDN-2611-01", "made_on": today.isoformat(),
            "beyond_use_date": (today + dt.timedelta(days=14)).isoformat(), "checked_by": world["pharm_ok"].pk}
    response = client.post(f"/pharmacy/queue/{sent.uuid}/", post)
    assert response.status_code == 302
    d = Dispensing.objects.get()
    assert (d.pharmacist, d.checked_by, d.lot_number, d.prescription, d.preparation_number) == (
        world["pharm_ok"], world["pharm_ok"], "LDN-2611-01", sent, 1)
    assert AuditEvent.objects.filter(object_type="dispensing", action="create", actor_id=world["pharm_ok"].pk).exists()
    page = client.get(f"/pharmacy/queue/{sent.uuid}/").content.decode()
    assert "LDN-2611-01" in page
    assert "Partly dispensed" in page
    bad = client.post(f"/pharmacy/queue/{sent.uuid}/", {**post, "preparation": "2", "lot_number": " "})
    assert bad.status_code == 200
    assert Dispensing.objects.count() == 1
    client.force_login(world["clin_ok"])
    assert client.post(f"/pharmacy/queue/{sent.uuid}/", post).status_code == 404


def test_revoked_pharmacy_choice_closes_the_queue(client, world, sent):
    world["grant_pharmacy"].revoked_at = world["grant_pharmacy"].accepted_at
    world["grant_pharmacy"].save()
    client.force_login(world["pharm_ok"])
    assert client.get(f"/pharmacy/queue/{sent.uuid}/").status_code == 404


def test_capsule_worksheet_per_strength(client, world):
    import datetime as dt
    from decimal import Decimal

    from ldncare.web.clinic.models import Prescription
    from ldncare.web.record import core_bridge
    from ldncare.web.record.models import Plan

    plan = Plan.objects.create(patient=world["owner"], source="clinician", target_dose_mg=Decimal("3"), steps=[
        {"start_date": "2026-12-01", "end_date": "2026-12-14", "dose_mg": 1.5, "time": "22:00"},
        {"start_date": "2026-12-15", "end_date": None, "dose_mg": 3.0, "time": "22:00"}])
    p = Prescription(plan=plan, patient=world["owner"], pharmacy=world["plan"].sent_to_pharmacy, preparation="capsules",
                     supply_start=dt.date(2026, 12, 1), days_supply=30, quantity=30, quantity_unit="capsules",
                     directions="")
    result = core_bridge.compound_prescription(p, today=dt.date(2026, 11, 30))
    labels = [prep["label"] for prep in result["preparations"]]
    assert len(labels) == 2
    assert "1.5 mg capsules" in labels[0]
    assert "quantity 14" in labels[0]
    assert "3 mg capsules" in labels[1]
    assert "quantity 16" in labels[1]
    # 180-day BUD: both made when the plan starts.
    assert [x["prepared_on"] for x in result["preparations"]] == [dt.date(2026, 12, 1)] * 2


def test_titrating_liquid_is_one_bottle_per_dose_and_per_bud_with_an_exact_label(world):
    import datetime as dt
    from decimal import Decimal

    from ldncare.web.clinic.models import Prescription
    from ldncare.web.record import core_bridge
    from ldncare.web.record.models import Plan

    plan = Plan.objects.create(patient=world["owner"], source="clinician", target_dose_mg=Decimal("3"), steps=[
        {"start_date": "2026-12-01", "end_date": "2026-12-14", "dose_mg": 1.5, "time": "22:00"},
        {"start_date": "2026-12-15", "end_date": None, "dose_mg": 3.0, "time": "22:00"}])
    p = Prescription(plan=plan, patient=world["owner"], pharmacy=world["plan"].sent_to_pharmacy, preparation="liquid",
                     concentration_mg_per_ml=Decimal("1"), supply_start=dt.date(2026, 12, 1), days_supply=30,
                     quantity=69, quantity_unit="mL", directions="")
    preps = core_bridge.compound_prescription(p, today=dt.date(2026, 11, 30))["preparations"]
    # 16 days of 3 mg outlast the 14-day BUD of the unpreserved liquid: two bottles of 8 days.
    assert [(x["dose_mg"], x["days"]) for x in preps] == [(1.5, 14), (3.0, 8), (3.0, 8)]
    assert [x["prepared_on"] for x in preps] == [dt.date(2026, 12, 1), dt.date(2026, 12, 8), dt.date(2026, 12, 16)]
    for x in preps:
        assert x["prepared_on"] <= x["first_use"] <= x["last_use"] <= x["beyond_use_date"]
    assert "Take 1.5 mL (1.5 mg)" in preps[0]["label"]
    assert "Take 3 mL (3 mg)" in preps[1]["label"]
    preserved = core_bridge.compound_prescription(p, today=dt.date(2026, 11, 30), preserved=True)["preparations"]
    assert [(x["dose_mg"], x["days"]) for x in preserved] == [(1.5, 14), (3.0, 16)]
    # The prescription's quantity is the mL the patient takes: 14 × 1.5 + 16 × 3.
    assert core_bridge.prescription_quantity(plan.steps, preparation="liquid", start=dt.date(2026, 12, 1), days=30,
                                             concentration_mg_per_ml=1) == (Decimal("69.0"), "mL")


def test_a_shared_plan_waits_in_its_own_section_until_it_is_prescribed(client, world):
    from ..conftest import PLAN_MARKER

    client.force_login(world["pharm_ok"])
    assert client.get("/pharmacy/")["Location"] == "/pharmacy/queue/"
    before = client.get("/pharmacy/queue/").content.decode()
    shared = before.split("Plans shared without a prescription", 1)[1]
    assert PLAN_MARKER in shared
    assert "Nothing waiting." in before
    client.force_login(world["clin_ok"])
    client.post(f"/patients/{world['owner'].public_id}/prescribe/",
                {"preparation": "liquid", "concentration_mg_per_ml": "1",
                 "supply_start": world["checkin"].date.isoformat(), "days_supply": "30"})
    client.force_login(world["pharm_ok"])
    after = client.get("/pharmacy/queue/").content.decode()
    assert PLAN_MARKER not in after.split("Plans shared without a prescription", 1)[1]
    assert "Nothing waiting." not in after


def test_a_shared_plan_of_a_blinded_trial_points_to_the_trial_key(client, world):
    import datetime as dt

    from ldncare.web.clinic.models import BlindedTrial
    from ldncare.web.record import core_bridge

    design, key = core_bridge.design_blinded_trial(pairs=2, period_weeks=4, start_date=dt.date(2026, 1, 5), dose_mg=4.5)
    trial = BlindedTrial.objects.create(patient=world["owner"], trial_id=design["trial_id"],
                                        pharmacy=world["plan"].sent_to_pharmacy, design_json=design, key_json=key)
    client.force_login(world["pharm_ok"])
    assert f"/pharmacy/trials/{trial.trial_id}/" in client.get("/pharmacy/queue/").content.decode()
    client.force_login(world["pharm_other"])
    assert trial.trial_id not in client.get("/pharmacy/queue/").content.decode()


def test_directions_warn_when_a_volume_falls_between_syringe_lines():
    import datetime as dt

    from ldncare.web.record import core_bridge

    steps = [{"start_date": "2026-12-01", "end_date": "2026-12-14", "dose_mg": 3.0, "time": "22:00"},
             {"start_date": "2026-12-15", "end_date": None, "dose_mg": 4.5, "time": "22:00"}]
    text = core_bridge.prescription_directions(steps, preparation="liquid", start=dt.date(2026, 12, 1), days=30,
                                               concentration_mg_per_ml=1).splitlines()
    assert "between the lines" not in text[0]
    assert "take 4.5 mL (4.5 mg)" in text[1]
    assert "between the lines of every listed syringe" in text[1]
