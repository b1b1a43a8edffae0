"""``Idempotency-Key`` for API writes (IETF httpapi draft semantics, security research §3.3).

The first request with a key runs and its answer is stored per (user, key) together with a
fingerprint of the request and the id of what it made; a retry with the same key and payload gets the stored answer
and changes nothing; the same key with another payload answers 422. A concurrent duplicate
waits for its twin at the unique index (PostgreSQL; SQLite writers take turns) and replays its
answer, or answers 409 if the twin's answer is gone.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from django.db import IntegrityError, transaction

from ldncare.web.access.audit import audit_held, audit_hold, audit_write_held
from ldncare.web.accounts.models import IdempotencyRecord
from ldncare.web.inserts import insert_unless_conflict

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
    """Run ``operation`` (returning status and JSON body) in one transaction, at most once per Idempotency-Key.

    The key is checked by storing the answer, in the operation's own transaction, not by a read
    before it: nearly every key is new, so the usual write costs no extra query. When the key was
    used before (or a concurrent twin committed first), the transaction is rolled back, so the
    operation changed nothing, and the stored answer is replayed (or 422 for another request).
    Allowed audit rows held by :func:`~ldncare.web.access.audit.audit_together` are written in
    the same transaction; if it rolls back they are held again, since the access still happened.
    """
    key = request.headers.get("Idempotency-Key")
    if key is not None and not KEY_PATTERN.match(key):
        return 422, _error("Idempotency-Key must be 8–200 characters of letters, digits and . _ : -")
    key = key.strip('"') if key is not None else None
    fingerprint = _fingerprint(request) if key is not None else ""
    held = audit_held()
    try:
        with transaction.atomic():
            status, body = operation()
            audit_write_held()
            if key is not None and status < 500 and not _store(request, key, fingerprint, status, body):
                raise _KeyUsed
    except _KeyUsed:
        audit_hold(held)
        return _replay(request, key, fingerprint)
    except IntegrityError:
        audit_hold(held)
        if key is None:
            raise
        return 409, _error("A request with this Idempotency-Key is already being processed.")
    except BaseException:
        audit_hold(held)
        raise
    return status, body


class _KeyUsed(Exception):
    """The Idempotency-Key already holds an answer: roll back what the operation did."""


def _store(request, key: str, fingerprint: str, status: int, body) -> bool:
    """Store the answer under the key; False if the key holds one already (nothing stored)."""
    record = IdempotencyRecord(
        user=request.user, key=key, fingerprint=fingerprint, status_code=status, response_body=body,
        resource_id=str(body.get("id") or "")[:64] if isinstance(body, dict) else "",
    )
    return insert_unless_conflict(record)


def _replay(request, key: str, fingerprint: str) -> tuple[int, dict]:
    stored = IdempotencyRecord.objects.filter(user=request.user, key=key).first()
    if stored is None:  # its request was still running (and has since rolled back or been forgotten)
        return 409, _error("A request with this Idempotency-Key is already being processed.")
    if stored.fingerprint != fingerprint:
        return 422, _error("This Idempotency-Key was used with a different request.")
    return stored.status_code, stored.response_body
