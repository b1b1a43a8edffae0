"""``Idempotency-Key`` for API writes (IETF httpapi draft semantics, security research §3.3).

The first request with a key runs and its answer is stored per (user, key) together with a
fingerprint of the request and the id of what it made; a retry with the same key and payload gets the stored answer
and changes nothing; the same key with another payload answers 422; a concurrent duplicate
loses the unique-constraint race and answers 409.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from django.db import IntegrityError, transaction

from ldncare.web.accounts.models import IdempotencyRecord

__all__ = ["KEY_PATTERN", "idempotency_forget", "run_idempotent"]

KEY_PATTERN = re.compile(r'^"?[A-Za-z0-9._:\-]{8,200}"?$')


def _fingerprint(request) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(b"\0")
    digest.update(request.path.encode())
    digest.update(b"\0")
    digest.update(request.body)
    return digest.hexdigest()


def _error(detail: str, loc: str = "Idempotency-Key") -> dict:
    return {"detail": detail, "errors": [{"loc": ["header", loc], "msg": detail, "type": "idempotency"}]}


def idempotency_forget(resource_id) -> int:
    """Delete the stored answers about a deleted record (their bodies hold its data): a retry of the
    request that made it is then a new request. Returns how many were deleted."""
    return IdempotencyRecord.objects.filter(resource_id=str(resource_id)).delete()[0]


def run_idempotent(request, operation: Callable[[], tuple[int, dict]]) -> tuple[int, dict]:
    """Run ``operation`` (returning status and JSON body) at most once per Idempotency-Key."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return operation()
    if not KEY_PATTERN.match(key):
        return 422, _error("Idempotency-Key must be 8–200 characters of letters, digits and . _ : -")
    key = key.strip('"')
    fingerprint = _fingerprint(request)
    stored = IdempotencyRecord.objects.filter(user=request.user, key=key).first()
    if stored is not None:
        if stored.fingerprint != fingerprint:
            return 422, _error("This Idempotency-Key was used with a different request.")
        return stored.status_code, stored.response_body
    try:
        with transaction.atomic():
            status, body = operation()
            if status < 500:
                IdempotencyRecord.objects.create(
                    user=request.user, key=key, fingerprint=fingerprint, status_code=status, response_body=body,
                    resource_id=str(body.get("id") or "")[:64] if isinstance(body, dict) else "",
                )
    except IntegrityError:
        return 409, _error("A request with this Idempotency-Key is already being processed.")
    return status, body
