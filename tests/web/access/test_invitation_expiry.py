"""Invitation codes expire (INVITATION_MAX_AGE_DAYS, default 14), and the sharing page says until when."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from ldncare.web.access.models import Grant

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def _invite(client, patient) -> str:
    client.force_login(patient)
    return client.post("/me/sharing/invite/", {"email": "dr@example.org"}).context["invite_code"]


def test_a_code_works_until_it_expires_and_the_page_and_mail_say_so(client, patient, clinician):
    code = _invite(client, patient)
    assert "for 14 days" in mail.outbox[0].body
    listing = client.get("/me/sharing/").content.decode()
    assert "works until" in listing
    Grant.objects.update(created_at=timezone.now() - dt.timedelta(days=14, seconds=1))
    assert "expired" in client.get("/me/sharing/").content.decode()
    client.force_login(clinician)
    answer = client.post("/clinic/redeem/", {"code": code}, follow=True).content.decode()
    assert "has expired" in answer
    assert not Grant.objects.active().exists()


def test_a_code_a_day_before_expiry_still_works(client, patient, clinician):
    code = _invite(client, patient)
    Grant.objects.update(created_at=timezone.now() - dt.timedelta(days=13))
    client.force_login(clinician)
    client.post("/clinic/redeem/", {"code": code})
    assert Grant.objects.active().count() == 1
