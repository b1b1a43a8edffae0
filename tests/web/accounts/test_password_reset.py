"""Password-reset mails are throttled per e-mail address and per client address, with the same
answer whether or not a mail went out (issue 18)."""

from __future__ import annotations

import pytest
from django.core import mail

from ldncare.web.access.models import AuditEvent


def _ask(client, email: str, address: str = "192.0.2.10"):
    return client.post("/accounts/password_reset/", {"email": email}, REMOTE_ADDR=address)


def test_at_most_three_mails_an_hour_to_one_address(client, patient, settings):
    settings.PASSWORD_RESET_MAILS_PER_HOUR = 3
    answers = [_ask(client, patient.email, address=f"192.0.2.{i}") for i in range(5)]
    assert [a.status_code for a in answers] == [302] * 5
    assert len({a["Location"] for a in answers}) == 1  # the same answer, sent or not
    assert len(mail.outbox) == 3
    assert AuditEvent.objects.filter(object_type="password_reset", outcome="denied").count() == 2
    assert not AuditEvent.objects.filter(object_id__contains="@").exists()  # the address only as a hash


def test_one_client_address_cannot_spray_many_addresses(client, patient, stranger, settings):
    settings.PASSWORD_RESET_REQUESTS_PER_ADDRESS_PER_HOUR = 2
    _ask(client, "nobody@example.org")
    _ask(client, "nobody2@example.org")
    _ask(client, patient.email)
    assert len(mail.outbox) == 0
    _ask(client, stranger.email, address="198.51.100.4")  # another client is not affected
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("email", ["patty@example.org", "no-account@example.org"])
def test_the_answer_does_not_tell_whether_an_account_exists(client, patient, email):
    assert _ask(client, email)["Location"] == "/accounts/password_reset/done/"
