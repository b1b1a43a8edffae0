"""Writes to the patient record (HackSoft style: ``<entity>_<action>``, keyword-only, atomic).

Every service is called only after :mod:`ldncare.web.policy` allowed the write, and
writes its audit row in the same transaction as the data.
"""

from __future__ import annotations

import datetime as dt
import uuid as uuid_module
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ldncare.core.fhir.record import MAX_OTHER_CONDITIONS, other_condition_problem
from ldncare.core.response.diary import symptom_problems
from ldncare.core.text import strip_control_characters
from ldncare.web.access.audit import audit
from ldncare.web.access.models import AuditEvent
from ldncare.web.alerts.services import alerts_raise
from ldncare.web.idempotency import idempotency_forget
from ldncare.web.inserts import insert_rows, insert_unless_conflict
from ldncare.web.record.models import CheckIn, Plan, Profile, SideEffectReport
from ldncare.web.record.vocab import condition_ids, side_effect_ids

__all__ = [
    "CheckInData",
    "DuplicateDayError",
    "DuplicateIdError",
    "account_delete",
    "checkin_create",
    "checkin_delete",
    "checkin_save",
    "other_conditions_clean",
    "plan_save",
    "profile_save",
]

ALLOWED = AuditEvent.Outcome.ALLOWED
SEVERITIES = {choice.value for choice in SideEffectReport.Severity}


class DuplicateDayError(Exception):
    """A different check-in already exists for this patient and date."""


class DuplicateIdError(DuplicateDayError):
    """An entry with this (client-made) id already exists."""


@dataclass(frozen=True)
class CheckInData:
    """One day's values, as entered (validated again by the model)."""

    date: dt.date
    ldn_dose_mg: Decimal | None = None
    dose_time: dt.time | None = None
    pain_score: int | None = None
    fatigue_score: int | None = None
    sleep_quality_score: int | None = None
    mood_score: int | None = None
    pgic_score: int | None = None
    notes: str = ""
    side_effects: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    symptom: str = ""  # "Something else?": as typed (stripped), with its severity ("" when none)
    symptom_severity: str = ""

    VALUE_FIELDS = ("date", "ldn_dose_mg", "dose_time", "pain_score", "fatigue_score",
                    "sleep_quality_score", "mood_score", "pgic_score", "notes", "symptom", "symptom_severity")


def _validate_side_effects(side_effects) -> list[tuple[str, str]]:
    known = side_effect_ids()
    seen: dict[str, str] = {}
    for effect_id, severity in side_effects:
        if effect_id not in known:
            raise ValidationError({"side_effects": f"unknown side effect {effect_id!r}; allowed: {', '.join(sorted(known))}"})
        if severity not in SEVERITIES:
            raise ValidationError({"side_effects": f"unknown severity {severity!r}; allowed: mild, moderate, severe"})
        seen[effect_id] = severity
    return sorted(seen.items())


def _validated_reports(data: CheckInData) -> list[tuple[str, str]]:
    """The day's side effects, sorted, once they and the symptom are known to be valid."""
    effects = _validate_side_effects(data.side_effects)
    if problems := symptom_problems(data.symptom, data.symptom_severity):
        raise ValidationError(problems)
    return effects


def _apply(checkin: CheckIn, data: CheckInData, *, exclude: list[str]) -> None:
    """Put ``data`` on ``checkin`` and validate it (no query)."""
    for name in CheckInData.VALUE_FIELDS:
        setattr(checkin, name, getattr(data, name))
    checkin.symptom = checkin.symptom.strip()
    # The field validators hold the same ranges as the table's check constraints, and the
    # one-per-day rule is kept by the unique index: validating the constraints again here
    # would cost a query and a savepoint each on every save. The patient was loaded (and
    # authorised) by the caller, so its foreign key is not looked up again.
    checkin.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


