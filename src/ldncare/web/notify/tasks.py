"""The worker's tasks (Django Tasks API): they run on the database backend by default and on RQ
(Redis) when TASKS_BACKEND=rq, unchanged. Each is idempotent: sending goes through
:func:`~ldncare.web.notify.services.delivery_send`, which sends a delivery at most once."""

from __future__ import annotations

from django_tasks import task

from ldncare.web.notify.models import Delivery
from ldncare.web.notify.services import delivery_send

__all__ = ["deliveries_send", "delivery_retry"]


@task()
def deliveries_send(*, kind: str, key: str, recipient_ids: list[int]) -> dict[str, int]:
    """Send the pending deliveries of one kind and key to these recipients."""
    counts: dict[str, int] = {}
    ids = Delivery.objects.filter(kind=kind, key=key, recipient_id__in=recipient_ids,
                                  state=Delivery.State.PENDING).values_list("pk", flat=True)
    for delivery_id in list(ids):
        state = delivery_send(delivery_id)
        counts[state] = counts.get(state, 0) + 1
    return counts


@task()
def delivery_retry(*, delivery_id: int) -> str:
    """Try a failed delivery again (enqueued with a back-off by the failed attempt)."""
    return delivery_send(delivery_id)
