"""/me/questionnaires/: answer a PROMIS form and the PGIC, see the history; a clinician with consent
sees the results, others do not."""

from __future__ import annotations

import pytest

from ldncare.web.questionnaires.models import QuestionnaireResult

pytestmark = pytest.mark.usefixtures("fast_password_hashing")
PI = "promis_pain_interference_4a"


def test_the_form_has_the_published_words_and_nothing_chosen(client, patient):
    client.force_login(patient)
    page = client.get(f"/me/questionnaires/{PI}/").content.decode()
    assert "How much did pain interfere with your day to day activities?" in page
    assert "Quite a bit" in page
    assert "checked" not in page


def test_patient_answers_and_sees_the_t_score(client, patient):
    client.force_login(patient)
    response = client.post(f"/me/questionnaires/{PI}/", {"item1": "2", "item2": "3", "item3": "1", "item4": "4"})
    assert response.status_code == 302
    result = QuestionnaireResult.objects.get(patient=patient)
    assert (result.answers, result.raw_score, str(result.t_score), str(result.se)) == ([2, 3, 1, 4], 10, "58.5", "1.8")
    page = client.get("/me/questionnaires/").content.decode()
    assert "T-score 58.5 (SE 1.8), raw score 10, mild." in page
    assert "<strong>58.5</strong> (1.8)" in page


def test_a_blank_item_is_a_form_error_and_nothing_is_stored(client, patient):
    client.force_login(patient)
    response = client.post(f"/me/questionnaires/{PI}/", {"item1": "2", "item2": "3", "item4": "4"})
    assert response.status_code == 422
    assert "the score needs every question answered" in response.content.decode()
    assert not QuestionnaireResult.objects.exists()


def test_pgic_is_stored_without_a_t_score(client, patient):
    client.force_login(patient)
    assert client.post("/me/questionnaires/pgic/", {"item1": "5"}).status_code == 302
    result = QuestionnaireResult.objects.get()
    assert (result.raw_score, result.t_score, result.se) == (5, None, None)
    assert "5 of 7, “Moderately better, and a slight but noticeable change”" in client.get(
        "/me/questionnaires/").content.decode()


def test_the_page_names_licences_and_the_instruments_left_out(client, patient):
    client.force_login(patient)
    page = client.get("/me/questionnaires/").content.decode()
    assert "without licensing or royalty fees" in page
    assert "Multiple Sclerosis Impact Scale (MSIS-29)" in page
    assert "PMID 14739871" in page


def test_clinician_with_consent_sees_results_others_do_not(client, patient, clinician, stranger, world):
    client.force_login(patient)
    client.post("/me/questionnaires/pgic/", {"item1": "6"})
    client.force_login(clinician)
    page = client.get(f"/patients/{patient.public_id}/questionnaires/")
    assert page.status_code == 200
    assert "Better, and a definite improvement" in page.content.decode()
    assert "Questionnaires (PROMIS, PGIC)" in client.get(f"/patients/{patient.public_id}/").content.decode()
    client.force_login(world["clin_none"])
    assert client.get(f"/patients/{patient.public_id}/questionnaires/").status_code == 404
    client.force_login(stranger)
    assert client.get(f"/patients/{patient.public_id}/questionnaires/").status_code == 404
    assert client.post("/me/questionnaires/pgic/", {"item1": "1"}).status_code == 302  # her own, not the patient's
    assert QuestionnaireResult.objects.filter(patient=patient).count() == 1


def test_unknown_instrument_is_404(client, patient):
    client.force_login(patient)
    assert client.get("/me/questionnaires/phq9/").status_code == 404


def test_patient_sets_a_weekly_schedule_turns_it_off_and_a_bad_one_is_a_form_error(client, patient):
    from ldncare.web.questionnaires.models import QuestionnaireSchedule

    client.force_login(patient)
    url = f"/me/questionnaires/{PI}/schedule/"
    response = client.post(url, {f"{PI}-frequency": "weekly", f"{PI}-weekday": "0", f"{PI}-time": "09:00"})
    assert response.status_code == 302
    schedule = QuestionnaireSchedule.objects.get(patient=patient)
    assert schedule.rule.describe() == "every Monday at 09:00"
    assert "Reminders: every Monday at 09:00" in client.get("/me/questionnaires/").content.decode()
    bad = client.post(url, {f"{PI}-frequency": "monthly", f"{PI}-time": "09:00"})
    assert bad.status_code == 422
    assert "choose a day of the month from 1 to 28" in bad.content.decode()
    assert client.post(url, {f"{PI}-frequency": "off"}).status_code == 302
    assert not QuestionnaireSchedule.objects.exists()
