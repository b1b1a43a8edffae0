"""Consent: invite by code (and e-mail), accept, list, revoke — effective on the next request."""

from __future__ import annotations

import pytest
from django.core import mail

from ldncare.web.access.models import Grant

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def test_invite_accept_and_revoke_take_effect_on_the_next_request(client, patient, clinician):
    client.force_login(patient)
    response = client.post("/me/sharing/invite/", {"email": "dr@example.org"})
    code = response.context["invite_code"]
    assert code in mail.outbox[0].body
    assert Grant.objects.get(patient=patient).invite_code_sha256 != code  # stored hashed

    record = f"/patients/{patient.public_id}/"
    client.force_login(clinician)
    assert client.get(record).status_code == 404
    client.post("/clinic/redeem/", {"code": code.lower()})
    assert client.get(record).status_code == 200
    assert client.post("/clinic/redeem/", {"code": code}, follow=True).status_code == 200  # reused: refused
    assert Grant.objects.active().count() == 1

    grant = Grant.objects.get(patient=patient)
    client.force_login(patient)
    listing = client.get("/me/sharing/").content.decode()
    assert "dr_chen" in listing or "Chen" in listing
    client.post(f"/me/sharing/{grant.pk}/revoke/")
    client.force_login(clinician)
    assert client.get(record).status_code == 404


def test_choosing_a_pharmacy_replaces_the_previous_choice(client, patient, pharmacy, other_pharmacy):
    client.force_login(patient)
    client.post("/me/sharing/pharmacy/", {"pharmacy": pharmacy.pk})
    client.post("/me/sharing/pharmacy/", {"pharmacy": other_pharmacy.pk})
    active = Grant.objects.active().filter(kind="pharmacy")
    assert [g.pharmacy for g in active] == [other_pharmacy]


def test_a_patient_cannot_revoke_someone_elses_grant(client, world):
    client.force_login(world["stranger"])
    assert client.post(f"/me/sharing/{world['grant_pharmacy'].pk}/revoke/").status_code == 404
    world["grant_pharmacy"].refresh_from_db()
    assert world["grant_pharmacy"].revoked_at is None


def test_pharmacist_sees_the_shared_plan_but_nothing_to_compound_and_never_the_diary(client, world):
    from ..conftest import NOTE_MARKER, PLAN_MARKER

    client.force_login(world["pharm_ok"])
    assert client.get("/pharmacy/").url == "/pharmacy/queue/"
    page = client.get("/pharmacy/queue/").content.decode()
    assert PLAN_MARKER in page
    assert "Plans shared without a prescription" in page
    assert "COMPOUNDING WORKSHEET" not in page
    assert NOTE_MARKER not in page
    assert client.get(f"/patients/{world['owner'].public_id}/").status_code == 404
