"""Read a patient's record from the database as a core :class:`PatientRecord`, and write one back.

Covered fields: the profile's conditions (each with its first ICD-10-CM code), the current
plan (protocol, target dose, steps) and the diary (check-ins with their side effects).
The patient appears only under their ``public_id`` (a random UUID), never by name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from ldncare.core.fhir import PatientRecord, PrescribedPlan, condition_entry, export_bundle
from ldncare.core.fhir.resources import Bundle
from ldncare.core.response.diary import diary_date_problem, latest_diary_date
from ldncare.core.text import control_character_message
from ldncare.web.accounts.zones import user_zone
from ldncare.web.record import core_bridge
from ldncare.web.record.models import CheckIn, Plan, Profile, SideEffectReport
from ldncare.web.tracking.models import TrackedValue
from ldncare.web.tracking.selectors import items_of, with_tracked
from ldncare.web.tracking.services import value_problem

__all__ = ["ON_EXISTING", "RestoreError", "RestoreReport", "export_patient_bundle", "patient_record", "patient_time_zone",
           "restore_record"]

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
    diary = with_tracked(core_bridge.to_diary(checkins), patient, checkins) if checkins else None  # her own items too
    names = {item.code: item.name for item in items_of(patient)}
    return PatientRecord(pseudonym=str(patient.public_id), conditions=conditions,
                         other_conditions=tuple(profile.other_conditions) if profile else (), plan=prescribed,
                         diary=diary, names=names)


def patient_time_zone(patient) -> str:
    """The IANA name of ``patient``'s own time zone (``User.time_zone``, read through ``accounts.zones``):
    the zone their diary's wall-clock dose times were written in."""
    return user_zone(patient).key


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


ON_EXISTING = ("refuse", "keep-existing")
"""What to do with a day the patient already has: refuse the import, or keep their day and list the bundle's."""


class RestoreError(ValueError):
    """A record that cannot be written; ``problems`` lists each (``2026-03-01: ...``)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = "; ".join(problems[:10]) + (f" (and {len(problems) - 10} more)" if len(problems) > 10 else "")
        super().__init__(f"{len(problems)} problem(s), nothing was written: {shown}")


@dataclass(frozen=True)
class RestoreReport:
    """What :func:`restore_record` wrote, which days it left as they were, and what the database cannot hold."""

    days_written: int
    kept_existing: tuple[dt.date, ...] = ()
    not_stored: tuple[str, ...] = ()


@transaction.atomic
def restore_record(patient, record: PatientRecord, *, author=None, on_existing: str = "refuse") -> RestoreReport:
    """Write an imported record into ``patient``'s record: conditions (added), plan (the new current one), diary.

    All or nothing (one transaction); the caller has checked that ``author`` may write it. A
    day the patient already has is never overwritten: ``on_existing="refuse"`` raises
    :class:`RestoreError` naming every such day, ``"keep-existing"`` keeps the patient's day and
    lists it. Every day is checked against the check-in rules (2000-01-01 to today, the
    model's field limits, no control characters); what the database has no place for
    (extra outcome columns, phases, a trial design) is listed in ``not_stored``.
    """
    if on_existing not in ON_EXISTING:
        raise ValueError(f"on_existing {on_existing!r}; allowed: {', '.join(ON_EXISTING)}")
    days = record.diary.days if record.diary else ()
    existing = set(CheckIn.objects.filter(patient=patient, date__in=[d.date for d in days]).values_list("date", flat=True))
    problems, not_stored = [], []
    if existing and on_existing == "refuse":
        problems += [f"{day.isoformat()}: the patient already has this day (allowed: a new day, or keep-existing)"
                     for day in sorted(existing)]
    latest = latest_diary_date()
    checkins = []
    own = {item.code: item for item in items_of(patient)}  # her own outcomes and factors, by diary column
    for day in days:
        if day.date in existing:
            continue
        where = day.date.isoformat()
        if (problem := diary_date_problem(day.date, latest=latest)) is not None:
            problems.append(f"{where}: {problem}")
            continue
        if (problem := control_character_message(day.notes)) is not None:
            problems.append(f"{where}: notes: {problem}")
            continue
        scores, tracked = {}, {}
        for name, number in [*day.scores.items(), *day.factors.items()]:
            if name in own and name not in SCORE_FIELDS:
                if (problem := value_problem(own[name].kind, number)) is not None:
                    problems.append(f"{where}: {name}: {problem}")
                else:
                    tracked[own[name]] = Decimal(repr(number))
            elif name not in SCORE_FIELDS and name in day.factors:
                not_stored.append(f"{where} {name} {number:g}: not one of the patient's factors (add it on "
                                  "'My outcomes and factors' first)")
        for name, score in day.scores.items():
            if name in own:
                continue
            if name not in SCORE_FIELDS:
                not_stored.append(f"{where} {name} {score:g}: the database keeps pain, fatigue, sleep quality and mood")
            elif score != int(score):
                problems.append(f"{where}: {name} score {score:g} is not a whole number; the database stores 0-10 in "
                                "steps of 1")
            else:
                scores[SCORE_FIELDS[name]] = int(score)
        if day.phase:
            not_stored.append(f"{where} phase {day.phase!r}: the database keeps no phases")
        checkin = CheckIn(patient=patient, date=day.date, dose_time=day.dose_time, pgic_score=day.pgic,
                          notes=day.notes, ldn_dose_mg=None if day.ldn_dose_mg is None else Decimal(repr(day.ldn_dose_mg)),
                          symptom=day.symptom, symptom_severity=day.symptom_severity or "", **scores)
        try:
            checkin.full_clean(exclude=["patient", "uuid"], validate_unique=False)
        except ValidationError as exc:
            problems += [f"{where}: {field}: {' '.join(messages)}" for field, messages in exc.message_dict.items()]
            continue
        checkins.append((checkin, day.side_effects, tracked))
    if problems:
        raise RestoreError(problems)
    if record.trial is not None:
        not_stored.append(f"trial design {record.trial.trial_id}: the database keeps trials through the pharmacy")
    if record.conditions or record.other_conditions:
        profile, _ = Profile.objects.get_or_create(patient=patient)
        profile.condition_ids = sorted(set(profile.condition_ids) | {c.id for c in record.conditions})
        profile.other_conditions = list(dict.fromkeys([*profile.other_conditions, *record.other_conditions]))
        profile.save()
    if record.plan is not None:
        Plan.objects.filter(patient=patient, is_current=True).update(is_current=False)
        steps = record.plan.to_json()["steps"]
        Plan.objects.create(
            patient=patient, author=author, source=Plan.Source.CLINICIAN if author else Plan.Source.PATIENT,
            protocol=record.plan.protocol, target_dose_mg=record.plan.target_mg, is_current=True,
            steps=[{k: v for k, v in step.items() if k not in ("measurable", "days")} for step in steps])
    for checkin, side_effects, tracked in checkins:
        checkin.save()
        for side_effect, severity in side_effects:
            SideEffectReport.objects.create(checkin=checkin, side_effect_id=side_effect, severity=severity)
        TrackedValue.objects.bulk_create(TrackedValue(checkin=checkin, item=item, value=value)
                                         for item, value in tracked.items())
    return RestoreReport(days_written=len(checkins), kept_existing=tuple(sorted(existing)), not_stored=tuple(not_stored))
