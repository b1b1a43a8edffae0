"""Sign-in and sessions: no user enumeration, rotation at sign-in, and every way a session ends.

ASVS 6.3.8 (same answer for unknown user and wrong password, incl. the work done),
7.2.4 (new session id at sign-in), 7.3.1/7.3.2 (inactivity and absolute timeouts),
7.4.1 (logout ends the session server-side), 7.4.2 (deactivation ends every session),
7.4.3 (a password change ends the other sessions).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time

import pytest
from django.contrib.auth.hashers import get_hasher
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from ldncare.web import security

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

PROTECTED = "/me/diary/"


def _signed_in(client) -> bool:
    response = client.get(PROTECTED)
    return response.status_code == 200


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"|"X-CSRFToken": "[^"]+"', "TOKEN", html)


def _login_page_answer(client, username, password):
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return response.status_code, _without_tokens(response.content.decode()).replace(username, "NAME")


def test_unknown_user_and_wrong_password_get_identical_answers(client, patient):
    assert _login_page_answer(client, patient.username, "wrong-password-1") == _login_page_answer(
        client, "no-such-user", "wrong-password-1")
    api = [client.post("/api/v1/auth/token", json.dumps({"username": name, "password": "wrong-password-1"}),
                       content_type="application/json") for name in (patient.username, "no-such-user")]
    assert [r.status_code for r in api] == [401, 401]
    assert api[0].json() == api[1].json()


def test_an_inactive_account_with_the_right_password_looks_like_a_wrong_password(client, patient, password):
    patient.is_active = False
    patient.save()
    assert _login_page_answer(client, patient.username, password) == _login_page_answer(
        client, "no-such-user", password)


def test_the_password_hasher_runs_for_unknown_users_too(client, patient, monkeypatch, settings):
    """Timing: an unknown username costs one Argon2 hash, like a wrong password (Django's ModelBackend)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    patient.set_password("the right passphrase 1")
    patient.save()
    hasher_class = type(get_hasher("default"))
    calls = []
    original = hasher_class.encode
    monkeypatch.setattr(hasher_class, "encode", lambda self, *a, **k: calls.append(1) or original(self, *a, **k))
    original_verify = hasher_class.verify
    monkeypatch.setattr(hasher_class, "verify", lambda self, *a, **k: calls.append(1) or original_verify(self, *a, **k))
    counts = []
    for name in (patient.username, "no-such-user"):
        calls.clear()
        client.post("/accounts/login/", {"username": name, "password": "wrong-password-1"})
        counts.append(len(calls))
    assert counts[0] == counts[1] >= 1


def test_the_lockout_answers_the_same_for_unknown_and_known_users(client, patient, settings):
    answers = []
    for name in (patient.username, "no-such-user"):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            client.post("/accounts/login/", {"username": name, "password": "wrong-password-1"})
        answers.append(_login_page_answer(client, name, "wrong-password-1"))
    assert answers[0] == answers[1]
    assert answers[0][0] == 429
    assert "Too many failed sign-ins" in answers[0][1]


def test_sign_in_issues_a_new_session_id_and_the_old_one_is_gone(client, patient, password):
    session = client.session
    session["planted"] = "by an attacker"  # session fixation: a session id known before sign-in
    session.save()
    planted = session.session_key
    client.get("/accounts/login/")
    client.post("/accounts/login/", {"username": patient.username, "password": password})
    assert client.session.session_key != planted
    assert not Session.objects.filter(session_key=planted).exists()
    assert _signed_in(client)


def test_logout_ends_the_session_on_the_server(client, patient):
    client.force_login(patient)
    key = client.session.session_key
    client.post("/accounts/logout/")
    assert not Session.objects.filter(session_key=key).exists()
    replay = Client()
    replay.cookies["sessionid"] = key
    assert not _signed_in(replay)


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(client, patient, password):
    other = Client()
    other.force_login(patient)
    client.force_login(patient)
    assert _signed_in(other)
    response = client.post("/accounts/password_change/", {
        "old_password": password, "new_password1": "a new long passphrase 42", "new_password2": "a new long passphrase 42"})
    assert response.status_code == 302
    assert _signed_in(client)
    assert not _signed_in(other)


def test_sign_out_my_other_sessions_ends_them_and_keeps_this_one(client, patient):
    from ldncare.web.access.models import AuditEvent

    other = Client()
    other.force_login(patient)
    client.force_login(patient)
    before = client.session.session_key
    assert client.post("/accounts/sessions/end-others/")["Location"] == "/accounts/security/"
    assert _signed_in(client)
    assert client.session.session_key != before
    assert not _signed_in(other)
    assert AuditEvent.objects.filter(subject_id=patient.pk, object_type="session", action="delete").count() == 1
    assert client.get("/accounts/sessions/end-others/").status_code == 405  # a change: POST only


def test_a_password_change_needs_the_current_password(client, patient):
    client.force_login(patient)
    response = client.post("/accounts/password_change/", {
        "old_password": "not-my-password", "new_password1": "a new long passphrase 42",
        "new_password2": "a new long passphrase 42"})
    assert response.status_code == 200
    patient.refresh_from_db()
    assert not patient.check_password("a new long passphrase 42")


def test_deactivation_ends_every_session_and_token(client, world):
    patient = world["owner"]
    from ldncare.web.accounts.models import ApiToken

    _, raw = ApiToken.issue(user=patient, name="phone 2")
    client.force_login(patient)
    assert _signed_in(client)
    patient.is_active = False
    patient.save()
    assert not _signed_in(client)
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401


def test_an_idle_session_expires(client, patient, settings):
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client.force_login(patient)
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    assert not _signed_in(client)


def test_a_session_ends_at_its_absolute_lifetime_however_active(client, patient, settings, monkeypatch):
    settings.SESSION_ABSOLUTE_AGE_S = 12 * 3600
    client.force_login(patient)
    assert _signed_in(client)
    started = client.session[security.SESSION_STARTED_KEY]
    monkeypatch.setattr(security.time, "time", lambda: started + 12 * 3600 - 5)
    assert _signed_in(client)  # active until the limit...
    key = client.session.session_key
    monkeypatch.setattr(security.time, "time", lambda: started + 12 * 3600 + 1)
    assert not _signed_in(client)  # ...and not one second after, whatever the activity
    assert not Session.objects.filter(session_key=key).exists()
    monkeypatch.setattr(security.time, "time", time.time)


@pytest.mark.parametrize(("env", "expected"), [
    ({}, [1800, 43200]),
    ({"SESSION_IDLE_TIMEOUT_S": "900", "SESSION_ABSOLUTE_AGE_S": "28800"}, [900, 28800]),
])
def test_both_timeouts_come_from_the_environment(env, expected, tmp_path):
    code = ("import json; from ldncare.web import settings as s; "
            "print(json.dumps([s.SESSION_COOKIE_AGE, s.SESSION_ABSOLUTE_AGE_S]))")
    import os

    full_env = {k: v for k, v in os.environ.items() if not k.startswith("SESSION_")}
    full_env.update(env, LDNCARE_VAR_DIR=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", code], env=full_env, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == expected
