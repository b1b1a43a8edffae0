"""The record in the JSON API: patients, diary entries (CRUD, idempotent), plan, prescriptions.

Every operation resolves the patient through :mod:`ldncare.web.policy` (404 for what the
caller may not see, 403 for a visible record they may not change) and is audited.
"""

from __future__ import annotations

import datetime as dt
import uuid as uuid_module
from collections.abc import Mapping
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import JsonResponse
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict, field_validator

from ldncare.core.response.diary import MAX_SYMPTOM_CHARS, symptom_problems
from ldncare.web import policy
from ldncare.web.access.audit import audit_together
from ldncare.web.alerts.api import AlertOut, alert_out, audit_listed
from ldncare.web.idempotency import run_idempotent
from ldncare.web.record import core_bridge, services
from ldncare.web.record.models import CheckIn
from ldncare.web.record.services import CheckInData, DuplicateDayError
from ldncare.web.tracking.models import TrackedItem
from ldncare.web.tracking.services import tracked_values_check, tracked_values_save

router = Router(tags=["record"])

CHANNEL = "api"


class ErrorOut(Schema):
    detail: str
    errors: list[dict] = []


class PatientOut(Schema):
    id: uuid_module.UUID
    username: str
    name: str
    open_alerts: list[AlertOut] = Field(default_factory=list, description="Unacknowledged alerts, most urgent first.")


class SideEffectIO(Schema):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(..., max_length=40, description="Side-effect id from the knowledge data, e.g. 'vivid_dreams'.")
    severity: Literal["mild", "moderate", "severe"]


