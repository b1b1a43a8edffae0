"""GET/PUT /api/v1/me/reminders and the push subscription endpoints."""

from __future__ import annotations

import pytest

from ldncare.web.notify.models import PushSubscription, ReminderSettings

pytestmark = pytest.mark.django_db
URL = "/api/v1/me/reminders"


def test_defaults_then_save_then_read(client, patient):
    client.force_login(patient)
    assert client.get(URL).json() == {"time_zone": "UTC", "checkin_time": None, "dose_time": None, "channels": []}
    body = {"time_zone": "Asia/Tokyo", "checkin_time": "20:00", "dose_time": "22:30", "channels": ["email"]}
    answer = client.put(URL, body, content_type="application/json")
    assert answer.status_code == 200, answer.content
    assert answer.json() == body
    assert client.get(URL).json() == body
    patient.refresh_from_db()
    assert patient.time_zone == "Asia/Tokyo"
    assert ReminderSettings.objects.get(user=patient).channels == ["email"]


def test_the_dose_time_defaults_to_the_plans(client, patient):
    import datetime as dt
    from decimal import Decimal

    from ldncare.web.record.models import Plan

    today = dt.date.today()
    Plan.objects.create(patient=patient, source="patient", target_dose_mg=Decimal("1.5"), steps=[
        {"start_date": (today - dt.timedelta(days=3)).isoformat(), "end_date": (today + dt.timedelta(days=3)).isoformat(),
         "dose_mg": 1.5, "time": "21:45", "volume_ml": 1.5, "device": "syringe-3ml"}])
    client.force_login(patient)
    assert client.get(URL).json()["dose_time"] == "21:45"


@pytest.mark.parametrize(("body", "field"), [
    ({"time_zone": "Mars/Olympus", "checkin_time": None, "dose_time": None, "channels": []}, "time_zone"),
    ({"time_zone": "UTC", "checkin_time": "25:00", "dose_time": None, "channels": []}, "checkin_time"),
    ({"time_zone": "UTC", "checkin_time": "8pm", "dose_time": None, "channels": []}, "checkin_time"),
    ({"time_zone": "UTC", "checkin_time": None, "dose_time": "22:00", "channels": ["pigeon"]}, "channels"),
    ({"time_zone": "UTC", "checkin_time": None, "dose_time": "22:00", "channels": ["push"]}, "channels"),
])
def test_bad_settings_answer_422_naming_the_field_and_store_nothing(client, patient, body, field):
    client.force_login(patient)
    answer = client.put(URL, body, content_type="application/json")
    assert answer.status_code == 422, answer.content
    assert any(error["loc"][-1] == field for error in answer.json()["errors"]), answer.json()
    assert not ReminderSettings.objects.exists()
    patient.refresh_from_db()
    assert patient.time_zone == "UTC"


def test_email_reminders_need_an_address(client, patient):
    patient.email = ""
    patient.save()
    client.force_login(patient)
    answer = client.put(URL, {"time_zone": "UTC", "checkin_time": "20:00", "dose_time": None, "channels": ["email"]},
                        content_type="application/json")
    assert answer.status_code == 422
    assert "e-mail address" in answer.json()["errors"][0]["msg"]


def test_only_patients_have_reminders(client, clinician, login_verified):
    login_verified(client, clinician)
    assert client.get(URL).status_code == 403


def test_signed_out_is_401(client):
    assert client.get(URL).status_code == 401


def test_push_subscription_register_and_remove(client, patient):
    client.force_login(patient)
    body = {"endpoint": "https://push.example.org/send/abc", "keys": {"p256dh": "BNc" + "a" * 84, "auth": "x" * 22},
            "expirationTime": None}
    assert client.post("/api/v1/me/push-subscriptions", body, content_type="application/json").status_code == 201
    assert PushSubscription.objects.get().user == patient
    assert client.delete("/api/v1/me/push-subscriptions?endpoint=https://push.example.org/send/abc").status_code == 204
    assert not PushSubscription.objects.exists()
    bad = client.post("/api/v1/me/push-subscriptions", {"endpoint": "https://x.org/1", "keys": {}},
                      content_type="application/json")
    assert bad.status_code == 422