def _reports_save(*, request, patient, checkin: CheckIn, effects: list[tuple[str, str]], action: str,
                  channel: str) -> None:
    """The day's side effects, the alerts they raise and the audit row, after the day itself was written."""
    insert_rows(
        SideEffectReport(checkin=checkin, side_effect_id=effect_id, severity=severity) for effect_id, severity in effects
    )
    if effects or checkin.symptom:  # an urgent or contact-prescriber report alerts every clinician she shares with, now
        alerts_raise(patient=patient, checkin=checkin, effects=effects,
                     symptom=(checkin.symptom, checkin.symptom_severity) if checkin.symptom else None)
    audit(request, subject=patient, object_type="checkin", object_id=checkin.uuid, action=action, outcome=ALLOWED,
          channel=channel)


@transaction.atomic
def checkin_save(*, request, patient, data: CheckInData, checkin: CheckIn | None = None,
                 checkin_uuid: uuid_module.UUID | None = None, channel: str = "web") -> CheckIn:
    """Create or update one diary day.

    ``checkin`` given: update it. Otherwise the day for ``data.date`` is updated if it exists
    (the page's "edit a past day"), unless ``checkin_uuid`` is given for a new entry and the
    day already holds a different one (:class:`DuplicateDayError`, the API's 409).
    """
    effects = _validated_reports(data)
    action = "update"
    if checkin is None:
        checkin = CheckIn.objects.select_for_update().filter(patient=patient, date=data.date).first()
        if checkin is not None and checkin_uuid is not None and checkin.uuid != checkin_uuid:
            raise DuplicateDayError(f"a check-in for {data.date.isoformat()} already exists")
    if checkin is None:
        action = "create"
        checkin = CheckIn(patient=patient, uuid=checkin_uuid or uuid_module.uuid4())
    elif data.date != checkin.date and CheckIn.objects.filter(patient=patient, date=data.date).exclude(pk=checkin.pk).exists():
        raise DuplicateDayError(f"a check-in for {data.date.isoformat()} already exists")
    _apply(checkin, data, exclude=["patient", "uuid"] if action == "update" else ["patient"])
    try:
        checkin.save()
    except IntegrityError:
        # Raised out of this function's atomic block, which rolls back to its savepoint (or the
        # whole transaction): the caller's transaction stays usable, as it must for the API to
        # store the 409 under its Idempotency-Key, without a second savepoint around the save.
        raise DuplicateDayError(f"a check-in for {data.date.isoformat()} already exists") from None
    if action == "update":  # a new day has no side effects yet
        checkin.side_effects.all().delete()
    _reports_save(request=request, patient=patient, checkin=checkin, effects=effects, action=action, channel=channel)
    return checkin


def checkin_create(*, request, patient, data: CheckInData, checkin_uuid: uuid_module.UUID,
                   channel: str = "api") -> tuple[CheckIn, list[tuple[str, str]]]:
    """Add a new diary day with the client's id (the API's POST); returns it with its side effects as stored.

    The lean path of a new day: everything is validated before the first statement, and the
    day goes in with one ``INSERT … ON CONFLICT DO NOTHING`` — no look-up first, no savepoint.
    A day already held (by this id, or another entry on that date) raises
    :class:`DuplicateIdError` / :class:`DuplicateDayError` after the (joined) transaction block,
    so the caller's transaction stays usable for its 409 and nothing was written. Called inside
    a transaction, it joins it; alone, it is one.
    """
    effects = _validated_reports(data)
    checkin = CheckIn(patient=patient, uuid=checkin_uuid)
    _apply(checkin, data, exclude=["patient"])
    with transaction.atomic(savepoint=False):  # only a failing statement raises in here: then all rolls back
        stored = insert_unless_conflict(checkin)
        if stored:
            _reports_save(request=request, patient=patient, checkin=checkin, effects=effects, action="create",
                          channel=channel)
    if not stored:
        if CheckIn.objects.filter(uuid=checkin_uuid).exists():
            raise DuplicateIdError("an entry with this id already exists")
        raise DuplicateDayError(f"a check-in for {data.date.isoformat()} already exists")
    return checkin, effects


