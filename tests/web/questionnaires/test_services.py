"""questionnaire_result_save and questionnaire_schedule_save: nothing half-written, errors name the field."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from ldncare.web.access.models import AuditEvent
from ldncare.web.questionnaires.models import QuestionnaireResult, QuestionnaireSchedule
from ldncare.web.questionnaires.services import (
    questionnaire_result_save,
    questionnaire_schedule_save,
)

pytestmark = pytest.mark.django_db
REQUEST = SimpleNamespace(user=None, META={}, path="/")
PI = "promis_pain_interference_4a"


def test_result_keeps_the_answers_and_the_local_day_and_is_audited(patient):
    patient.time_zone = "Asia/Tokyo"
    patient.save()
    result = questionnaire_result_save(request=REQUEST, patient=patient, instrument=PI, answers=[5, 5, 5, 5],
                                       now=dt.datetime(2026, 12, 4, 20, tzinfo=dt.UTC))
    assert result.answered_on == dt.date(2026, 12, 5)  # 05:00 the next day in Tokyo
    assert (result.answers, result.raw_score, str(result.t_score), result.interpretation) == (
        [5, 5, 5, 5], 20, "75.6", "severe")
    assert AuditEvent.objects.filter(object_type="questionnaire_result", action="create").count() == 1


@pytest.mark.parametrize(("instrument", "answers", "field"), [
    ("phq9", [1], "instrument"), (PI, [1, 1, None, 1], "answers"), (PI, [1, 1, 1], "answers"), ("pgic", [8], "answers")])
def test_bad_results_store_nothing(patient, instrument, answers, field):
    with pytest.raises(ValidationError) as excinfo:
        questionnaire_result_save(request=REQUEST, patient=patient, instrument=instrument, answers=answers)
    assert field in excinfo.value.message_dict
    assert not QuestionnaireResult.objects.exists()


def test_an_unchanged_schedule_keeps_its_claim_and_a_changed_one_starts_afresh(patient):
    first = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    schedule = questionnaire_schedule_save(request=REQUEST, patient=patient, instrument=PI, frequency="monthly",
                                           day_of_month=1, time=dt.time(8), now=first)
    QuestionnaireSchedule.objects.filter(pk=schedule.pk).update(sent_period=dt.date(2026, 12, 1))
    later = dt.datetime(2026, 12, 2, tzinfo=dt.UTC)
    same = questionnaire_schedule_save(request=REQUEST, patient=patient, instrument=PI, frequency="monthly",
                                       day_of_month=1, time=dt.time(8), now=later)
    assert (same.active_from, same.sent_period) == (first, dt.date(2026, 12, 1))
    moved = questionnaire_schedule_save(request=REQUEST, patient=patient, instrument=PI, frequency="weekly",
                                        weekday=2, time=dt.time(8), now=later)
    assert (moved.frequency, moved.weekday, moved.day_of_month, moved.active_from) == ("weekly", 2, None, later)


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"frequency": "daily", "time": dt.time(8)}, "frequency"),
    ({"frequency": "weekly", "time": dt.time(8)}, "weekday"),
    ({"frequency": "monthly", "day_of_month": 31, "time": dt.time(8)}, "day_of_month"),
    ({"frequency": "weekly", "weekday": 1}, "time"),
])
def test_bad_schedules_name_the_field(patient, kwargs, field):
    with pytest.raises(ValidationError) as excinfo:
        questionnaire_schedule_save(request=REQUEST, patient=patient, instrument=PI, **kwargs)
    assert field in excinfo.value.message_dict
    assert not QuestionnaireSchedule.objects.exists()
