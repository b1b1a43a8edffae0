"""Abuse (research notes §6 classes 1, 2, 11, 13, 14, 15): other people's ids, consent revoked
a moment ago, password guessing and spraying, idempotency-key abuse, duplicate days, and
function-level probes. Each answers 4xx and changes nothing."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from ldncare.web.access.models import AuditEvent, Grant
from ldncare.web.accounts.models import ApiToken
from ldncare.web.record.models import CheckIn

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

BODY = {"date": "2026-01-05", "pain_score": 4}


def _api(client, method, path, body=None, **extra):
    if body is None:
        return getattr(client, method)(path, **extra)
    return getattr(client, method)(path, json.dumps(body), content_type="application/json", **extra)


# 1. Another patient's ids -------------------------------------------------------------------

def test_another_patients_entry_cannot_be_read_changed_or_deleted(client, world):
    client.force_login(world["owner"])
    theirs = world["stranger_checkin"]
    for pid in (world["owner"].public_id, world["stranger"].public_id):
        path = f"/api/v1/patients/{pid}/diary/{theirs.uuid}"
        assert _api(client, "get", path).status_code == 404
        assert _api(client, "put", path, BODY).status_code == 404
        assert _api(client, "delete", path).status_code == 404
    theirs.refresh_from_db()
    assert (theirs.pain_score, theirs.notes) == (2, "stranger's day")


def test_a_client_chosen_entry_id_of_another_patient_is_refused(client, world):
    client.force_login(world["owner"])
    before = CheckIn.objects.count()
    response = _api(client, "post", f"/api/v1/patients/{world['owner'].public_id}/diary",
                    {**BODY, "id": str(world["stranger_checkin"].uuid)})
    assert response.status_code == 409
    assert "stranger" not in response.content.decode()
    assert CheckIn.objects.count() == before


def test_another_users_api_token_cannot_be_revoked(client, world):
    theirs, _ = ApiToken.issue(user=world["stranger"], name="their phone")
    client.force_login(world["owner"])
    assert client.post(f"/accounts/tokens/{theirs.pk}/revoke/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


# 2. Consent revoked a moment ago ------------------------------------------------------------

def test_revoked_consent_takes_effect_on_the_very_next_request(client, world):
    client.force_login(world["clin_ok"])
    pid = world["owner"].public_id
    assert client.get(f"/patients/{pid}/").status_code == 200
    assert _api(client, "get", f"/api/v1/patients/{pid}/diary").status_code == 200
    Grant.objects.filter(patient=world["owner"], clinician=world["clin_ok"]).update(revoked_at=timezone.now())
    denials = AuditEvent.objects.count()
    assert client.get(f"/patients/{pid}/").status_code == 404
    assert _api(client, "get", f"/api/v1/patients/{pid}/diary").status_code == 404
    assert AuditEvent.objects.count() == denials + 2  # both denials audited


# 11. Brute force and enumeration ------------------------------------------------------------

def test_guessing_one_password_from_rotating_addresses_is_stopped_per_account(world, password, settings):
    patient = world["owner"]
    patient.set_password(password)
    patient.save()
    for i in range(settings.AXES_FAILURE_LIMIT - 1):
        Client(REMOTE_ADDR=f"198.51.100.{i}").post("/accounts/login/", {"username": patient.username, "password": f"guess-{i}"})
    # one failure short of the limit the owner still signs in (and that does not wipe the count)
    assert Client(REMOTE_ADDR="198.51.100.100").post(
        "/accounts/login/", {"username": patient.username, "password": password}).status_code == 302
    Client(REMOTE_ADDR="198.51.100.99").post("/accounts/login/", {"username": patient.username, "password": "guess-last"})
    # the next try, even with the right password and from a fresh address, is refused
    response = Client(REMOTE_ADDR="198.51.100.200").post("/accounts/login/", {"username": patient.username, "password": password})
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    api = _api(Client(REMOTE_ADDR="198.51.100.201"), "post", "/api/v1/auth/token",
               {"username": patient.username, "password": password})
    assert api.status_code == 429


def test_password_spraying_from_one_address_is_stopped_per_address(world, django_user_model, settings):
    names = [f"sprayed{i}" for i in range(settings.LDNCARE_ADDRESS_FAILURE_LIMIT + 1)]
    for name in names:
        django_user_model.objects.create_user(username=name, password="a long passphrase 42")
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    limit = settings.LDNCARE_ADDRESS_FAILURE_LIMIT
    for name in names[:limit - 1]:
        attacker.post("/accounts/login/", {"username": name, "password": "Password123!"})
    # one failure short of the address limit (and one per account): not locked yet
    assert Client(REMOTE_ADDR="203.0.113.9").post(
        "/accounts/login/", {"username": names[-1], "password": "a long passphrase 42"}).status_code == 302
    attacker.post("/accounts/login/", {"username": names[limit - 1], "password": "Password123!"})
    response = attacker.post("/accounts/login/", {"username": names[-1], "password": "a long passphrase 42"})
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    # a user elsewhere is not locked out by the attacker's address (no malicious lockout of others)
    other = Client(REMOTE_ADDR="203.0.113.10")
    assert other.post("/accounts/login/", {"username": names[-1], "password": "a long passphrase 42"}).status_code == 302


# 13. Idempotency abuse ----------------------------------------------------------------------

def test_an_idempotency_key_replays_once_and_refuses_another_payload(client, world):
    client.force_login(world["owner"])
    path = f"/api/v1/patients/{world['owner'].public_id}/diary"
    before = CheckIn.objects.count()
    first = _api(client, "post", path, BODY, HTTP_IDEMPOTENCY_KEY="key-0001-abcdef")
    again = _api(client, "post", path, BODY, HTTP_IDEMPOTENCY_KEY="key-0001-abcdef")
    other = _api(client, "post", path, {**BODY, "pain_score": 9}, HTTP_IDEMPOTENCY_KEY="key-0001-abcdef")
    assert (first.status_code, again.status_code, other.status_code) == (201, 201, 422)
    assert again.json() == first.json()
    assert CheckIn.objects.count() == before + 1


def test_another_user_reusing_a_key_gets_nothing_of_the_first_users_answer(world):
    owner, stranger = Client(), Client()
    owner.force_login(world["owner"])
    stranger.force_login(world["stranger"])
    mine = _api(owner, "post", f"/api/v1/patients/{world['owner'].public_id}/diary", BODY, HTTP_IDEMPOTENCY_KEY="shared-key-42")
    theirs = _api(stranger, "post", f"/api/v1/patients/{world['stranger'].public_id}/diary", BODY,
                  HTTP_IDEMPOTENCY_KEY="shared-key-42")
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.json()["id"] != theirs.json()["id"]
    assert CheckIn.objects.get(uuid=theirs.json()["id"]).patient == world["stranger"]


@pytest.mark.parametrize("key", ["short", "x" * 201, "bad key with spaces", "k\u00e9y-12345678"])
def test_malformed_idempotency_keys_are_refused(client, world, key):
    client.force_login(world["owner"])
    before = CheckIn.objects.count()
    response = _api(client, "post", f"/api/v1/patients/{world['owner'].public_id}/diary", BODY,
                    HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 422
    assert CheckIn.objects.count() == before


# 14. A second entry for the same day --------------------------------------------------------

def test_a_second_entry_for_the_same_day_is_a_conflict_not_a_duplicate(client, world):
    client.force_login(world["owner"])
    path = f"/api/v1/patients/{world['owner'].public_id}/diary"
    assert _api(client, "post", path, BODY).status_code == 201
    assert _api(client, "post", path, {**BODY, "id": str(uuid.uuid4())}).status_code == 409
    assert CheckIn.objects.filter(patient=world["owner"], date=BODY["date"]).count() == 1


# 15. Function-level probes ------------------------------------------------------------------

@pytest.mark.parametrize("actor", ["owner", "clin_ok", "pharm_ok"])
def test_the_admin_site_is_closed_to_non_staff(client, world, actor):
    client.force_login(world[actor])
    for path in ("/admin/", "/admin/accounts/user/", f"/admin/accounts/user/{world['owner'].pk}/change/"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


def test_method_override_headers_and_options_change_nothing(client, world):
    client.force_login(world["owner"])
    entry = f"/api/v1/patients/{world['owner'].public_id}/diary/{world['checkin'].uuid}"
    before = CheckIn.objects.count()
    for override in ("DELETE", "PUT"):
        response = client.post(entry, HTTP_X_HTTP_METHOD_OVERRIDE=override)
        assert response.status_code == 405
    assert client.options(entry).status_code in (200, 405)
    assert client.head(entry).status_code in (200, 405)
    assert CheckIn.objects.count() == before