@transaction.atomic
def checkin_delete(*, request, patient, checkin: CheckIn, channel: str = "web") -> None:
    object_id = checkin.uuid
    checkin.delete()
    idempotency_forget(object_id)  # stored API answers hold the deleted day's values
    audit(request, subject=patient, object_type="checkin", object_id=object_id, action="delete", outcome=ALLOWED,
          channel=channel)


def other_conditions_clean(entries) -> list[str]:
    """Conditions beyond the library, as typed (each trimmed; blank lines and repeats dropped), or
    ValidationError saying what is allowed (:func:`~ldncare.core.fhir.record.other_condition_problem`)."""
    kept: list[str] = []
    for entry in entries:
        text = entry.strip()
        if not text:
            continue
        if (problem := other_condition_problem(text)) is not None:
            raise ValidationError(f"“{strip_control_characters(text)[:40]}”: {problem}")
        if text not in kept:
            kept.append(text)
    if len(kept) > MAX_OTHER_CONDITIONS:
        raise ValidationError(f"{len(kept)} other conditions; allowed: at most {MAX_OTHER_CONDITIONS}")
    return kept


@transaction.atomic
def profile_save(*, request, patient, condition_ids_: list[str], medicines: list[str], pregnant: bool,
                 breastfeeding: bool, hepatic: str, planned_surgery_on: dt.date | None,
                 other_conditions: list[str] | None = None) -> Profile:
    """Save the onboarding answers (validated against the knowledge vocabulary). ``other_conditions``:
    conditions beyond the library, stored as typed (``None``: left as they are)."""
    unknown = sorted(set(condition_ids_) - condition_ids())
    if unknown:
        raise ValidationError({"condition_ids": f"unknown condition(s): {', '.join(unknown)}"})
    if other_conditions is not None:
        try:
            other_conditions = other_conditions_clean(other_conditions)
        except ValidationError as exc:
            raise ValidationError({"other_conditions": exc.messages}) from None
    profile, _ = Profile.objects.select_for_update().get_or_create(patient=patient)
    profile.condition_ids = sorted(set(condition_ids_))
    if other_conditions is not None:
        profile.other_conditions = other_conditions
    profile.medicines = [m.strip()[:200] for m in medicines if m.strip()][:50]
    profile.pregnant = pregnant
    profile.breastfeeding = breastfeeding
    profile.hepatic = hepatic
    profile.planned_surgery_on = planned_surgery_on
    profile.full_clean(exclude=["patient"])
    profile.save()
    audit(request, subject=patient, object_type="profile", object_id=profile.pk, action="update", outcome=ALLOWED)
    return profile


@transaction.atomic
def plan_save(*, request, patient, author, source: str, steps: list[dict], target_dose_mg: Decimal,
              protocol: str = "", notes: str = "", sent_to_pharmacy=None, channel: str = "web") -> Plan:
    """Add a plan and make it the current one (earlier plans are kept, not current)."""
    Plan.objects.filter(patient=patient, is_current=True).update(is_current=False)
    plan = Plan(patient=patient, author=author, source=source, steps=steps, target_dose_mg=target_dose_mg,
                protocol=protocol, notes=notes, sent_to_pharmacy=sent_to_pharmacy, is_current=True)
    plan.full_clean(exclude=["patient", "author"])
    plan.save()
    audit(request, subject=patient, object_type="plan", object_id=plan.uuid, action="create", outcome=ALLOWED,
          channel=channel)
    return plan


@transaction.atomic
def account_delete(*, request, patient) -> None:
    """Delete the patient's account and, with it, their whole record (cascade).

    The audit rows stay: they hold ids and outcomes only, no health values, and are the
    record of who accessed the data while it existed.
    """
    audit(request, subject=patient, object_type="account", object_id=patient.public_id, action="delete",
          outcome=ALLOWED)
    patient.delete()
