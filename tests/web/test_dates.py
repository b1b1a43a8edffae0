"""Start days of trials, plans and supplies: 2000-01-01 to a year ahead, refused with a form error
(never a 500: issue 18, a trial starting 9999-12-31)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ldncare.web.clinic.models import BlindedTrial
from ldncare.web.dates import latest_planning_date, validate_planning_date


@pytest.mark.parametrize("day", ["9999-12-31", "1999-12-31", "0001-01-01"])
def test_a_trial_starting_out_of_range_is_a_form_error(client, world, day):
    client.force_login(world["clin_ok"])
    response = client.post(f"/patients/{world['owner'].public_id}/trial/",
                           {"pairs": "3", "period_weeks": "26", "start_date": day, "dose_mg": "4.5"})
    assert response.status_code == 200
    assert "at most a year ahead" in response.content.decode()
    assert not BlindedTrial.objects.exists()


def test_a_protocol_plan_preview_starting_in_9999_is_refused(client, world):
    client.force_login(world["clin_ok"])
    response = client.post(f"/patients/{world['owner'].public_id}/plan/preview/",
                           {"protocol": "standard", "start_date": "9999-12-31", "time": "22:00",
                            "concentration_mg_per_ml": "1"})
    assert response.status_code in (200, 422)
    assert response.status_code != 500


def test_the_limits(db):
    today = timezone.localdate()
    validate_planning_date(dt.date(2000, 1, 1))
    validate_planning_date(latest_planning_date(today))
    with pytest.raises(ValidationError):
        validate_planning_date(latest_planning_date(today) + dt.timedelta(days=1))
