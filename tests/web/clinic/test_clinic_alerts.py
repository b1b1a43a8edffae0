"""Alerts on the clinician's patient list, each computed by the core from a constructed record."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ldncare.web.record import core_bridge
from ldncare.web.record.models import CheckIn, Plan, Profile, SideEffectReport

TODAY = dt.date(2026, 11, 24)


def _diary(patient, days, *, dose=lambda i: 4.5, pain=lambda i: 5, effects=lambda i: ()):
    """``days`` consecutive check-ins ending today; callables of the day index give the values."""
    start = TODAY - dt.timedelta(days=days - 1)
    for i in range(days):
        d = dose(i)
        c = CheckIn.objects.create(patient=patient, date=start + dt.timedelta(days=i),
                                   ldn_dose_mg=None if d is None else Decimal(str(d)), dose_time=dt.time(22),
                                   pain_score=pain(i))
        for effect in effects(i):
            SideEffectReport.objects.create(checkin=c, side_effect_id=effect, severity="mild")
    return list(CheckIn.objects.filter(patient=patient).prefetch_related("side_effects"))


def _codes(patient, *, profile=None, plan=None, in_trial=False):
    checkins = list(CheckIn.objects.filter(patient=patient).prefetch_related("side_effects"))
    return [a["code"] for a in core_bridge.care_alerts(profile=profile, checkins=checkins, plan=plan, today=TODAY,
                                                        in_trial=in_trial)]


@pytest.mark.django_db
def test_contraindicated_medicine_in_the_profile(patient):
    profile = Profile.objects.create(patient=patient, medicines=["tramadol"])
    assert _codes(patient, profile=profile) == ["contraindicated"]
    profile.medicines = ["paracetamol"]
    assert _codes(patient, profile=profile) == []


@pytest.mark.django_db
def test_side_effect_still_present_after_14_days(patient):
    _diary(patient, 20, effects=lambda i: ("insomnia",) if i >= 20 - 16 else ())
    assert "side_effect_persisting" in _codes(patient)


@pytest.mark.django_db
def test_side_effect_for_ten_days_or_gone_is_no_alert(patient, stranger):
    _diary(patient, 20, effects=lambda i: ("insomnia",) if i >= 10 else ())
    assert "side_effect_persisting" not in _codes(patient)
    _diary(stranger, 30, effects=lambda i: ("insomnia",) if i < 20 else ())  # 20 days, but stopped
    assert "side_effect_persisting" not in _codes(stranger)


@pytest.mark.django_db
def test_three_missed_doses_in_seven_days(patient, stranger):
    _diary(patient, 30, dose=lambda i: None if i in (25, 27, 29) else 4.5)
    assert "missed_doses" in _codes(patient)
    _diary(stranger, 30, dose=lambda i: None if i in (27, 29) else 4.5)  # two only
    assert "missed_doses" not in _codes(stranger)


@pytest.mark.django_db
def test_missed_doses_before_the_window_do_not_count(patient):
    _diary(patient, 30, dose=lambda i: None if i in (10, 12, 14, 16) else 4.5)
    assert "missed_doses" not in _codes(patient)


@pytest.mark.django_db
def test_twelve_weeks_stable_without_response_suggests_a_trial(patient, stranger):
    # 21 baseline days, then 100 days on 4.5 mg with no change in pain (seeded noise).
    import random

    rng = random.Random(4)
    _diary(patient, 121, dose=lambda i: None if i < 21 else 4.5, pain=lambda i: rng.choice([5, 6, 6, 7]))
    assert "trial_suggested" in _codes(patient)
    assert "trial_suggested" not in _codes(patient, in_trial=True)
    # A clear responder: pain falls from 7 to 3.
    _diary(stranger, 121, dose=lambda i: None if i < 21 else 4.5, pain=lambda i: 7 if i < 35 else 3)
    assert "trial_suggested" not in _codes(stranger)


@pytest.mark.django_db
def test_eleven_weeks_is_too_early_for_a_trial(patient):
    _diary(patient, 98, dose=lambda i: None if i < 21 else 4.5, pain=lambda i: 6)
    assert "trial_suggested" not in _codes(patient)


@pytest.mark.django_db
def test_titration_step_due_within_three_days(patient):
    steps = [{"start_date": "2026-11-10", "end_date": "2026-11-25", "dose_mg": 1.5, "time": "22:00"},
             {"start_date": "2026-11-26", "end_date": "2026-12-10", "dose_mg": 3.0, "time": "22:00"},
             {"start_date": "2026-12-11", "end_date": None, "dose_mg": 4.5, "time": "22:00"}]
    plan = Plan.objects.create(patient=patient, source="clinician", steps=steps, target_dose_mg=Decimal("4.5"))
    alerts = core_bridge.care_alerts(profile=None, checkins=[], plan=plan, today=TODAY)
    assert [a["code"] for a in alerts] == ["step_due"]
    assert "3 mg" in alerts[0]["title"]
    assert core_bridge.next_step_due(plan, today=dt.date(2026, 11, 20)) is None
    assert core_bridge.next_step_due(plan, today=dt.date(2026, 12, 9))["dose_mg"] == 4.5


@pytest.mark.django_db
def test_clinic_page_lists_only_consenting_patients_with_alerts(client, world):
    from ldncare.web.access.models import AuditEvent

    Profile.objects.filter(patient=world["owner"]).update(medicines=["naltrexone 50 mg", "tramadol"])
    client.force_login(world["clin_ok"])
    page = client.get("/clinic/").content.decode()
    assert "Contraindicated" in page
    assert world["owner"].username in page or "Patty" in page
    assert world["stranger"].username not in page
    assert AuditEvent.objects.filter(object_type="alerts", subject_id=world["owner"].pk, actor_id=world["clin_ok"].pk).exists()
    client.force_login(world["clin_none"])
    assert "Contraindicated" not in client.get("/clinic/").content.decode()
