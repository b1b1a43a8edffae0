"""Questionnaire reminders for the notify worker: which are due, claimed once per period.

Each tick (:func:`ldncare.web.notify.tick.notify_tick`) calls :func:`questionnaire_reminders_claim`.
For every zone in use it takes the local time now and, in one transaction per zone
(``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL, an exclusive transaction on SQLite, as the
daily reminders), finds the schedules whose reminder is due (:func:`periods.reminder_due`),
marks their period as reminded (``sent_period``) and creates the deliveries, one per channel the
person chose on her Reminders page (``ReminderSettings.channels``), kind ``questionnaire``, key
``<questionnaire>:<first day of the period>``. The delivery ledger's unique key is a second
guard: a period's reminder exists once whatever the number of workers. Sending is the notify
app's (:func:`ldncare.web.notify.services.delivery_send`), which asks
:func:`questionnaire_reminder_wanted` just before sending.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db.models import Max
from django.utils import timezone
from django_tasks_db.utils import exclusive_transaction

from ldncare.web.notify.models import Delivery, ReminderSettings
from ldncare.web.questionnaires.models import QuestionnaireResult, QuestionnaireSchedule
from ldncare.web.questionnaires.periods import reminder_due

__all__ = ["delivery_key", "questionnaire_reminder_wanted", "questionnaire_reminders_claim"]


def delivery_key(instrument: str, period_start: dt.date) -> str:
    return f"{instrument}:{period_start.isoformat()}"


def _key_parts(key: str) -> tuple[str, dt.date] | None:
    instrument, _, day = key.rpartition(":")
    try:
        return instrument, dt.date.fromisoformat(day)
    except ValueError:
        return None


def questionnaire_reminders_claim(*, now: dt.datetime | None = None) -> dict[str, list[int]]:
    """Claim every questionnaire reminder due at ``now`` and create its deliveries (``pending``);
    return ``{delivery key: [recipient ids]}`` for the caller to enqueue."""
    now = now or timezone.now()
    zones = (QuestionnaireSchedule.objects.filter(patient__is_active=True)
             .values_list("patient__time_zone", flat=True).distinct())
    claimed: dict[str, list[int]] = {}
    for zone_name in sorted(set(zones)):
        try:
            zone = ZoneInfo(zone_name)
        except (KeyError, ValueError):  # a zone the system no longer knows: skip, never crash the tick
            continue
        now_local = now.astimezone(zone).replace(tzinfo=None)
        with exclusive_transaction():
            schedules = list(QuestionnaireSchedule.objects.select_for_update(skip_locked=True, of=("self",))
                             .filter(patient__time_zone=zone_name, patient__is_active=True))
            if not schedules:
                continue
            patients = {s.patient_id for s in schedules}
            channels = dict(ReminderSettings.objects.filter(user_id__in=patients).values_list("user_id", "channels"))
            latest = {(p, i): day for p, i, day in QuestionnaireResult.objects.filter(patient_id__in=patients)
                      .values("patient_id", "instrument").annotate(day=Max("answered_on"))
                      .values_list("patient_id", "instrument", "day")}
            deliveries = []
            for schedule in schedules:
                chosen = [c for c in channels.get(schedule.patient_id) or () if c]
                if not chosen:
                    continue  # no channel chosen: nothing to send, and the period stays unclaimed
                start = reminder_due(schedule.rule, now_local=now_local,
                                     active_from_local=schedule.active_from.astimezone(zone).replace(tzinfo=None),
                                     sent_period=schedule.sent_period,
                                     answered_since=latest.get((schedule.patient_id, schedule.instrument)))
                if start is None:
                    continue
                QuestionnaireSchedule.objects.filter(pk=schedule.pk).update(sent_period=start)
                key = delivery_key(schedule.instrument, start)
                deliveries += [Delivery(kind=Delivery.Kind.QUESTIONNAIRE, recipient_id=schedule.patient_id, key=key,
                                        channel=channel) for channel in chosen]
                claimed.setdefault(key, []).append(schedule.patient_id)
            # In the claim's own transaction: a claimed reminder always has its deliveries.
            Delivery.objects.bulk_create(deliveries, batch_size=1000, ignore_conflicts=True)
    return claimed


def questionnaire_reminder_wanted(delivery: Delivery) -> bool:
    """Still send it? Not when the schedule was turned off, the channel removed, or the form
    answered since the period began."""
    parts = _key_parts(delivery.key)
    if parts is None:
        return False
    instrument, start = parts
    if not QuestionnaireSchedule.objects.filter(patient_id=delivery.recipient_id, instrument=instrument).exists():
        return False
    reminder = ReminderSettings.objects.filter(user_id=delivery.recipient_id).first()
    if reminder is None or delivery.channel not in (reminder.channels or []):
        return False
    return not QuestionnaireResult.objects.filter(patient_id=delivery.recipient_id, instrument=instrument,
                                                  answered_on__gte=start).exists()
