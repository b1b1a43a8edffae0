"""The prescribing guard: a patient on tramadol. The record, the plan builder, the preview and
"Send the prescription" show the contraindication; sending needs a reason, which is stored with
the prescription, audited and shown to the pharmacist on the queue and the worksheet."""

from __future__ import annotations

import pytest

from ldncare.web.access.models import AuditEvent
from ldncare.web.clinic.models import Prescription
from ldncare.web.record.models import Plan, Profile

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

REASON = "Tramadol stopped on 1 Dec; urine screen negative; patient informed"


@pytest.fixture
def on_tramadol(world):
    Profile.objects.filter(patient=world["owner"]).update(medicines=["tramadol 50 mg as needed"])
    return world


def _prescribe(client, w, **extra):
    data = {"preparation": "capsules", "supply_start": w["checkin"].date.isoformat(), "days_supply": "30", **extra}
    return client.post(f"/patients/{w['owner'].public_id}/prescribe/", data)


def test_every_clinician_page_shows_the_contraindication(client, on_tramadol):
    w = on_tramadol
    client.force_login(w["clin_ok"])
    pid = w["owner"].public_id
    for url in (f"/patients/{pid}/", f"/patients/{pid}/plan/", f"/patients/{pid}/prescribe/"):
        html = client.get(url).content.decode()
        assert "Safety screen: contraindicated" in html, url
        assert "tramadol 50 mg as needed" in html, url
    preview = client.post(f"/patients/{pid}/plan/preview/", {"protocol": "article", "start_date": "2026-12-01",
                                                             "concentration_mg_per_ml": "1", "time": "22:00"})
    assert "Safety screen: contraindicated" in preview.content.decode()
    assert "Reason for sending despite the contraindication" in client.get(f"/patients/{pid}/prescribe/").content.decode()


def test_sending_without_a_reason_is_refused_and_nothing_is_stored(client, on_tramadol):
    client.force_login(on_tramadol["clin_ok"])
    for reason in ("", "   "):
        response = _prescribe(client, on_tramadol, override_reason=reason)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Not sent: the safety screen shows a contraindication for this patient" in html
        assert "give your reason for overriding it" in html
    assert not Prescription.objects.exists()
    assert not AuditEvent.objects.filter(object_type="safety_override").exists()


def test_with_a_reason_it_is_sent_recorded_audited_and_the_pharmacist_sees_it(client, on_tramadol):
    w = on_tramadol
    client.force_login(w["clin_ok"])
    assert _prescribe(client, w, override_reason=f"  {REASON} ").status_code == 302
    p = Prescription.objects.get()
    assert p.override_reason == REASON
    assert [f["matched"] for f in p.overridden_findings] == [["tramadol 50 mg as needed"]]
    assert AuditEvent.objects.filter(object_type="safety_override", object_id=str(p.uuid), action="create",
                                     actor_id=w["clin_ok"].pk, subject_id=w["owner"].pk).exists()
    client.force_login(w["pharm_ok"])
    worksheet = client.get(f"/pharmacy/queue/{p.uuid}/").content.decode()
    assert "Sent despite a contraindication" in worksheet
    assert REASON in worksheet
    assert "Sent despite a contraindication" in client.get("/pharmacy/queue/").content.decode()


def test_no_contraindication_no_reason_asked_and_none_stored(client, world):
    client.force_login(world["clin_ok"])
    page = client.get(f"/patients/{world['owner'].public_id}/prescribe/").content.decode()
    assert "Safety screen: contraindicated" not in page
    assert "override_reason" not in page
    assert _prescribe(client, world, override_reason="sneaked in").status_code == 302
    p = Prescription.objects.get()
    assert p.override_reason == ""
    assert p.overridden_findings == []
    client.force_login(world["pharm_ok"])
    assert "Sent despite a contraindication" not in client.get(f"/pharmacy/queue/{p.uuid}/").content.decode()


def test_the_plan_builder_does_not_send_a_plan_while_contraindicated(client, on_tramadol):
    w = on_tramadol
    client.force_login(w["clin_ok"])
    url = f"/patients/{w['owner'].public_id}/plan/"
    before = Plan.objects.count()
    protocol = {"protocol": "article", "start_date": "2026-12-01", "concentration_mg_per_ml": "1", "time": "22:00"}
    refused = client.post(url, {**protocol, "send_to_pharmacy": "on"})
    assert refused.status_code == 200
    assert "Not sent: the safety screen shows a contraindication" in refused.content.decode()
    assert Plan.objects.count() == before
    # Saved without sending: allowed (the pharmacy is told nothing new).
    assert client.post(url, protocol).status_code == 302
    newest = Plan.objects.filter(patient=w["owner"]).latest()
    assert newest.sent_to_pharmacy is None
