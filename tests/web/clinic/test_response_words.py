"""Response words on the patient's progress page and the clinician's visit report.

The patient's own conditions' evidence (not the fibromyalgia trial for everyone); the report
addresses the clinician with words, not ids; a blinded trial replaces the open-label verdict
(progress while it runs, the trial's result after it ends).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from ldncare.core import response
from ldncare.web.clinic.models import BlindedTrial
from ldncare.web.record.models import CheckIn, Profile

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def _store(patient, diary) -> None:
    CheckIn.objects.filter(patient=patient).delete()
    fields = {"pain": "pain_score", "fatigue": "fatigue_score", "sleep_quality": "sleep_quality_score",
              "mood": "mood_score"}
    CheckIn.objects.bulk_create([
        CheckIn(patient=patient, date=d.date, dose_time=d.dose_time,
                ldn_dose_mg=Decimal(str(d.ldn_dose_mg)) if d.ldn_dose_mg is not None else None,
                **{f: int(d.scores[o]) for o, f in fields.items() if o in d.scores})
        for d in diary.days])


def _open_label(patient, *, effect=-3.0, seed=3):
    n_days = 28 + 14 + 84
    start = timezone.localdate() - dt.timedelta(days=n_days)
    _store(patient, response.simulate_diary(effect_points=effect, seed=seed, start=start, write_phase=False))


def _trial(world, *, start: dt.date, with_key_effect: float = -3.0):
    design, key = response.design_trial(pairs=2, period_weeks=4, start_date=start, seed=11, dose_mg=4.5)
    diary = response.simulate_trial_diary(design, key, effect_points=with_key_effect, seed=12, write_phase=False)
    today = timezone.localdate()
    _store(world["owner"], response.Diary(days=tuple(d for d in diary.days if d.date <= today),
                                          outcomes=diary.outcomes))
    return BlindedTrial.objects.create(trial_id=design.trial_id, patient=world["owner"], designed_by=world["clin_ok"],
                                       pharmacy=world["grant_pharmacy"].pharmacy,
                                       design_json=design.model_dump(mode="json"), key_json=key.model_dump(mode="json"))


def _text(html: str) -> str:
    return " ".join(html.split())


def test_progress_headline_is_observational_and_uses_the_patients_own_condition(client, world):
    Profile.objects.filter(patient=world["owner"]).update(condition_ids=["crohns-disease"])
    _open_label(world["owner"])
    client.force_login(world["owner"])
    html = _text(client.get("/me/progress/").content.decode())
    assert "Pain improved by" in html
    assert "more than the smallest change that matters (MCID 2 points, from Farrar et al. 2001" in html
    assert "cannot tell LDN from placebo, natural course or regression to the mean" in html
    assert "about the change seen, not about how much of it LDN caused" in html
    assert "Crohn&#x27;s disease" in html or "Crohn's disease" in html
    assert "FINAL" not in html
    assert "fibromyalgia" not in html.lower()


def test_visit_report_speaks_to_the_clinician_in_words_not_ids(client, world):
    Profile.objects.filter(patient=world["owner"]).update(condition_ids=["crohns-disease", "multiple-sclerosis"])
    _open_label(world["owner"], effect=0.0, seed=5)
    client.force_login(world["clin_ok"])
    html = _text(client.get(f"/patients/{world['owner'].public_id}/report/").content.decode())
    assert "Conditions: Crohn" in html
    assert "crohns-disease" not in html
    assert "Conditions: Crohn&#x27;s disease, Multiple sclerosis." in html
    assert "non responder" not in html
    assert "likely_" not in html
    assert "sleep_quality" not in html
    for phrase in ("Your scores", "for you", "of you.", "your condition", "your answers", "your prescriber before"):
        assert phrase not in html, phrase
    assert "FINAL" not in html
    assert "Evidence for the patient" in html


def test_blinded_trial_in_progress_shows_progress_and_no_verdict(client, world):
    today = timezone.localdate()
    trial = _trial(world, start=today - dt.timedelta(days=30))
    client.force_login(world["owner"])
    html = _text(client.get("/me/progress/").content.decode())
    assert f"You are in blinded trial {trial.trial_id}: 1 of 4 periods done" in html
    assert "days logged" in html
    assert "No verdict is shown during the trial" in html
    assert "since starting LDN" not in html
    assert "smallest change that matters" not in html
    assert "LDN did better" not in html
    client.force_login(world["clin_ok"])
    report = _text(client.get(f"/patients/{world['owner'].public_id}/report/").content.decode())
    assert f"The patient is in blinded trial {trial.trial_id}" in report
    assert "since starting LDN" not in report


def test_after_the_trial_ends_its_result_is_shown_to_patient_and_clinician(client, world):
    today = timezone.localdate()
    trial = _trial(world, start=today - dt.timedelta(days=120))
    assert trial.design_json["periods"][-1]["end_date"] < today.isoformat()
    client.force_login(world["owner"])
    html = _text(client.get("/me/progress/").content.decode())
    assert f"Blinded trial {trial.trial_id}, ended" in html
    assert "pain: inconclusive." in html  # 2 pairs: the trial's own verdict, in words
    assert "averaged 3.1 on LDN and 5.9 on placebo" in html
    assert "The chance that LDN is better than placebo for you" in html
    assert "since starting LDN" not in html
    trial_page = _text(client.get("/me/trial/").content.decode())
    assert "The trial ended on" in trial_page
    assert 'href="/me/progress/"' in trial_page
    client.force_login(world["clin_ok"])
    report = _text(client.get(f"/patients/{world['owner'].public_id}/report/").content.decode())
    assert "pain: inconclusive." in report
    assert "Pain averaged 3.1 on LDN and 5.9 on placebo" in report
    assert "P(LDN better than placebo)" in report
    assert "for you" not in report


def test_the_api_follows_the_same_rule_during_a_trial(client, world):
    trial = _trial(world, start=timezone.localdate() - dt.timedelta(days=30))
    client.force_login(world["owner"])
    body = client.get(f"/api/v1/patients/{world['owner'].public_id}/analysis").json()
    assert body["status"] is None
    assert body["trial"]["trial_id"] == trial.trial_id
    assert body["trial"]["phase"] == "running"
    assert body["trial"]["result"] is None
    assert "headline" not in body
