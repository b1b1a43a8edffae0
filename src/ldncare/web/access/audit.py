"""Write audit rows: ids and outcomes only, never health values."""

from __future__ import annotations

import ipaddress
from types import SimpleNamespace

from django.contrib.auth.models import AnonymousUser

from ldncare.web.access.models import AuditEvent

__all__ = ["WORKER", "audit", "client_ip"]

WORKER = SimpleNamespace(user=AnonymousUser(), META={})
"""The audit's "request" for work done by the background worker (no user, no address)."""


def client_ip(request) -> str | None:
    """The caller's address: ``REMOTE_ADDR``, which ``ldncare.web.proxy.TrustedProxyMiddleware`` has set
    to the first untrusted ``X-Forwarded-For`` hop from the right when a trusted proxy connected."""
    try:
        return str(ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")))
    except ValueError:
        return None


def audit(request, *, subject, object_type: str, object_id: str = "", action: str, outcome: str,
          channel: str = "web") -> AuditEvent:
    """Append one audit row for an access by ``request.user`` to ``subject``'s record."""
    user = getattr(request, "user", None)
    authenticated = user is not None and user.is_authenticated
    return AuditEvent.objects.create(
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
