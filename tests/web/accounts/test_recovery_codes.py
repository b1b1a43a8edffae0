"""Recovery codes (``RecoveryCodeDevice``, ``ldncare.web.accounts.otp``): the way back in after a lost phone.

ASVS 2.6.1 (a lookup secret works once), 2.6.2 (salted hash, unique random salt), 2.6.3
(resistant to offline attack: 80 random bits), 7.5.1 (re-authentication before new codes).
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from ldncare.web.access.models import AuditEvent
from ldncare.web.accounts.models import (
    RECOVERY_CODE_ALPHABET,
    RECOVERY_CODE_COUNT,
    RecoveryCode,
    RecoveryCodeDevice,
    is_recovery_code_shaped,
)

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

CODE = re.compile(r"<li><code>([a-z2-7]{4}(?:-[a-z2-7]{4}){3})</code></li>")
CLINIC = "/clinic/"


def _codes(response) -> list[str]:
    return CODE.findall(response.content.decode())


def _issue(user) -> list[str]:
    device = RecoveryCodeDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    return device.issue_codes()


def _password_only(client, user, password, next_=CLINIC):
    client.post("/accounts/login/", {"username": user.username, "password": password, "next": next_})


# The device ------------------------------------------------------------------------------

def test_codes_are_random_and_only_their_salted_hashes_are_stored(db, clinician):
    codes = _issue(clinician)
    assert len(codes) == len(set(codes)) == RECOVERY_CODE_COUNT
    assert all(is_recovery_code_shaped(c) for c in codes)
    rows = list(RecoveryCode.objects.filter(device__user=clinician))
    assert len({r.salt for r in rows}) == RECOVERY_CODE_COUNT  # a unique salt per code
    stored = " ".join(f"{r.salt} {r.digest}" for r in rows)
    for code in codes:
        assert code not in stored
        assert code.replace("-", "") not in stored


def test_a_code_works_once(db, clinician):
    device = RecoveryCodeDevice.objects.create(user=clinician, name="recovery codes", confirmed=True)
    codes = device.issue_codes()
    assert device.verify_token(codes[3]) is True
    assert device.codes_left() == RECOVERY_CODE_COUNT - 1
    device.throttle_reset()
    assert device.verify_token(codes[3]) is False  # spent
    device.throttle_reset()
    assert device.verify_token(codes[4]) is True


def test_new_codes_replace_the_old_ones(db, clinician):
    device = RecoveryCodeDevice.objects.create(user=clinician, name="recovery codes", confirmed=True)
    old = device.issue_codes()
    new = device.issue_codes()
    assert device.verify_token(old[0]) is False
    device.throttle_reset()
    assert device.verify_token(new[0]) is True


def test_wrong_codes_are_throttled_and_even_the_right_one_waits(db, clinician, settings):
    settings.OTP_RECOVERY_THROTTLE_FACTOR = 60  # a minute's wait after the first wrong guess: no race with the clock
    device = RecoveryCodeDevice.objects.create(user=clinician, name="recovery codes", confirmed=True)
    codes = device.issue_codes()
    assert device.verify_token("aaaa-aaaa-aaaa-aaaa") is False
    assert device.throttling_failure_count == 1
    assert device.verify_token(codes[0]) is False  # within the wait after a wrong guess
    assert device.codes_left() == RECOVERY_CODE_COUNT
    device.throttle_reset()
    assert device.verify_token(codes[0]) is True


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(style=st.sampled_from(["as shown", "upper", "no dashes", "spaces", "padded"]), index=st.integers(0, 9),
       other=st.text(alphabet=RECOVERY_CODE_ALPHABET, min_size=16, max_size=16))
def test_a_code_is_accepted_however_it_is_typed_and_nothing_else_is(db, clinician, style, index, other):
    RecoveryCodeDevice.objects.filter(user=clinician).delete()
    device = RecoveryCodeDevice.objects.create(user=clinician, name="recovery codes", confirmed=True)
    codes = device.issue_codes()
    assert (other in {c.replace("-", "") for c in codes}) or device.verify_token(other) is False
    device.throttle_reset()
    code = codes[index]
    typed = {"as shown": code, "upper": code.upper(), "no dashes": code.replace("-", ""),
             "spaces": code.replace("-", " "), "padded": f"  {code} "}[style]
    assert device.verify_token(typed) is True


# The code step with a recovery code --------------------------------------------------------

def test_a_staff_member_without_the_phone_signs_in_with_a_recovery_code(client, clinician, password, otp_device):
    otp_device(clinician)
    codes = _issue(clinician)
    _password_only(client, clinician, password)
    step = client.get(f"/accounts/2fa/?next={CLINIC}")
    assert b"/accounts/2fa/recovery/" in step.content  # the code step points to it
    assert client.get("/accounts/2fa/recovery/").status_code == 200  # reachable before the code
    before = client.session.session_key
    done = client.post("/accounts/2fa/recovery/", {"code": codes[0].upper()})
    assert done["Location"] == "/accounts/security/"
    assert client.session.session_key != before  # a raised session gets a new id
    assert client.get(CLINIC).status_code == 200
    page = client.get("/accounts/security/")
    assert b"9 unused" in page.content
    assert AuditEvent.objects.filter(subject_id=clinician.pk, object_type="recovery_code", action="update").count() == 1
    # the same code does not open a second session
    other = Client()
    _password_only(other, clinician, password)
    again = other.post("/accounts/2fa/recovery/", {"code": codes[0]})
    assert again.status_code == 200
    assert b"not one of your unused recovery codes" in again.content
    assert other.get(CLINIC)["Location"].startswith("/accounts/2fa/")


def test_without_codes_the_recovery_page_says_whom_to_ask(client, clinician, password, otp_device):
    otp_device(clinician)
    _password_only(client, clinician, password)
    page = client.get("/accounts/2fa/recovery/")
    assert b"no recovery codes" in page.content
    assert client.post("/accounts/2fa/recovery/", {"code": "aaaa-bbbb-cccc-dddd"}).status_code == 200
    assert client.get(CLINIC)["Location"].startswith("/accounts/2fa/")


def test_codes_do_not_count_once_the_authenticator_is_gone(client, clinician, password, otp_device):
    otp_device(clinician)
    codes = _issue(clinician)
    TOTPDevice.objects.filter(user=clinician).delete()  # the administrator removed the lost phone
    _password_only(client, clinician, password)
    client.post("/accounts/2fa/recovery/", {"code": codes[0]})
    assert client.get(CLINIC)["Location"].startswith("/accounts/2fa/setup/")  # enrol again, then new codes


def test_after_a_recovery_code_the_reset_asks_only_the_password(client, clinician, password, otp_device):
    otp_device(clinician)
    codes = _issue(clinician)
    _password_only(client, clinician, password)
    client.post("/accounts/2fa/recovery/", {"code": codes[1]})
    form = client.get("/accounts/2fa/reset/")
    assert b'name="code"' not in form.content
    done = client.post("/accounts/2fa/reset/", {"password": password})
    assert done["Location"] == "/accounts/2fa/setup/"
    assert not TOTPDevice.objects.filter(user=clinician).exists()
    assert not RecoveryCodeDevice.objects.filter(user=clinician).exists()  # removed with the factor


def test_a_session_verified_by_the_app_may_reset_with_a_recovery_code(client, clinician, password, otp_device):
    otp_device(clinician)
    codes = _issue(clinician)
    client.force_login(clinician)
    assert b'name="code"' in client.get("/accounts/2fa/reset/").content
    assert client.post("/accounts/2fa/reset/", {"password": password, "code": codes[2]})["Location"] == "/accounts/2fa/setup/"


# Making new codes --------------------------------------------------------------------------

def test_new_codes_need_the_password_and_are_shown_once(client, clinician, password, otp_device):
    otp_device(clinician)
    old = _issue(clinician)
    client.force_login(clinician)
    page = client.get("/accounts/2fa/recovery-codes/")
    assert b"10</strong> unused" in page.content
    assert _codes(page) == []
    wrong = client.post("/accounts/2fa/recovery-codes/", {"password": "not my password"})
    assert b"not your current password" in wrong.content
    assert _codes(wrong) == []
    done = client.post("/accounts/2fa/recovery-codes/", {"password": password})
    new = _codes(done)
    assert len(new) == RECOVERY_CODE_COUNT
    assert not set(new) & set(old)
    assert done["Cache-Control"] == "no-store"
    device = RecoveryCodeDevice.objects.get(user=clinician)
    assert device.verify_token(old[0]) is False
    device.throttle_reset()
    assert device.verify_token(new[0]) is True
    assert AuditEvent.objects.filter(subject_id=clinician.pk, object_type="recovery_codes", action="create").exists()


def test_the_account_page_warns_when_codes_run_low(client, clinician, otp_device):
    otp_device(clinician)
    client.force_login(clinician)
    assert b"You have none: make some now." in client.get("/accounts/security/").content
    device = RecoveryCodeDevice.objects.create(user=clinician, name="recovery codes", confirmed=True)
    codes = device.issue_codes()
    assert b"Few codes left" not in client.get("/accounts/security/").content
    for code in codes[:8]:
        device.throttle_reset()
        assert device.verify_token(code)
    assert b"Few codes left" in client.get("/accounts/security/").content


def test_without_an_authenticator_there_are_no_codes_to_make(client, patient, password):
    client.force_login(patient)
    assert client.get("/accounts/2fa/recovery-codes/")["Location"] == "/accounts/2fa/setup/"
    assert client.post("/accounts/2fa/recovery-codes/", {"password": password})["Location"] == "/accounts/2fa/setup/"
    assert not RecoveryCodeDevice.objects.filter(user=patient).exists()


def test_the_recovery_pages_carry_the_security_headers_and_no_inline_script(client, clinician, password, otp_device,
                                                                          login_verified):
    otp_device(clinician)
    _issue(clinician)
    _password_only(client, clinician, password)
    pages = [client.get("/accounts/2fa/recovery/")]
    verified = Client()
    login_verified(verified, clinician)
    pages += [verified.get("/accounts/2fa/recovery-codes/"),
              verified.post("/accounts/2fa/recovery-codes/", {"password": password})]
    for page in pages:
        assert page.status_code == 200
        assert "script-src 'self'" in page["Content-Security-Policy"]
        assert page["X-Frame-Options"] == "DENY"
        assert b"<script>" not in page.content


def test_an_administrator_sees_how_many_codes_are_left_but_never_the_codes(client, admin, clinician, otp_device):
    otp_device(clinician)
    codes = _issue(clinician)
    client.force_login(admin)
    listing = client.get("/admin/accounts/recoverycodedevice/")
    assert listing.status_code == 200
    assert b"dr_chen" in listing.content
    assert b'<td class="field-codes_left">10</td>' in listing.content
    device = RecoveryCodeDevice.objects.get(user=clinician)
    detail = client.get(f"/admin/accounts/recoverycodedevice/{device.pk}/change/").content.decode()
    assert not any(code in detail or code.replace("-", "") in detail for code in codes)
    assert client.get("/admin/accounts/recoverycodedevice/add/").status_code == 403
    client.post(f"/admin/accounts/recoverycodedevice/{device.pk}/delete/", {"post": "yes"})
    assert not RecoveryCodeDevice.objects.filter(user=clinician).exists()
    assert not RecoveryCode.objects.filter(device_id=device.pk).exists()
