"""The worker in-process on the database queue: reminders, retries, the pharmacy told of a prescription."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from ldncare.web.notify.models import Delivery, ReminderSettings
from ldncare.web.notify.worker import run_database_worker
from ldncare.web.record.models import CheckIn

pytestmark = pytest.mark.django_db(transaction=True)


def _burst() -> dict:
    return run_database_worker(burst=True, interval_s=1, stop=threading.Event())


def _local_minutes_ago(zone: str, minutes: int) -> tuple[dt.time, dt.date]:
    """A clock time ``minutes`` ago in ``zone``, never before local midnight (same local day)."""
    now = timezone.now().astimezone(ZoneInfo(zone))
    then = max(now - dt.timedelta(minutes=minutes), now.replace(hour=0, minute=0, second=0, microsecond=0))
    return then.time().replace(second=0, microsecond=0), now.date()


def _text(message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode()
    return ""


def test_a_due_checkin_reminder_is_emailed_once_and_not_after_the_checkin(smtp, patient):
    when, today = _local_minutes_ago("Asia/Tokyo", 3)
    patient.time_zone = "Asia/Tokyo"
    patient.save()
    ReminderSettings.objects.create(user=patient, checkin_time=when, channels=["email"])
    report = _burst()
    assert report["reminders_claimed"] == 1
    assert report["sent"] == 1
    assert len(smtp.to(patient.email)) == 1
    message = smtp.to(patient.email)[0]
    assert message["Subject"] == "Time for today's check-in"
    assert message["From"].startswith("ldncare <")
    unsubscribe = " ".join(message["List-Unsubscribe"].split())  # a long header is folded
    assert unsubscribe.startswith("<http")
    assert "reminders/stop/" in unsubscribe
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.is_multipart()
    assert {p.get_content_type() for p in message.walk()} >= {"text/plain", "text/html"}
    _burst()
    assert len(smtp.messages) == 1  # a second run sends nothing


def test_no_reminder_when_todays_checkin_is_made(smtp, patient):
    when, today = _local_minutes_ago("Asia/Tokyo", 3)
    patient.time_zone = "Asia/Tokyo"
    patient.save()
    ReminderSettings.objects.create(user=patient, checkin_time=when, channels=["email"])
    CheckIn.objects.create(patient=patient, date=today, mood_score=6)
    _burst()
    assert smtp.messages == []


def test_a_checkin_made_after_the_claim_cancels_the_message(smtp, patient):
    when, today = _local_minutes_ago("UTC", 1)
    ReminderSettings.objects.create(user=patient, checkin_time=when, channels=["email"])
    from ldncare.web.notify.tick import notify_tick

    notify_tick()  # claimed and enqueued, not yet sent
    CheckIn.objects.create(patient=patient, date=today, mood_score=6)
    _burst()
    assert smtp.messages == []
    assert Delivery.objects.get().state == "skipped"


def test_an_smtp_server_that_refuses_the_first_attempt_gets_the_message_on_a_retry(smtp, patient, settings):
    settings.NOTIFY_RETRY_BASE_S = 0  # retry at once: the same burst picks it up
    smtp.refuse = 1
    when, _ = _local_minutes_ago("UTC", 1)
    ReminderSettings.objects.create(user=patient, dose_time=when, channels=["email"])
    _burst()
    assert smtp.refused == 1
    assert len(smtp.to(patient.email)) == 1
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("sent", 2)


def test_a_retry_waits_for_its_back_off(smtp, patient, settings):
    settings.NOTIFY_RETRY_BASE_S = 3600
    smtp.refuse = 1
    when, _ = _local_minutes_ago("UTC", 1)
    ReminderSettings.objects.create(user=patient, dose_time=when, channels=["email"])
    _burst()
    assert smtp.messages == []
    assert Delivery.objects.get().state == "retry"
    _burst()  # not yet due: nothing sent, nothing duplicated
    assert smtp.messages == []
    assert Delivery.objects.get().attempts == 1


def test_a_new_prescription_is_emailed_to_the_pharmacist_without_health_details(smtp, patient, pharmacist, pharmacy):
    from ldncare.web.clinic.models import Prescription
    from ldncare.web.record.models import Plan

    pharmacist.pharmacy = pharmacy
    pharmacist.save()
    plan = Plan.objects.create(patient=patient, source="clinician", steps=[], target_dose_mg=Decimal("4.5"))
    Prescription.objects.create(plan=plan, patient=patient, pharmacy=pharmacy, preparation="capsules",
                                supply_start=dt.date(2026, 12, 4), days_supply=30, quantity=30,
                                quantity_unit="capsules", directions="Take 4.5 mg at bedtime")
    _burst()
    messages = smtp.to(pharmacist.email)
    assert len(messages) == 1
    text = _text(messages[0])
    assert "Patty" not in text
    assert "4.5" not in text
    assert "bedtime" not in text
    assert "/pharmacy/queue/" in text
    _burst()
    assert len(smtp.messages) == 1
    from ldncare.web.access.models import AuditEvent

    assert AuditEvent.objects.filter(object_type="notify_prescription", subject_id=patient.pk).count() == 1


def test_a_severe_side_effect_saved_over_the_api_emails_each_sharing_clinician_once(smtp, patient, clinician,
                                                                                   django_user_model, settings):
    import json

    from ldncare.web.access.models import AuditEvent, Grant
    from ldncare.web.accounts.models import ApiToken
    from ldncare.web.alerts.models import Alert

    settings.NOTIFY_RETRY_BASE_S = 0
    smtp.refuse = 1  # the first attempt is refused: the message still arrives, once
    second = django_user_model.objects.create_user(username="dr_two", email="dr_two@example.org", password="x" * 12,
                                                   role="clinician")
    unrelated = django_user_model.objects.create_user(username="dr_none", email="dr_none@example.org",
                                                      password="x" * 12, role="clinician")
    for doctor in (clinician, second):
        Grant.objects.create(patient=patient, kind="clinician", clinician=doctor, accepted_at=timezone.now())
    _, raw = ApiToken.issue(user=patient, name="phone")
    from django.test import Client

    body = {"date": timezone.localdate().isoformat(), "side_effects": [{"id": "allergic_reaction", "severity": "severe"}]}
    answer = Client().post(f"/api/v1/patients/{patient.public_id}/diary", data=json.dumps(body),
                           content_type="application/json", headers={"Authorization": f"Bearer {raw}"})
    assert answer.status_code == 201, answer.content
    _burst()
    assert sorted(m["To"] for m in smtp.messages) == sorted([clinician.email, second.email])
    assert smtp.to(unrelated.email) == []
    assert smtp.refused == 1
    for message in smtp.messages:
        text = _text(message)
        assert "allergic" not in text.lower()
        assert patient.first_name not in text
        assert "/clinic/" in text
    assert not Alert.objects.filter(notified_at__isnull=True).exists()
    assert AuditEvent.objects.filter(object_type="notify_alert", subject_id=patient.pk).count() == 2
    _burst()
    assert len(smtp.messages) == 2
