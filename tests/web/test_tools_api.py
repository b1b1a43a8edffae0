"""The stateless core services in the API: real results, bounded inputs, 422 never 500."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def _post(client, path, body):
    return client.post(f"/api/v1/{path}", data=json.dumps(body), content_type="application/json")


def test_screen_finds_tramadol_contraindicated(client, patient):
    client.force_login(patient)
    body = _post(client, "screen", {"medicines": ["Tramadol 50mg"]}).json()
    assert body["verdict"] == "contraindicated"
    assert body["findings"][0]["level"] == "contraindicated"


def test_simulate_returns_daily_metrics(client, patient):
    client.force_login(patient)
    body = _post(client, "simulate", {"dose_mg": 4.5, "days": 2}).json()
    assert len(body["daily"]) == 2
    assert 0 < body["daily"][1]["mor_occupancy_peak"] <= 1


def test_simulate_defaults_to_the_validated_scenario_and_compares_all_three(client, patient):
    client.force_login(patient)
    body = _post(client, "simulate", {"dose_mg": 4.5, "days": 2}).json()
    assert body["scenario"] == "compromise"
    assert [r["scenario"] for r in body["scenarios"]] == ["fast", "compromise", "slow"]
    assert [r["scenario"] for r in body["scenarios"] if r["default"]] == ["compromise"]
    assert body["scenarios"][1]["mor_occupancy_peak"] == pytest.approx(body["daily"][1]["mor_occupancy_peak"])


def test_plan_preview_and_compounding(client, patient):
    client.force_login(patient)
    plan = _post(client, "plan-preview", {"start_date": "2026-01-01", "protocol": "article"}).json()
    assert float(plan["steps"][-1]["dose_mg"]) == 4.5
    liquid = _post(client, "compound/liquid", {"dose_mg": 4.5, "days": 30})
    assert liquid.status_code == 200


@pytest.mark.parametrize(("path", "body"), [
    ("simulate", {"dose_mg": 0}), ("simulate", {"dose_mg": 4.5, "days": 10000}), ("simulate", {"dose_mg": 4.5, "time": "24:00"}),
    ("screen", {"hepatic": "very"}), ("plan-preview", {"start_date": "2026-13-01"}),
    ("compound/liquid", {"dose_mg": -1, "days": 3}), ("plan-preview", {"start_date": "2026-01-01", "protocol": "custom"}),
])
def test_bad_tool_input_is_422(client, patient, path, body):
    client.force_login(patient)
    response = _post(client, path, body)
    assert response.status_code == 422, response.content
    assert response.json()["errors"]


def test_evidence_is_public_and_unknown_is_404(client):
    assert client.get("/api/v1/evidence/fibromyalgia").json()["certainty"]
    assert client.get("/api/v1/evidence/no-such-thing").status_code == 404
