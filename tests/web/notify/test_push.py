"""Web Push to a local push endpoint: VAPID-signed, payload encrypted per RFC 8291 (aes128gcm)."""

from __future__ import annotations

import base64
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from ldncare.web.notify.models import Delivery, PushSubscription, ReminderSettings
from ldncare.web.notify.push import keys_generate
from ldncare.web.notify.services import delivery_send

pytestmark = pytest.mark.django_db


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class PushService:
    """A push service on loopback that records what it is sent (status: what it answers)."""

    def __init__(self) -> None:
        self.received: list[tuple[dict, bytes]] = []
        self.status = 201
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's hook name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                service.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(service.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def push_service(settings):
    private, public = keys_generate()
    settings.VAPID_PRIVATE_KEY, settings.VAPID_PUBLIC_KEY = private, public
    service = PushService()
    yield service
    service.server.shutdown()


def _browser_subscription(user, endpoint: str):
    """What PushManager.subscribe() gives a browser: its own P-256 key pair and a 16-byte secret."""
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    auth = os.urandom(16)
    subscription = PushSubscription.objects.create(user=user, endpoint=endpoint, p256dh=_b64(public), auth=_b64(auth))
    return subscription, key, auth


def test_a_push_reaches_the_endpoint_encrypted_per_rfc_8291_and_signed_with_vapid(push_service, patient):
    _, browser_key, auth = _browser_subscription(patient, f"{push_service.url}/push/abc")
    ReminderSettings.objects.create(user=patient, checkin_time="20:00", channels=["push"])
    delivery = Delivery.objects.create(kind="checkin_reminder", recipient=patient, key="2026-12-04", channel="push")
    assert delivery_send(delivery.pk) == "sent"
    [(headers, body)] = push_service.received
    assert headers["content-encoding"] == "aes128gcm"
    assert headers["authorization"].startswith("vapid t=")  # RFC 8292
    assert b"check-in" not in body  # encrypted on the wire
    plain = http_ece.decrypt(body, private_key=browser_key, auth_secret=auth, version="aes128gcm")
    payload = json.loads(plain)
    assert payload["title"] == "Time for today's check-in"
    assert payload["url"].endswith("/me/checkin/")


def test_a_subscription_the_push_service_says_is_gone_is_removed(push_service, patient):
    _browser_subscription(patient, f"{push_service.url}/push/gone")
    push_service.status = 410
    ReminderSettings.objects.create(user=patient, dose_time="22:00", channels=["push"])
    delivery = Delivery.objects.create(kind="dose_reminder", recipient=patient, key="2026-12-04", channel="push")
    delivery_send(delivery.pk)
    assert not PushSubscription.objects.exists()


def test_the_vapid_public_key_is_served_for_the_browser(push_service, client, patient):
    client.force_login(patient)
    from django.conf import settings

    assert client.get("/api/v1/me/push-key").json() == {"public_key": settings.VAPID_PUBLIC_KEY}
