"""Changing the e-mail address: the password again, then a link to the new address (``accounts.services``).

The address receives password resets, so it changes only when a link sent to it is opened by
the same user, signed in, before it expires (ASVS 7.5.1 re-authentication; the old address
is told once the change is made).
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from ldncare.web.access.models import AuditEvent

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

LINK = re.compile(r"http://testserver(/accounts/email/confirm/[^/\s]+/)")


def _ask(client, password, email="new@example.org", capture=None):
    with capture(execute=True):
        return client.post("/accounts/email/", {"email": email, "password": password})


def _link_in(message) -> str:
    return LINK.search(message.body).group(1)


@pytest.fixture
def link(client, patient, password, django_capture_on_commit_callbacks) -> str:
    """The patient, signed in on ``client``, asked for new@example.org: the link e-mailed there."""
    client.force_login(patient)
    _ask(client, password, capture=django_capture_on_commit_callbacks)
    return _link_in(mail.outbox[0])


def test_asking_needs_the_password_and_sends_nothing_without_it(client, patient, django_capture_on_commit_callbacks):
    client.force_login(patient)
    refused = _ask(client, "not my password", capture=django_capture_on_commit_callbacks)
    assert refused.status_code == 200
    assert b"not your current password" in refused.content
    assert mail.outbox == []


def test_the_link_goes_to_the_new_address_and_nothing_changes_until_it_is_opened(
        client, patient, password, django_capture_on_commit_callbacks):
    client.force_login(patient)
    asked = _ask(client, password, capture=django_capture_on_commit_callbacks)
    assert asked["Location"] == "/accounts/security/"
    assert "We sent a link to new@example.org" in client.get("/accounts/security/").content.decode()
    assert [m.to for m in mail.outbox] == [["new@example.org"]]
    assert "patty@example.org" not in mail.outbox[0].body  # the link does not reveal the current address
    assert "patty@example.org" not in _link_in(mail.outbox[0])
    patient.refresh_from_db()
    assert patient.email == "patty@example.org"
    assert AuditEvent.objects.filter(subject_id=patient.pk, object_type="email_link", action="create").count() == 1
    assert not AuditEvent.objects.filter(subject_id=patient.pk, object_type="email").exists()


def test_opening_the_link_changes_the_address_once_and_tells_the_old_one(
        client, patient, link, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        done = client.get(link)
    assert done["Location"] == "/accounts/security/"
    patient.refresh_from_db()
    assert patient.email == "new@example.org"
    assert AuditEvent.objects.filter(subject_id=patient.pk, object_type="email", action="update").count() == 1
    told = mail.outbox[-1]
    assert told.to == ["patty@example.org"]
    assert "new@example.org" in told.body
    again = client.get(link)  # single use: it names the address it replaces
    assert again.status_code == 400
    assert b"already used" in again.content


def test_a_newer_request_makes_an_older_link_useless_once_either_is_used(
        client, patient, password, django_capture_on_commit_callbacks):
    client.force_login(patient)
    _ask(client, password, email="first@example.org", capture=django_capture_on_commit_callbacks)
    _ask(client, password, email="second@example.org", capture=django_capture_on_commit_callbacks)
    first, second = (_link_in(m) for m in mail.outbox)
    assert client.get(second).status_code == 302
    assert client.get(first).status_code == 400
    patient.refresh_from_db()
    assert patient.email == "second@example.org"


def test_an_expired_link_changes_nothing(client, patient, link, settings):
    settings.EMAIL_CHANGE_LINK_MAX_AGE_S = -1  # any age is now too old (no clock to move: sessions expire too)
    expired = client.get(link)
    assert expired.status_code == 400
    assert b"expired" in expired.content
    patient.refresh_from_db()
    assert patient.email == "patty@example.org"


def test_a_link_works_only_for_its_own_account(patient, stranger, link):
    other = Client()
    other.force_login(stranger)
    refused = other.get(link)
    assert refused.status_code == 400
    assert b"another account" in refused.content
    anonymous = Client().get(link)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/?next=/accounts/email/confirm/")
    for who in (patient, stranger):
        who.refresh_from_db()
    assert patient.email == "patty@example.org"
    assert stranger.email != "new@example.org"


@pytest.mark.parametrize("mangle", [
    lambda t: t[:-2] + ("aa" if not t.endswith("aa") else "bb"),  # signature altered
    lambda t: t.replace(t.split(":")[0], t.split(":")[0][::-1]),  # payload altered
    lambda t: "not-a-token",
])
def test_a_tampered_link_is_refused(client, patient, link, mangle):
    token = link.split("/")[-2]
    refused = client.get(f"/accounts/email/confirm/{mangle(token)}/")
    assert refused.status_code == 400
    assert b"not valid" in refused.content
    assert "script-src 'self'" in refused["Content-Security-Policy"]
    assert refused["X-Frame-Options"] == "DENY"
    patient.refresh_from_db()
    assert patient.email == "patty@example.org"
