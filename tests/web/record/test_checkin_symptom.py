"""'Something else?' in the check-in (issue 13): a symptom in the person's own words is stored as typed
with its severity, triaged as free text (red flags first) on the page, and alerts every clinician the
patient shares with when the answer is urgent care or contact the prescriber, from the page and the API."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ldncare.web.accounts.models import ApiToken
from ldncare.web.alerts.models import Alert
from ldncare.web.record import services
from ldncare.web.record.models import CheckIn
from ldncare.web.record.services import CheckInData

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

TODAY = timezone.localdate()
SCORES = {"pain_score": "5", "fatigue_score": "5", "sleep_quality_score": "5", "mood_score": "5"}


def _token_client(user) -> Client:
    _, raw = ApiToken.issue(user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def _page_post(client, **values):
    return client.post(f"/me/checkin/{TODAY.isoformat()}/", {"date": TODAY.isoformat(), **SCORES, **values},
                       headers={"HX-Request": "true"})


def _api_post(client, patient, body):
    return client.post(f"/api/v1/patients/{patient.public_id}/diary", data=json.dumps(
        {"date": TODAY.isoformat(), **body}), content_type="application/json")


def test_typed_chest_pain_puts_the_urgent_card_first_and_alerts_every_sharing_clinician(world, client):
    patient, clinician = world["owner"], world["clin_ok"]
    client.force_login(patient)
    page = _page_post(client, se_headache="mild", symptom="crushing chest pain", symptom_severity="moderate")
    assert page.status_code == 200
    html = page.content.decode()
    assert "“crushing chest pain” (moderate): Get urgent medical care" in html
    assert html.index("level-urgent_care") < html.index("level-expected_transient")  # before the headache card
    assert f"ldncare has alerted {clinician.get_full_name()}" in html
    day = CheckIn.objects.get(patient=patient, date=TODAY)
    assert (day.symptom, day.symptom_severity) == ("crushing chest pain", "moderate")
    # One alert for the one clinician with an active grant (not the revoked one), with the patient's words.
    alerts = list(Alert.objects.filter(patient=patient))
    assert [(a.recipient_id, a.kind, a.level, a.reported_text, a.severity) for a in alerts] == [
        (clinician.pk, "symptom_text", "urgent_care", "crushing chest pain", "moderate")]
    listed = _token_client(clinician).get("/api/v1/alerts").json()
    assert [(a["kind"], a["level"], a["reported_text"], a["effect_name"]) for a in listed] == [
        ("symptom_text", "urgent_care", "crushing chest pain", "Chest pain")]
    # The clinician's dashboard shows it with the patient's words; the edit form keeps what was typed.
    client.force_login(clinician)
    assert "In the patient's words: “crushing chest pain”" in client.get("/clinic/").content.decode()
    client.force_login(patient)
    form = client.get(f"/me/checkin/{TODAY.isoformat()}/").content.decode()
    assert 'value="crushing chest pain"' in form


def test_the_api_takes_the_symptom_returns_it_and_alerts(world):
    patient, clinician = world["owner"], world["clin_ok"]
    api = _token_client(patient)
    created = _api_post(api, patient, {"symptoms": [{"text": "  I keep thinking about ending it all ", "severity": "mild"}],
                                       "side_effects": [{"id": "vivid_dreams", "severity": "mild"}]})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["symptoms"] == [{"text": "I keep thinking about ending it all", "severity": "mild"}]
    assert body["side_effects"] == [{"id": "vivid_dreams", "severity": "mild"}]  # unchanged contract
    read = api.get(f"/api/v1/patients/{patient.public_id}/diary/{body['id']}").json()
    assert read["symptoms"] == body["symptoms"]
    alert = Alert.objects.get(recipient=clinician)
    assert (alert.kind, alert.level, alert.reported_text) == (
        "symptom_text", "urgent_care", "I keep thinking about ending it all")
    # Saved again with the same words: no second alert; other words that need the prescriber: a new one.
    entry = f"/api/v1/patients/{patient.public_id}/diary/{body['id']}"
    same = {"date": TODAY.isoformat(), "symptoms": [{"text": "i keep thinking about  ending it all", "severity": "mild"}]}
    assert api.put(entry, data=json.dumps(same), content_type="application/json").status_code == 200
    assert Alert.objects.filter(patient=patient).count() == 1
    other = {"date": TODAY.isoformat(), "symptoms": [{"text": "my toenails turned green", "severity": "mild"}]}
    assert api.put(entry, data=json.dumps(other), content_type="application/json").status_code == 200
    assert sorted(Alert.objects.values_list("level", "reported_text")) == [
        ("contact_prescriber", "my toenails turned green"), ("urgent_care", "I keep thinking about ending it all")]
    # Removing the symptom clears it from the day (and from GET).
    assert api.put(entry, data=json.dumps({"date": TODAY.isoformat()}),
                   content_type="application/json").json()["symptoms"] == []
    assert CheckIn.objects.get(uuid=body["id"]).symptom == ""


@pytest.mark.parametrize("text", ["mild headache", "vivid dreams", "dry mouth"])
def test_a_benign_typed_symptom_makes_no_alert(world, client, text):
    patient = world["owner"]
    client.force_login(patient)
    html = _page_post(client, symptom=text, symptom_severity="mild").content.decode()
    assert f"“{text}” (mild)" in html
    assert "level-urgent_care" not in html
    assert "level-contact_prescriber" not in html
    assert not Alert.objects.exists()


def test_a_day_without_side_effects_or_symptom_reads_no_alert_table(world, rf):
    patient = world["owner"]
    request = rf.post("/")
    request.user = patient
    with CaptureQueriesContext(connection) as queries:
        services.checkin_save(request=request, patient=patient, data=CheckInData(date=TODAY, pain_score=3))
    assert not any("alerts_alert" in q["sql"] or "access_grant" in q["sql"] for q in queries.captured_queries)


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"symptom": "chest pain"}, "symptom_severity", "Say how bad it is: mild, moderate or severe."),
    ({"symptom": "", "symptom_severity": "mild"}, "symptom", "Describe the symptom, or leave its severity empty."),
    ({"symptom": "x" * 201, "symptom_severity": "mild"}, "symptom", "at most 200 characters"),
])
def test_the_page_refuses_with_a_message_next_to_the_field(patient, client, values, field, message):
    client.force_login(patient)
    response = _page_post(client, **values)
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    assert message.split(":")[0][:20] in response.content.decode()
    assert not CheckIn.objects.filter(patient=patient, date=TODAY).exists()


def test_a_control_character_never_reaches_the_record_from_the_page(patient, client):
    """Refused next to the field, or removed from the form post before the view (security.FreeTextMiddleware)."""
    client.force_login(patient)
    response = _page_post(client, symptom="pain \x1b[31m in my chest", symptom_severity="mild")
    day = CheckIn.objects.filter(patient=patient, date=TODAY).first()
    if day is None:
        assert "Control character U+001B is not allowed" in response.content.decode()
    else:
        assert day.symptom == "pain [31m in my chest"


@pytest.mark.parametrize(("symptom", "field"), [
    ({"text": "pain\x07", "severity": "mild"}, "text"),
    ({"text": "   ", "severity": "mild"}, "text"),
    ({"text": "x" * 201, "severity": "mild"}, "text"),
    ({"text": "chest pain"}, "severity"),
    ({"text": "chest pain", "severity": "awful"}, "severity"),
    ({"text": "chest pain", "severity": "mild", "extra": 1}, "extra"),
])
def test_the_api_refuses_with_422_and_writes_nothing(patient, symptom, field):
    response = _api_post(_token_client(patient), patient, {"symptoms": [symptom]})
    assert response.status_code == 422, response.content
    assert any(field in error["loc"] for error in response.json()["errors"]), response.json()
    assert not CheckIn.objects.filter(patient=patient).exists()


def test_one_symptom_text_a_day_in_the_api(patient):
    response = _api_post(_token_client(patient), patient, {"symptoms": [{"text": "a", "severity": "mild"}] * 2})
    assert response.status_code == 422
    assert not CheckIn.objects.exists()


def test_the_service_refuses_a_severity_without_words(patient, rf):
    from django.core.exceptions import ValidationError

    request = rf.post("/")
    request.user = patient
    with pytest.raises(ValidationError) as refused:
        services.checkin_save(request=request, patient=patient,
                              data=CheckInData(date=TODAY, symptom="", symptom_severity="severe"))
    assert "symptom" in refused.value.message_dict
    assert not CheckIn.objects.exists()


def test_the_offline_page_carries_the_answer_for_typed_words_and_the_order(patient, client):
    from ldncare.web.record.core_bridge import ALERT_OUTCOMES

    client.force_login(patient)
    page = client.get("/me/checkin/offline/").content.decode()
    assert 'name="symptom"' in page
    assert 'name="symptom_severity"' in page
    advice = json.loads(page.split('id="offline-advice" type="application/json">')[1].split("</script>")[0])
    typed = advice["symptom-text:mild"]  # the core's answer for words the device cannot read
    assert (typed["urgency"], typed["rank"]) == ("contact_prescriber", ALERT_OUTCOMES.index("contact_prescriber"))
    assert "emergency" in typed["explanation"]
    assert advice["allergic_reaction:severe"]["rank"] == ALERT_OUTCOMES.index("urgent_care") == 0


def test_the_diary_download_keeps_the_typed_symptom(patient, client):
    client.force_login(patient)
    _page_post(client, symptom="=black stools, since Monday", symptom_severity="severe")
    text = client.get("/me/data/diary.csv").content.decode()
    header, row = text.splitlines()[:2]
    assert header.endswith("side_effects,symptom,symptom_severity,notes")
    assert "\"'=black stools, since Monday\",severe" in row  # a formula is never started in a spreadsheet


def test_the_diary_and_the_record_page_show_the_typed_words(world, client):
    patient, clinician = world["owner"], world["clin_ok"]
    client.force_login(patient)
    _page_post(client, se_headache="mild", symptom="black stools", symptom_severity="severe")
    assert "Headache (mild), “black stools” (severe)" in client.get("/me/diary/").content.decode()
    client.force_login(clinician)
    record = client.get(f"/patients/{patient.public_id}/").content.decode()
    assert "Headache (mild), “black stools” (severe)" in record


def test_the_patient_record_list_and_the_visit_report_carry_the_words(world, client):
    patient, clinician = world["owner"], world["clin_ok"]
    client.force_login(patient)
    _page_post(client, symptom="I fainted at work", symptom_severity="moderate")
    assert "“I fainted at work” (moderate)" in client.get(f"/patients/{patient.public_id}/").content.decode()
    client.force_login(clinician)
    listed = client.get("/clinic/").content.decode()
    assert listed.count("words: “I fainted at work”") == 2  # the alert box and the patient's row
    report = client.get(f"/patients/{patient.public_id}/report/").content.decode()
    assert "In the patient's words: “I fainted at work”" in report


def test_a_typed_symptom_alert_and_its_checkin_are_one_transaction(world, rf, monkeypatch):
    patient = world["owner"]
    request = rf.post("/")
    request.user = patient
    before = CheckIn.objects.count()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Alert.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        services.checkin_save(request=request, patient=patient, data=CheckInData(
            date=TODAY, symptom="I can't breathe", symptom_severity="severe"))
    assert CheckIn.objects.count() == before
