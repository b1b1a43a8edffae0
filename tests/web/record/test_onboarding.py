"""The onboarding page: the safety check speaks once, and only after the person has answered."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

FOUND = "What the safety check found"


def test_no_verdict_before_any_answer_and_one_after(client, patient):
    client.force_login(patient)
    assert FOUND not in client.get("/me/onboarding/").content.decode()
    assert FOUND not in client.get("/me/onboarding/").content.decode()  # looking twice creates nothing
    page = client.post("/me/onboarding/", {"conditions": ["fibromyalgia"], "medicines": "", "hepatic": "none"}
                       ).content.decode()
    assert page.count(FOUND) == 1
    assert page.count("Nothing in your answers needs special attention") == 1


def test_an_operation_date_far_ahead_is_refused_with_what_is_allowed(client, patient):
    from ldncare.web.record.models import Profile

    client.force_login(patient)
    response = client.post("/me/onboarding/", {"hepatic": "none", "planned_surgery_on": "9999-12-31"})
    assert "A planned operation is a day from today to two years ahead" in response.content.decode()
    assert not Profile.objects.filter(patient=patient).exists()
    soon = timezone.localdate() + dt.timedelta(days=30)
    client.post("/me/onboarding/", {"hepatic": "none", "planned_surgery_on": soon.isoformat()})
    assert Profile.objects.get(patient=patient).planned_surgery_on == soon


def test_each_checkbox_sits_with_its_label(client, patient):
    client.force_login(patient)
    page = client.get("/me/onboarding/").content.decode()
    assert '<div class="check"><input type="checkbox" name="pregnant"' in page
