"""Which reminders are due, in each person's zone, once per local day (daylight saving included)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from ldncare.web.notify.models import Delivery, ReminderSettings
from ldncare.web.notify.schedule import LATE_LIMIT, reminders_claim
from ldncare.web.record.models import CheckIn

pytestmark = pytest.mark.django_db


def _remind(user, *, zone: str, checkin: str | None = None, dose: str | None = None, channels=("email",)):
    user.time_zone = zone
    user.save(update_fields=["time_zone"])
    return ReminderSettings.objects.create(
        user=user, checkin_time=dt.time.fromisoformat(checkin) if checkin else None,
        dose_time=dt.time.fromisoformat(dose) if dose else None, channels=list(channels))


def _at(zone: str, text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))


def _claimed(now) -> set[tuple[str, int, dt.date]]:
    return {(c.kind, user_id, c.local_date) for c in reminders_claim(now=now) for user_id, _ in c.recipients}


def test_a_reminder_three_minutes_past_in_tokyo_is_claimed_once(patient):
    _remind(patient, zone="Asia/Tokyo", checkin="20:00")
    now = _at("Asia/Tokyo", "2026-12-04T20:03")
    assert _claimed(now) == {("checkin_reminder", patient.pk, dt.date(2026, 12, 4))}
    assert _claimed(now) == set()
    assert _claimed(now + dt.timedelta(minutes=30)) == set()
    delivery = Delivery.objects.get()
    assert (delivery.kind, delivery.key, delivery.channel, delivery.state) == (
        "checkin_reminder", "2026-12-04", "email", "pending")
    # the next local day it is due again
    assert _claimed(now + dt.timedelta(days=1)) == {("checkin_reminder", patient.pk, dt.date(2026, 12, 5))}


def test_not_before_its_time_and_not_in_another_zones_time(patient, stranger):
    _remind(patient, zone="Asia/Tokyo", checkin="20:00")
    _remind(stranger, zone="Europe/Oslo", checkin="20:00")
    # 20:03 in Tokyo is 12:03 in Oslo: only Tokyo's is due
    assert _claimed(_at("Asia/Tokyo", "2026-12-04T19:59")) == set()
    assert _claimed(_at("Asia/Tokyo", "2026-12-04T20:03")) == {("checkin_reminder", patient.pk, dt.date(2026, 12, 4))}
    assert _claimed(_at("Europe/Oslo", "2026-12-04T20:01")) == {("checkin_reminder", stranger.pk, dt.date(2026, 12, 4))}


def test_no_checkin_reminder_when_today_is_already_checked_in(patient):
    _remind(patient, zone="Asia/Tokyo", checkin="20:00", dose="22:00")
    CheckIn.objects.create(patient=patient, date=dt.date(2026, 12, 4), pain_score=3)
    assert _claimed(_at("Asia/Tokyo", "2026-12-04T22:05")) == {("dose_reminder", patient.pk, dt.date(2026, 12, 4))}


def test_a_reminder_more_than_the_late_limit_late_is_not_sent_that_day(patient):
    _remind(patient, zone="Europe/Oslo", checkin="08:00")
    late = _at("Europe/Oslo", "2026-12-04T08:00") + LATE_LIMIT + dt.timedelta(minutes=1)
    assert _claimed(late) == set()


def test_turned_off_or_without_channels_is_quiet(patient, stranger):
    _remind(patient, zone="Europe/Oslo", checkin="08:00", channels=())
    _remind(stranger, zone="Europe/Oslo", checkin=None, dose=None)
    assert _claimed(_at("Europe/Oslo", "2026-12-04T08:01")) == set()
    assert not Delivery.objects.exists()


def test_spring_forward_a_time_that_does_not_exist_goes_out_once_after_the_jump(patient):
    # New York, 8 March 2026: 02:00 jumps to 03:00, so 02:30 never happens that day.
    _remind(patient, zone="America/New_York", checkin="02:30")
    zone = ZoneInfo("America/New_York")
    before = dt.datetime(2026, 3, 8, 6, 59, tzinfo=dt.UTC)  # 01:59 EST
    after = dt.datetime(2026, 3, 8, 7, 1, tzinfo=dt.UTC)  # 03:01 EDT
    assert before.astimezone(zone).hour == 1
    assert after.astimezone(zone).hour == 3
    assert _claimed(before) == set()
    assert _claimed(after) == {("checkin_reminder", patient.pk, dt.date(2026, 3, 8))}
    assert _claimed(after + dt.timedelta(hours=1)) == set()


def test_fall_back_a_time_that_happens_twice_goes_out_once(patient):
    # New York, 1 November 2026: 01:00-02:00 happens twice.
    _remind(patient, zone="America/New_York", checkin="01:30")
    first = dt.datetime(2026, 11, 1, 5, 31, tzinfo=dt.UTC)  # 01:31 EDT
    second = dt.datetime(2026, 11, 1, 6, 31, tzinfo=dt.UTC)  # 01:31 EST, an hour later
    assert _claimed(first) == {("checkin_reminder", patient.pk, dt.date(2026, 11, 1))}
    assert _claimed(second) == set()
    assert Delivery.objects.count() == 1


def test_each_channel_gets_its_own_delivery(patient):
    _remind(patient, zone="UTC", dose="21:00", channels=("email", "push"))
    _claimed(dt.datetime(2026, 12, 4, 21, 0, 30, tzinfo=dt.UTC))
    assert sorted(Delivery.objects.values_list("channel", flat=True)) == ["email", "push"]
