"""Write audit rows: ids and outcomes only, never health values."""

from __future__ import annotations

import contextlib
import ipaddress
from collections.abc import Iterator
from contextvars import ContextVar
from types import SimpleNamespace

from django.contrib.auth.models import AnonymousUser

from ldncare.web.access.models import AuditEvent
from ldncare.web.inserts import insert_rows

__all__ = ["WORKER", "audit", "audit_held", "audit_hold", "audit_together", "audit_write_held", "client_ip"]

WORKER = SimpleNamespace(user=AnonymousUser(), META={})
"""The audit's "request" for work done by the background worker (no user, no address)."""

# The allowed rows of the current ``audit_together`` block, not yet written (None: no block open).
_held: ContextVar[list[AuditEvent] | None] = ContextVar("ldncare_audit_held", default=None)


def client_ip(request) -> str | None:
    """The caller's address: ``REMOTE_ADDR``, which ``ldncare.web.proxy.TrustedProxyMiddleware`` has set
    to the first untrusted ``X-Forwarded-For`` hop from the right when a trusted proxy connected."""
    try:
        return str(ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")))
    except ValueError:
        return None


def audit(request, *, subject, object_type: str, object_id: str = "", action: str, outcome: str,
          channel: str = "web") -> AuditEvent:
    """Append one audit row for an access by ``request.user`` to ``subject``'s record.

    Inside :func:`audit_together` an allowed row is held and written with the others in one
    statement; a denied row is always written at once (the request ends in an error right after).
    """
    user = getattr(request, "user", None)
    authenticated = user is not None and user.is_authenticated
    event = AuditEvent(
        actor_id=user.pk if authenticated else None,
        actor_username=user.get_username() if authenticated else "",
        actor_role=getattr(user, "role", "") if authenticated else "",
        subject_id=getattr(subject, "pk", None),
        object_type=object_type[:40],
        object_id=str(object_id)[:64],
        action=action,
        outcome=outcome,
        ip_address=client_ip(request),
        channel=channel,
    )
    held = _held.get()
    if held is not None and outcome == AuditEvent.Outcome.ALLOWED:
        held.append(event)
    else:
        event.save(force_insert=True)
    return event


@contextlib.contextmanager
def audit_together() -> Iterator[None]:
    """Hold the allowed audit rows of the block and write them in one INSERT.

    The write's transaction calls :func:`audit_write_held` before it commits, so the rows
    are stored with the data they describe; rows still held when the block ends (an answer
    that wrote nothing, or a transaction that rolled back and gave its rows back with
    :func:`audit_hold`) are written then, on their own.
    """
    held: list[AuditEvent] = []
    token = _held.set(held)
    try:
        yield
    finally:
        _held.reset(token)
        if held:
            insert_rows(held)


def audit_held() -> list[AuditEvent]:
    """A copy of the rows held now (empty outside :func:`audit_together`)."""
    return list(_held.get() or ())


def audit_hold(events: list[AuditEvent]) -> None:
    """Hold ``events`` again (unsaved copies): their transaction rolled back, the access still happened."""
    held = _held.get()
    if held is None:
        return
    for event in events:
        event.pk = None
        event._state.adding = True
        if event not in held:
            held.append(event)


def audit_write_held() -> int:
    """Write the held rows now, in one INSERT (in the caller's transaction); returns how many."""
    held = _held.get()
    if not held:
        return 0
    insert_rows(held)
    count = len(held)
    held.clear()
    return count
