"""Idempotency records are forgotten with the entry they made (issue 18): a deleted diary day is
not replayed from a stored answer, and its values do not outlive it there."""

from __future__ import annotations

import json

import pytest
from django.test import Client, RequestFactory

from ldncare.web.accounts.models import ApiToken, IdempotencyRecord
from ldncare.web.record import services
from ldncare.web.record.models import CheckIn

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

BODY = {"date": "2026-03-01", "ldn_dose_mg": 1.5, "dose_time": "22:00", "pain_score": 5, "notes": "kept private"}


def test_deleting_an_entry_forgets_its_idempotency_record(patient):
    _, raw = ApiToken.issue(user=patient, name="phone")
    api = Client(headers={"Authorization": f"Bearer {raw}", "Idempotency-Key": "offline-0001-abcd"})
    url = f"/api/v1/patients/{patient.public_id}/diary"
    created = api.post(url, data=json.dumps(BODY), content_type="application/json")
    assert created.status_code == 201
    entry_id = created.json()["id"]
    assert IdempotencyRecord.objects.get().resource_id == entry_id

    entry = CheckIn.objects.get()  # deleted through the service the page and the API share
    request = RequestFactory().post("/")
    request.user = patient
    services.checkin_delete(request=request, patient=patient, checkin=entry)
    assert not IdempotencyRecord.objects.exists()

    replay = api.post(url, data=json.dumps(BODY), content_type="application/json")
    assert replay.status_code == 201  # a new request now, not the deleted day's stored answer
    assert CheckIn.objects.count() == 1
