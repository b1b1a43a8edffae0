"""The second factor (``ldncare.web.accounts.otp``): staff give a TOTP code after their password.

ASVS 6.3.2 (MFA at L2), 6.5.x (single-use codes, guess throttling), 7.2.4 (new session id when
the session is raised), 7.5.1/7.5.3 (re-authentication before changing the second factor).
"""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from ldncare.web.access.models import AuditEvent
from ldncare.web.accounts.totp_client import authenticator_code

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

CLINIC = "/clinic/"


def _sign_in(client, user, password, **extra):
    return client.post("/accounts/login/", {"username": user.username, "password": password, **extra})


def _setup_secret(response) -> bytes:
    import base64
    import re

    secret = re.search(r'<code id="otp-secret">([A-Z2-7 ]+)</code>', response.content.decode()).group(1)
    return base64.b32decode(secret.replace(" ", ""))


def _code_for_key(key: bytes, at: float | None = None) -> str:
    return authenticator_code(key, at=time.time() if at is None else at)


# Staff without a device: confined to enrolment ---------------------------------------------

def test_staff_without_a_device_is_led_to_enrolment_and_reaches_nothing_else(client, clinician, password):
    response = _sign_in(client, clinician, password, next=CLINIC)
    assert response.status_code == 302
    for path in (CLINIC, "/", "/accounts/tokens/", "/accounts/password_change/", "/accounts/security/", "/admin/"):
        got = client.get(path)
        assert got.status_code == 302, path
        assert got["Location"].startswith("/accounts/2fa/setup/"), (path, got["Location"])
    api = client.get("/api/v1/patients")
    assert api.status_code == 401
    assert set(api.json()) == {"detail", "errors"}
    assert client.post("/accounts/tokens/", {"name": "sneaky"}).status_code == 302
    assert not clinician.api_tokens.exists()
    page = client.get("/accounts/2fa/setup/")
    assert page.status_code == 200
    assert b"<svg" in page.content
    assert b'id="otp-secret"' in page.content
    assert b'href="otpauth://totp/' in page.content  # opens the authenticator on the phone itself
    assert client.post("/accounts/logout/").status_code == 302