class SymptomIO(Schema):
    """A symptom in the person's own words ("Something else?"), triaged as free text (red flags first)."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(..., min_length=1, max_length=MAX_SYMPTOM_CHARS,
                      description="As the person typed it, e.g. 'crushing chest pain' (stored stripped, as typed).")
    severity: Literal["mild", "moderate", "severe"]

    @field_validator("text")
    @classmethod
    def _words(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("describe the symptom (at least one character that is not a space)")
        if problem := symptom_problems(value, "mild").get("symptom"):  # the page's and diary files' rule
            raise ValueError(problem)
        return value


class CheckInIn(Schema):
    """One diary day. The patient is taken from the address, never from the body."""

    model_config = ConfigDict(extra="forbid")
    date: dt.date
    ldn_dose_mg: Decimal | None = Field(None, ge=0, le=50, max_digits=5, decimal_places=2)
    dose_time: dt.time | None = None
    pain_score: int | None = Field(None, ge=0, le=10)
    fatigue_score: int | None = Field(None, ge=0, le=10)
    sleep_quality_score: int | None = Field(None, ge=0, le=10)
    mood_score: int | None = Field(None, ge=0, le=10)
    pgic_score: int | None = Field(None, ge=1, le=7)
    notes: str = Field("", max_length=2000)
    side_effects: list[SideEffectIO] = Field(default_factory=list, max_length=30)
    symptoms: list[SymptomIO] = Field(
        default_factory=list, max_length=1,
        description="At most one a day: a symptom not in the side-effect list, in the person's own words "
                    "(several can be described in one text). An urgent or contact-prescriber answer alerts the care team.")
    tracked: dict[str, float | None] = Field(
        default_factory=dict, max_length=30,
        description="Her own outcomes and factors of the day, by diary column name, e.g. "
                    '{"outcome:brain_fog": 4, "factor:coffee_cups": 2}; null: not recorded. On PUT, names left out '
                    "are cleared (not sent: left as they are). Unknown names are refused (422).")

    @field_validator("date")
    @classmethod
    def _plausible_day(cls, value: dt.date) -> dt.date:
        # As the check-in page (2000 or later, not in the future), with one day of slack for a
        # client whose time zone is ahead of the server's.
        if value < dt.date(2000, 1, 1):
            raise ValueError("the day must be in 2000 or later")
        if value > timezone.localdate() + dt.timedelta(days=1):
            raise ValueError("the day cannot be in the future")
        return value

    @field_validator("dose_time")
    @classmethod
    def _local_clock_time(cls, value: dt.time | None) -> dt.time | None:
        if value is not None and value.tzinfo is not None:
            raise ValueError("dose_time is the clock time of the dose, without a timezone (e.g. 22:00)")
        return value


class CheckInCreate(CheckInIn):
    id: uuid_module.UUID | None = Field(None, description="Client-generated UUID (offline sync); made up if absent.")


class CheckInOut(Schema):
    id: uuid_module.UUID
    date: dt.date
    ldn_dose_mg: Decimal | None
    dose_time: dt.time | None
    pain_score: int | None
    fatigue_score: int | None
    sleep_quality_score: int | None
    mood_score: int | None
    pgic_score: int | None
    notes: str
    side_effects: list[SideEffectIO]
    symptoms: list[SymptomIO]
    tracked: dict[str, float] = Field(default_factory=dict, description="Her own outcomes and factors entered that day.")
    created_at: dt.datetime
    updated_at: dt.datetime


class PlanStepOut(Schema):
    start_date: str
    end_date: str | None = None
    dose_mg: float
    time: str | None = None
    volume_ml: float | None = None
    device: str | None = None


class PlanOut(Schema):
    id: uuid_module.UUID
    source: str
    entered_by_patient: bool
    target_dose_mg: Decimal
    protocol: str
    steps: list[PlanStepOut]
    notes: str
    sent_to_pharmacy: str | None
    created_at: dt.datetime


def checkin_out(c: CheckIn, *, side_effects: list[tuple[str, str]] | None = None,
                tracked: Mapping[TrackedItem, Decimal | None] | None = None) -> dict:
    """The API's view of a day. ``side_effects``/``tracked``: what was just written with it (as stored,
    instead of reading it back)."""
    if side_effects is None:
        side_effects = [(s.side_effect_id, s.severity) for s in c.side_effects.all()]
    if tracked is None:
        values = {v.item.code: float(v.value) for v in c.tracked_values.all()}
    else:  # in the stored order (TrackedValue.Meta.ordering)
        values = {item.code: float(value) for item, value in sorted(tracked.items(), key=lambda p: (p[0].kind, p[0].name))
                  if value is not None}
    return {
        "id": c.uuid, "date": c.date, "ldn_dose_mg": c.ldn_dose_mg, "dose_time": c.dose_time,
        "pain_score": c.pain_score, "fatigue_score": c.fatigue_score, "sleep_quality_score": c.sleep_quality_score,
        "mood_score": c.mood_score, "pgic_score": c.pgic_score, "notes": c.notes,
        "side_effects": [{"id": effect_id, "severity": severity} for effect_id, severity in side_effects],
        "symptoms": [{"text": c.symptom, "severity": c.symptom_severity}] if c.symptom else [],
        "tracked": values,
        "created_at": c.created_at, "updated_at": c.updated_at,
    }


def checkin_json(c: CheckIn, **written) -> dict:
    """The output as JSON-ready values (stored for idempotent replays); ``written``: see :func:`checkin_out`."""
    return CheckInOut(**checkin_out(c, **written)).model_dump(mode="json")


def plan_out(plan) -> dict:
    return {
        "id": plan.uuid, "source": plan.source, "entered_by_patient": plan.source == "patient",
        "target_dose_mg": plan.target_dose_mg, "protocol": plan.protocol, "steps": plan.steps, "notes": plan.notes,
        "sent_to_pharmacy": str(plan.sent_to_pharmacy) if plan.sent_to_pharmacy else None,
        "created_at": plan.created_at,
    }


def _data(payload: CheckInIn) -> CheckInData:
    return CheckInData(
        date=payload.date, ldn_dose_mg=payload.ldn_dose_mg, dose_time=payload.dose_time,
        pain_score=payload.pain_score, fatigue_score=payload.fatigue_score,
        sleep_quality_score=payload.sleep_quality_score, mood_score=payload.mood_score,
        pgic_score=payload.pgic_score, notes=payload.notes,
        side_effects=tuple((s.id, s.severity) for s in payload.side_effects),
        symptom=payload.symptoms[0].text if payload.symptoms else "",
        symptom_severity=payload.symptoms[0].severity if payload.symptoms else "",
    )


def _invalid(exc: DjangoValidationError) -> tuple[int, dict]:
    errors = []
    for field, messages in exc.message_dict.items() if hasattr(exc, "error_dict") else [("body", exc.messages)]:
        errors.extend({"loc": ["body", field], "msg": m, "type": "value_error"} for m in messages)
    return 422, {"detail": "Invalid input", "errors": errors}


def _invalid_tracked(exc: DjangoValidationError) -> tuple[int, dict]:
    errors = [{"loc": ["body", "tracked", code], "msg": m, "type": "value_error"}
              for code, messages in exc.message_dict.items() for m in messages]
    return 422, {"detail": "Invalid input", "errors": errors}


def _conflict(exc: Exception) -> tuple[int, dict]:
    return 409, {"detail": str(exc), "errors": [{"loc": ["body", "date"], "msg": str(exc), "type": "conflict"}]}


@router.get("/patients", response=list[PatientOut], summary="Patients whose record I may open")
def patients_list(request):
    patients = list(policy.patients_visible_to(request.user).order_by("username"))
    alerts: dict[int, list[dict]] = {}
    open_alerts = policy.alerts_visible_to(request.user).open().filter(patient__in=[p.pk for p in patients])
    for alert in audit_listed(request, list(open_alerts.most_urgent_first()), channel=CHANNEL):
        alerts.setdefault(alert.patient_id, []).append(alert_out(alert))
    return [
        {"id": p.public_id, "username": p.username, "name": p.get_full_name(), "open_alerts": alerts.get(p.pk, [])}
        for p in patients
    ]


@router.get("/patients/{patient_id}/diary", response=list[CheckInOut], summary="Diary days, newest first")
def diary_list(request, patient_id: uuid_module.UUID, date_from: dt.date | None = None, date_to: dt.date | None = None):
    patient = policy.get_patient_or_404(request, patient_id, part="diary", channel=CHANNEL)
    days = policy.checkins_visible_to(request.user).filter(patient=patient)
    if date_from:
        days = days.filter(date__gte=date_from)
    if date_to:
        days = days.filter(date__lte=date_to)
    return [checkin_out(c) for c in days.prefetch_related("tracked_values__item")[:1000]]


@router.post("/patients/{patient_id}/diary", response={201: CheckInOut, 409: ErrorOut, 422: ErrorOut},
             summary="Add a diary day (send Idempotency-Key to retry safely)")
def diary_create(request, patient_id: uuid_module.UUID, payload: CheckInCreate):
    # One transaction, one commit: the day, its side effects, alerts and own values, the audit rows
    # (the authorisation's and the day's, one INSERT) and the stored answer (docs/performance.md).
    with audit_together():
        patient = policy.get_patient_or_404(request, patient_id, part="diary", action="create", channel=CHANNEL)

        def operation():
            try:
                tracked = tracked_values_check(patient=patient, values=payload.tracked)
            except DjangoValidationError as exc:
                return _invalid_tracked(exc)
            try:
                checkin, effects = services.checkin_create(
                    request=request, patient=patient, data=_data(payload),
                    checkin_uuid=payload.id or uuid_module.uuid4(), channel=CHANNEL)
            except DjangoValidationError as exc:
                return _invalid(exc)
            except DuplicateDayError as exc:
                return _conflict(exc)
            # run_idempotent's transaction holds the day and its own outcomes/factors, or neither
            tracked_values_save(request=request, patient=patient, checkin=checkin, values=tracked, created=True,
                                channel=CHANNEL)
            return 201, checkin_json(checkin, side_effects=effects, tracked=tracked)

        status, body = run_idempotent(request, operation)
        # Every body here is already the schema's JSON (checkin_json dumps CheckInOut; the errors
        # are ErrorOut's shape; a replay is a stored dump): sent as it is, not validated again.
        return JsonResponse(body, status=status)


@router.get("/patients/{patient_id}/diary/{entry_id}", response=CheckInOut, summary="One diary day")
def diary_read(request, patient_id: uuid_module.UUID, entry_id: uuid_module.UUID):
    patient = policy.get_patient_or_404(request, patient_id, part="diary", channel=CHANNEL)
    return checkin_out(policy.get_checkin_or_404(request, patient, entry_id, channel=CHANNEL))


@router.put("/patients/{patient_id}/diary/{entry_id}", response={200: CheckInOut, 409: ErrorOut, 422: ErrorOut},
            summary="Replace a diary day (Idempotency-Key accepted)")
def diary_update(request, patient_id: uuid_module.UUID, entry_id: uuid_module.UUID, payload: CheckInIn):
    patient = policy.get_patient_or_404(request, patient_id, part="diary", action="update", channel=CHANNEL)
    checkin = policy.get_checkin_or_404(request, patient, entry_id, action="update", channel=CHANNEL)

    def operation():
        try:
            tracked = tracked_values_check(patient=patient, values=payload.tracked)
        except DjangoValidationError as exc:
            return _invalid_tracked(exc)
        try:
            with transaction.atomic():  # the day and its own outcomes/factors, or neither
                saved = services.checkin_save(request=request, patient=patient, data=_data(payload), checkin=checkin,
                                              channel=CHANNEL)
                tracked_values_save(request=request, patient=patient, checkin=saved, values=tracked,
                                    replace="tracked" in payload.model_fields_set, channel=CHANNEL)
        except DjangoValidationError as exc:
            return _invalid(exc)
        except DuplicateDayError as exc:
            return _conflict(exc)
        return 200, checkin_json(saved)

    return Status(*run_idempotent(request, operation))


@router.delete("/patients/{patient_id}/diary/{entry_id}", response={204: None}, summary="Delete a diary day")
def diary_delete(request, patient_id: uuid_module.UUID, entry_id: uuid_module.UUID):
    patient = policy.get_patient_or_404(request, patient_id, part="diary", action="delete", channel=CHANNEL)
    checkin = policy.get_checkin_or_404(request, patient, entry_id, action="delete", channel=CHANNEL)
    services.checkin_delete(request=request, patient=patient, checkin=checkin, channel=CHANNEL)
    return Status(204, None)


@router.get("/patients/{patient_id}/plan", response=PlanOut, summary="The current plan")
def plan_read(request, patient_id: uuid_module.UUID):
    patient = policy.get_patient_or_404(request, patient_id, part="plan", channel=CHANNEL)
    plan = policy.plans_visible_to(request.user).filter(patient=patient, is_current=True).first()
    policy.require(request, allowed=plan is not None, patient=patient, object_type="plan",
                   object_id=str(plan.uuid) if plan else "", channel=CHANNEL)
    return plan_out(plan)


@router.get("/patients/{patient_id}/analysis", response={200: dict, 422: ErrorOut},
            summary="Is it working? The response analysis of one outcome")
def analysis_read(request, patient_id: uuid_module.UUID,
                  outcome: Literal["pain", "fatigue", "sleep_quality", "mood"] = "pain"):
    patient = policy.get_patient_or_404(request, patient_id, part="analysis", channel=CHANNEL)
    diary = core_bridge.load_diary(policy.checkins_visible_to(request.user).filter(patient=patient))
    # The pages' rule: a blinded trial replaces the open-label verdict (progress, then its own result).
    trial = policy.trials_visible_to(request.user).filter(patient=patient).first()
    if trial is not None:
        audience = "patient" if request.user.pk == patient.pk else "clinician"
        state = core_bridge.trial_state(trial, diary, today=timezone.localdate(), outcome=outcome, audience=audience)
        return {"status": None, "trial": {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in state.items()
                                         if k != "now"}}
    result = core_bridge.analyze_diary(diary, outcome=outcome)
    if result is None:
        return Status(422, {"detail": "The diary cannot be analysed", "errors": []})
    return result


@router.get("/prescriptions", response=list[PlanOut], summary="Pharmacists: current plans sent to my pharmacy")
def prescriptions_list(request):
    plans = policy.plans_visible_to(request.user).filter(is_current=True, sent_to_pharmacy__isnull=False)
    return [plan_out(p) for p in policy.audit_listed_plans(request, plans, channel=CHANNEL)]
