"""Shared records for the FHIR tests: a full record (plan, conditions, diary, trial)."""

import datetime as dt

import pytest

from ldncare.core.dosing import build_plan
from ldncare.core.fhir import PatientRecord, PrescribedPlan, condition_entry
from ldncare.core.response import design_trial, parse_diary

DIARY_CSV = '''date,ldn_dose_mg,dose_time,phase,pain,fatigue,sleep_quality,mood,stiffness,pgic,side_effects,notes
2026-01-05,,,baseline,6,5,4,5,7,,,
2026-01-06,,,,6.5,5,,5,,,,"before start, felt ""ok"""
2026-02-02,1.5,22:30,titration,5,5,3,5,6,,vivid dreams:moderate;insomnia:mild,first dose
2026-02-03,1.5,,,5,,3,,,,,
2026-02-04,,23:10,,,,,,,,headache:severe,
2026-03-02,4.5,08:00,maintenance,3,4,6,6,4,2,,moved to mornings
2026-03-03,0,07:55,,3,4,6,6,4,,,
'''


@pytest.fixture(scope="session")
def diary():
    return parse_diary(DIARY_CSV)


@pytest.fixture(scope="session")
def full_record(diary):
    design, _key = design_trial(pairs=2, period_weeks=4, start_date=dt.date(2026, 4, 1), seed=7)
    plan = PrescribedPlan.from_plan(build_plan("pediatric", weight_kg=22, start_date=dt.date(2026, 2, 2)))
    return PatientRecord(pseudonym="pseudo-42", diary=diary, plan=plan, trial=design,
                         conditions=(condition_entry("fibromyalgia"), condition_entry("crohns-disease", "K50.10")))
