"""The diary API: CRUD, Idempotency-Key, validation (422, never 500), token auth and CSRF."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from ldncare.web.accounts.models import ApiToken
from ldncare.web.record.models import CheckIn

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


@pytest.fixture
def api_client(patient):
    _, raw = ApiToken.issue(user=patient, name="test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def _url(patient, suffix=""):
    return f"/api/v1/patients/{patient.public_id}/diary{suffix}"


def _post(c, patient, body, **headers):
    return c.post(_url(patient), data=json.dumps(body), content_type="application/json", headers=headers)


BODY = {"date": "2026-03-01", "ldn_dose_mg": 1.5, "dose_time": "22:00", "pain_score": 5,
        "side_effects": [{"id": "insomnia", "severity": "moderate"}]}


def test_create_read_update_delete(api_client, patient):
    created = _post(api_client, patient, BODY)
    assert created.status_code == 201, created.content
    entry = created.json()
    assert entry["side_effects"] == [{"id": "insomnia", "severity": "moderate"}]
    assert api_client.get(_url(patient, f"/{entry['id']}")).json()["pain_score"] == 5
    updated = api_client.put(_url(patient, f"/{entry['id']}"), data=json.dumps({**BODY, "pain_score": 3}),
                             content_type="application/json")
    assert updated.status_code == 200
    assert updated.json()["pain_score"] == 3
    assert [e["id"] for e in api_client.get(_url(patient)).json()] == [entry["id"]]
    assert api_client.delete(_url(patient, f"/{entry['id']}")).status_code == 204
    assert api_client.get(_url(patient, f"/{entry['id']}")).status_code == 404


def test_idempotency_key_replays_and_creates_nothing_twice(api_client, patient):
    first = _post(api_client, patient, BODY, **{"Idempotency-Key": "key-0001-abcd"})
    again = _post(api_client, patient, BODY, **{"Idempotency-Key": "key-0001-abcd"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert CheckIn.objects.count() == 1
    other = _post(api_client, patient, {**BODY, "pain_score": 9}, **{"Idempotency-Key": "key-0001-abcd"})
    assert other.status_code == 422
    assert _post(api_client, patient, {**BODY, "date": "2026-03-02"}, **{"Idempotency-Key": "bad key!"}).status_code == 422


def test_same_day_twice_is_a_conflict(api_client, patient):
    assert _post(api_client, patient, BODY).status_code == 201
    response = _post(api_client, patient, BODY)
    assert response.status_code == 409
    assert response.json()["detail"]


@pytest.mark.parametrize("bad", [
    {"pain_score": 11}, {"pain_score": -1}, {"ldn_dose_mg": 51}, {"pgic_score": 0}, {"date": "2026-02-30"},
    {"dose_time": "25:00"}, {"dose_time": "22:00+01:00"}, {"side_effects": [{"id": "headache", "severity": "awful"}]},
    {"side_effects": [{"id": "not-a-side-effect", "severity": "mild"}]}, {"patient": 1}, {"notes": "x" * 2001},
])
def test_bad_input_answers_422_with_field_errors(api_client, patient, bad):
    response = _post(api_client, patient, {**BODY, **bad})
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["detail"]
    assert body["errors"]
    assert {"loc", "msg", "type"} <= body["errors"][0].keys()
    assert not CheckIn.objects.exists()


def test_malformed_json_and_ids_never_500(api_client, patient):
    response = api_client.post(_url(patient), data="{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert api_client.get("/api/v1/patients/not-a-uuid/diary").status_code == 422


def test_session_writes_need_the_csrf_token(patient):
    c = Client(enforce_csrf_checks=True)
    c.force_login(patient)
    assert _post(c, patient, BODY).status_code == 403
    c.get("/me/checkin/")
    token = c.cookies["csrftoken"].value
    assert _post(c, patient, BODY, **{"X-CSRFToken": token}).status_code == 201


def test_token_exchange(client, patient, password):
    response = client.post("/api/v1/auth/token", data=json.dumps({"username": patient.username, "password": password}),
                           content_type="application/json")
    assert response.status_code == 201
    raw = response.json()["token"]
    c = Client(headers={"Authorization": f"Bearer {raw}"})
    assert c.get("/api/v1/me").json()["role"] == "patient"
    assert c.delete("/api/v1/auth/token").status_code == 204
    assert c.get("/api/v1/me").status_code == 401


def test_openapi_lists_the_record_operations(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/patients/{patient_id}/diary" in paths
