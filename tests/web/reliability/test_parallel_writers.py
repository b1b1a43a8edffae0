"""K parallel writers × M diary days → exactly K×M rows, no duplicate, no "database is locked".

Runs on the configured database: a file SQLite database by default (WAL, busy timeout,
``BEGIN IMMEDIATE``), PostgreSQL with ``DATABASE_URL=postgres://…``. The long versions
(more writers, a real server, crashes) are in ``bench/reliability.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import uuid
from collections.abc import Callable

import pytest
from django.db import connections
from django.test import Client, RequestFactory

from ldncare.web.accounts.models import ApiToken
from ldncare.web.record import services
from ldncare.web.record.models import CheckIn

K_WRITERS = 4
M_ENTRIES = 10
FIRST_DAY = dt.date(2024, 1, 1)

pytestmark = pytest.mark.django_db(transaction=True)


def _day(writer: int, entry: int) -> dt.date:
    return FIRST_DAY + dt.timedelta(days=writer * M_ENTRIES + entry)


def _run_parallel(count: int, target: Callable[[int], None]) -> list[BaseException]:
    """Start ``count`` threads at one barrier; return what they raised."""
    start = threading.Barrier(count)
    errors: list[BaseException] = []

    def body(index: int) -> None:
        try:
            start.wait(timeout=30)
            target(index)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=body, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a writer hung"
    return errors


def _assert_exactly_k_times_m(patient) -> None:
    rows = list(CheckIn.objects.filter(patient=patient).values_list("date", "pain_score"))
    assert len(rows) == K_WRITERS * M_ENTRIES
    assert len({date for date, _ in rows}) == len(rows)  # no duplicate day
    expected = {(_day(w, m), (w + m) % 11) for w in range(K_WRITERS) for m in range(M_ENTRIES)}
    assert set(rows) == expected  # every write, with its own content


def test_parallel_writers_through_the_service_layer(patient):
    factory = RequestFactory()

    def writer(index: int) -> None:
        for entry in range(M_ENTRIES):
            request = factory.post("/me/diary/")
            request.user = patient
            services.checkin_save(
                request=request, patient=patient,
                data=services.CheckInData(date=_day(index, entry), pain_score=(index + entry) % 11),
                checkin_uuid=uuid.uuid4(), channel="web",
            )

    assert _run_parallel(K_WRITERS, writer) == []
    _assert_exactly_k_times_m(patient)


def test_parallel_writers_through_the_api_with_tokens(patient):
    _, raw = ApiToken.issue(user=patient, name="phone")
    url = f"/api/v1/patients/{patient.public_id}/diary"
    statuses: list[int] = []

    def writer(index: int) -> None:
        client = Client(headers={"Authorization": f"Bearer {raw}"})
        for entry in range(M_ENTRIES):
            body = {"date": _day(index, entry).isoformat(), "pain_score": (index + entry) % 11}
            response = client.post(url, data=json.dumps(body), content_type="application/json",
                                   headers={"Idempotency-Key": f"w{index}-e{entry}-{uuid.uuid4()}"})
            statuses.append(response.status_code)
            assert response.status_code == 201, response.content

    assert _run_parallel(K_WRITERS, writer) == []
    assert statuses == [201] * (K_WRITERS * M_ENTRIES)
    _assert_exactly_k_times_m(patient)


def test_the_same_idempotency_key_retried_concurrently_stores_one_row(patient):
    _, raw = ApiToken.issue(user=patient, name="phone")
    url = f"/api/v1/patients/{patient.public_id}/diary"
    body = json.dumps({"date": "2024-06-01", "pain_score": 3, "notes": "retried"})
    key = f"retry-{uuid.uuid4()}"
    answers: list[tuple[int, dict]] = []

    def retry(_: int) -> None:
        client = Client(headers={"Authorization": f"Bearer {raw}"})
        response = client.post(url, data=body, content_type="application/json", headers={"Idempotency-Key": key})
        answers.append((response.status_code, response.json()))

    attempts = 2 * K_WRITERS
    assert _run_parallel(attempts, retry) == []
    assert CheckIn.objects.filter(patient=patient).count() == 1
    stored = CheckIn.objects.get(patient=patient)
    assert len(answers) == attempts
    assert {status for status, _ in answers} <= {201, 409}  # success, replay, or "being processed"
    created_ids = {body["id"] for status, body in answers if status == 201}
    assert created_ids == {str(stored.uuid)}  # every success names the one stored row
    # a later retry replays the stored answer and still changes nothing
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    again = client.post(url, data=body, content_type="application/json", headers={"Idempotency-Key": key})
    assert again.status_code == 201
    assert again.json()["id"] == str(stored.uuid)
    assert CheckIn.objects.filter(patient=patient).count() == 1
