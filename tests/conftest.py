"""Shared test set-up: the named test users and the automatic ``dbtest`` marker.

Named users, as in healthchecks: ``patient`` (owns a record), ``clinician`` and
``pharmacist`` (care team), ``stranger`` (another patient with no relation to anyone),
and ``admin`` (accounts, never health data).
"""

from __future__ import annotations

import email
import os
import socket
import threading
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from hypothesis import settings

# Property tests explore new random inputs on every developer run (that is how they find bugs);
# CI (`.ci/run` sets HYPOTHESIS_PROFILE=ci) uses a fixed derandomized seed, so a red CI is
# reproducible and a landing is never blocked by a draw that no one can replay. A failure found
# locally becomes an explicit example or parametrized case.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

DB_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback", "live_server"}


def pytest_collection_modifyitems(config, items):
    """Mark every test that touches the database, so CI can re-run them on PostgreSQL."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & DB_FIXTURES or item.get_closest_marker("django_db"):
            item.add_marker(pytest.mark.dbtest)


PASSWORD = "correct horse battery staple"


def _make_user(django_user_model, username: str, role: str, **extra):
    return django_user_model.objects.create_user(
        username=username, email=f"{username}@example.org", password=PASSWORD, role=role, **extra
    )


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def patient(db, django_user_model):
    return _make_user(django_user_model, "patty", "patient", first_name="Patty")


@pytest.fixture
def clinician(db, django_user_model):
    return _make_user(django_user_model, "dr_chen", "clinician", first_name="Lin", last_name="Chen")


@pytest.fixture
def pharmacist(db, django_user_model):
    return _make_user(django_user_model, "pharm_ode", "pharmacist", first_name="Ada", last_name="Ode")


@pytest.fixture
def stranger(db, django_user_model):
    return _make_user(django_user_model, "stranger", "patient")


@pytest.fixture
def admin(db, django_user_model):
    return _make_user(django_user_model, "admin_ann", "admin", is_staff=True, is_superuser=True)


# A real SMTP server on loopback (aiosmtpd) for the e-mail tests: `smtp.messages`, `smtp.to(address)`;
# `smtp.refuse = N` answers the next N messages with a 451 (try again later).
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """What the SMTP server received; ``refuse`` answers the next N messages with a 451."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.refuse = 0
        self.refused = 0
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        with self._lock:
            if self.refuse > 0:
                self.refuse -= 1
                self.refused += 1
                return "451 4.3.0 Try again later"
            self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if address in m["To"]]


@pytest.fixture
def smtp(settings):
    import logging

    # aiosmtpd logs every connection at INFO from its own thread, sometimes after pytest has closed
    # the stream it captured: only its warnings matter here.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    inbox.port = port
    yield inbox
    controller.stop()
