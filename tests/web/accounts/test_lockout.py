"""Sign-in lockout (django-axes, ``ldncare.web.accounts.lockout``): per account and per address,
counted in the database, the same answer for every username, audited, lifted by an admin."""

from __future__ import annotations

import json

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import Client

from ldncare.web.access.models import AuditEvent

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def _fail(username: str, address: str, path: str = "/accounts/login/"):
    client = Client(REMOTE_ADDR=address)
    if path.startswith("/api/"):
        return client.post(path, json.dumps({"username": username, "password": "wrong-password-1"}),
                           content_type="application/json")
    return client.post(path, {"username": username, "password": "wrong-password-1"})


def _sign_in(username: str, password: str, address: str):
    return Client(REMOTE_ADDR=address).post("/accounts/login/", {"username": username, "password": password})


def test_an_account_locks_after_its_limit_from_any_mix_of_pages_api_and_addresses(patient, password, settings):
    limit = settings.AXES_FAILURE_LIMIT
    for i in range(limit - 1):
        _fail(patient.username, f"198.51.100.{i}", "/api/v1/auth/token" if i % 2 else "/accounts/login/")
    assert _sign_in(patient.username, password, "192.0.2.1").status_code == 302  # not yet
    _fail(patient.username, "198.51.100.77")
    assert _sign_in(patient.username, password, "192.0.2.2").status_code == 429
    api = Client(REMOTE_ADDR="192.0.2.3").post("/api/v1/auth/token", json.dumps(
        {"username": patient.username, "password": password}), content_type="application/json")
    assert api.status_code == 429
    assert set(api.json()) == {"detail", "errors"}


def test_an_address_locks_after_its_limit_across_usernames(django_user_model, settings):
    django_user_model.objects.create_user(username="victim", password="a long passphrase 42")
    address = "203.0.113.50"
    for i in range(settings.LDNCARE_ADDRESS_FAILURE_LIMIT - 1):
        _fail(f"user{i}", address)
    assert _sign_in("victim", "a long passphrase 42", address).status_code == 302  # not yet
    _fail("one-more", address)
    assert _sign_in("victim", "a long passphrase 42", address).status_code == 429
    assert _sign_in("victim", "a long passphrase 42", "203.0.113.51").status_code == 302  # others unaffected


def test_counts_live_in_the_database_so_every_process_shares_them(patient, password, settings):
    """Two clients, no shared memory: the counts are rows (not a per-process cache), so a
    request served by another worker process sees them too."""
    for i in range(settings.AXES_FAILURE_LIMIT):
        _fail(patient.username, f"198.51.100.{i}")
    cache.clear()  # nothing in a process-local cache matters
    total = sum(AccessAttempt.objects.filter(username=patient.username).values_list("failures_since_start", flat=True))
    assert total == settings.AXES_FAILURE_LIMIT
    assert _sign_in(patient.username, password, "192.0.2.9").status_code == 429
    assert settings.AXES_HANDLER == "ldncare.web.accounts.lockout.LockoutHandler"


def test_the_locked_answer_is_the_same_for_known_unknown_and_inactive_accounts(django_user_model, patient, settings):
    inactive = django_user_model.objects.create_user(username="gone", password="a long passphrase 42", is_active=False)
    answers = []
    for name in (patient.username, "no-such-user", inactive.username):
        for i in range(settings.AXES_FAILURE_LIMIT):
            _fail(name, f"198.51.100.{i}")
        page = _fail(name, "192.0.2.20")
        api = _fail(name, "192.0.2.21", "/api/v1/auth/token")
        html = page.content.decode().replace(name, "NAME")
        import re

        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"|"X-CSRFToken": "[^"]+"', "TOKEN", html)
        answers.append((page.status_code, html, api.status_code, api.json()))
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] == 429
    assert answers[0][2] == 429


def test_a_lockout_is_written_to_the_audit_table_and_shown_to_the_patient(patient, password, settings):
    for _i in range(settings.AXES_FAILURE_LIMIT):
        _fail(patient.username, "198.51.100.5")
    event = AuditEvent.objects.filter(object_type="sign_in_lockout").first()
    assert event is not None
    assert (event.subject_id, event.outcome, event.ip_address, event.actor_id) == (patient.pk, "denied", "198.51.100.5", None)
    AccessAttempt.objects.all().delete()
    owner = Client()
    owner.force_login(patient)
    assert "sign-in locked after failed attempts" in owner.get("/me/access-log/").content.decode()


def test_an_administrator_sees_and_lifts_a_lockout_in_the_admin(client, admin, patient, password, settings):
    for _i in range(settings.AXES_FAILURE_LIMIT):
        _fail(patient.username, "198.51.100.6")
    client.force_login(admin)
    listing = client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    assert patient.username.encode() in listing.content
    attempt = AccessAttempt.objects.get(username=patient.username)
    response = client.post("/admin/axes/accessattempt/", {"action": "delete_selected", "_selected_action": [attempt.pk],
                                                          "post": "yes"})
    assert response.status_code == 302
    assert _sign_in(patient.username, password, "198.51.100.6").status_code == 302


def test_the_address_limit_may_not_be_below_the_account_limit(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "LDNCARE_VAR_DIR": str(tmp_path), "AXES_FAILURE_LIMIT": "10", "LDNCARE_ADDRESS_FAILURE_LIMIT": "5"}
    out = subprocess.run([sys.executable, "-c", "import ldncare.web.settings"], env=env, capture_output=True, text=True)
    assert out.returncode != 0
    assert "LDNCARE_ADDRESS_FAILURE_LIMIT=5 must be at least AXES_FAILURE_LIMIT=10" in out.stderr
