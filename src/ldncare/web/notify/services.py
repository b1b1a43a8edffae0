"""Deliveries: create once, send once, retry with back-off, audit what reaches the care team."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from types import SimpleNamespace

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ldncare.web.access.audit import WORKER
from ldncare.web.notify.messages import email_message, message_build
from ldncare.web.notify.models import Delivery, PushSubscription, ReminderSettings

__all__ = ["deliveries_create", "deliveries_enqueue", "delivery_send", "retry_delay"]

log = logging.getLogger(__name__)
_BATCH = 500
#: Kinds that reach the care team: each one sent is audited (who was told, about whose record).
CARE_TEAM_KINDS = {Delivery.Kind.ALERT, Delivery.Kind.PRESCRIPTION}
_REMINDER_FIELD = {Delivery.Kind.CHECKIN_REMINDER: "checkin_time", Delivery.Kind.DOSE_REMINDER: "dose_time"}
#: Kinds whose message carries a one-click stop link (the person asked for them and may stop them).
_STOPPABLE = {*_REMINDER_FIELD, Delivery.Kind.QUESTIONNAIRE}


def retry_delay(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8 ... times NOTIFY_RETRY_BASE_S after the first, second, third ... failure."""
    return dt.timedelta(seconds=settings.NOTIFY_RETRY_BASE_S * 2 ** max(0, attempts - 1))


def deliveries_create(*, kind: str, key: str, recipients: Iterable[tuple[int, Iterable[str]]]) -> None:
    """Create the deliveries (one per recipient and channel) unless they exist; then enqueue them
    once the surrounding transaction commits."""
    rows = [Delivery(kind=kind, recipient_id=user_id, key=key, channel=channel)
            for user_id, channels in recipients for channel in channels]
    if not rows:
        return
    Delivery.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    recipient_ids = sorted({row.recipient_id for row in rows})
    transaction.on_commit(lambda: deliveries_enqueue(kind=kind, key=key, recipient_ids=recipient_ids))


def deliveries_enqueue(*, kind: str, key: str, recipient_ids: list[int]) -> int:
    """Enqueue the sending task for these deliveries, in batches; return the number of tasks."""
    from ldncare.web.notify.tasks import deliveries_send

    tasks = 0
    for start in range(0, len(recipient_ids), _BATCH):
        deliveries_send.enqueue(kind=kind, key=key, recipient_ids=recipient_ids[start:start + _BATCH])
        tasks += 1
    return tasks


def _claim(delivery_id: int) -> bool:
    """pending/retry -> sending in one conditional update: True for exactly one caller."""
    return bool(Delivery.objects.filter(pk=delivery_id, state__in=[Delivery.State.PENDING, Delivery.State.RETRY])
                .update(state=Delivery.State.SENDING, attempts=F("attempts") + 1))


def _still_wanted(delivery: Delivery) -> bool:
    """A reminder turned off (or its channel removed), or a check-in (a questionnaire) done meanwhile: not sent."""
    if delivery.kind == Delivery.Kind.QUESTIONNAIRE:
        from ldncare.web.questionnaires.schedule import questionnaire_reminder_wanted

        return questionnaire_reminder_wanted(delivery)
    field = _REMINDER_FIELD.get(delivery.kind)
    if field is None:
        return True
    reminder = ReminderSettings.objects.filter(user_id=delivery.recipient_id).first()
    if reminder is None or getattr(reminder, field) is None or delivery.channel not in (reminder.channels or []):
        return False
    if delivery.kind == Delivery.Kind.CHECKIN_REMINDER:
        from ldncare.web.record.models import CheckIn

        return not CheckIn.objects.filter(patient_id=delivery.recipient_id, date=delivery.key).exists()
    return True


def _send(delivery: Delivery, recipient) -> None:
    message = message_build(kind=delivery.kind, recipient=recipient, stoppable=delivery.kind in _STOPPABLE)
    if delivery.channel == "email":
        if not recipient.email:
            raise ValueError("no e-mail address on the account")
        email_message(message, to=recipient.email).send(fail_silently=False)
        return
    from ldncare.web.notify.push import PushGone, push_configured, push_send

    if not push_configured():
        raise ValueError("Web Push is not configured (VAPID_PRIVATE_KEY, VAPID_PUBLIC_KEY)")
    subscriptions = list(PushSubscription.objects.filter(user=recipient))
    if not subscriptions:
        raise ValueError("no push subscription")
    for subscription in subscriptions:
        try:
            push_send(subscription, title=message.subject, body=message.text.split("\n\n")[1].strip(),
                      url=message.url, tag=f"{delivery.kind}:{delivery.key}")
        except PushGone:
            continue


_PERMANENT = (ValueError,)  # nothing to retry: no address, no subscription, push not configured


def delivery_send(delivery_id: int) -> str:
    """Send one delivery if nobody else is; return its new state."""
    if not _claim(delivery_id):
        return "taken"
    delivery = Delivery.objects.select_related("recipient").get(pk=delivery_id)
    if not delivery.recipient.is_active or not _still_wanted(delivery):
        Delivery.objects.filter(pk=delivery_id).update(state=Delivery.State.SKIPPED)
        return Delivery.State.SKIPPED
    try:
        _send(delivery, delivery.recipient)
    except _PERMANENT as exc:
        Delivery.objects.filter(pk=delivery_id).update(state=Delivery.State.FAILED, last_error=str(exc)[:300])
        log.warning("delivery %s failed for good: %s", delivery_id, exc)
        return Delivery.State.FAILED
    except Exception as exc:  # any transport failure (SMTP refused, connection, push service) is retried
        if delivery.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
            Delivery.objects.filter(pk=delivery_id).update(state=Delivery.State.FAILED, last_error=str(exc)[:300])
            log.error("delivery %s failed after %s attempts: %s", delivery_id, delivery.attempts, exc)
            return Delivery.State.FAILED
        Delivery.objects.filter(pk=delivery_id).update(state=Delivery.State.RETRY, last_error=str(exc)[:300])
        from ldncare.web.notify.tasks import delivery_retry

        delivery_retry.using(run_after=timezone.now() + retry_delay(delivery.attempts)).enqueue(delivery_id=delivery_id)
        log.warning("delivery %s attempt %s failed, retrying: %s", delivery_id, delivery.attempts, exc)
        return Delivery.State.RETRY
    Delivery.objects.filter(pk=delivery_id).update(state=Delivery.State.SENT, sent_at=timezone.now(), last_error="")
    if delivery.kind in CARE_TEAM_KINDS:
        _audit_care_team(delivery)
    if delivery.kind == Delivery.Kind.ALERT:
        from ldncare.web.notify.care_team import alert_delivered

        alert_delivered(delivery)
    return Delivery.State.SENT


def _audit_care_team(delivery: Delivery) -> None:
    from ldncare.web.access.audit import audit
    from ldncare.web.access.models import AuditEvent

    subject = SimpleNamespace(pk=_subject_of(delivery))
    audit(WORKER, subject=subject, object_type=f"notify_{delivery.kind}", object_id=f"{delivery.key}:{delivery.recipient_id}",
          action=AuditEvent.Action.CREATE, outcome=AuditEvent.Outcome.ALLOWED, channel=delivery.channel)


def _subject_of(delivery: Delivery) -> int | None:
    """The patient whose record the message is about (for the audit row)."""
    from ldncare.web.notify.care_team import subject_of

    return subject_of(delivery)


