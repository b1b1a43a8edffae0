"""Dispensing per preparation: a BUD the preparation cannot carry is refused, the prescription's
state follows its preparations, labels are complete (issue 14)."""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal

import pytest
from django.utils import timezone

from ldncare.web.access.models import AuditEvent
from ldncare.web.pharmacy.models import Dispensing, PharmacyDetails

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


@pytest.fixture
def titration(world):
    """1.5 mg × 14 d → 3 mg × 14 d → 4.5 mg × 14 d from tomorrow, as a 42-day 1 mg/mL liquid."""
    from ldncare.web.clinic.models import Prescription
    from ldncare.web.record.models import Plan

    start = timezone.localdate() + dt.timedelta(days=1)
    steps = [{"start_date": (start + dt.timedelta(days=14 * i)).isoformat(),
              "end_date": (start + dt.timedelta(days=14 * i + 13)).isoformat() if i < 2 else None,
              "dose_mg": dose, "time": "22:00"} for i, dose in enumerate((1.5, 3.0, 4.5))]
    plan = Plan.objects.create(patient=world["owner"], author=world["clin_ok"], source="clinician",
                               target_dose_mg=Decimal("4.5"), steps=steps, sent_to_pharmacy=world["plan"].sent_to_pharmacy)
    world["owner"].last_name = "Smith"
    world["owner"].save()
    return Prescription.objects.create(
        plan=plan, patient=world["owner"], prescriber=world["clin_ok"], pharmacy=world["plan"].sent_to_pharmacy,
        preparation="liquid", concentration_mg_per_ml=Decimal("1"), supply_start=start, days_supply=42, quantity=126,
        quantity_unit="mL", directions="as planned")


def post(client, prescription, **fields):
    today = timezone.localdate()
    data = {"preparation": "1", "lot_number": "LOT-1", "made_on": today.isoformat(),
            "beyond_use_date": (today + dt.timedelta(days=14)).isoformat(), "checked_by": fields.pop("checker").pk}
    data.update({k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in fields.items()})
    return client.post(f"/pharmacy/queue/{prescription.uuid}/", data)


def test_three_preparations_each_with_its_dates(client, world, titration):
    client.force_login(world["pharm_ok"])
    page = client.get(f"/pharmacy/queue/{titration.uuid}/").content.decode()
    start = titration.supply_start
    for number, made in ((1, start), (2, start + dt.timedelta(days=13)), (3, start + dt.timedelta(days=27))):
        assert f"Preparation {number}:" in page
        assert f"{made:%a} {made.day} {made:%b %Y}" in page  # "Make on" date of that bottle
    assert "Preparation 4:" not in page


def test_a_bud_beyond_the_preparation_is_refused_and_nothing_is_written(client, world, titration):
    client.force_login(world["pharm_ok"])
    response = post(client, titration, checker=world["pharm_ok"], beyond_use_date="9999-12-31")
    assert response.status_code == 200
    page = response.content.decode()
    assert "later than this preparation allows" in page
    assert "its BUD is 14 days" in page
    assert not Dispensing.objects.exists()
    assert not AuditEvent.objects.filter(object_type="dispensing").exists()


def test_recording_one_of_three_leaves_the_prescription_partly_dispensed(client, world, titration):
    client.force_login(world["pharm_ok"])
    assert post(client, titration, checker=world["pharm_ok"]).status_code == 302
    d = Dispensing.objects.get()
    start = titration.supply_start
    assert (d.preparation_number, d.first_use, d.last_use, d.dose_mg) == (1, start, start + dt.timedelta(days=13), 1.5)
    assert (d.pharmacist, d.checked_by, d.made_on, d.formula) == (
        world["pharm_ok"], world["pharm_ok"], timezone.localdate(), "water-unpreserved")
    queue = client.get("/pharmacy/queue/").content.decode()
    waiting = queue.split("Waiting or partly dispensed", 1)[1].split("<h2>Dispensed</h2>", 1)[0]
    assert "Partly dispensed" in waiting
    assert "1 of 3 preparations" in waiting
    assert AuditEvent.objects.filter(object_type="dispensing", action="create").count() == 1


def test_every_preparation_recorded_makes_the_prescription_dispensed(client, world, titration):
    titration.preparation, titration.concentration_mg_per_ml = "capsules", None
    titration.save()
    client.force_login(world["pharm_ok"])
    bud = timezone.localdate() + dt.timedelta(days=180)
    for number in (1, 2, 3):
        assert post(client, titration, checker=world["pharm_ok"], preparation=str(number),
                    beyond_use_date=bud).status_code == 302
        queue = client.get("/pharmacy/queue/").content.decode()
        dispensed = queue.split("<h2>Dispensed</h2>", 1)[1].split("<h2>", 1)[0]
        assert (titration.patient.get_full_name() in dispensed) == (number == 3)
    assert "Every preparation is dispensed." in client.get(f"/pharmacy/queue/{titration.uuid}/").content.decode()
    again = post(client, titration, checker=world["pharm_ok"], preparation="3", beyond_use_date=bud)
    assert again.status_code == 200
    assert Dispensing.objects.count() == 3


