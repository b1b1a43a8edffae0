"""API tokens end: after their lifetime, and at once on a password change or reset, "sign out my
other sessions", a second-factor reset, a role change and "sign out everywhere" (issue 18)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from ldncare.web.accounts import services
from ldncare.web.accounts.models import ApiToken, TokenEnd

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def _me(client, raw: str) -> int:
    """The answer to a call with the token alone (a fresh client: no session cookie)."""
    return Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code


def _tokens(user, n: int = 2) -> list[str]:
    return [ApiToken.issue(user=user, name=f"app {i}")[1] for i in range(n)]


def test_a_token_works_until_its_expiry(client, patient, settings):
    settings.API_TOKEN_MAX_AGE_DAYS = 30
    token, raw = ApiToken.issue(user=patient, name="phone")
    assert dt.timedelta(days=29, hours=23) < token.expires_at - timezone.now() <= dt.timedelta(days=30)
    assert _me(client, raw) == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert _me(client, raw) == 401


def test_after_a_password_change_every_token_answers_401(client, patient, password):
    raws = _tokens(patient, 3)
    assert all(_me(client, raw) == 200 for raw in raws)
    client.force_login(patient)
    response = client.post("/accounts/password_change/", {
        "old_password": password, "new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"})
    assert response.status_code == 302
    assert [_me(client, raw) for raw in raws] == [401, 401, 401]
    assert set(ApiToken.objects.filter(user=patient).values_list("revoked_reason", flat=True)) == {TokenEnd.PASSWORD}


def test_a_password_reset_ends_every_token(client, patient):
    raws = _tokens(patient)
    client.post("/accounts/password_reset/", {"email": patient.email})
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[-1].body).group(1)
    form_url = client.get(link).url  # Django moves the token into the session first
    response = client.post(form_url, {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"})
    assert response.status_code == 302
    assert [_me(client, raw) for raw in raws] == [401, 401]


def test_sign_out_my_other_sessions_ends_every_token(client, patient):
    raws = _tokens(patient)
    client.force_login(patient)
    assert client.post("/accounts/sessions/end-others/").status_code == 302
    assert [_me(client, raw) for raw in raws] == [401, 401]
    assert set(ApiToken.objects.values_list("revoked_reason", flat=True)) == {TokenEnd.SESSIONS}


def test_a_second_factor_reset_ends_every_token(client, clinician, password, otp_device, totp_code):
    raws = _tokens(clinician)
    device = otp_device(clinician)
    client.force_login(clinician)
    response = client.post("/accounts/2fa/reset/", {"password": password, "code": totp_code(device)})
    assert response.status_code == 302
    assert [_me(client, raw) for raw in raws] == [401, 401]
    assert set(ApiToken.objects.values_list("revoked_reason", flat=True)) == {TokenEnd.SECOND_FACTOR}


def test_a_role_change_ends_every_token_and_a_last_login_update_does_not(client, patient):
    raws = _tokens(patient)
    patient.last_login = timezone.now()
    patient.save(update_fields=["last_login"])
    patient.first_name = "Pat"
    patient.save()
    assert [_me(client, raw) for raw in raws] == [200, 200]
    patient.role = "pharmacist"
    patient.save()
    assert [_me(client, raw) for raw in raws] == [401, 401]
    assert set(ApiToken.objects.values_list("revoked_reason", flat=True)) == {TokenEnd.ROLE}


def test_sign_out_everywhere_ends_every_token(client, patient, rf):
    raws = _tokens(patient)
    request = rf.post("/admin/")
    request.user = patient
    assert services.user_sessions_end_all(request=request, user=patient) == 2
    assert [_me(client, raw) for raw in raws] == [401, 401]


def test_tokens_page_shows_expiry_last_use_and_why_a_token_ended(client, patient):
    kept, kept_raw = ApiToken.issue(user=patient, name="kitchen tablet")
    ended, _ = ApiToken.issue(user=patient, name="old phone")
    _me(client, kept_raw)
    ApiToken.objects.filter(pk=ended.pk).revoke(TokenEnd.REVOKED)
    client.force_login(patient)
    response = client.get("/accounts/tokens/")
    html = response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert "Works until" in html
    assert "Last used" in html
    active, _, gone = html.partition("Ended tokens")
    assert "kitchen tablet" in active
    assert "old phone" in gone
    assert "revoked by you" in gone
    assert "never" not in active.split("kitchen tablet")[1].split("</tr>")[0]  # it was used just now
