"""Writes of a patient's questionnaire results and schedules (``<entity>_<action>``, keyword-only,
atomic, audited). Called only after :mod:`ldncare.web.policy` allowed the write (the diary part
of her record). Scoring has one home: :func:`ldncare.core.response.questionnaires.score_questionnaire`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ldncare.core.response.questionnaires import (
    InvalidAnswersError,
    UnknownQuestionnaireError,
    get_questionnaire,
    load_questionnaires,
    score_questionnaire,
)
from ldncare.web.access.audit import audit
from ldncare.web.access.models import AuditEvent
from ldncare.web.questionnaires.models import QuestionnaireResult, QuestionnaireSchedule
from ldncare.web.questionnaires.periods import FREQUENCIES, Rule

__all__ = ["OFF", "local_now", "questionnaire_result_save", "questionnaire_schedule_save", "questionnaire_schedules_stop"]

ALLOWED = AuditEvent.Outcome.ALLOWED
OFF = "off"


def local_now(user, *, now: dt.datetime | None = None) -> dt.datetime:
    """``now`` (default: the current time) in the person's own zone (UTC if the zone is unknown)."""
    now = now or timezone.now()
    try:
        return now.astimezone(ZoneInfo(user.time_zone))
    except (KeyError, ValueError):
        return now.astimezone(dt.UTC)


def _known(instrument: str) -> None:
    try:
        get_questionnaire(instrument)
    except UnknownQuestionnaireError:
        known = ", ".join(q.id for q in load_questionnaires())
        raise ValidationError({"instrument": f"unknown questionnaire {instrument!r}; allowed: {known}"}) from None


@transaction.atomic
def questionnaire_result_save(*, request, patient, instrument: str, answers: Sequence[int | None],
                              now: dt.datetime | None = None) -> QuestionnaireResult:
    """Score and store one completed form. A blank, out-of-range or missing answer is a
    ValidationError on ``answers`` (nothing is stored): the manual scores complete forms only."""
    _known(instrument)
    try:
        score = score_questionnaire(instrument, list(answers))
    except InvalidAnswersError as exc:
        raise ValidationError({"answers": str(exc)}) from None
    answered_at = now or timezone.now()
    result = QuestionnaireResult.objects.create(
        patient=patient, instrument=instrument, answers=list(score.answers), raw_score=score.raw_score,
        t_score=None if score.t_score is None else str(score.t_score),
        se=None if score.se is None else str(score.se),
        interpretation=score.interpretation or "", answered_at=answered_at,
        answered_on=local_now(patient, now=answered_at).date())
    audit(request, subject=patient, object_type="questionnaire_result", object_id=str(result.uuid),
          action=AuditEvent.Action.CREATE, outcome=ALLOWED, channel=_channel(request))
    return result


@transaction.atomic
def questionnaire_schedule_save(*, request, patient, instrument: str, frequency: str, weekday: int | None = None,
                                day_of_month: int | None = None, time: dt.time | None = None,
                                now: dt.datetime | None = None) -> QuestionnaireSchedule | None:
    """Set (or with ``frequency="off"`` remove) the reminder schedule of one questionnaire.

    A new or changed schedule reminds from its next period on (``active_from``: now); one left
    unchanged keeps what was already sent. ValidationError names the field at fault.
    """
    _known(instrument)
    existing = QuestionnaireSchedule.objects.select_for_update().filter(patient=patient, instrument=instrument).first()
    if frequency == OFF:
        if existing is not None:
            existing.delete()
            audit(request, subject=patient, object_type="questionnaire_schedule", object_id=instrument,
                  action=AuditEvent.Action.DELETE, outcome=ALLOWED, channel=_channel(request))
        return None
    errors: dict[str, str] = {}
    if frequency not in FREQUENCIES:
        errors["frequency"] = f"unknown frequency {frequency!r}; allowed: {OFF}, {', '.join(FREQUENCIES)}"
    elif frequency == "weekly" and (weekday is None or not 0 <= weekday <= 6):
        errors["weekday"] = "choose the day of the week (Monday to Sunday)"
    elif frequency == "monthly" and (day_of_month is None or not 1 <= day_of_month <= 28):
        errors["day_of_month"] = "choose a day of the month from 1 to 28 (every month has it)"
    if time is None:
        errors["time"] = 'give the time of day for the reminder, e.g. "09:00"'
    if errors:
        raise ValidationError(errors)
    rule = Rule(frequency=frequency, weekday=weekday if frequency == "weekly" else None,
                day_of_month=day_of_month if frequency == "monthly" else None, time=time.replace(second=0, microsecond=0))
    if existing is not None and existing.rule == rule:
        return existing
    schedule = existing or QuestionnaireSchedule(patient=patient, instrument=instrument)
    schedule.frequency, schedule.weekday, schedule.day_of_month, schedule.time = (
        rule.frequency, rule.weekday, rule.day_of_month, rule.time)
    schedule.active_from = now or timezone.now()
    schedule.save()
    audit(request, subject=patient, object_type="questionnaire_schedule", object_id=instrument,
          action=AuditEvent.Action.UPDATE if existing else AuditEvent.Action.CREATE, outcome=ALLOWED,
          channel=_channel(request))
    return schedule


def questionnaire_schedules_stop(*, user) -> int:
    """The one-click stop from a reminder's link: every questionnaire schedule of ``user`` removed."""
    deleted, _ = QuestionnaireSchedule.objects.filter(patient=user).delete()
    return deleted


def _channel(request) -> str:
    return "api" if getattr(request, "path", "").startswith("/api/") else "web"
