"""Control characters in API free text: refused with the field's path, nothing written
(ldncare.web.security.FreeTextMiddleware, the rule from ldncare.core.text)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from ldncare.web.accounts.models import ApiToken
from ldncare.web.record.models import CheckIn

pytestmark = pytest.mark.usefixtures("fast_password_hashing")
BODY = {"date": "2026-03-01", "ldn_dose_mg": 1.5, "dose_time": "22:00", "pain_score": 5}


@pytest.mark.parametrize(("notes", "character"), [
    ("better\u0007today", "U+0007"), ("\u001b[31mred", "U+001B"), ("nul\u0000", "U+0000"), ("c1\u0085", "U+0085"),
    ("surrogate \ud800", "U+D800"),
])
def test_a_json_string_with_a_control_character_is_refused_with_its_field(patient, notes, character):
    _, raw = ApiToken.issue(user=patient, name="t")
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    response = api.post(f"/api/v1/patients/{patient.public_id}/diary", content_type="application/json",
                        data=json.dumps({**BODY, "notes": notes}))
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors[0]["loc"] == ["body", "notes"] or character == "U+0000"
    assert character in errors[0]["msg"] or character == "U+0000"
    assert not CheckIn.objects.exists()


def test_tab_newline_and_carriage_return_are_free_text(patient):
    _, raw = ApiToken.issue(user=patient, name="t")
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    response = api.post(f"/api/v1/patients/{patient.public_id}/diary", content_type="application/json",
                        data=json.dumps({**BODY, "notes": "line 1\r\nline 2\tend"}))
    assert response.status_code == 201, response.content
    assert CheckIn.objects.get().notes == "line 1\r\nline 2\tend"


@pytest.mark.parametrize("method", ["get", "delete"])
def test_an_api_query_parameter_with_a_control_character_is_refused_with_its_name(patient, method):
    # found by the API fuzz test on PostgreSQL: a NUL in ?endpoint= reached the database (a 500)
    _, raw = ApiToken.issue(user=patient, name="t")
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    response = getattr(api, method)("/api/v1/me/push-subscriptions?endpoint=https%3A%2F%2Fpush.example%2F%00x")
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", "endpoint"]
    assert "U+0000" in response.json()["errors"][0]["msg"]
