"""``Cache-Control: no-store`` on every answer that may carry health data (issue 18).

The requests come from the access matrix, whose completeness test (``test_every_endpoint_has_a_matrix_row``)
ties it to the URL resolver and the OpenAPI schema: a new page or API
operation is covered as soon as it exists. Each request is sent as every signed-in actor the
matrix says is served (the answers that hold health data) and as one it refuses; API
operations also with a bearer token alone. Writes run in a rolled-back savepoint.
"""

from __future__ import annotations

import json

import pytest
from axes.models import AccessAttempt
from django.db import transaction
from django.test import Client

from ldncare.web.accounts.models import ApiToken

from ..test_access_matrix import API, SIGNED_IN, WEB

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def _send(client, method, path, data, api_call, **headers):
    if api_call and data is not None:
        return getattr(client, method)(path, data=json.dumps(data), content_type="application/json", **headers)
    if data is not None:
        return getattr(client, method)(path, data=data, **headers)
    return getattr(client, method)(path, **headers)


def _check(client, world, rows, api_call) -> list[str]:
    failures = []
    for method, path_of, data, table, *_ in rows:
        path = path_of(world)
        body = data(world) if callable(data) else data
        served = [a for a in SIGNED_IN if table[a] == "ok"]
        refused = [a for a in SIGNED_IN if table[a] != "ok"][:1]
        for actor in served + refused:
            AccessAttempt.objects.all().delete()
            client.logout()
            client.force_login(world[actor])
            with transaction.atomic():
                response = _send(client, method, path, body, api_call)
                if "no-store" not in response.get("Cache-Control", ""):
                    failures.append(f"{actor}: {method.upper()} {path} → {response.status_code} "
                                    f"without no-store ({response.get('Cache-Control')!r})")
                transaction.set_rollback(True)
    return failures


@pytest.mark.parametrize("name", sorted(WEB))
def test_every_signed_in_page_answer_is_no_store(client, world, name):
    failures = _check(client, world, WEB[name], api_call=False)
    assert not failures, "\n".join(failures)


def test_every_api_answer_is_no_store(client, world):
    failures = []
    for name in sorted(API):
        failures += _check(client, world, API[name], api_call=True)
    _, raw = ApiToken.issue(user=world["owner"], name="no-store test")
    bearer = Client()
    for name in sorted(API):
        for method, path_of, data, table, *_ in API[name]:
            if table["owner"] != "ok" or table["anon"] == "ok":  # public operations hold no health data
                continue
            path = path_of(world)
            with transaction.atomic():
                response = _send(bearer, method, path, data(world) if callable(data) else data, True,
                                 HTTP_AUTHORIZATION=f"Bearer {raw}")
                if "no-store" not in response.get("Cache-Control", ""):
                    failures.append(f"token: {method.upper()} {path} → {response.status_code} without no-store")
                transaction.set_rollback(True)
    assert not failures, "\n".join(failures)


def test_public_pages_for_anonymous_visitors_stay_cacheable(db, client):
    response = client.get("/library/")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
