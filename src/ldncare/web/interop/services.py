"""Read a patient's record from the database as a core :class:`PatientRecord`, and write one back.

Covered fields: the profile's conditions (each with its first ICD-10-CM code), the current
plan (protocol, target dose, steps) and the diary (check-ins with their side effects).
The patient appears only under their ``public_id`` (a random UUID), never by name.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from ldncare.core.fhir import PatientRecord, PrescribedPlan, condition_entry, export_bundle
from ldncare.core.fhir.resources import Bundle
from ldncare.web.record import core_bridge
from ldncare.web.record.models import CheckIn, Plan, Profile, SideEffectReport

__all__ = ["export_patient_bundle", "patient_record", "patient_time_zone", "restore_record"]

SCORE_FIELDS = {"pain": "pain_score", "fatigue": "fatigue_score", "sleep_quality": "sleep_quality_score",
                "mood": "mood_score"}


def _current_plan(patient) -> Plan | None:
    return Plan.objects.filter(patient=patient, is_current=True).select_related("author").order_by("-created_at").first()


def patient_record(patient) -> PatientRecord:
    """The covered part of ``patient``'s record as the core's :class:`PatientRecord`."""
    profile = Profile.objects.filter(patient=patient).first()
    conditions = tuple(condition_entry(cid) for cid in (profile.condition_ids if profile else []))
    plan = _current_plan(patient)
    prescribed = None
    if plan is not None and plan.steps:
        prescribed = PrescribedPlan.from_json({"protocol": plan.protocol or "custom",
                                               "target_mg": plan.target_dose_mg, "steps": plan.steps})
    checkins = list(CheckIn.objects.filter(patient=patient).prefetch_related("side_effects"))
    diary = core_bridge.to_diary(checkins) if checkins else None
    return PatientRecord(pseudonym=str(patient.public_id), conditions=conditions, plan=prescribed, diary=diary)


def patient_time_zone(patient) -> str:
    """The IANA time zone of ``patient``'s wall-clock times (dose times): their own, else the site's.

    The one place that reads it: the account's ``time_zone`` when the account model has one and
    it is set, otherwise ``settings.TIME_ZONE``.
    """
    return getattr(patient, "time_zone", "") or settings.TIME_ZONE


def export_patient_bundle(patient, *, timezone: str | None = None, recorded: dt.datetime | None = None) -> Bundle:
    """``patient``'s record as a FHIR R4B Bundle; the plan's clinician (if any) is named as its author.

    Dose times carry the offset of ``timezone`` (default: :func:`patient_time_zone`).
    """
    plan = _current_plan(patient)
    prescriber = None
    if plan is not None and plan.source == Plan.Source.CLINICIAN and plan.author is not None:
        prescriber = plan.author.get_full_name() or plan.author.get_username()
    return export_bundle(patient_record(patient), timezone=timezone or patient_time_zone(patient), recorded=recorded,
                         prescriber=prescriber)


@transaction.atomic
def restore_record(patient, record: PatientRecord, *, author=None) -> None:
    """Write an imported record into ``patient``'s (empty) record: conditions, plan, diary.

    All or nothing (one transaction). The caller has checked that ``author`` may write it;
    a day the patient already has is an error (``IntegrityError``), never overwritten.
    """
    if record.conditions:
        profile, _ = Profile.objects.get_or_create(patient=patient)
        profile.condition_ids = sorted({c.id for c in record.conditions})
        profile.save()
    if record.plan is not None:
        Plan.objects.filter(patient=patient, is_current=True).update(is_current=False)
        steps = record.plan.to_json()["steps"]
        Plan.objects.create(
            patient=patient, author=author, source=Plan.Source.CLINICIAN if author else Plan.Source.PATIENT,
            protocol=record.plan.protocol, target_dose_mg=record.plan.target_mg, is_current=True,
            steps=[{k: v for k, v in step.items() if k not in ("measurable", "days")} for step in steps])
    for day in record.diary.days if record.diary else ():
        checkin = CheckIn.objects.create(
            patient=patient, date=day.date, dose_time=day.dose_time, pgic_score=day.pgic, notes=day.notes,
            ldn_dose_mg=None if day.ldn_dose_mg is None else Decimal(repr(day.ldn_dose_mg)),
            **{field: _whole(day.scores[name], name) for name, field in SCORE_FIELDS.items() if name in day.scores})
        for side_effect, severity in day.side_effects:
            SideEffectReport.objects.create(checkin=checkin, side_effect_id=side_effect, severity=severity)


def _whole(score: float, name: str) -> int:
    if score != int(score):
        raise ValueError(f"{name} score {score:g} is not a whole number; the ldncare database stores 0-10 in steps of 1")
    return int(score)
