"""The reminders page and the one-click stop link."""

from __future__ import annotations

import datetime as dt

import pytest

from ldncare.web.notify.messages import stop_token
from ldncare.web.notify.models import ReminderSettings

pytestmark = pytest.mark.django_db


def test_the_page_saves_reminders_and_the_zone(client, patient):
    client.force_login(patient)
    page = client.get("/me/reminders/")
    assert page.status_code == 200
    assert b"Check-in reminder" in page.content
    answer = client.post("/me/reminders/", {"time_zone": "Europe/Oslo", "checkin_time": "20:30", "dose_time": "",
                                            "channels": ["email"]})
    assert answer.status_code == 302
    saved = ReminderSettings.objects.get(user=patient)
    assert (saved.checkin_time, saved.dose_time, saved.channels) == (dt.time(20, 30), None, ["email"])
    patient.refresh_from_db()
    assert patient.time_zone == "Europe/Oslo"


def test_the_page_shows_errors_next_to_the_field_and_saves_nothing(client, patient):
    client.force_login(patient)
    answer = client.post("/me/reminders/", {"time_zone": "Nowhere/Land", "checkin_time": "99:99", "channels": ["email"]})
    assert answer.status_code == 200
    assert b"Not a time zone name" in answer.content
    assert b"Enter a valid time" in answer.content
    assert not ReminderSettings.objects.exists()


def test_the_stop_link_asks_first_then_turns_off_that_reminder_only(client, patient):
    ReminderSettings.objects.create(user=patient, checkin_time=dt.time(20), dose_time=dt.time(22), channels=["email"])
    url = f"/reminders/stop/{stop_token(user=patient, kind='checkin_reminder')}/"
    page = client.get(url)  # a link scanner opening it changes nothing
    assert page.status_code == 200
    assert b"Stop check-in reminders" in page.content
    assert ReminderSettings.objects.get().checkin_time == dt.time(20)
    done = client.post(url)  # also the RFC 8058 one-click POST of mail clients: no session, no CSRF token
    assert done.status_code == 200
    assert b"are off" in done.content
    saved = ReminderSettings.objects.get()
    assert (saved.checkin_time, saved.dose_time) == (None, dt.time(22))


def test_a_forged_stop_link_is_refused(client, patient):
    token = stop_token(user=patient, kind="checkin_reminder")
    assert client.post(f"/reminders/stop/{token[:-2]}xx/").status_code == 400
