"""A clinician previews and adjusts a plan, sends a prescription; the trial design keeps its key away."""

from __future__ import annotations

import datetime as dt

import pytest

from ldncare.web.access.models import AuditEvent, Grant
from ldncare.web.clinic.models import BlindedTrial, Prescription

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def _prescribe(client, w, **extra):
    data = {"preparation": "liquid", "concentration_mg_per_ml": "1", "supply_start": w["checkin"].date.isoformat(),
            "days_supply": "30", **extra}
    return client.post(f"/patients/{w['owner'].public_id}/prescribe/", data)


def test_plan_preview_shows_steps_and_the_simulated_day_without_saving(client, world):
    from ldncare.web.record.models import Plan

    client.force_login(world["clin_ok"])
    before = Plan.objects.count()
    page = client.post(f"/patients/{world['owner'].public_id}/plan/preview/",
                       {"protocol": "article", "start_date": "2026-12-01", "concentration_mg_per_ml": "1", "time": "22:00"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Preview (not saved)" in html
    assert "1.5 mg" in html
    assert "4.5 mg" in html
    assert "data:image/svg+xml;base64," in html
    assert Plan.objects.count() == before
    bad = client.post(f"/patients/{world['owner'].public_id}/plan/preview/",
                      {"protocol": "pediatric", "start_date": "2026-12-01", "concentration_mg_per_ml": "1"})
    assert 'role="alert"' in bad.content.decode()


def test_prescription_is_sent_with_directions_and_quantity_from_the_plan(client, world):
    client.force_login(world["clin_ok"])
    response = _prescribe(client, world)
    assert response.status_code == 302
    p = Prescription.objects.get()
    assert p.pharmacy == world["plan"].sent_to_pharmacy
    assert p.plan == world["plan"]
    # The plan's one open-ended 1.5 mg step at 1 mg/mL for 30 days: 1.5 mL a day, 45 mL.
    assert p.quantity == 45
    assert p.quantity_unit == "mL"
    assert "take 1.5 mL (1.5 mg) by mouth once daily at 22:00" in p.directions
    assert AuditEvent.objects.filter(object_type="prescription", action="create", actor_id=world["clin_ok"].pk).exists()


def test_capsules_are_counted_per_day(client, world):
    client.force_login(world["clin_ok"])
    _prescribe(client, world, preparation="capsules", days_supply="28")
    p = Prescription.objects.get()
    assert (p.quantity, p.quantity_unit, p.concentration_mg_per_ml) == (28, "capsules", None)


def test_no_prescription_without_a_chosen_pharmacy(client, world):
    Grant.objects.filter(kind="pharmacy").update(revoked_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    client.force_login(world["clin_ok"])
    page = _prescribe(client, world)
    assert page.status_code == 200
    assert "not chosen a pharmacy" in page.content.decode()
    assert not Prescription.objects.exists()


def test_supply_outside_the_plan_is_refused_clearly(client, world):
    client.force_login(world["clin_ok"])
    page = _prescribe(client, world, supply_start="2020-01-01", days_supply="10")
    assert "no step in the supply period" in page.content.decode()
    assert not Prescription.objects.exists()


def test_other_clinicians_and_the_patient_cannot_prescribe(client, world):
    for actor in ("clin_none", "clin_revoked", "owner", "pharm_other"):
        client.force_login(world[actor])
        assert _prescribe(client, world).status_code == 404, actor
    assert not Prescription.objects.exists()


def test_trial_design_stores_the_key_for_the_pharmacy_only(client, world):
    client.force_login(world["clin_ok"])
    response = client.post(f"/patients/{world['owner'].public_id}/trial/",
                           {"pairs": "3", "period_weeks": "4", "start_date": "2026-12-07", "dose_mg": "4.5"})
    assert response.status_code == 302
    trial = BlindedTrial.objects.get()
    assert trial.pharmacy == world["plan"].sent_to_pharmacy
    assert sorted(trial.key_json["allocation"].values()) == ["ldn"] * 3 + ["placebo"] * 3
    assert "allocation" not in trial.design_json
    key_url = f"/pharmacy/trials/{trial.trial_id}/"
    bottles = trial.key_json["allocation"]
    for actor in ("clin_ok", "owner", "clin_none", "pharm_other", "stranger", "admin"):
        client.force_login(world[actor])
        assert client.get(key_url).status_code == 404, actor
    # What the clinician's and the patient's pages show carries no allocation.
    for actor, url in (("clin_ok", f"/patients/{world['owner'].public_id}/trial/"), ("owner", "/me/trial/")):
        client.force_login(world[actor])
        html = client.get(url).content.decode()
        assert trial.trial_id in html
        assert "placebo capsules" not in html
        assert "immediate-release capsules" not in html
        assert str(trial.key_json["seed"]) not in html
    client.force_login(world["pharm_ok"])
    html = client.get(key_url).content.decode()
    assert "placebo" in html
    assert f"Seed {trial.key_json['seed']}" in html
    assert {b for b, arm in bottles.items() if arm == "ldn"} <= set(html)
    assert AuditEvent.objects.filter(object_type="trial_key", actor_id=world["pharm_ok"].pk, outcome="allowed").exists()
    assert AuditEvent.objects.filter(object_type="trial_key", actor_id=world["clin_ok"].pk, outcome="denied").exists()


def test_patient_sees_period_and_bottle_for_today(client, world):
    today = dt.date.today()
    client.force_login(world["clin_ok"])
    client.post(f"/patients/{world['owner'].public_id}/trial/",
                {"pairs": "2", "period_weeks": "2", "start_date": (today - dt.timedelta(days=15)).isoformat(),
                 "dose_mg": "4.5"})
    client.force_login(world["owner"])
    html = client.get("/me/trial/").content.decode()
    assert "Today: period 2, bottle B" in html


def test_visit_report_is_printable_and_for_the_clinician(client, world):
    client.force_login(world["clin_ok"])
    html = client.get(f"/patients/{world['owner'].public_id}/report/").content.decode()
    assert "Visit report" in html
    assert "Plan history" in html
    assert "Safety screen" in html
    assert "clinic/care.css" in html
    for actor in ("owner", "pharm_ok", "clin_none"):
        client.force_login(world[actor])
        assert client.get(f"/patients/{world['owner'].public_id}/report/").status_code == 404, actor


def test_visit_report_pdf_has_the_charts(client, world):
    pytest.importorskip("weasyprint")
    client.force_login(world["clin_ok"])
    response = client.get(f"/patients/{world['owner'].public_id}/report.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content[:5] == b"%PDF-"
    assert response.content.count(b"/Subtype /Image") + response.content.count(b"/Type /XObject") >= 1
    client.force_login(world["owner"])
    assert client.get(f"/patients/{world['owner'].public_id}/report.pdf").status_code == 404
