"""Alerts that travel: an urgent or contact-prescriber report in a check-in (page, API, offline
sync through the API) alerts every clinician the patient shares with, in the same transaction;
it shows first on the dashboard and the record, is listed by the API and acknowledged, audited."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ldncare.web.access.models import AuditEvent, Grant
from ldncare.web.accounts.models import ApiToken
from ldncare.web.alerts.models import Alert
from ldncare.web.record import services
from ldncare.web.record.models import CheckIn
from ldncare.web.record.services import CheckInData

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

TODAY = timezone.localdate()


def _token_client(user) -> Client:
    _, raw = ApiToken.issue(user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def _post_day(client, patient, effects, *, day=TODAY, **headers):
    body = {"date": day.isoformat(), "ldn_dose_mg": 1.5, "dose_time": "22:00",
            "side_effects": [{"id": e, "severity": s} for e, s in effects]}
    return client.post(f"/api/v1/patients/{patient.public_id}/diary", data=json.dumps(body),
                       content_type="application/json", headers=headers)


@pytest.fixture
def second_clinician(world, django_user_model):
    """A second clinician the patient shares with: both must be told."""
    other = django_user_model.objects.create_user(username="dr_two", password="x" * 12, role="clinician",
                                                  first_name="Ada", last_name="Two")
    Grant.objects.create(patient=world["owner"], kind="clinician", clinician=other, accepted_at=timezone.now())
    return other


def test_severe_allergic_reaction_through_the_api_alerts_each_clinician_at_once(world, second_clinician, client):
    patient, clinician = world["owner"], world["clin_ok"]
    response = _post_day(_token_client(patient), patient, [("allergic_reaction", "severe"), ("headache", "mild")])
    assert response.status_code == 201, response.content
    alerts = Alert.objects.filter(patient=patient)
    # One per clinician with an active grant; the revoked and the unrelated clinicians get none.
    assert sorted(a.recipient.username for a in alerts) == sorted([clinician.username, "dr_two"])
    assert {(a.level, a.report_key, a.severity) for a in alerts} == {("urgent_care", "allergic_reaction", "severe")}
    assert all(a.notified_at is None and a.acknowledged_at is None for a in alerts)
    assert set(Alert.objects.undelivered().values_list("pk", flat=True)) == {a.pk for a in alerts}
    # The clinician's API lists it, in /alerts and in /patients.
    api = _token_client(clinician)
    listed = api.get("/api/v1/alerts").json()
    assert [(a["level"], a["effect"], a["patient"]["id"]) for a in listed] == [
        ("urgent_care", "allergic_reaction", str(patient.public_id))]
    patients = api.get("/api/v1/patients").json()
    assert [a["effect"] for a in patients[0]["open_alerts"]] == ["allergic_reaction"]
    # The dashboard shows it before the patient list, with the acknowledge button.
    client.force_login(clinician)
    page = client.get("/clinic/").content.decode()
    assert "Needs your action: 1 report" in page
    assert page.index("Allergic reaction (severe)") < page.index("patient-list")
    assert "Alerts: None" not in page


def test_acknowledging_is_recorded_and_audited(world, client):
    patient, clinician = world["owner"], world["clin_ok"]
    _post_day(_token_client(patient), patient, [("allergic_reaction", "severe")])
    alert = Alert.objects.get(recipient=clinician)
    api = _token_client(clinician)
    answer = api.post(f"/api/v1/alerts/{alert.uuid}/acknowledge")
    assert answer.status_code == 200, answer.content
    assert answer.json()["acknowledged_by"] == clinician.username
    alert.refresh_from_db()
    assert alert.acknowledged_by == clinician
    assert alert.acknowledged_at is not None
    assert AuditEvent.objects.filter(actor_id=clinician.pk, subject_id=patient.pk, object_type="alert",
                                     object_id=str(alert.uuid), action="update", outcome="allowed").exists()
    assert api.get("/api/v1/alerts").json() == []
    assert [a["id"] for a in api.get("/api/v1/alerts?state=acknowledged").json()] == [str(alert.uuid)]
    # Again: still the first acknowledgement.
    first_at = alert.acknowledged_at
    api.post(f"/api/v1/alerts/{alert.uuid}/acknowledge")
    alert.refresh_from_db()
    assert alert.acknowledged_at == first_at


def test_acknowledge_button_on_the_record_page(world, client):
    patient, clinician = world["owner"], world["clin_ok"]
    _post_day(_token_client(patient), patient, [("opioid_withdrawal", "moderate")])
    alert = Alert.objects.get(recipient=clinician)
    client.force_login(clinician)
    record = f"/patients/{patient.public_id}/"
    page = client.get(record).content.decode()
    assert "Needs your action" in page
    assert "opioid_withdrawal" not in page  # names, never raw ids, in the alert and the diary
    assert f"/alerts/{alert.uuid}/acknowledge/" in page
    answer = client.post(f"/alerts/{alert.uuid}/acknowledge/", {"next": record})
    assert answer.status_code == 302
    assert answer["Location"] == record
    assert Alert.objects.get(pk=alert.pk).acknowledged_by == clinician
    assert "Needs your action" not in client.get(record).content.decode()
    # An outside "next" is not followed.
    assert client.post(f"/alerts/{alert.uuid}/acknowledge/", {"next": "https://evil.example/"})["Location"] == "/clinic/"


def test_only_the_clinician_it_is_for_acknowledges(world, second_clinician):
    patient = world["owner"]
    _post_day(_token_client(patient), patient, [("allergic_reaction", "severe")])
    mine = Alert.objects.get(recipient=world["clin_ok"])
    assert _token_client(second_clinician).post(f"/api/v1/alerts/{mine.uuid}/acknowledge").status_code == 404
    assert _token_client(patient).post(f"/api/v1/alerts/{mine.uuid}/acknowledge").status_code == 403
    for outsider in ("clin_none", "clin_revoked", "pharm_ok", "stranger"):
        api = _token_client(world[outsider])
        assert api.get("/api/v1/alerts").json() == []
        assert api.post(f"/api/v1/alerts/{mine.uuid}/acknowledge").status_code == 404
    assert Alert.objects.get(pk=mine.pk).acknowledged_at is None
    # The patient sees what went to whom.
    assert len(_token_client(patient).get("/api/v1/alerts").json()) == 2


def test_a_revoked_grant_hides_the_alert(world):
    patient, clinician = world["owner"], world["clin_ok"]
    _post_day(_token_client(patient), patient, [("allergic_reaction", "severe")])
    Grant.objects.filter(patient=patient, clinician=clinician).update(revoked_at=timezone.now())
    assert _token_client(clinician).get("/api/v1/alerts").json() == []


def test_resaving_the_day_does_not_repeat_an_alert(world):
    patient = world["owner"]
    api = _token_client(patient)
    entry = _post_day(api, patient, [("rash", "moderate")]).json()
    body = {"date": TODAY.isoformat(), "ldn_dose_mg": 1.5, "pain_score": 4,
            "side_effects": [{"id": "rash", "severity": "severe"}]}
    assert api.put(f"/api/v1/patients/{patient.public_id}/diary/{entry['id']}", data=json.dumps(body),
                   content_type="application/json").status_code == 200
    assert Alert.objects.filter(patient=patient).count() == 1
    # Acknowledged, then saved again: still one (it was seen); a new, more urgent report is new.
    Alert.objects.update(acknowledged_at=timezone.now())
    body["side_effects"].append({"id": "liver_injury_signs", "severity": "mild"})
    api.put(f"/api/v1/patients/{patient.public_id}/diary/{entry['id']}", data=json.dumps(body),
            content_type="application/json")
    assert sorted(Alert.objects.values_list("report_key", "level")) == [
        ("liver_injury_signs", "urgent_care"), ("rash", "contact_prescriber")]


@pytest.mark.parametrize("effects", [[("vivid_dreams", "mild")], [("headache", "moderate")], [("insomnia", "mild")]])
def test_benign_reports_make_no_alert_and_no_extra_query(world, rf, effects):
    patient = world["owner"]
    request = rf.post("/")
    request.user = patient
    data = CheckInData(date=TODAY, ldn_dose_mg=None, side_effects=tuple(effects))
    with CaptureQueriesContext(connection) as benign:
        services.checkin_save(request=request, patient=patient, data=data)
    assert not Alert.objects.exists()
    assert not any("alerts_alert" in q["sql"] or "access_grant" in q["sql"] for q in benign.captured_queries)


def test_a_persisting_moderate_effect_alerts_after_two_weeks_on_the_dose(world, rf):
    patient = world["owner"]
    request = rf.post("/")
    request.user = patient
    CheckIn.objects.filter(patient=patient).delete()
    start = TODAY - dt.timedelta(days=20)
    for i in range(20):
        CheckIn.objects.create(patient=patient, date=start + dt.timedelta(days=i), ldn_dose_mg=3)
    services.checkin_save(request=request, patient=patient,
                          data=CheckInData(date=TODAY, ldn_dose_mg=3, side_effects=(("headache", "moderate"),)))
    assert list(Alert.objects.values_list("report_key", "level")) == [("headache", "contact_prescriber")]


def test_alert_and_checkin_are_one_transaction(world, rf, monkeypatch):
    """If the alert cannot be written, the check-in is not stored either (and the reverse)."""
    from ldncare.web.alerts import services as alert_services

    patient = world["owner"]
    request = rf.post("/")
    request.user = patient
    before = CheckIn.objects.count()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Alert.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        services.checkin_save(request=request, patient=patient,
                              data=CheckInData(date=TODAY, side_effects=(("allergic_reaction", "severe"),)))
    assert CheckIn.objects.count() == before
    assert alert_services  # the module under test


def test_no_clinician_no_alert_rows(patient, rf):
    request = rf.post("/")
    request.user = patient
    services.checkin_save(request=request, patient=patient,
                          data=CheckInData(date=TODAY, side_effects=(("allergic_reaction", "severe"),)))
    assert not Alert.objects.exists()


def test_the_checkin_page_alerts_too(world, client):
    patient, clinician = world["owner"], world["clin_ok"]
    client.force_login(patient)
    response = client.post(f"/me/checkin/{TODAY.isoformat()}/", {
        "date": TODAY.isoformat(), "pain_score": 5, "fatigue_score": 5, "sleep_quality_score": 5, "mood_score": 5,
        "se_allergic_reaction": "severe"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert Alert.objects.filter(recipient=clinician, report_key="allergic_reaction").exists()


def test_the_checkin_page_says_who_was_alerted(world, client):
    client.force_login(world["owner"])
    page = client.post(f"/me/checkin/{TODAY.isoformat()}/", {
        "date": TODAY.isoformat(), "pain_score": 5, "fatigue_score": 5, "sleep_quality_score": 5, "mood_score": 5,
        "se_allergic_reaction": "severe", "se_headache": "mild"}, headers={"HX-Request": "true"}).content.decode()
    assert f"ldncare has alerted {world['clin_ok'].get_full_name()}" in page
    assert page.index("level-urgent_care") < page.index("level-expected_transient")


def test_the_visit_report_lists_the_reports_and_their_acknowledgement(world, client):
    patient, clinician = world["owner"], world["clin_ok"]
    _post_day(_token_client(patient), patient, [("allergic_reaction", "severe")])
    client.force_login(clinician)
    report = f"/patients/{patient.public_id}/report/"
    assert "Reported: Allergic reaction (severe)" in client.get(report).content.decode()
    assert "Not acknowledged yet." in client.get(report).content.decode()
    alert = Alert.objects.get(recipient=clinician)
    client.post(f"/alerts/{alert.uuid}/acknowledge/")
    assert f"Acknowledged by {clinician.get_full_name()}" in client.get(report).content.decode()
