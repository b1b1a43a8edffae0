"""The audit trail: every access and denial, no health values, append-only, visible to the patient."""

from __future__ import annotations

import re

import pytest
from django.db import DatabaseError, connection, transaction

from ldncare.web.access.models import AppendOnlyError, AuditEvent

from ..conftest import NOTE_MARKER

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def test_reads_and_denials_are_recorded_without_health_values(client, world):
    client.force_login(world["clin_ok"])
    client.get(f"/patients/{world['owner'].public_id}/")
    client.force_login(world["clin_none"])
    client.get(f"/patients/{world['owner'].public_id}/", REMOTE_ADDR="203.0.113.9")
    events = list(AuditEvent.objects.filter(subject_id=world["owner"].pk))
    allowed = [e for e in events if e.actor_username == "dr_chen"]
    denied = [e for e in events if e.actor_username == "dr_none"]
    assert allowed
    assert allowed[0].outcome == "allowed"
    assert allowed[0].actor_role == "clinician"
    assert denied
    assert denied[0].outcome == "denied"
    assert denied[0].ip_address == "203.0.113.9"
    for event in events:
        for value in vars(event).values():
            assert NOTE_MARKER not in str(value)


def test_the_patient_sees_who_looked(client, world):
    client.force_login(world["clin_ok"])
    client.get(f"/patients/{world['owner'].public_id}/")
    client.force_login(world["owner"])
    page = client.get("/me/access-log/").content.decode()
    assert "dr_chen (clinician)" in page


def test_audit_rows_cannot_be_changed_or_deleted(world, client):
    client.force_login(world["owner"])
    client.get("/me/diary/")
    event = AuditEvent.objects.first()
    event.action = "delete"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="delete")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the DELETE trigger exists on PostgreSQL only")
def test_postgres_refuses_deleting_audit_rows(world, client):
    client.force_login(world["owner"])
    client.get("/me/diary/")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().delete()


def test_pharmacist_listing_prescriptions_is_audited(client, world):
    client.force_login(world["pharm_ok"])
    client.get("/pharmacy/queue/")
    event = AuditEvent.objects.get(actor_username=world["pharm_ok"].username, object_type="plan")
    assert event.subject_id == world["owner"].pk
    assert event.object_id == str(world["plan"].uuid)


def test_the_access_log_collapses_identical_rows_per_minute_in_the_patients_zone(client, world):
    owner = world["owner"]
    owner.time_zone = "Asia/Tokyo"
    owner.save(update_fields=["time_zone"])
    client.force_login(world["clin_ok"])
    for _ in range(5):
        client.get(f"/patients/{owner.public_id}/")
    client.force_login(owner)
    page = client.get("/me/access-log/").content.decode()
    assert "When (Asia/Tokyo)" in page
    rows = re.findall(r'<tr><td>[^<]*(?:<span class="count">\((\d+) times\)</span>)?</td>'
                      r'<td>dr_chen \(clinician\)</td>\s*<td>([^<]*)</td>', page)
    seen: dict[str, list[int]] = {}
    for count, part in rows:
        seen.setdefault(part, []).append(int(count or 1))
    assert seen
    for counts in seen.values():  # five opens: one row (two if a minute ended meanwhile), counted 5
        assert sum(counts) == 5
        assert len(counts) <= 2
