"""Request bodies over DATA_UPLOAD_MAX_MEMORY_SIZE, multipart files included, answer 413 before
they are read: a clean answer, not a 500 with a traceback, with DEBUG on or off (issue 18)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ldncare.web.record.models import CheckIn

MB = 1024 * 1024


@pytest.mark.parametrize("debug", [False, True])
def test_an_anonymous_1_mb_api_body_answers_413(client, db, settings, debug):
    settings.DEBUG = debug
    body = b'{"username": "' + b"a" * MB + b'", "password": "x"}'
    response = client.post("/api/v1/auth/token", data=body, content_type="application/json")
    assert response.status_code == 413
    assert "at most 1048576 bytes" in response.json()["detail"]


def test_a_body_just_under_the_cap_gets_its_ordinary_answer(client, db):
    body = b'{"username": "' + b"a" * (MB - 100) + b'", "password": "x"}'
    response = client.post("/api/v1/auth/token", data=body, content_type="application/json")
    assert response.status_code == 422  # the username is too long: a field error, as for any bad value


def test_a_multipart_upload_over_the_cap_answers_413_and_stores_nothing(client, patient):
    client.force_login(patient)
    big = SimpleUploadedFile("diary.csv", b"x" * (2 * MB), content_type="text/csv")
    response = client.post("/me/checkin/", {"file": big, "date": "2026-03-01"})
    assert response.status_code == 413
    assert "at most" in response.content.decode()
    assert not CheckIn.objects.exists()