def test_a_bud_before_the_last_day_of_use_needs_a_shorter_supply(client, world, titration):
    client.force_login(world["pharm_ok"])
    today = timezone.localdate()
    # Bottle 1 (1.5 mg, used from tomorrow for 14 days) labelled with a 10-day BUD: short of its last day.
    short = today + dt.timedelta(days=10)
    response = html.unescape(post(client, titration, checker=world["pharm_ok"], beyond_use_date=short).content.decode())
    assert "is before the bottle's last day of use" in response
    assert "record a shorter supply" in response
    assert not Dispensing.objects.exists()
    # Too long a "shorter" supply is refused too.
    assert post(client, titration, checker=world["pharm_ok"], beyond_use_date=short,
                supplied_until=short + dt.timedelta(days=1)).status_code == 200
    assert post(client, titration, checker=world["pharm_ok"], beyond_use_date=short, supplied_until=short).status_code == 302
    first = Dispensing.objects.get()
    assert (first.first_use, first.last_use) == (titration.supply_start, short)
    page = client.get(f"/pharmacy/queue/{titration.uuid}/").content.decode()
    assert "partly dispensed" in page.split("Preparation 1:", 1)[1].split("</h3>", 1)[0]
    # The rest of bottle 1 on a second record: from the day after the first supply to its last day.
    assert post(client, titration, checker=world["pharm_ok"], lot_number="LOT-2").status_code == 302
    rest = Dispensing.objects.get(lot_number="LOT-2")
    assert (rest.first_use, rest.last_use) == (short + dt.timedelta(days=1), titration.supply_start + dt.timedelta(days=13))
    page = client.get(f"/pharmacy/queue/{titration.uuid}/").content.decode()
    assert "dispensed" in page.split("Preparation 1:", 1)[1].split("</h3>", 1)[0]
    assert "partly" not in page.split("Preparation 1:", 1)[1].split("</h3>", 1)[0]


def test_made_on_in_the_future_and_a_checker_from_elsewhere_are_refused(client, world, titration):
    client.force_login(world["pharm_ok"])
    future = timezone.localdate() + dt.timedelta(days=3)
    assert "in the future" in post(client, titration, checker=world["pharm_ok"], made_on=future).content.decode()
    elsewhere = post(client, titration, checker=world["pharm_other"]).content.decode()
    assert "Select a valid choice" in elsewhere  # only the pharmacists of this pharmacy are offered
    assert not Dispensing.objects.exists()


def test_the_preserved_formula_is_kept_once_dispensed(client, world, titration):
    client.force_login(world["pharm_ok"])
    page = client.get(f"/pharmacy/queue/{titration.uuid}/?formula=fawcett-1mg-per-ml").content.decode()
    assert "preserved (35-day BUD)" in page
    today = timezone.localdate()
    assert post(client, titration, checker=world["pharm_ok"], formula="fawcett-1mg-per-ml",
                beyond_use_date=today + dt.timedelta(days=35)).status_code == 302
    assert Dispensing.objects.get().formula == "fawcett-1mg-per-ml"
    again = client.get(f"/pharmacy/queue/{titration.uuid}/").content.decode()
    assert "preserved (35-day BUD), as dispensed" in again


def test_the_label_is_complete_or_says_what_is_missing(client, world, titration):
    client.force_login(world["pharm_ok"])
    page = client.get(f"/pharmacy/queue/{titration.uuid}/").content.decode()
    assert "MISSING: pharmacy phone" in page
    assert client.post("/pharmacy/details/", {"phone": "0113 496 0000"}).status_code == 302
    assert PharmacyDetails.objects.get(pharmacy=world["pharm_ok"].pharmacy).phone == "0113 496 0000"
    post(client, titration, checker=world["pharm_ok"])
    page = client.get(f"/pharmacy/queue/{titration.uuid}/").content.decode()
    label = page.split('<div class="label-print">', 1)[1].split("</div>", 1)[0]
    assert "MISSING" not in label
    assert f"RX-{titration.uuid.hex[:8].upper()}" in label
    assert "Patient: Patty Smith" in label
    assert "patty" not in label
    assert "Prescriber: Lin Chen" in label
    assert "Compounding Chemists · Tel 0113 496 0000" in label
    assert f"Dispensed {timezone.localdate().isoformat()}" in label
    assert "Lot LOT-1" in label
    assert "Store: refrigerator" in label
    assert "Do not take with opioid medicines" in label
    assert "Take 1.5 mL (1.5 mg)" in label
    # 4.5 mL falls between the lines: its label says so, with a strength that lands on a line.
    third = page.split("Preparation 3:", 1)[1]
    assert "CHECK BEFORE LABELLING" in third.split('<div class="label-print">', 1)[1].split("</div>", 1)[0]


