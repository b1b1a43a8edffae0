"""Questionnaire reminders through the notify worker: claimed once per period, sent by e-mail through
the same delivery ledger as the daily reminders, skipped once answered, stopped by the link."""

from __future__ import annotations

import datetime as dt
import threading
from types import SimpleNamespace

import pytest
from django.utils import timezone

from ldncare.web.notify.models import Delivery, ReminderSettings
from ldncare.web.notify.reminders import reminder_stop
from ldncare.web.notify.worker import run_database_worker
from ldncare.web.questionnaires.models import QuestionnaireSchedule
from ldncare.web.questionnaires.schedule import questionnaire_reminders_claim
from ldncare.web.questionnaires.services import (
    questionnaire_result_save,
    questionnaire_schedule_save,
)

PI = "promis_pain_interference_4a"
REQUEST = SimpleNamespace(user=None, META={}, path="/")


def _schedule(patient, *, now, weekday, time="09:00"):
    ReminderSettings.objects.create(user=patient, channels=["email"])
    return questionnaire_schedule_save(request=REQUEST, patient=patient, instrument=PI, frequency="weekly",
                                       weekday=weekday, time=dt.time.fromisoformat(time), now=now)


@pytest.mark.django_db
def test_claimed_once_per_period_with_its_delivery(patient):
    set_at = dt.datetime(2026, 11, 29, 12, tzinfo=dt.UTC)  # a Sunday (patient's zone is UTC)
    _schedule(patient, now=set_at, weekday=0)
    assert questionnaire_reminders_claim(now=dt.datetime(2026, 11, 30, 8, 59, tzinfo=dt.UTC)) == {}
    monday = dt.datetime(2026, 11, 30, 9, 1, tzinfo=dt.UTC)
    assert questionnaire_reminders_claim(now=monday) == {f"{PI}:2026-11-30": [patient.pk]}
    for hours in (0, 1, 30, 100):
        assert questionnaire_reminders_claim(now=monday + dt.timedelta(hours=hours)) == {}
    delivery = Delivery.objects.get()
    assert (delivery.kind, delivery.key, delivery.channel) == ("questionnaire", f"{PI}:2026-11-30", "email")
    assert questionnaire_reminders_claim(now=monday + dt.timedelta(days=7)) == {f"{PI}:2026-12-07": [patient.pk]}


@pytest.mark.django_db
def test_not_claimed_when_answered_in_the_period_or_without_channels(patient, stranger):
    set_at = dt.datetime(2026, 11, 29, 12, tzinfo=dt.UTC)
    _schedule(patient, now=set_at, weekday=0)
    questionnaire_result_save(request=REQUEST, patient=patient, instrument=PI, answers=[1, 1, 1, 1],
                              now=dt.datetime(2026, 11, 30, 7, tzinfo=dt.UTC))
    questionnaire_schedule_save(request=REQUEST, patient=stranger, instrument=PI, frequency="weekly", weekday=0,
                                time=dt.time(9), now=set_at)  # no channels chosen
    assert questionnaire_reminders_claim(now=dt.datetime(2026, 11, 30, 10, tzinfo=dt.UTC)) == {}
    assert not Delivery.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_worker_emails_the_due_reminder_once_with_a_stop_link(smtp, patient):
    now = timezone.now()
    local = now.astimezone(dt.UTC)
    when = max(local - dt.timedelta(minutes=2), local.replace(hour=0, minute=0, second=0, microsecond=0))
    _schedule(patient, now=now - dt.timedelta(days=8), weekday=local.weekday(),
              time=when.time().replace(second=0, microsecond=0).isoformat())
    report = run_database_worker(burst=True, interval_s=1, stop=threading.Event())
    assert report["reminders_claimed"] == 1
    assert report["sent"] == 1
    (message,) = smtp.to(patient.email)
    assert message["Subject"] == "Time for your questionnaire"
    assert "reminders/stop/" in " ".join(message["List-Unsubscribe"].split())
    run_database_worker(burst=True, interval_s=1, stop=threading.Event())
    assert len(smtp.messages) == 1


@pytest.mark.django_db(transaction=True)
def test_answered_after_the_claim_the_message_is_skipped(smtp, patient):
    from ldncare.web.notify.tick import notify_tick

    now = timezone.now()
    when = max(now - dt.timedelta(minutes=2), now.replace(hour=0, minute=0, second=0, microsecond=0))
    _schedule(patient, now=now - dt.timedelta(days=8), weekday=now.weekday(),
              time=when.time().replace(second=0, microsecond=0).isoformat())
    notify_tick()
    questionnaire_result_save(request=REQUEST, patient=patient, instrument=PI, answers=[2, 2, 2, 2])
    run_database_worker(burst=True, interval_s=1, stop=threading.Event())
    assert smtp.messages == []
    assert Delivery.objects.get().state == "skipped"


@pytest.mark.django_db
def test_the_stop_link_removes_every_questionnaire_schedule(patient):
    _schedule(patient, now=timezone.now(), weekday=0)
    reminder_stop(user=patient, kind="questionnaire")
    assert not QuestionnaireSchedule.objects.exists()
