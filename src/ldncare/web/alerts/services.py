"""Alert writes (keyword-only, atomic, audited in the same transaction as the data).

:func:`alerts_raise` is called by :func:`ldncare.web.record.services.checkin_save` inside the
check-in's own transaction, so the alert and the report are stored together or not at all,
whether the day came from the page, the API or an offline sync (which uses the API).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import transaction
from django.utils import timezone

from ldncare.web.access.audit import audit
from ldncare.web.access.models import AuditEvent, Grant
from ldncare.web.alerts.models import Alert
from ldncare.web.record import core_bridge

__all__ = ["alert_acknowledge", "alerts_raise"]


def _recipients(patient) -> list[int]:
    """The clinicians the patient shares her record with now (active grants)."""
    return list(Grant.objects.active().filter(patient=patient, kind=Grant.Kind.CLINICIAN).order_by()
                .values_list("clinician_id", flat=True).distinct())


def alerts_raise(*, patient, checkin, effects: Iterable[tuple[str, str]], symptom: tuple[str, str] | None = None,
                 days_on_dose: Callable[[], int] | None = None) -> int:
    """One alert per clinician for each report of the day that triages to urgent or contact-prescriber.

    ``effects``: the chosen side effects ``(id, severity)``; ``symptom``: the day's symptom typed in
    the person's own words ``(text, severity)`` (triaged as free text; its alert is of kind
    ``symptom_text`` and keeps the words in ``reported_text``).

    No query unless a report alerts (then: the grants, maybe the days on the dose, one insert).
    A report already alerted for that day and level is not alerted again (unique constraint,
    conflicts ignored). Returns the number of alert rows offered.
    """
    reports = core_bridge.alert_reports(
        effects, days_on_dose=days_on_dose or (lambda: core_bridge.days_on_current_dose(checkin)), symptom=symptom)
    if not reports:
        return 0
    clinicians = _recipients(patient)
    rows = [
        Alert(kind=Alert.Kind.SYMPTOM_TEXT if "reported_text" in r else Alert.Kind.SIDE_EFFECT, level=r["urgency"],
              patient=patient, recipient_id=clinician_id, checkin=checkin, day=checkin.date,
              report_key=r["effect_id"], effect_name=r["name"][:120], severity=r["severity"],
              reported_text=r.get("reported_text", ""), title=r["headline"][:200])
        for r in reports for clinician_id in clinicians
    ]
    if rows:
        Alert.objects.bulk_create(rows, ignore_conflicts=True)
        # Once the check-in has committed, the notifier e-mails each clinician (ldncare.web.notify).
        from ldncare.web.notify.care_team import alerts_announce

        transaction.on_commit(lambda: alerts_announce(patient_id=patient.pk))
    return len(rows)


@transaction.atomic
def alert_acknowledge(*, request, alert: Alert, channel: str = "web") -> Alert:
    """Mark ``alert`` acknowledged by ``request.user`` (the first acknowledgement stands), audited."""
    locked = Alert.objects.select_for_update().select_related("patient").get(pk=alert.pk)
    if locked.acknowledged_at is None:
        locked.acknowledged_at = timezone.now()
        locked.acknowledged_by = request.user
        locked.save(update_fields=["acknowledged_at", "acknowledged_by"])
    audit(request, subject=locked.patient, object_type="alert", object_id=locked.uuid, action="update",
          outcome=AuditEvent.Outcome.ALLOWED, channel=channel)
    return locked
