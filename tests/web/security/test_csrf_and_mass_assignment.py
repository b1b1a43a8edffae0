"""Every state-changing route, from the access matrix (itself checked against the URL conf and OpenAPI):

* CSRF: a session request without the token, or with the token but a foreign ``Origin``,
  answers 403 and changes nothing (``Client(enforce_csrf_checks=True)``).
* Mass assignment: the same request with a body that also sets patient, owner, user, author,
  role, staff flags, id, public_id/uuid and timestamps changes none of them — API bodies that
  carry unknown fields answer 422; forms ignore them.
"""

from __future__ import annotations

import json
import uuid

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import models, transaction
from django.test import Client

from ..test_access_matrix import API, WEB

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

WRITE_METHODS = {"post", "put", "patch", "delete"}
SESSION_FREE = {"POST /api/v1/auth/token"}  # exchanges a password for a token: no session, no ambient credential
PREFERRED = ("owner", "clin_ok", "pharm_ok", "stranger", "clin_none", "pharm_other", "admin", "anon")
PROJECT_APPS = ("accounts", "access", "record", "booking", "demo", "library", "clinic", "pharmacy")
EVIL_UUID = uuid.UUID("00000000-0000-4000-8000-00000000beef")
EVIL_ID = 987654
EVIL_TIME = "2001-02-03T04:05:06Z"


def _writes(table: dict, api_call: bool):
    for name, requests in sorted(table.items()):
        if name in SESSION_FREE:
            continue
        for i, (method, path_of, data, expectations, *_) in enumerate(requests):
            if method in WRITE_METHODS:
                actor = next((a for a in PREFERRED if expectations[a] in ("ok", "422", "400")), None)
                if actor is not None:
                    yield pytest.param(method, path_of, data, actor, api_call, id=f"{name}#{i}")


WRITES = list(_writes(WEB, False)) + list(_writes(API, True))


def _send(client, method, path, data, api_call, **extra):
    if api_call:
        body = json.dumps(data) if data is not None else None
        if body is None:
            return getattr(client, method)(path, **extra)
        return getattr(client, method)(path, data=body, content_type="application/json", **extra)
    return getattr(client, method)(path, data=data or {}, **extra)


def _project_models():
    return [m for m in apps.get_models() if m._meta.app_label in PROJECT_APPS]


def _snapshot(world):
    """What an attacker may try to change: every user's privileges, and the stranger's rows."""
    from ldncare.web.accounts.models import User

    users = sorted(User.objects.values_list("pk", "role", "is_staff", "is_superuser", "is_active", "public_id",
                                            "practice_id", "pharmacy_id"))
    stranger_rows = {}
    for model in _project_models():
        for field in ("patient", "user", "owner"):
            try:
                f = model._meta.get_field(field)
            except Exception:
                continue
            if f.is_relation:
                stranger_rows[f"{model._meta.label}.{field}"] = model.objects.filter(**{field: world["stranger"]}).count()
    return users, stranger_rows


def _evil_fields(world) -> dict:
    stranger = world["stranger"]
    return {
        "patient": stranger.pk, "patient_id": str(stranger.public_id), "owner": stranger.pk, "user": stranger.pk,
        "user_id": stranger.pk, "author": world["admin"].pk, "created_by": world["admin"].pk,
        "role": "admin", "is_staff": True, "is_superuser": True, "id": EVIL_ID, "pk": EVIL_ID,
        "public_id": str(EVIL_UUID), "uuid": str(EVIL_UUID), "created_at": EVIL_TIME, "updated_at": EVIL_TIME,
        "accepted_at": EVIL_TIME, "revoked_at": EVIL_TIME,
    }


def _evil_traces() -> list[str]:
    """Rows anywhere that carry one of the smuggled values."""
    found = []
    for model in _project_models():
        for f in model._meta.concrete_fields:
            if isinstance(f, models.UUIDField) and model.objects.filter(**{f.name: EVIL_UUID}).exists():
                found.append(f"{model._meta.label}.{f.name} = smuggled uuid")
            if isinstance(f, models.DateTimeField) and model.objects.filter(**{f"{f.name}__year": 2001,
                                                                              f"{f.name}__month": 2,
                                                                              f"{f.name}__day": 3}).exists():
                found.append(f"{model._meta.label}.{f.name} = smuggled timestamp")
        if model.objects.filter(pk=EVIL_ID).exists():
            found.append(f"{model._meta.label} row with smuggled id")
    return found


@pytest.mark.parametrize(("method", "path_of", "data", "actor", "api_call"), WRITES)
def test_session_writes_without_csrf_token_or_from_a_foreign_origin_are_refused(world, method, path_of, data, actor, api_call,
                                                                                login_verified):
    client = Client(enforce_csrf_checks=True)
    if world[actor] is not None:
        login_verified(client, world[actor])
    path = path_of(world)
    data = data(world) if callable(data) else data
    before = _snapshot(world)
    with transaction.atomic():
        no_token = _send(client, method, path, data, api_call)
        # a real token from this session, but sent from another site
        client.get("/accounts/login/" if world[actor] is None else "/")
        token = client.cookies["csrftoken"].value
        foreign = _send(client, method, path, data, api_call, HTTP_X_CSRFTOKEN=token,
                        HTTP_ORIGIN="https://evil.example", secure=True)
        after = _snapshot(world)
        transaction.set_rollback(True)
    assert (no_token.status_code, foreign.status_code) == (403, 403)
    assert after == before


@pytest.mark.parametrize(("method", "path_of", "data", "actor", "api_call"),
                         [w for w in WRITES if w.values[0] != "delete"])
def test_a_body_that_sets_owner_role_ids_or_timestamps_changes_none_of_them(client, world, method, path_of, data, actor, api_call):
    cache.clear()
    if world[actor] is not None:
        client.force_login(world[actor])
    path = path_of(world)
    data = data(world) if callable(data) else dict(data or {})
    evil = {**_evil_fields(world), **data}  # the endpoint's real fields still win
    before = _snapshot(world)
    with transaction.atomic():
        response = _send(client, method, path, evil, api_call)
        after = _snapshot(world)
        traces = _evil_traces()
        transaction.set_rollback(True)
    assert response.status_code < 500
    if api_call and data:  # an operation with a request body refuses unknown fields; one without ignores the body
        assert response.status_code == 422, (response.status_code, response.content[:200])
    assert after == before
    assert traces == []


def test_the_snapshot_sees_a_privilege_change(world):
    """The check above can fail: raising a role shows in the snapshot."""
    before = _snapshot(world)
    world["owner"].role = "admin"
    world["owner"].save()
    assert _snapshot(world) != before


def test_sign_up_with_a_role_and_staff_flags_makes_a_plain_patient(client, db):
    from ldncare.web.accounts.models import User

    response = client.post("/accounts/signup/", {
        "username": "mallory", "email": "m@example.org", "password1": "a long passphrase 42",
        "password2": "a long passphrase 42", "role": "admin", "is_staff": "on", "is_superuser": "on",
        "public_id": str(EVIL_UUID), "id": EVIL_ID, "date_joined": EVIL_TIME})
    assert response.status_code == 302
    user = User.objects.get(username="mallory")
    assert (user.role, user.is_staff, user.is_superuser) == ("patient", False, False)
    assert user.pk != EVIL_ID
    assert user.public_id != EVIL_UUID
    assert user.date_joined.year != 2001
