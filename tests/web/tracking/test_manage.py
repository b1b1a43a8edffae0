"""/me/tracking/: a patient adds her own outcomes and factors, switches them off and on; others cannot."""

from __future__ import annotations

import pytest

from ldncare.web.tracking.models import TrackedItem

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def test_patient_adds_an_outcome_with_anchors_and_a_factor(client, patient):
    client.force_login(patient)
    assert client.get("/me/tracking/").status_code == 200
    response = client.post("/me/tracking/", {"kind": "outcome", "name": "Brain fog", "anchor_low": "clear",
                                             "anchor_high": "can't think"})
    assert response.status_code == 302
    client.post("/me/tracking/", {"kind": "count", "name": "Cups of coffee"})
    fog, coffee = TrackedItem.objects.filter(patient=patient).order_by("pk")
    assert (fog.code, fog.anchor_low, fog.anchor_high) == ("outcome:brain_fog", "clear", "can't think")
    assert coffee.code == "factor:cups_of_coffee"
    page = client.get("/me/tracking/").content.decode()
    assert "Brain fog" in page
    assert "can&#x27;t think" in page
    assert "Cups of coffee" in page


def test_same_name_twice_and_a_blank_name_are_form_errors(client, patient):
    client.force_login(patient)
    client.post("/me/tracking/", {"kind": "yes_no", "name": "Walk"})
    again = client.post("/me/tracking/", {"kind": "minutes", "name": "walk"})
    assert again.status_code == 422
    assert "already track a factor" in again.content.decode()
    assert client.post("/me/tracking/", {"kind": "yes_no", "name": "!!!"}).status_code == 422
    assert TrackedItem.objects.filter(patient=patient).count() == 1


def test_switching_off_keeps_the_item(client, patient):
    client.force_login(patient)
    client.post("/me/tracking/", {"kind": "yes_no", "name": "Walk"})
    item = TrackedItem.objects.get(patient=patient)
    assert client.post("/me/tracking/", {"toggle": item.pk}).status_code == 302
    item.refresh_from_db()
    assert item.active is False


def test_another_patient_cannot_switch_her_item_and_staff_have_no_page(client, clinician, stranger, patient):
    client.force_login(patient)
    client.post("/me/tracking/", {"kind": "yes_no", "name": "Walk"})
    item = TrackedItem.objects.get(patient=patient)
    client.force_login(stranger)
    assert client.post("/me/tracking/", {"toggle": item.pk}).status_code == 404
    item.refresh_from_db()
    assert item.active is True
    client.force_login(clinician)
    assert client.get("/me/tracking/").status_code in {403, 404}