def test_enrolment_confirms_the_device_with_a_first_code_and_raises_the_session(client, clinician, password):
    _sign_in(client, clinician, password)
    page = client.get(f"/accounts/2fa/setup/?next={CLINIC}")
    key = _setup_secret(page)
    assert client.get("/accounts/2fa/setup/").content.count(b"otp-secret") == 1
    assert _setup_secret(client.get("/accounts/2fa/setup/")) == key  # reloading keeps the same secret
    wrong = client.post("/accounts/2fa/setup/", {"code": "000000" if _code_for_key(key) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert b"not right" in wrong.content or b"Wait" in wrong.content
    assert not TOTPDevice.objects.filter(user=clinician, confirmed=True).exists()
    TOTPDevice.objects.filter(user=clinician).update(throttling_failure_timestamp=None, throttling_failure_count=0)
    before = client.session.session_key
    done = client.post("/accounts/2fa/setup/", {"code": _code_for_key(key), "next": CLINIC})
    assert done.status_code == 200  # the recovery codes, shown once, then on to where the user was going
    assert done.content.decode().count('<li><code>') == 10
    assert f'href="{CLINIC}"'.encode() in done.content
    assert done["Cache-Control"] == "no-store"
    assert client.session.session_key != before
    assert client.get(CLINIC).status_code == 200
    assert TOTPDevice.objects.filter(user=clinician, confirmed=True).count() == 1
    assert TOTPDevice.objects.filter(user=clinician).count() == 1
    assert AuditEvent.objects.filter(subject_id=clinician.pk, object_type="second_factor", action="create").exists()
    # enrolment cannot be repeated to add a second device
    assert client.get("/accounts/2fa/setup/")["Location"] == "/accounts/security/"


def test_someone_with_only_the_password_cannot_enrol_another_device(client, clinician, password, otp_device):
    otp_device(clinician)
    _sign_in(client, clinician, password)
    assert client.get("/accounts/2fa/setup/")["Location"] == "/accounts/2fa/"
    assert client.post("/accounts/2fa/setup/", {"code": "123456"})["Location"] == "/accounts/2fa/"
    assert TOTPDevice.objects.filter(user=clinician).count() == 1


# Staff with a device: the code step ---------------------------------------------------------

@pytest.mark.parametrize("role_fixture", ["clinician", "pharmacist", "admin"])
def test_every_staff_role_needs_the_code_after_the_password(request, client, password, otp_device, totp_code, role_fixture):
    user = request.getfixturevalue(role_fixture)
    device = otp_device(user)
    _sign_in(client, user, password)
    assert client.get("/accounts/security/")["Location"].startswith("/accounts/2fa/?next=")
    page = client.get("/accounts/2fa/")
    assert page.status_code == 200
    assert b"6-digit code" in page.content
    response = client.post("/accounts/2fa/", {"code": totp_code(device), "next": "/accounts/security/"})
    assert response["Location"] == "/accounts/security/"
    assert client.get("/accounts/security/").status_code == 200


def test_a_patient_signs_in_with_the_password_alone(client, patient, password):
    assert _sign_in(client, patient, password)["Location"] == "/"
    assert client.get("/me/diary/").status_code == 200


def test_the_code_step_raises_the_session_with_a_new_id(client, clinician, password, otp_device, totp_code):
    device = otp_device(clinician)
    _sign_in(client, clinician, password)
    before = client.session.session_key
    client.post("/accounts/2fa/", {"code": totp_code(device)})
    assert client.session.session_key != before
    assert client.get(CLINIC).status_code == 200


def test_a_wrong_malformed_old_or_reused_code_is_refused(client, clinician, password, otp_device, totp_code):
    device = otp_device(clinician)
    _sign_in(client, clinician, password)
    for code in ("abcdef", "", "1234567890", "12345"):
        response = client.post("/accounts/2fa/", {"code": code})
        assert response.status_code == 200
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    old = totp_code(device, at=time.time() - 5 * device.step)  # a code from 2.5 minutes ago
    assert client.post("/accounts/2fa/", {"code": old}).status_code == 200
    assert client.get(CLINIC).status_code == 302
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    code = totp_code(device)
    assert client.post("/accounts/2fa/", {"code": code}).status_code == 302
    # the same code on another sign-in (for instance seen over the shoulder) is spent
    other = Client()
    _sign_in(other, clinician, password)
    reused = other.post("/accounts/2fa/", {"code": code})
    assert reused.status_code == 200
    assert b"already used" in reused.content
    assert other.get(CLINIC).status_code == 302


def test_wrong_codes_slow_down_further_guesses(client, clinician, password, otp_device, totp_code, settings):
    # A minute's wait from the first wrong code (1 s in production, doubling): the right code
    # below is refused however slowly the machine runs the test.
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    device = otp_device(clinician)
    _sign_in(client, clinician, password)
    for _ in range(3):
        client.post("/accounts/2fa/", {"code": "000000" if totp_code(device) != "000000" else "111111"})
    device.refresh_from_db()
    assert device.throttling_failure_count >= 1
    # even the right code is refused while the wait (factor × 1, 2, 4 … seconds) runs
    refused = client.post("/accounts/2fa/", {"code": totp_code(device)})
    assert refused.status_code == 200
    assert b"Too many wrong codes" in refused.content
    assert client.get(CLINIC).status_code == 302
    # after the wait the right code works
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=device.throttling_failure_timestamp - dt.timedelta(hours=1))
    assert client.post("/accounts/2fa/", {"code": totp_code(device)}).status_code == 302
    assert client.get(CLINIC).status_code == 200


def test_the_code_pages_carry_the_security_headers_and_no_inline_script(client, clinician, password, otp_device):
    otp_device(clinician)
    _sign_in(client, clinician, password)
    response = client.get("/accounts/2fa/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert b"<script>" not in response.content
    unenrolled = Client()
    TOTPDevice.objects.filter(user=clinician).delete()
    _sign_in(unenrolled, clinician, password)
    setup = unenrolled.get("/accounts/2fa/setup/")
    assert "script-src 'self'" in setup["Content-Security-Policy"]
    assert b"<script>" not in setup.content
    assert b" onload=" not in setup.content


def test_the_admin_site_needs_a_verified_second_factor(client, admin, password):
    client.force_login(admin, verified=False)
    assert client.get("/admin/")["Location"].startswith("/accounts/2fa/setup/")
    client.force_login(admin)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 200  # admins remove a lost phone's device
    anonymous = Client()
    login = anonymous.get("/admin/login/?next=/admin/")
    assert login.status_code == 302
    assert login["Location"].startswith("/accounts/login/")


# The API token route -----------------------------------------------------------------------

def _token(client, **body):
    return client.post("/api/v1/auth/token", json.dumps(body), content_type="application/json")


def test_staff_need_a_current_code_for_an_api_token(client, clinician, password, otp_device, totp_code):
    device = otp_device(clinician)
    missing = _token(client, username=clinician.username, password=password)
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["loc"][-1] == "otp"
    wrong = _token(client, username=clinician.username, password=password, otp="000000" if totp_code(device) != "000000" else "111111")
    assert wrong.status_code == 422
    assert set(wrong.json()) == {"detail", "errors"}
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    code = totp_code(device)
    ok = _token(client, username=clinician.username, password=password, otp=code)
    assert ok.status_code == 201
    assert _token(client, username=clinician.username, password=password, otp=code).status_code == 422  # spent
    assert clinician.api_tokens.count() == 1


def test_staff_without_a_device_get_no_api_token(client, pharmacist, password):
    response = _token(client, username=pharmacist.username, password=password, otp="123456")
    assert response.status_code == 422
    assert "Set up two-step sign-in" in response.json()["errors"][0]["msg"]
    assert not pharmacist.api_tokens.exists()


def test_patients_get_an_api_token_with_the_password_alone(client, patient, password):
    assert _token(client, username=patient.username, password=password).status_code == 201


# Re-authentication before changing the second factor, the e-mail or the password ------------

def test_resetting_the_second_factor_needs_the_password_and_a_current_code(client, clinician, password, otp_device, totp_code):
    device = otp_device(clinician)
    client.force_login(clinician)
    wrong_password = client.post("/accounts/2fa/reset/", {"password": "not my password", "code": totp_code(device)})
    assert wrong_password.status_code == 200
    assert b"not your current password" in wrong_password.content
    wrong_code = client.post("/accounts/2fa/reset/", {"password": password, "code": "00000"})
    assert wrong_code.status_code == 200
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    done = client.post("/accounts/2fa/reset/", {"password": password, "code": totp_code(device)})
    assert done["Location"] == "/accounts/2fa/setup/"
    assert not TOTPDevice.objects.filter(user=clinician, confirmed=True).exists()
    assert client.get(CLINIC)["Location"].startswith("/accounts/2fa/setup/")  # staff must enrol again
    assert AuditEvent.objects.filter(subject_id=clinician.pk, object_type="second_factor", action="delete").exists()


def test_a_patient_may_turn_the_second_factor_on_and_then_needs_it(client, patient, password, totp_code):
    client.force_login(patient)
    key = _setup_secret(client.get("/accounts/2fa/setup/"))
    assert b"Save these codes now" in client.post("/accounts/2fa/setup/", {"code": _code_for_key(key)}).content
    device = TOTPDevice.objects.get(user=patient, confirmed=True)
    other = Client()
    _sign_in(other, patient, password)
    assert other.get("/me/diary/")["Location"].startswith("/accounts/2fa/")
    # the code from enrolment is spent; the next time step's code is accepted (tolerance 1)
    assert other.post("/accounts/2fa/", {"code": totp_code(device, at=time.time() + device.step)}).status_code == 302
    assert other.get("/me/diary/").status_code == 200
    # and may turn it off again (password and code), then signs in with the password alone
    device.refresh_from_db()
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=device.last_t - 2)
    assert other.post("/accounts/2fa/reset/", {"password": password, "code": totp_code(device)})["Location"] == "/accounts/security/"
    # a changed factor ends the other sessions (ASVS 7.4.3); the one that changed it stays
    assert client.get("/me/diary/")["Location"].startswith("/accounts/login/")
    assert other.get("/me/diary/").status_code == 200
    third = Client()
    assert _sign_in(third, patient, password)["Location"] == "/"
    assert third.get("/me/diary/").status_code == 200


def test_wrong_passwords_on_the_reauthentication_pages_count_towards_the_lockout(client, patient, settings):
    client.force_login(patient)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/email/", {"email": "new@example.org", "password": "guess"})
    locked = client.post("/accounts/email/", {"email": "new@example.org", "password": "guess"})
    assert locked.status_code == 429
    patient.refresh_from_db()
    assert patient.email == "patty@example.org"


def test_a_password_change_is_audited(client, clinician, password):
    client.force_login(clinician)
    response = client.post("/accounts/password_change/", {
        "old_password": password, "new_password1": "a new long passphrase 42", "new_password2": "a new long passphrase 42"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(subject_id=clinician.pk, object_type="password", action="update").count() == 1
    assert client.get(CLINIC).status_code == 200  # the session stays verified
