"""/patients/<id>/tracking/: a clinician the patient shares her record with adds and switches off her
outcomes and factors (audited); she sees who added one; nobody else may."""

from __future__ import annotations

import pytest

from ldncare.web.access.models import AuditEvent
from ldncare.web.tracking.models import TrackedItem

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def _url(world) -> str:
    return f"/patients/{world['owner'].public_id}/tracking/"


def test_a_consented_clinician_adds_an_outcome_for_her_and_she_sees_who(client, world):
    clinician, patient = world["clin_ok"], world["owner"]
    clinician.first_name, clinician.last_name = "Ada", "Lind"
    clinician.save()
    client.force_login(clinician)
    assert client.get(_url(world)).status_code == 200
    response = client.post(_url(world), {"kind": "outcome", "name": "Brain fog", "anchor_low": "clear",
                                         "anchor_high": "can't think"})
    assert response.status_code == 302
    item = TrackedItem.objects.get(patient=patient)
    assert (item.code, item.added_by, item.active) == ("outcome:brain_fog", clinician, True)
    assert AuditEvent.objects.filter(actor_id=clinician.pk, subject_id=patient.pk, object_type="tracked_item",
                                     object_id=str(item.pk), action="create", outcome="allowed").exists()
    client.force_login(patient)
    page = client.get("/me/tracking/").content.decode()
    assert "Brain fog" in page
    assert "added by Ada Lind" in page


def test_the_clinician_switches_one_off_and_on_again(client, world):
    item = TrackedItem.objects.create(patient=world["owner"], kind="yes_no", slug="walk", name="Walk")
    client.force_login(world["clin_ok"])
    assert client.post(_url(world), {"toggle": item.pk}).status_code == 302
    item.refresh_from_db()
    assert item.active is False
    assert "switched off" in client.get(_url(world)).content.decode()
    client.post(_url(world), {"toggle": item.pk})
    item.refresh_from_db()
    assert item.active is True
    assert AuditEvent.objects.filter(actor_id=world["clin_ok"].pk, object_type="tracked_item", action="update").count() == 2


def test_a_name_she_already_tracks_is_a_form_error(client, world):
    TrackedItem.objects.create(patient=world["owner"], kind="count", slug="coffee", name="Coffee")
    client.force_login(world["clin_ok"])
    response = client.post(_url(world), {"kind": "minutes", "name": "coffee"})
    assert response.status_code == 422
    assert "the patient already tracks a factor" in response.content.decode()


@pytest.mark.parametrize("actor", ["clin_none", "clin_revoked", "pharm_ok", "stranger", "owner", "admin"])
def test_without_consent_or_as_another_role_nothing_is_shown_or_changed(client, world, actor):
    item = TrackedItem.objects.create(patient=world["owner"], kind="yes_no", slug="walk", name="Walk")
    client.force_login(world[actor])
    assert client.get(_url(world)).status_code == 404
    assert client.post(_url(world), {"kind": "yes_no", "name": "Swim"}).status_code == 404
    assert client.post(_url(world), {"toggle": item.pk}).status_code == 404
    item.refresh_from_db()
    assert item.active is True
    assert TrackedItem.objects.filter(patient=world["owner"]).count() == 1


def test_another_patients_item_cannot_be_switched_through_her_page(client, world):
    theirs = TrackedItem.objects.create(patient=world["stranger"], kind="yes_no", slug="walk", name="Walk")
    client.force_login(world["clin_ok"])
    assert client.post(_url(world), {"toggle": theirs.pk}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.active is True


def test_the_record_links_to_the_page_for_the_clinician(client, world):
    client.force_login(world["clin_ok"])
    assert _url(world) in client.get(f"/patients/{world['owner'].public_id}/").content.decode()
