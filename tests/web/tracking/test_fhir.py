"""Her own outcomes and factors in the FHIR export: an Observation with the local code (outcome:<name>,
factor:<name>) and her words as text; export → import gives the same record, and restores into the database."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from ldncare.core.fhir import import_bundle
from ldncare.core.fhir.codes import DIARY_OUTCOME
from ldncare.web.interop.services import export_patient_bundle, patient_record, restore_record
from ldncare.web.record.models import CheckIn
from ldncare.web.tracking.models import TrackedItem, TrackedValue

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def _items(patient):
    fog = TrackedItem.objects.create(patient=patient, kind="outcome", slug="brain_fog", name="Brain fog",
                                     anchor_low="clear", anchor_high="can't think")
    walk = TrackedItem.objects.create(patient=patient, kind="minutes", slug="walk", name="Walk outside")
    return fog, walk


def test_export_has_coded_observations_with_her_words_and_round_trips(patient, stranger):
    fog, walk = _items(patient)
    day = CheckIn.objects.create(patient=patient, date=dt.date(2026, 2, 1), pain_score=5)
    TrackedValue.objects.create(checkin=day, item=fog, value=Decimal(4))
    TrackedValue.objects.create(checkin=day, item=walk, value=Decimal(35))
    CheckIn.objects.create(patient=patient, date=dt.date(2026, 2, 2), pain_score=4)

    bundle = json.loads(json.dumps(export_patient_bundle(patient, timezone="UTC").model_dump(mode="json")))
    observations = {c["code"]: (r["code"]["text"], r["valueQuantity"]["value"])
                    for r in (e["resource"] for e in bundle["entry"]) if r["resourceType"] == "Observation"
                    and "valueQuantity" in r for c in r["code"].get("coding", []) if c["system"] == DIARY_OUTCOME}
    assert observations["outcome:brain_fog"] == ("Brain fog", 4)
    assert observations["factor:walk"] == ("Walk outside", 35)

    original = patient_record(patient)
    restored = import_bundle(json.dumps(bundle)).record
    assert restored.diary == original.diary
    assert restored.diary.days[0].factors == {"factor:walk": 35.0}

    # into another patient who tracks the same items: stored; one who does not: listed, not guessed
    _items(stranger)
    report = restore_record(stranger, restored)
    assert report.days_written == 2
    assert {v.item.code: v.value for v in TrackedValue.objects.filter(checkin__patient=stranger)} == {
        "outcome:brain_fog": Decimal(4), "factor:walk": Decimal(35)}
    assert patient_record(stranger).diary == original.diary
