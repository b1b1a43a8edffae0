"""'What goes with my good days?': the patient's and the consenting clinician's page, in words and a chart
per discovery; short diaries; no discovery."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ldncare.web.record.models import CheckIn
from ldncare.web.tracking.models import TrackedItem, TrackedValue

from .diaries import enter_diary

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def _diary(patient, days: int, *, start=dt.date(2026, 1, 1)):
    """Walking (a deterministic yes/no pattern) goes with 2 points less pain the same day."""
    walk = TrackedItem.objects.create(patient=patient, kind="yes_no", slug="walk", name="Walk")
    for i in range(days):
        walked = bin(i * 2654435761 % 2**32).count("1") % 2
        noise = (i * 37) % 7 - 3
        checkin = CheckIn.objects.create(patient=patient, date=start + dt.timedelta(days=i),
                                         pain_score=max(0, min(10, 6 - 3 * walked + noise // 2)), mood_score=5 + (i % 3))
        TrackedValue.objects.create(checkin=checkin, item=walk, value=Decimal(walked))


def test_patient_sees_the_discovery_in_words_and_every_test(client, patient):
    _diary(patient, 70)
    client.force_login(patient)
    page = client.get("/me/insights/").content.decode()
    assert "On days with “Walk”, pain was" in page
    assert "points lower (95 % interval −" in page
    assert "Association, not cause." in page
    assert "Everything tested" in page
    assert "Not tested" in page  # e.g. the dose, never entered
    assert "Not enough days yet" not in page
    assert 'href="/me/insights/"' in client.get("/me/progress/").content.decode()


def test_short_diary_says_how_many_days_are_needed(client, patient):
    _diary(patient, 10)
    client.force_login(patient)
    page = client.get("/me/insights/").content.decode()
    assert "Not enough days yet" in page
    assert "The diary has 10 days" in page
    assert "On days with" not in page


def test_consenting_clinician_sees_it_others_do_not(client, world):
    owner = world["owner"]
    _diary(owner, 40, start=dt.date(2025, 6, 1))
    client.force_login(world["clin_ok"])
    response = client.get(f"/patients/{owner.public_id}/insights/")
    assert response.status_code == 200
    assert "Everything tested" in response.content.decode()
    for who in ("clin_none", "clin_revoked"):
        client.force_login(world[who])
        assert client.get(f"/patients/{owner.public_id}/insights/").status_code == 404
    client.force_login(world["stranger"])
    assert client.get(f"/patients/{owner.public_id}/insights/").status_code in {403, 404}


def _charts(page: str) -> int:
    return page.count("<figure class=\"scatter\"")


def test_a_discovery_has_its_chart_of_her_days(client, patient):
    enter_diary(patient, 60, start=dt.date(2026, 1, 1), walk_every=1)
    client.force_login(patient)
    page = client.get("/me/insights/").content.decode()
    assert "On days with “Walk”, pain was" in page
    assert _charts(page) == 1
    assert 'src="/static/ldncare/scatter.js' in page
    assert 'viewBox="0 0 340 230"' in page
    assert page.count('class="pt"') == 60 + 59  # the same day (60 days) and the day before (59 pairs)
    assert 'aria-label="1 Jan 2026: Walk no, pain ' in page or 'aria-label="1 Jan 2026: Walk yes, pain ' in page
    assert "The same 60 days as a table" in page
    assert "the dashed line is the estimate above" in page
    assert "Association, not cause." in page


def test_no_discovery_no_chart_and_says_how_many_were_tested(client, patient):
    enter_diary(patient, 40, start=dt.date(2026, 1, 1), effect=0.0)
    client.force_login(patient)
    page = client.get("/me/insights/").content.decode()
    assert _charts(page) == 0
    assert "scatter.js" in page  # harmless: the page always loads it
    assert "Nothing stands out: of the " in page
    assert "pairs of factor and outcome tested" in page
    assert "there is no chart to show" in page


def test_short_diary_says_how_many_more_days_are_needed(client, patient):
    enter_diary(patient, 10, start=dt.date(2026, 1, 1))
    client.force_login(patient)
    page = client.get("/me/insights/").content.decode()
    assert _charts(page) == 0
    assert "Nothing is shown before 28 days (at least 18 more)" in page


def test_the_consenting_clinician_sees_the_same_chart(client, world):
    owner = world["owner"]
    enter_diary(owner, 60, start=dt.date(2025, 6, 1))
    client.force_login(world["clin_ok"])
    page = client.get(f"/patients/{owner.public_id}/insights/").content.decode()
    assert _charts(page) == 1
    assert "Walk" in page
    assert 'class="pt"' in page
    client.force_login(world["clin_revoked"])
    assert client.get(f"/patients/{owner.public_id}/insights/").status_code == 404
