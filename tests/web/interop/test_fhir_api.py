"""Database-backed FHIR: $everything is consent-checked and audited; database → bundle → database."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from ldncare.core.fhir import import_bundle, unresolved_references
from ldncare.core.fhir.resources import model_class

URL = "/api/v1/fhir/Patient/{}/$everything"


def _audit_rows(patient, outcome):
    from ldncare.web.access.models import AuditEvent

    return AuditEvent.objects.filter(subject_id=patient.pk, action="export", channel="api", outcome=outcome)


@pytest.mark.parametrize("who", ["owner", "clin_ok"])
def test_the_patient_and_a_consented_clinician_get_the_bundle(client, world, who):
    from ldncare.web.interop.services import patient_record

    patient = world["owner"]
    client.force_login(world[who])
    response = client.get(URL.format(patient.public_id))
    assert response.status_code == 200, response.content
    bundle = response.json()
    assert bundle["resourceType"] == "Bundle"
    for entry in bundle["entry"]:
        model_class(entry["resource"]["resourceType"]).model_validate(entry["resource"])
    assert unresolved_references(bundle) == []
    result = import_bundle(bundle)
    assert result.unknown == ()
    assert result.record == patient_record(patient)
    assert result.record.pseudonym == str(patient.public_id)
    assert "patty" not in response.content.decode().lower()  # pseudonymous: no username or name
    assert [(c.id, c.icd10) for c in result.record.conditions] == [("fibromyalgia", "M79.7")]
    assert result.record.diary.days[0].side_effects == (("vivid_dreams", "mild"),)
    assert _audit_rows(patient, "allowed").count() == 1
    provenance = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Provenance"]
    assert any(a["who"].get("display") == "Lin Chen" for p in provenance for a in p["agent"])


@pytest.mark.parametrize("who", ["stranger", "clin_none", "clin_revoked", "pharm_ok", "pharm_other", "admin"])
def test_anyone_else_gets_404_and_an_audited_denial(client, world, who):
    patient = world["owner"]
    client.force_login(world[who])
    response = client.get(URL.format(patient.public_id))
    assert response.status_code == 404
    assert "MARKER" not in response.content.decode()
    assert _audit_rows(patient, "denied").count() == 1
    assert _audit_rows(patient, "allowed").count() == 0


def test_an_unknown_patient_is_404(client, world):
    client.force_login(world["clin_ok"])
    assert client.get(URL.format("00000000-0000-0000-0000-000000000000")).status_code == 404


def test_anonymous_callers_are_refused(client, world):
    assert client.get(URL.format(world["owner"].public_id)).status_code in (401, 404)


def test_database_bundle_database_is_equal(world, django_user_model):
    from ldncare.web.interop.services import export_patient_bundle, patient_record, restore_record
    from ldncare.web.record import core_bridge
    from ldncare.web.record.models import CheckIn, Plan, SideEffectReport

    patient = world["owner"]
    built = core_bridge.build_protocol_plan(protocol="article", start_date=dt.date(2026, 2, 2))
    Plan.objects.filter(patient=patient).update(is_current=False)
    Plan.objects.create(patient=patient, author=world["clin_ok"], source="clinician", protocol=built["protocol"],
                        target_dose_mg=built["target_mg"], steps=built["steps"], is_current=True)
    for i, (dose, pain) in enumerate([(None, 7), (Decimal("1.5"), 6), (Decimal("3"), 4), (Decimal("0.25"), None)]):
        checkin = CheckIn.objects.create(patient=patient, date=dt.date(2026, 2, 1) + dt.timedelta(days=i),
                                         ldn_dose_mg=dose, dose_time=dt.time(22, 30) if dose else None,
                                         pain_score=pain, mood_score=5, pgic_score=4 if i == 3 else None,
                                         notes="day, with \"quotes\"" if i == 2 else "")
        if i == 2:
            SideEffectReport.objects.create(checkin=checkin, side_effect_id="insomnia", severity="moderate")
            SideEffectReport.objects.create(checkin=checkin, side_effect_id="headache", severity="mild")

    original = patient_record(patient)
    assert original.plan.steps[0].volume_ml == Decimal("1.5")
    text = json.dumps(export_patient_bundle(patient, timezone="Europe/London").model_dump(mode="json"))
    restored = import_bundle(text).record
    assert restored == original

    copy = django_user_model.objects.create_user(username="copy", password="x" * 12, role="patient")
    restore_record(copy, restored, author=world["clin_ok"])
    assert patient_record(copy) == original.model_copy(update={"pseudonym": str(copy.public_id)})
