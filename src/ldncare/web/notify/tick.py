"""What the worker does on each tick, besides running queued tasks: claim due reminders (the daily
ones and the scheduled questionnaires), and find care-team messages whose immediate enqueue was lost
(a crash between commit and enqueue)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from ldncare.web.notify.care_team import alerts_announce, prescriptions_scan
from ldncare.web.notify.models import Delivery
from ldncare.web.notify.schedule import reminders_claim
from ldncare.web.notify.services import deliveries_enqueue
from ldncare.web.questionnaires.schedule import questionnaire_reminders_claim

__all__ = ["STALE_AFTER", "TickReport", "notify_tick"]

#: A pending delivery this old without being sent has lost its task: it is enqueued again.
STALE_AFTER = dt.timedelta(minutes=2)


@dataclass(frozen=True)
class TickReport:
    reminders_claimed: int
    tasks_enqueued: int
    care_team_found: int
    stale_requeued: int


def notify_tick(*, now: dt.datetime | None = None) -> TickReport:
    now = now or timezone.now()
    claimed = reminders_claim(now=now)
    tasks = 0
    for batch in claimed:
        tasks += deliveries_enqueue(kind=batch.kind, key=batch.local_date.isoformat(),
                                    recipient_ids=sorted({user_id for user_id, _ in batch.recipients}))
    questionnaires = questionnaire_reminders_claim(now=now)
    for key, recipient_ids in questionnaires.items():
        tasks += deliveries_enqueue(kind=Delivery.Kind.QUESTIONNAIRE, key=key, recipient_ids=sorted(set(recipient_ids)))
    found = prescriptions_scan()
    found += alerts_announce()
    stale = 0
    groups: dict[tuple[str, str], list[int]] = {}
    for kind, key, recipient_id in (Delivery.objects.filter(state=Delivery.State.PENDING, created_at__lt=now - STALE_AFTER)
                                    .values_list("kind", "key", "recipient_id")):
        groups.setdefault((kind, key), []).append(recipient_id)
    for (kind, key), recipient_ids in groups.items():
        stale += len(recipient_ids)
        tasks += deliveries_enqueue(kind=kind, key=key, recipient_ids=sorted(set(recipient_ids)))
    reminders = sum(len(c.recipients) for c in claimed) + sum(len(ids) for ids in questionnaires.values())
    return TickReport(reminders_claimed=reminders, tasks_enqueued=tasks,
                      care_team_found=found, stale_requeued=stale)
