"""The web test world: a practice, two pharmacies, consent in every state, and marked data.

Named actors (healthchecks style, extending the root conftest's users):
``patient`` owns the record; ``stranger`` is another patient; ``clinician`` has an active
grant from ``patient``; ``clinician_none`` has none; ``clinician_revoked`` had one;
``pharmacist`` works at the pharmacy ``patient`` chose and sent a plan to;
``pharmacist_other`` works elsewhere; ``admin`` administers accounts.
The patient's diary note and plan note carry markers, so a leak shows in any response body.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

NOTE_MARKER = "MARKER-NOTE-7f3a"
PLAN_MARKER = "MARKER-PLAN-7f3a"


@pytest.fixture(autouse=True)
def _clear_sign_in_throttle():
    """Failed sign-ins are counted in the cache; every test starts with a clean count."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def fast_password_hashing(settings):
    """Argon2 is the real hasher (tested in accounts); tests use a fast one to stay quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def practice(db):
    from ldncare.web.accounts.models import Practice

    return Practice.objects.create(name="Riverside Practice", city="Leeds")


@pytest.fixture
def pharmacy(db):
    from ldncare.web.accounts.models import Pharmacy

    return Pharmacy.objects.create(name="Compounding Chemists", city="Leeds")


@pytest.fixture
def other_pharmacy(db):
    from ldncare.web.accounts.models import Pharmacy

    return Pharmacy.objects.create(name="Other Pharmacy", city="York")


@pytest.fixture
def world(db, fast_password_hashing, django_user_model, patient, stranger, clinician, pharmacist, admin, practice, pharmacy, other_pharmacy):
    """Everything the access matrix needs, as a dict of named objects."""
    from ldncare.web.access.models import Grant
    from ldncare.web.accounts.models import ApiToken
    from ldncare.web.record.models import CheckIn, Plan, Profile, SideEffectReport

    def make(username, role, **extra):
        return django_user_model.objects.create_user(username=username, password="x" * 12, role=role, **extra)

    # Push the record ids away from the user ids, so that a query that confuses the two
    # (e.g. an OuterRef to the wrong primary key) fails on SQLite too, not only on PostgreSQL.
    for i in range(7):
        Plan.objects.create(patient=stranger, source="patient", target_dose_mg=Decimal("1"), steps=[], is_current=False)
        CheckIn.objects.create(patient=stranger, date=dt.date(2020, 1, 1) + dt.timedelta(days=i))
    clinician.practice = practice
    clinician.save()
    pharmacist.pharmacy = pharmacy
    pharmacist.save()
    clinician_none = make("dr_none", "clinician", practice=practice)
    clinician_revoked = make("dr_revoked", "clinician", practice=practice)
    pharmacist_other = make("pharm_other", "pharmacist", pharmacy=other_pharmacy)
    now = timezone.now()
    Grant.objects.create(patient=patient, kind="clinician", clinician=clinician, accepted_at=now)
    Grant.objects.create(patient=patient, kind="clinician", clinician=clinician_revoked, accepted_at=now, revoked_at=now)
    grant_pharmacy = Grant.objects.create(patient=patient, kind="pharmacy", pharmacy=pharmacy, accepted_at=now)
    Profile.objects.create(patient=patient, condition_ids=["fibromyalgia"], medicines=["ibuprofen"])
    day = timezone.localdate() - dt.timedelta(days=1)
    checkin = CheckIn.objects.create(patient=patient, date=day, ldn_dose_mg=Decimal("1.5"), dose_time=dt.time(22),
                                     pain_score=6, fatigue_score=5, sleep_quality_score=4, mood_score=5,
                                     notes=NOTE_MARKER)
    SideEffectReport.objects.create(checkin=checkin, side_effect_id="vivid_dreams", severity="mild")
    plan = Plan.objects.create(patient=patient, author=clinician, source="clinician", target_dose_mg=Decimal("4.5"),
                               steps=[{"start_date": day.isoformat(), "end_date": None, "dose_mg": 1.5, "time": "22:00"}],
                               notes=PLAN_MARKER, sent_to_pharmacy=pharmacy)
    stranger_checkin = CheckIn.objects.create(patient=stranger, date=day, pain_score=2, notes="stranger's day")
    token, _ = ApiToken.issue(user=patient, name="phone")
    return {
        "anon": None, "owner": patient, "stranger": stranger, "clin_ok": clinician, "clin_none": clinician_none,
        "clin_revoked": clinician_revoked, "pharm_ok": pharmacist, "pharm_other": pharmacist_other, "admin": admin,
        "checkin": checkin, "plan": plan, "stranger_checkin": stranger_checkin, "grant_pharmacy": grant_pharmacy,
        "token": token,
    }
