from __future__ import annotations

import pytest

from ldncare import __version__


@pytest.mark.django_db
def test_health_reports_version_and_database(client, settings):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["version"] == __version__
    assert body["database"] in {"sqlite", "postgresql"}


def test_openapi_document_is_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "ldncare API"