def test_details_need_a_phone(client, world):
    client.force_login(world["pharm_ok"])
    response = client.post("/pharmacy/details/", {"phone": " "})
    assert response.status_code == 200
    assert not PharmacyDetails.objects.exists()


def test_trial_bottles_have_complete_labels_and_worksheets_for_active_and_placebo(client, world):
    from ldncare.web.clinic.models import BlindedTrial
    from ldncare.web.record import core_bridge

    start = timezone.localdate() + dt.timedelta(days=7)
    design, key = core_bridge.design_blinded_trial(pairs=2, period_weeks=4, start_date=start, dose_mg=4.5)
    trial = BlindedTrial.objects.create(patient=world["owner"], trial_id=design["trial_id"], designed_by=world["clin_ok"],
                                        pharmacy=world["plan"].sent_to_pharmacy, design_json=design, key_json=key)
    PharmacyDetails.objects.create(pharmacy=trial.pharmacy, phone="0113 496 0000")
    client.force_login(world["pharm_ok"])
    page = html.unescape(client.get(f"/pharmacy/trials/{trial.trial_id}/").content.decode())
    assert page.count("Active capsules for bottle") >= 1
    assert page.count("Placebo capsules for bottle") >= 1
    assert "COMPOUNDING WORKSHEET: matching placebo capsules" in page
    assert "COMPOUNDING WORKSHEET: naltrexone hydrochloride 4.5 mg immediate-release capsules" in page
    labels = [part.split("</div>", 1)[0] for part in page.split('<div class="label-print">')[1:]]
    assert len(labels) == 4
    for label in labels:
        assert trial.trial_id in label
        assert "Patient: Patty" in label
        assert "Prescriber: Lin Chen" in label
        assert "Compounding Chemists · Tel 0113 496 0000" in label
        assert "Discard after" in label
        assert "Store: " in label
        assert "Do not take with opioid medicines" in label
        assert "naltrexone 4.5 mg immediate-release" not in label  # never the contents
        assert "placebo capsules" not in label.lower()


def test_a_capsule_worksheet_follows_the_measured_fill_weight(client, world, titration):
    titration.preparation, titration.concentration_mg_per_ml = "capsules", None
    titration.save()
    client.force_login(world["pharm_ok"])
    page = html.unescape(client.get(f"/pharmacy/queue/{titration.uuid}/").content.decode())
    assert "Measured fill weight" in page
    assert "Fill weight not measured" in page
    measured = html.unescape(client.get(f"/pharmacy/queue/{titration.uuid}/?fill_weight_mg=120").content.decode())
    assert "measured: 120 mg" in measured
    assert "each capsule holds F = 120 mg of blend with 1.5 mg" in measured
    assert "1680 mg of blend in all" in measured  # 14 capsules × 120 mg
    bad = html.unescape(client.get(f"/pharmacy/queue/{titration.uuid}/?fill_weight_mg=-3").content.decode())
    assert "Ensure this value is greater than or equal to 1" in bad


def test_trial_bottles_are_made_when_their_bud_covers_their_last_day_and_never_before_the_design():
    from ldncare.web.record import core_bridge

    today = dt.date(2026, 12, 4)
    common = {"rx_number": "n1-x", "patient_name": "Patty Smith", "prescriber_name": "Lin Chen",
              "pharmacy_name": "Compounding Chemists", "pharmacy_phone": "0113 496 0000"}
    for start, weeks in ((today + dt.timedelta(days=1), 4), (today + dt.timedelta(days=30), 12)):
        _, key = core_bridge.design_blinded_trial(pairs=3, period_weeks=weeks, start_date=start, dose_mg=4.5)
        made = core_bridge.trial_compounding(key, made_from=today, label_common=common)
        for b in made["bottles"]:
            assert b["make_on"] >= today
            assert b["make_on"] <= max(b["item"].dispense_by, today)
            assert b["beyond_use_date"] >= b["item"].use_until
            assert b["label"].missing == ()
        counts = {w["arm"]: 0 for w in made["worksheets"]}
        for w in made["worksheets"]:
            counts[w["arm"]] += w["count"]
        assert counts == {"ldn": 3 * (7 * weeks + 3), "placebo": 3 * (7 * weeks + 3)}


def test_a_prescription_the_calculator_refuses_cannot_be_recorded(client, world, titration):
    titration.concentration_mg_per_ml = Decimal("0.1")  # 45 mL per 4.5 mg dose: more than any syringe
    titration.save()
    client.force_login(world["pharm_ok"])
    page = html.unescape(client.get(f"/pharmacy/queue/{titration.uuid}/").content.decode())
    assert "The calculator refused this prescription" in page
    assert "Nothing can be recorded until the prescription can be calculated" in page
    assert "Every preparation is dispensed" not in page
    assert post(client, titration, checker=world["pharm_ok"]).status_code == 200
    assert not Dispensing.objects.exists()
