"""Own outcomes and factors entered in the check-in page appear in the CSV (round-tripping through the
core's parser), the API (tracked map; unknown names 422) and stay blank until entered."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.utils import timezone

from ldncare.core.response.diary import parse_diary
from ldncare.web.accounts.models import ApiToken
from ldncare.web.record.models import CheckIn
from ldncare.web.tracking.models import TrackedItem, TrackedValue

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


@pytest.fixture
def items(patient):
    fog = TrackedItem.objects.create(patient=patient, kind="outcome", slug="brain_fog", name="Brain fog",
                                     anchor_low="clear", anchor_high="can't think")
    coffee = TrackedItem.objects.create(patient=patient, kind="count", slug="coffee_cups", name="Coffee cups")
    walk = TrackedItem.objects.create(patient=patient, kind="yes_no", slug="walk", name="Walk")
    return fog, coffee, walk


def _checkin(client, day, **values):
    data = {"date": day.isoformat(), "took_dose": "on", "ldn_dose_mg": "1.5", "dose_time": "22:00",
            "pain_score": "6", **values}
    return client.post(f"/me/checkin/{day.isoformat()}/", data)


def test_checkin_shows_them_blank_and_stores_only_what_was_entered(client, patient, items):
    fog, coffee, walk = items
    client.force_login(patient)
    today = timezone.localdate()
    page = client.get(f"/me/checkin/{today.isoformat()}/").content.decode()
    assert "Brain fog" in page
    assert "0 clear, 10 can&#x27;t think" in page
    assert "Coffee cups" in page
    checked = re.findall(rf'<input[^>]*name="tracked-i{fog.pk}"[^>]*>', page)
    assert [tag for tag in checked if "checked" in tag] == [
        next(tag for tag in checked if 'value=""' in tag)]  # "Not recorded" is chosen until she taps a number
    response = _checkin(client, today, **{f"tracked-i{fog.pk}": "4", f"tracked-i{coffee.pk}": "2"})
    assert response.status_code in {200, 302}
    day = CheckIn.objects.get(patient=patient, date=today)
    assert {v.item.code: float(v.value) for v in TrackedValue.objects.filter(checkin=day)} == {
        "outcome:brain_fog": 4.0, "factor:coffee_cups": 2.0}  # the walk was not entered: nothing stored
    # "Not recorded" restores blank
    _checkin(client, today, **{f"tracked-i{fog.pk}": "", f"tracked-i{coffee.pk}": "2"})
    assert set(TrackedValue.objects.filter(checkin=day).values_list("item__slug", flat=True)) == {"coffee_cups"}


def test_out_of_range_value_is_a_form_error_and_nothing_is_saved(client, patient, items):
    fog, coffee, walk = items
    client.force_login(patient)
    today = timezone.localdate()
    response = _checkin(client, today, **{f"tracked-i{coffee.pk}": "-3"})
    assert response.status_code == 200
    assert "greater than or equal to 0" in response.content.decode()
    assert not CheckIn.objects.filter(patient=patient).exists()


def test_csv_export_has_the_columns_and_round_trips(client, patient, items):
    fog, coffee, walk = items
    client.force_login(patient)
    day = timezone.localdate() - dt.timedelta(days=1)
    _checkin(client, day, **{f"tracked-i{fog.pk}": "7", f"tracked-i{walk.pk}": "1", f"tracked-i{coffee.pk}": "3"})
    _checkin(client, day + dt.timedelta(days=1), **{f"tracked-i{walk.pk}": "0"})
    text = b"".join(client.get("/me/data/diary.csv").streaming_content).decode() if hasattr(
        client.get("/me/data/diary.csv"), "streaming_content") else client.get("/me/data/diary.csv").content.decode()
    header = text.splitlines()[0].split(",")
    assert {"outcome:brain_fog", "factor:coffee_cups", "factor:walk"} <= set(header)
    diary = parse_diary(text)
    first, second = diary.days
    assert first.scores["outcome:brain_fog"] == 7
    assert first.factors == {"factor:coffee_cups": 3, "factor:walk": 1}
    assert "outcome:brain_fog" not in second.scores
    assert second.factors == {"factor:walk": 0}


@pytest.fixture
def api(patient):
    from django.test import Client

    _, raw = ApiToken.issue(user=patient, name="test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_api_writes_reads_and_refuses_unknown_names(api, patient, items):
    url = f"/api/v1/patients/{patient.public_id}/diary"
    body = {"date": "2026-03-01", "pain_score": 5, "tracked": {"outcome:brain_fog": 4, "factor:coffee_cups": 2}}
    created = api.post(url, data=json.dumps(body), content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["tracked"] == {"outcome:brain_fog": 4.0, "factor:coffee_cups": 2.0}
    assert api.get(url).json()[0]["tracked"] == {"outcome:brain_fog": 4.0, "factor:coffee_cups": 2.0}
    entry = created.json()["id"]
    unknown = api.put(f"{url}/{entry}", data=json.dumps({**body, "tracked": {"outcome:pain_level": 3}}),
                      content_type="application/json")
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["loc"] == ["body", "tracked", "outcome:pain_level"]
    bad = api.put(f"{url}/{entry}", data=json.dumps({**body, "pain_score": 1, "tracked": {"factor:walk": 2}}),
                  content_type="application/json")
    assert bad.status_code == 422
    assert "1 (yes) or 0 (no)" in bad.json()["errors"][0]["msg"]
    assert CheckIn.objects.get(uuid=entry).pain_score == 5  # nothing half-written
    # PUT with a tracked map replaces it; without one leaves it as it is
    api.put(f"{url}/{entry}", data=json.dumps({**body, "tracked": {"factor:walk": 1}}), content_type="application/json")
    kept = api.put(f"{url}/{entry}", data=json.dumps({"date": "2026-03-01", "pain_score": 4}),
                   content_type="application/json")
    assert kept.json()["tracked"] == {"factor:walk": 1.0}
