"""Bad values (research notes §6, classes 4–7, 9 and 15): each answers 4xx and stores nothing.

Doses (absurd, NaN, Infinity, wrong types), impossible and out-of-range dates, huge payloads,
NUL and control characters (PostgreSQL refuses NUL in text: it must be a 422, never a 500),
sort/filter injection in query strings, and malformed ids in paths. Sent to the diary API
(create and replace), the check-in page and the plan page; the world's row counts are
compared before and after.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from ldncare.web.record.models import CheckIn, Plan

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

GOOD = {"date": "2026-01-05", "ldn_dose_mg": 1.5, "pain_score": 4}
FAR_FUTURE = (timezone.localdate() + dt.timedelta(days=3)).isoformat()

BAD_DOSES = [-1, 1e9, "1e309", "NaN", "Infinity", "-Infinity", 4.50000000001, "4.5mg", True, [], {}, "", "0x10"]
BAD_DATES = ["9999-12-31", "10000-01-01", "0001-01-01", "1900-01-01", "2025-02-30", "2025-13-01", "2025-02-29",
             FAR_FUTURE, "", "yesterday", 20250101, None, "2025-01-01T00:00:00+99:00"]
BAD_TEXT = ["a\x00b", "\x00", "x" * 2001]
BAD_SCORES = [-1, 11, 3.5, "NaN", "high", 2**63]


def _counts():
    return CheckIn.objects.count(), Plan.objects.count()


def _api_cases():
    for dose in BAD_DOSES:
        yield "dose", {**GOOD, "ldn_dose_mg": dose}
    for day in BAD_DATES:
        yield "date", {**GOOD, "date": day}
    for text in BAD_TEXT:
        yield "notes", {**GOOD, "notes": text}
    for score in BAD_SCORES:
        yield "score", {**GOOD, "pain_score": score}
    yield "dose_time", {**GOOD, "dose_time": "25:00"}
    yield "dose_time", {**GOOD, "dose_time": "22:00\x00"}
    yield "side_effect", {**GOOD, "side_effects": [{"id": "head\x00ache", "severity": "mild"}]}
    yield "side_effect", {**GOOD, "side_effects": [{"id": "not-a-side-effect", "severity": "mild"}]}
    yield "side_effect", {**GOOD, "side_effects": [{"id": "headache", "severity": "extreme"}]}
    yield "side_effect", {**GOOD, "side_effects": [{"id": "headache", "severity": "mild"}] * 31}
    yield "id", {**GOOD, "id": "not-a-uuid"}


API_CASES = list(_api_cases())


@pytest.mark.parametrize(("field", "body"), API_CASES, ids=[f"{f}-{i}" for i, (f, _) in enumerate(API_CASES)])
def test_diary_api_refuses_bad_values_and_stores_nothing(client, world, field, body):
    client.force_login(world["owner"])
    before = _counts()
    pid = world["owner"].public_id
    created = client.post(f"/api/v1/patients/{pid}/diary", json.dumps(body), content_type="application/json")
    body_put = {k: v for k, v in body.items() if k != "id"}
    if body_put == GOOD:
        body_put = {**GOOD, "date": "2025-02-30"}
    replaced = client.put(f"/api/v1/patients/{pid}/diary/{world['checkin'].uuid}", json.dumps(body_put),
                          content_type="application/json")
    assert (created.status_code, replaced.status_code) == (422, 422), (created.content[:300], replaced.content[:300])
    assert created.json()["errors"], "a 422 names the field"
    assert _counts() == before
    world["checkin"].refresh_from_db()
    assert world["checkin"].pain_score == 6


@pytest.mark.parametrize("raw", [
    b'{"date": "2026-01-05", "ldn_dose_mg": NaN}', b'{"date": "2026-01-05", "ldn_dose_mg": Infinity}',
    b'{"date": "2026-01-05"', b"\xff\xfe\x00", b'{"date": "\xed\xa0\x80"}', b'"just a string"', b"[]", b"null",
    b"[" * 10000 + b"]" * 10000, b'{"date": "2026-01-05", "notes": "\\ud800"}',
])
def test_malformed_json_answers_4xx(client, world, raw):
    client.force_login(world["owner"])
    before = _counts()
    response = client.post(f"/api/v1/patients/{world['owner'].public_id}/diary", raw, content_type="application/json")
    assert 400 <= response.status_code < 500, response.content[:300]
    assert _counts() == before


def test_a_huge_body_answers_400_and_stores_nothing(client, world, settings):
    client.force_login(world["owner"])
    before = _counts()
    body = json.dumps({**GOOD, "notes": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)})
    response = client.post(f"/api/v1/patients/{world['owner'].public_id}/diary", body, content_type="application/json")
    assert response.status_code in (400, 413, 422), response.status_code
    page = client.post("/me/checkin/", {"date": "2026-01-05", "notes": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)})
    assert page.status_code in (400, 413), page.status_code
    assert _counts() == before


def test_too_many_form_fields_answer_400(client, world):
    client.force_login(world["owner"])
    before = _counts()
    response = client.post("/me/checkin/", {f"f{i}": "1" for i in range(1500)})
    assert response.status_code == 400
    assert _counts() == before


WEB_CHECKIN_CASES = [
    {"date": "2025-02-30", "pain_score": 3}, {"date": FAR_FUTURE, "pain_score": 3}, {"date": "0001-01-01"},
    {"date": "2026-01-05", "ldn_dose_mg": "NaN", "took_dose": "on"}, {"date": "2026-01-05", "ldn_dose_mg": "Infinity"},
    {"date": "2026-01-05", "ldn_dose_mg": "-1"}, {"date": "2026-01-05", "ldn_dose_mg": "1e9"},
    {"date": "2026-01-05", "notes": "a\x00b"}, {"date": "2026-01-05", "pain_score": "11"},
    {"date": "2026-01-05", "dose_time": "25:00"}, {"date": "2026-01-05", "se_headache": "extreme"},
    {"date": "2026-01-05\x00"},
]


@pytest.mark.parametrize("form", WEB_CHECKIN_CASES, ids=range(len(WEB_CHECKIN_CASES)))
def test_check_in_page_refuses_bad_values(client, world, form):
    client.force_login(world["owner"])
    before = _counts()
    response = client.post("/me/checkin/", form)
    assert response.status_code in (200, 422), response.status_code  # the form again, not a redirect to "saved"
    assert b'id="saved-status"' not in response.content
    assert _counts() == before
    world["checkin"].refresh_from_db()
    assert world["checkin"].pain_score == 6


PLAN_CASES = [
    {"target_dose_mg": "NaN", "step0_start": "2026-01-01", "step0_dose_mg": "1.5"},
    {"target_dose_mg": "1e9", "step0_start": "2026-01-01", "step0_dose_mg": "1.5"},
    {"target_dose_mg": "4.5", "step0_start": "2026-02-30", "step0_dose_mg": "1.5"},
    {"target_dose_mg": "4.5", "step0_start": "2026-01-01", "step0_dose_mg": "Infinity"},
    {"target_dose_mg": "4.5", "step0_start": "2026-01-01", "step0_dose_mg": "1.5", "notes": "\x00"},
    {"target_dose_mg": "4.5", "step0_start": "2026-01-01", "step0_dose_mg": "-1"},
]


@pytest.mark.parametrize("form", PLAN_CASES, ids=range(len(PLAN_CASES)))
def test_plan_pages_refuse_bad_values(client, world, form):
    before = _counts()
    for actor, path in (("owner", "/me/plan/"), ("clin_ok", f"/patients/{world['owner'].public_id}/plan/")):
        client.force_login(world[actor])
        response = client.post(path, form)
        assert response.status_code in (200, 422), (actor, response.status_code)
    assert _counts() == before


QUERY_INJECTION = [
    "order_by=patient__user__password", "sort=id;DROP TABLE record_checkin", "sort=(SELECT 1)",
    "filter=notes__regex=(a%2B)%2B$", "patient__user__email__startswith=a", "date_from=2025-02-30",
    "date_from=9999-99-99", "date_to=%00", "page_size=1000000", "outcome=../../etc/passwd", "outcome=%00",
    "format=%00", "q=%00", "q=" + "a" * 5000, "dose_mg=NaN&days=1", "dose_mg=1e309&days=1", "days=100000",
]
QUERY_TARGETS = ["/api/v1/patients/{pid}/diary", "/me/progress/", "/me/plan/", "/me/diary/", "/library/search/",
                 "/simulator/", "/api/v1/patients", "/api/v1/patients/{pid}/analysis", "/me/data/diary.csv"]


@pytest.mark.parametrize("target", QUERY_TARGETS)
def test_sort_and_filter_injection_never_errors_or_leaks(client, world, target):
    client.force_login(world["owner"])
    failures = []
    # the progress page draws charts (slow): there, only the parameters it reads and the sort probes
    queries = [q for q in QUERY_INJECTION if target != "/me/progress/" or q.startswith(("outcome", "order_by", "sort"))]
    for query in queries:
        path = target.format(pid=world["owner"].public_id) + "?" + query
        response = client.get(path)
        body = response.content.decode("utf-8", "replace")
        if response.status_code >= 500:
            failures.append(f"{path}: {response.status_code}")
        if "stranger's day" in body or "pbkdf2" in body or "argon2" in body or "md5$" in body:
            failures.append(f"{path}: leaked another record or a password hash")
    assert failures == []


MALFORMED_IDS = ["0", "-1", str(2**63), str(2**63 + 1), "abc", "1.0", "%00", "00000000-0000-0000-0000-000000000000",
                 "{u}x", "{u}%00", "%2e%2e", "'%20OR%201=1"]


@pytest.mark.parametrize("template", [
    "/api/v1/patients/{id}/diary", "/api/v1/patients/{pid}/diary/{id}", "/api/v1/patients/{id}/plan",
    "/api/v1/fhir/Patient/{id}/$everything", "/patients/{id}/", "/me/checkin/{id}/",
    "/api/v1/booking/bookings/{id}/ics", "/pharmacy/queue/{id}/", "/accounts/tokens/{id}/revoke/",
])
def test_malformed_ids_answer_404_or_422(client, world, template):
    client.force_login(world["owner"])
    before = _counts()
    failures = []
    for raw in MALFORMED_IDS:
        ident = raw.format(u=world["owner"].public_id)
        path = template.format(id=ident, pid=world["owner"].public_id)
        for method in ("get", "post", "put", "delete"):
            response = getattr(client, method)(path)
            if response.status_code not in (400, 404, 405, 422):
                failures.append(f"{method.upper()} {path}: {response.status_code}")
    # the id of another object type (the check-in's uuid used as a patient id) is not found either
    response = client.get(f"/api/v1/patients/{world['checkin'].uuid}/diary")
    if response.status_code != 404:
        failures.append(f"check-in uuid as patient id: {response.status_code}")
    assert failures == []
    assert _counts() == before
