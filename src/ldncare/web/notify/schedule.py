"""Which reminders are due now, claimed so that each goes out at most once per local day.

A reminder time is a clock time in the person's own zone (``User.time_zone``, IANA names). For
each zone in use the scheduler takes the local day and time *now*; a reminder is due when its
time has passed today, at most :data:`LATE_LIMIT` ago (a worker that was down all day does not
send the morning's reminder at night), and it has not been claimed for this local day. A
check-in reminder is not due when today's check-in is already made.

Claiming is one transaction per zone and kind (``SELECT ... FOR UPDATE SKIP LOCKED`` on
PostgreSQL, an exclusive transaction on SQLite), so two workers never claim the same reminder.
Daylight-saving changes need nothing special: the comparison is between local clock times on the
local day, so a 02:30 reminder on the spring-forward day (a time that does not exist) goes out at
the first tick after 03:00, and on the fall-back day once, at the first 02:30.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django_tasks_db.utils import exclusive_transaction

from ldncare.web.notify.models import Delivery, ReminderSettings
from ldncare.web.record.models import CheckIn

__all__ = ["LATE_LIMIT", "REMINDER_KINDS", "Claimed", "reminders_claim"]

#: A reminder more than this late is not sent that day.
LATE_LIMIT = dt.timedelta(hours=3)
#: kind -> the settings field holding its time.
REMINDER_KINDS = {Delivery.Kind.CHECKIN_REMINDER: "checkin", Delivery.Kind.DOSE_REMINDER: "dose"}
_CHUNK = 5000


@dataclass(frozen=True)
class Claimed:
    """Reminders of one kind claimed for one local day: (user id, channels) pairs."""

    kind: str
    local_date: dt.date
    recipients: tuple[tuple[int, tuple[str, ...]], ...]


def _window(now_local: dt.datetime) -> tuple[dt.time, dt.time]:
    start = now_local - LATE_LIMIT
    earliest = dt.time(0, 0) if start.date() < now_local.date() else start.time().replace(microsecond=0)
    return earliest, now_local.time().replace(microsecond=0)


def reminders_claim(*, now: dt.datetime | None = None) -> list[Claimed]:
    """Claim every reminder due at ``now`` (default: the current time) and create its deliveries
    (``pending``); return what was claimed, for the caller to enqueue."""
    now = now or timezone.now()
    zones = (ReminderSettings.objects.exclude(checkin_time=None, dose_time=None)
             .values_list("user__time_zone", flat=True).distinct())
    claimed: list[Claimed] = []
    for zone_name in sorted(set(zones)):
        try:
            now_local = now.astimezone(ZoneInfo(zone_name))
        except (KeyError, ValueError):  # a zone the system no longer knows: skip, never crash the tick
            continue
        local_date = now_local.date()
        earliest, latest = _window(now_local)
        for kind, prefix in REMINDER_KINDS.items():
            time_field, sent_field = f"{prefix}_time", f"{prefix}_sent_on"
            due = ReminderSettings.objects.filter(
                Q(**{f"{sent_field}__isnull": True}) | Q(**{f"{sent_field}__lt": local_date}),
                user__time_zone=zone_name, user__is_active=True,
                **{f"{time_field}__gte": earliest, f"{time_field}__lte": latest},
            )
            if kind == Delivery.Kind.CHECKIN_REMINDER:
                due = due.exclude(Exists(CheckIn.objects.filter(patient=OuterRef("user_id"), date=local_date)))
            with exclusive_transaction():
                rows = list(due.select_for_update(skip_locked=True, of=("self",)).values_list("pk", "user_id", "channels"))
                for start in range(0, len(rows), _CHUNK):
                    ReminderSettings.objects.filter(pk__in=[r[0] for r in rows[start:start + _CHUNK]]).update(
                        **{sent_field: local_date})
                recipients = tuple((user_id, tuple(channels or ())) for _, user_id, channels in rows if channels)
                # In the claim's own transaction: a claimed reminder always has its deliveries.
                Delivery.objects.bulk_create(
                    (Delivery(kind=kind, recipient_id=user_id, key=local_date.isoformat(), channel=channel)
                     for user_id, channels in recipients for channel in channels),
                    batch_size=1000, ignore_conflicts=True)
            if recipients:
                claimed.append(Claimed(kind=kind, local_date=local_date, recipients=recipients))
    return claimed
