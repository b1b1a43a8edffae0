"""Web Push (RFC 8030) with the payload encrypted per RFC 8291 (``aes128gcm``) and VAPID
(RFC 8292), through pywebpush. Keys come from settings (``ldncare webpush-keys`` makes a pair)."""

from __future__ import annotations

import base64
import json

from django.conf import settings
from py_vapid import Vapid02
from pywebpush import WebPushException, webpush

from ldncare.web.notify.models import PushSubscription

__all__ = ["PushGone", "keys_generate", "push_configured", "push_send"]


class PushGone(Exception):
    """The push service says the subscription no longer exists (404/410): it was removed."""


def push_configured() -> bool:
    return bool(settings.VAPID_PRIVATE_KEY and settings.VAPID_PUBLIC_KEY)


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def keys_generate() -> tuple[str, str]:
    """A new VAPID key pair: (private key, raw 32 bytes; public key, the uncompressed P-256 point),
    both base64url as the settings and the browser's ``applicationServerKey`` take them."""
    from cryptography.hazmat.primitives import serialization

    vapid = Vapid02()
    vapid.generate_keys()
    private = vapid.private_key.private_numbers().private_value.to_bytes(32, "big")
    public = vapid.public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return _b64url(private), _b64url(public)


def push_send(subscription: PushSubscription, *, title: str, body: str, url: str, tag: str) -> None:
    """Send one notification; raise :class:`PushGone` (subscription deleted) or WebPushException."""
    payload = json.dumps({"title": title, "body": body, "url": url, "tag": tag})
    try:
        webpush(
            {"endpoint": subscription.endpoint, "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth}},
            data=payload, vapid_private_key=settings.VAPID_PRIVATE_KEY,
            vapid_claims={"sub": settings.VAPID_SUBJECT}, content_encoding="aes128gcm", timeout=10, ttl=12 * 3600,
        )
    except WebPushException as exc:
        status = getattr(exc.response, "status_code", None)
        if status in (404, 410):
            subscription.delete()
            raise PushGone(subscription.endpoint) from exc
        raise
