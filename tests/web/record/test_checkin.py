"""The daily check-in page: pre-filled, saves, edits a past day, validates, htmx fragment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from ldncare.web.record.models import CheckIn

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def _post(client, day, **values):
    data = {"date": day.isoformat(), "took_dose": "on", "ldn_dose_mg": "1.5", "dose_time": "22:00",
            "pain_score": "6", "fatigue_score": "5", "sleep_quality_score": "4", "mood_score": "7", **values}
    return client.post(f"/me/checkin/{day.isoformat()}/", data)


def test_check_in_saves_the_day_with_side_effects(client, patient):
    client.force_login(patient)
    today = timezone.localdate()
    response = _post(client, today, se_headache="mild", notes="fine")
    assert response.status_code == 200  # stays on the page to show the triage advice
    page = response.content.decode()
    assert "About the side effects you reported" in page
    assert "Headache (mild)" in page
    day = CheckIn.objects.get(patient=patient, date=today)
    assert day.ldn_dose_mg == Decimal("1.5")
    assert day.pain_score == 6
    assert day.dose_time == dt.time(22)
    assert [(s.side_effect_id, s.severity) for s in day.side_effects.all()] == [("headache", "mild")]


def test_editing_a_past_day_updates_it_in_place(client, patient):
    client.force_login(patient)
    day = timezone.localdate() - dt.timedelta(days=3)
    _post(client, day)
    page = client.get(f"/me/checkin/{day.isoformat()}/").content.decode()
    assert 'value="6"' in page  # pre-filled with the saved pain score
    _post(client, day, pain_score="2", took_dose="")
    saved = CheckIn.objects.get(patient=patient, date=day)
    assert saved.pain_score == 2
    assert saved.ldn_dose_mg is None
    assert CheckIn.objects.filter(patient=patient).count() == 1


def test_next_day_is_prefilled_from_the_last_dose(client, patient):
    client.force_login(patient)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    _post(client, yesterday, ldn_dose_mg="3")
    form = client.get("/me/checkin/").context["form"]
    assert form.initial["ldn_dose_mg"] == Decimal("3")
    assert form.initial["dose_time"] == dt.time(22)


def test_bad_values_are_refused_with_field_errors(client, patient):
    client.force_login(patient)
    today = timezone.localdate()
    response = _post(client, today, pain_score="11", ldn_dose_mg="80")
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"pain_score", "ldn_dose_mg"}
    future = today + dt.timedelta(days=2)
    assert _post(client, future).status_code == 200
    assert not CheckIn.objects.exists()
    assert client.get("/me/checkin/not-a-date/").status_code == 404


def test_htmx_post_returns_the_fragment(client, patient):
    client.force_login(patient)
    response = client.post(f"/me/checkin/{timezone.localdate().isoformat()}/",
                           {"date": timezone.localdate().isoformat(), "pain_score": "3"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Saved" in body
    assert "<html" not in body


def test_page_uses_local_assets_only(client, patient):
    client.force_login(patient)
    body = client.get("/me/checkin/").content.decode()
    assert "/static/vendor/htmx/htmx.min.js" in body
    assert "http://" not in body.replace("http://www.w3.org", "")
    assert "https://" not in body


def test_urgent_side_effect_gets_urgent_advice(client, patient):
    client.force_login(patient)
    response = _post(client, timezone.localdate(), se_allergic_reaction="severe")
    advice = response.context["advice"]
    assert [a["urgency"] for a in advice] == ["urgent_care"]


def test_clinician_builds_a_plan_from_a_protocol_and_the_check_in_uses_it(client, world):
    from ldncare.web.record.models import Plan

    owner, clinician = world["owner"], world["clin_ok"]
    client.force_login(clinician)
    start = timezone.localdate()
    response = client.post(f"/patients/{owner.public_id}/plan/", {
        "protocol": "article", "start_date": start.isoformat(), "concentration_mg_per_ml": "1", "send_to_pharmacy": "on",
    })
    assert response.status_code == 302
    plan = Plan.objects.get(patient=owner, is_current=True)
    assert plan.source == "clinician"
    assert plan.steps[0]["dose_mg"] == 1.5
    assert plan.steps[0]["device"]
    assert plan.sent_to_pharmacy == world["pharm_ok"].pharmacy
    client.force_login(owner)
    form = client.get("/me/checkin/").context["form"]
    assert form.initial["ldn_dose_mg"] == Decimal("1.5")
    ics = client.get("/me/plan/?format=ics")
    assert ics["Content-Type"].startswith("text/calendar")
    from icalendar import Calendar

    events = Calendar.from_ical(ics.content).walk("VEVENT")
    assert len(events) == len(plan.steps)
