"""The diary write (POST /api/v1/patients/{id}/diary) is lean: few statements, one commit (issue 20).

How statements are counted: everything Django sends on the connection during the one request,
as captured by ``CaptureQueriesContext`` — every SELECT/INSERT/UPDATE/DELETE, every
``SAVEPOINT``/``RELEASE``/``ROLLBACK TO``, and the transaction's ``BEGIN`` (SQLite: ``BEGIN
IMMEDIATE``) and ``COMMIT``, which Django logs as statements too. The test database is a real
one (``transactional_db``: no test transaction around the request), so this is what the server
sees. Commits: each ``COMMIT``, plus each write sent outside a transaction (autocommit).

The API is called as the offline app calls it: bearer token, ``Idempotency-Key``, a new day with
scores, a side effect and a note. The token's ``last_used_at`` is written once per clock minute
(``ldncare.web.auth``); the clock is held within the minute of its last use, the usual case.
"""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from freezegun import freeze_time

from ldncare.web.access.models import AuditEvent, Grant
from ldncare.web.accounts.models import ApiToken, IdempotencyRecord
from ldncare.web.alerts.models import Alert
from ldncare.web.record.models import CheckIn, SideEffectReport

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fast_password_hashing")]

MAX_STATEMENTS = 8  # the issue's bound for the ordinary diary write
MAX_STATEMENTS_ALERTING = 9  # + the care team's grants and the alert rows (one INSERT), - nothing else
MAX_STATEMENTS_ANNOUNCING = 5  # after the commit: the notifier's hand-off (its deliveries, its task)
DAY = {"date": "2026-03-01", "ldn_dose_mg": "4.5", "dose_time": "22:00", "pain_score": 5, "fatigue_score": 4,
       "sleep_quality_score": 6, "mood_score": 7, "notes": "slept well, vivid dreams",
       "side_effects": [{"id": "vivid_dreams", "severity": "mild"}]}


def commits(statements: list[str]) -> int:
    """Transaction commits in the captured statements (explicit, and writes in autocommit)."""
    count, in_transaction = 0, False
    for sql in statements:
        verb = sql.split(None, 1)[0].upper()
        if verb == "BEGIN":
            in_transaction = True
        elif verb in {"COMMIT", "ROLLBACK"} and not sql.upper().startswith("ROLLBACK TO"):
            count += verb == "COMMIT"
            in_transaction = False
        elif verb in {"INSERT", "UPDATE", "DELETE"} and not in_transaction:
            count += 1
    return count


def test_counting_commits():
    assert commits(["SELECT 1", "INSERT x", "BEGIN", "INSERT y", "COMMIT"]) == 2
    assert commits(["BEGIN IMMEDIATE", "SAVEPOINT a", "ROLLBACK TO SAVEPOINT a", "INSERT y", "COMMIT"]) == 1
    assert commits(["BEGIN", "INSERT y", "ROLLBACK"]) == 0


@pytest.fixture
def api(patient):
    _, raw = ApiToken.issue(user=patient, name="phone")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def _write(api, patient, body: dict, key: str) -> tuple[object, list[str]]:
    connection.ensure_connection()  # connecting (and its session set-up) is not part of a request
    moment = timezone.now().replace(second=10, microsecond=0)  # the token used 10 s ago, in this minute
    ApiToken.objects.update(last_used_at=moment.replace(second=0))
    with freeze_time(moment, tick=True), CaptureQueriesContext(connection) as captured:
        response = api.post(f"/api/v1/patients/{patient.public_id}/diary", data=json.dumps(body),
                            content_type="application/json", headers={"Idempotency-Key": key})
    return response, [q["sql"] for q in captured.captured_queries]


def test_an_ordinary_diary_write_is_at_most_8_statements_and_one_commit(api, patient):
    response, statements = _write(api, patient, DAY, "phone-0001-abcd")
    assert response.status_code == 201, response.content
    print(f"{len(statements)} statements:", *(sql[:100] for sql in statements), sep="\n  ")
    assert len(statements) <= MAX_STATEMENTS, "\n".join(statements)
    assert commits(statements) == 1, "\n".join(statements)
    assert not [sql for sql in statements if "SAVEPOINT" in sql]
    # ... and it wrote everything the slower path wrote: the day, its report, both audit rows, the answer
    entry = CheckIn.objects.get(uuid=response.json()["id"])
    assert (entry.pain_score, entry.notes, entry.dose_time.isoformat()) == (5, DAY["notes"], "22:00:00")
    assert list(SideEffectReport.objects.values_list("side_effect_id", "severity")) == [("vivid_dreams", "mild")]
    assert sorted(AuditEvent.objects.values_list("object_type", "action", "outcome")) == [
        ("checkin", "create", "allowed"), ("diary", "create", "allowed")]
    assert IdempotencyRecord.objects.get().resource_id == str(entry.uuid)
    assert response.json()["side_effects"] == [{"id": "vivid_dreams", "severity": "mild"}]


def test_a_retry_replays_and_writes_only_its_audit_row(api, patient):
    first, _ = _write(api, patient, DAY, "phone-0002-abcd")
    again, statements = _write(api, patient, DAY, "phone-0002-abcd")
    assert again.status_code == 201
    assert again.json() == first.json()
    assert CheckIn.objects.count() == 1
    assert AuditEvent.objects.filter(object_type="diary").count() == 2  # the replay is an access too
    assert AuditEvent.objects.filter(object_type="checkin").count() == 1
    assert len(statements) <= MAX_STATEMENTS + 4, "\n".join(statements)  # a retry is rare: the write, rolled back


def test_a_write_that_alerts_the_care_team_stays_bounded_and_one_commit(api, patient, clinician):
    Grant.objects.create(patient=patient, kind="clinician", clinician=clinician, accepted_at=timezone.now())
    urgent = {**DAY, "side_effects": [{"id": "allergic_reaction", "severity": "severe"}]}
    response, statements = _write(api, patient, urgent, "phone-0003-abcd")
    assert response.status_code == 201, response.content
    assert Alert.objects.filter(recipient=clinician, level="urgent_care").count() == 1
    # The write: up to and including its one COMMIT. Then, once it has committed (on_commit), the
    # notifier is handed the alert: its delivery rows and the task that sends them, in their own
    # transactions (a crash in between is caught by the worker's scan, ldncare.web.notify).
    end = statements.index("COMMIT") + 1
    write, announce = statements[:end], statements[end:]
    assert len(write) <= MAX_STATEMENTS_ALERTING, "\n".join(write)
    assert commits(write) == 1, "\n".join(write)
    assert len(announce) <= MAX_STATEMENTS_ANNOUNCING, "\n".join(announce)
