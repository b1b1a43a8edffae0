"""Sign-up does not hand out the account list: a taken username is met at most SIGNUP_TAKEN_PER_HOUR
times an hour from one address, in words that do not say "exists" (issue 18)."""

from __future__ import annotations

import pytest

from ldncare.web.access.models import AuditEvent

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def _sign_up(client, username: str, address: str = "192.0.2.50"):
    return client.post("/accounts/signup/", {"username": username, "email": f"{username}@example.org",
                                             "password1": "a long passphrase 42", "password2": "a long passphrase 42"},
                       REMOTE_ADDR=address)


def test_a_taken_username_is_not_called_existing(client, patient):
    response = _sign_up(client, patient.username)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose another username." in html
    assert "exist" not in html.lower()
    assert AuditEvent.objects.filter(object_type="signup_taken").count() == 1


def test_probing_usernames_from_one_address_is_stopped(client, patient, stranger, settings):
    settings.SIGNUP_TAKEN_PER_HOUR = 2
    _sign_up(client, patient.username)
    _sign_up(client, stranger.username)
    stopped = _sign_up(client, "dr_who")  # a free name too: nothing tells taken from free any more
    assert stopped.status_code == 429
    assert "Wait an hour" in stopped.content.decode()
    client.logout()
    elsewhere = _sign_up(client, "newcomer", address="198.51.100.8")
    assert elsewhere.status_code == 302  # another address signs up as usual
