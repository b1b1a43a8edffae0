"""Who in the care team is told of what: an alert (an urgent or contact-prescriber report in a
check-in) reaches the clinician it is for; a new prescription reaches the pharmacy's pharmacists.

Each function is safe to call again: a delivery exists once per (kind, recipient, object, channel),
so the worker's periodic scan and the immediate call after a save never tell anyone twice.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import CharField, Exists, OuterRef
from django.db.models.functions import Cast
from django.utils import timezone

from ldncare.web.notify.models import Delivery
from ldncare.web.notify.services import deliveries_create

__all__ = ["SCAN_WINDOW", "alert_delivered", "alerts_announce", "prescription_notify", "prescriptions_scan",
           "subject_of"]

#: How far back the worker's scan looks for objects nobody was told of yet.
SCAN_WINDOW = dt.timedelta(days=7)
CARE_TEAM_CHANNELS = ("email",)


def prescription_notify(prescription) -> None:
    """Tell every active pharmacist of the prescription's pharmacy (once each)."""
    from ldncare.web.accounts.models import Role, User

    pharmacists = User.objects.filter(pharmacy_id=prescription.pharmacy_id, role=Role.PHARMACIST, is_active=True)
    deliveries_create(kind=Delivery.Kind.PRESCRIPTION, key=str(prescription.pk),
                      recipients=[(pk, CARE_TEAM_CHANNELS) for pk in pharmacists.values_list("pk", flat=True)])


def _unannounced(queryset, kind: str):
    told = Delivery.objects.filter(kind=kind, key=Cast(OuterRef("pk"), output_field=CharField()))
    return queryset.filter(created_at__gte=timezone.now() - SCAN_WINDOW).exclude(Exists(told))


def prescriptions_scan() -> int:
    """Deliveries for recent prescriptions nobody was told of (e.g. sent while the worker was down)."""
    from ldncare.web.clinic.models import Prescription

    found = 0
    for prescription in _unannounced(Prescription.objects.all(), Delivery.Kind.PRESCRIPTION):
        prescription_notify(prescription)
        found += 1
    return found


def alerts_announce(*, patient_id: int | None = None) -> int:
    """Deliveries for alerts nobody was told of yet (of one patient, or all: the worker's scan).
    Called once the check-in that raised them has committed, and by every worker tick."""
    from ldncare.web.alerts.models import Alert

    alerts = _unannounced(Alert.objects.undelivered(), Delivery.Kind.ALERT)
    if patient_id is not None:
        alerts = alerts.filter(patient_id=patient_id)
    found = 0
    for alert_id, recipient_id in alerts.values_list("pk", "recipient_id"):
        deliveries_create(kind=Delivery.Kind.ALERT, key=str(alert_id), recipients=[(recipient_id, CARE_TEAM_CHANNELS)])
        found += 1
    return found


def alert_delivered(delivery: Delivery) -> None:
    """The alert's message has left: mark the alert notified (its ``notified_at``)."""
    from ldncare.web.alerts.models import Alert

    Alert.objects.filter(pk=int(delivery.key), notified_at__isnull=True).update(notified_at=timezone.now())


def subject_of(delivery: Delivery) -> int | None:
    """The patient whose record a care-team message is about (for the audit row)."""
    if delivery.kind == Delivery.Kind.ALERT:
        from ldncare.web.alerts.models import Alert

        return Alert.objects.filter(pk=int(delivery.key)).values_list("patient_id", flat=True).first()
    if delivery.kind == Delivery.Kind.PRESCRIPTION:
        from ldncare.web.clinic.models import Prescription

        return Prescription.objects.filter(pk=int(delivery.key)).values_list("patient_id", flat=True).first()
    return None
