"""``POST /api/v1/fhir/Patient/{id}/$import``: all or nothing, nothing merged silently; and the
patient's own time zone on ``$everything``."""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal

import pytest
from django.test import Client

from ldncare.core.fhir import PatientRecord, bundle_to_json, condition_entry, export_bundle
from ldncare.core.response import parse_diary

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

IMPORT = "/api/v1/fhir/Patient/{}/$import"
EVERYTHING = "/api/v1/fhir/Patient/{}/$everything"
DIARY = """date,ldn_dose_mg,dose_time,phase,pain,fatigue,sleep_quality,mood,stiffness,pgic,side_effects,notes
2026-03-01,,,baseline,6,5,4,5,7,,,
2026-03-02,1.5,22:30,titration,5,5,3,5,,,vivid_dreams:moderate,first dose
2026-03-03,1.5,22:40,,4,,3,,,3,,
"""


def bundle(**record) -> dict:
    record = PatientRecord(pseudonym="from-elsewhere", diary=parse_diary(DIARY), **record)
    return json.loads(bundle_to_json(export_bundle(record, timezone="Europe/Amsterdam",
                                                   recorded=dt.datetime(2026, 11, 24, tzinfo=dt.UTC))))


@pytest.fixture
def api(patient):
    from ldncare.web.accounts.models import ApiToken

    _, raw = ApiToken.issue(user=patient, name="test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def post(client, patient, body, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return client.post(IMPORT.format(patient.public_id) + (f"?{query}" if query else ""),
                       data=body if isinstance(body, str) else json.dumps(body), content_type="application/json")


def days(patient):
    from ldncare.web.record.models import CheckIn

    return list(CheckIn.objects.filter(patient=patient).order_by("date").values_list("date", "pain_score", "notes"))


def test_a_patient_imports_a_bundle_and_is_told_what_the_database_cannot_keep(api, patient):
    response = post(api, patient, bundle(conditions=(condition_entry("multiple-sclerosis"),)))
    assert response.status_code == 200, response.content
    report = response.json()
    assert report["days_written"] == 3
    assert report["conditions"] == ["multiple-sclerosis"]
    assert "2026-03-01 stiffness 7: the database keeps pain, fatigue, sleep quality and mood" in report["not_stored"]
    assert "2026-03-01 phase 'baseline': the database keeps no phases" in report["not_stored"]
    assert days(patient) == [(dt.date(2026, 3, 1), 6, ""), (dt.date(2026, 3, 2), 5, "first dose"),
                             (dt.date(2026, 3, 3), 4, "")]


def test_a_symptom_in_the_patients_words_is_stored_with_its_severity(api, patient):
    from ldncare.core.response import Diary, DiaryDay
    from ldncare.web.record.models import CheckIn

    day = DiaryDay(date=dt.date(2026, 3, 4), scores={"pain": 3.0}, symptom="tingling feet", symptom_severity="mild")
    record = PatientRecord(pseudonym="from-elsewhere", diary=Diary(days=(day,)))
    body = json.loads(bundle_to_json(export_bundle(record, recorded=dt.datetime(2026, 11, 24, tzinfo=dt.UTC))))
    response = post(api, patient, body)
    assert response.status_code == 200, response.content
    assert response.json()["unknown"] == []
    checkin = CheckIn.objects.get(patient=patient, date=dt.date(2026, 3, 4))
    assert (checkin.symptom, checkin.symptom_severity, checkin.pain_score) == ("tingling feet", "mild", 3)


def test_a_conflict_answers_422_per_item_and_writes_nothing(api, patient):
    body = bundle()
    i = next(i for i, e in enumerate(body["entry"]) if e["resource"].get("effectiveDateTime") == "2026-03-01"
             and e["resource"]["code"]["coding"][-1]["code"] == "pain")
    twin = copy.deepcopy(body["entry"][i])
    twin["fullUrl"], twin["resource"]["id"] = "urn:uuid:5b0c2a8e-0000-4000-8000-000000000001", "5b0c2a8e-0000-4000-8000-000000000001"
    twin["resource"]["valueQuantity"]["value"] = 9
    body["entry"].append(twin)
    response = post(api, patient, body)
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["loc"] == ["body", "entry", "2026-03-01", "score pain"]
    assert "has 6" in error["msg"] and "has 9" in error["msg"]  # noqa: PT018
    assert days(patient) == []
    response = post(api, patient, body, on_conflict="keep-first")
    assert response.status_code == 200, response.content
    assert [c["item"] for c in response.json()["conflicts"]] == ["score pain"]
    assert days(patient)[0] == (dt.date(2026, 3, 1), 6, "")


def test_a_day_the_patient_already_has_is_never_overwritten(api, patient):
    from ldncare.web.record.models import CheckIn

    CheckIn.objects.create(patient=patient, date=dt.date(2026, 3, 2), pain_score=2, notes="mine")
    response = post(api, patient, bundle())
    assert response.status_code == 422
    assert response.json()["errors"][0]["msg"].startswith("2026-03-02: the patient already has this day")
    assert days(patient) == [(dt.date(2026, 3, 2), 2, "mine")]
    response = post(api, patient, bundle(), on_existing="keep-existing")
    assert response.status_code == 200, response.content
    assert response.json()["kept_existing"] == ["2026-03-02"]
    assert days(patient)[1] == (dt.date(2026, 3, 2), 2, "mine")
    assert len(days(patient)) == 3


@pytest.mark.parametrize(("change", "loc", "message"), [
    (lambda t: t.replace('"2026-03-03"', '"9999-12-31"'), "effectiveDateTime", "in the future"),
    (lambda t: t.replace('"first dose"', '"bell \\u0007"'), "text", "control character U+0007"),
    (lambda t: t.replace('"first dose"', json.dumps("x" * 3000)), "note", "allowed: at most 2000"),
    (lambda t: "[" * 5000 + "]" * 5000, None, "nested"),
    (lambda t: t.replace('"type": "collection"', '"type": "history"'), "type", "history"),
])
def test_hostile_bundles_answer_422_with_the_path_and_write_nothing(api, patient, change, loc, message):
    response = post(api, patient, change(json.dumps(bundle())))
    assert response.status_code == 422, response.content
    (error,) = response.json()["errors"]
    assert message in error["msg"]
    if loc:
        assert error["loc"][0] == "body" and error["loc"][-1] == loc  # noqa: PT018
    assert days(patient) == []


def test_only_the_patient_imports(client, world):
    patient = world["owner"]
    for who, status in (("clin_ok", 403), ("stranger", 404), ("pharm_ok", 404)):
        client.force_login(world[who])
        assert post(client, patient, bundle()).status_code == status
    from ldncare.web.record.models import CheckIn

    assert not CheckIn.objects.filter(patient=patient, date__year=2026, date__month=3).exists()


def test_everything_carries_dose_times_in_the_patients_own_zone(client, world):
    from ldncare.web.record.models import CheckIn

    patient = world["owner"]
    patient.time_zone = "America/New_York"
    patient.save()
    CheckIn.objects.create(patient=patient, date=dt.date(2026, 7, 1), ldn_dose_mg=Decimal("3"), dose_time=dt.time(22))
    client.force_login(patient)
    response = client.get(EVERYTHING.format(patient.public_id))
    assert response.status_code == 200
    taken = [e["resource"]["effectiveDateTime"] for e in response.json()["entry"]
             if e["resource"]["resourceType"] == "MedicationAdministration"]
    assert "2026-07-01T22:00:00-04:00" in taken  # 22:00 where the patient lives (EDT), not 22:00 UTC
